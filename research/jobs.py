"""Long-running work as a database row plus a thin Celery task.

A feature registers a handler for its job kind with `@job_handler("kind")`. The handler gets the
Job row and a `report(percent, message)` callback, does the work, and returns a JSON-able result.
It raises `JobError` with a sentence for the researcher when the input is at fault; anything else
is recorded as an unexpected failure. `job_enqueue` creates the row and dispatches the task only
after the surrounding transaction commits, so a worker never looks for a row that is not there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from research.models import Job, JobStatus, Project

logger = logging.getLogger(__name__)

Report = Callable[[int, str], None]
Handler = Callable[[Job, Report], dict[str, Any]]

_HANDLERS: dict[str, Handler] = {}
_LABELS: dict[str, str] = {}


class JobError(Exception):
    """A failure the researcher can act on; its message is shown as it is."""


class JobCancelled(Exception):
    """Raised inside a handler's progress report once someone cancelled the job."""


#: A handler returns this when it handed its work on (e.g. to a Celery chord) and will finish
#: the row itself: `job_run` then leaves the row RUNNING. The continuation must finish it with
#: a conditional UPDATE on status RUNNING (see coding/runs/jobs.py, `run_job_finish`), and the
#: sweep still fails it if the continuation dies.
CONTINUES: Any = object()


def job_handler(kind: str, *, label: str | None = None) -> Callable[[Handler], Handler]:
    """Register the handler of a job kind; `label` is what researchers see on job pages."""

    def register(func: Handler) -> Handler:
        _HANDLERS[kind] = func
        if label:
            _LABELS[kind] = label
        return func

    return register


def job_label(kind: str) -> str:
    return str(_LABELS.get(kind, kind))


def job_enqueue(
    *, kind: str, project: Project | None, requested_by, params: dict[str, Any] | None = None
) -> Job:
    if kind not in _HANDLERS:
        raise ValueError(f"No job handler for {kind!r}")
    job = Job.objects.create(
        kind=kind, project=project, requested_by=requested_by, params=params or {}
    )
    transaction.on_commit(lambda: _dispatch(job.pk))
    return job


def _dispatch(job_id: int) -> None:
    from research.tasks import job_run_task

    job_run_task.delay(job_id)


def job_run(job_id: int) -> None:
    """Run a queued job once. A redelivered message or a second dispatch finds it claimed."""
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), progress=0
    )
    if not claimed:
        logger.info("Job %s was already claimed or finished; skipping", job_id)
        return
    job = Job.objects.get(pk=job_id)

    def report(percent: int, message: str = "") -> None:
        percent = max(0, min(100, int(percent)))
        updated = Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
            progress=percent, message=message[:300]
        )
        if not updated:
            raise JobCancelled

    try:
        result = _HANDLERS[job.kind](job, report)
    except JobCancelled:
        return
    except JobError as exc:
        _finish(job, JobStatus.FAILED, error=str(exc))
    except Exception as exc:  # the row must never stay "running" after a crash
        logger.exception("Job %s (%s) crashed", job.pk, job.kind)
        _finish(job, JobStatus.FAILED, error=_("Unexpected error: %(error)s") % {"error": exc})
    else:
        if result is CONTINUES:
            return
        _finish(job, JobStatus.SUCCEEDED, result=result or {})


def _finish(job: Job, status: str, *, result: dict | None = None, error: str = "") -> None:
    fields: dict[str, Any] = {"status": status, "finished_at": timezone.now(), "error": error}
    if status == JobStatus.SUCCEEDED:
        fields.update(progress=100, result=result or {}, message=_("Done"))
    # Only a running row is finished here: a cancel or a sweep that came first wins.
    Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(**fields)


def job_cancel(*, job: Job) -> bool:
    """Cancel a queued or running job; the handler stops at its next progress report."""
    return bool(
        Job.objects.filter(pk=job.pk, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).update(
            status=JobStatus.CANCELLED,
            finished_at=timezone.now(),
            message=_("Cancelled"),
        )
    )


def jobs_sweep(*, now=None) -> int:
    """Fail rows stuck in "running" past the time limit (a worker died or was killed)."""
    now = now or timezone.now()
    limit = settings.JOB_TIME_LIMIT_SECONDS
    cutoff = now - timedelta(seconds=limit)
    return Job.objects.filter(status=JobStatus.RUNNING, started_at__lt=cutoff).update(
        status=JobStatus.FAILED,
        finished_at=now,
        error=_(
            "Stopped: the job ran longer than its %(minutes)d-minute limit, so its worker most "
            "likely stopped. Start it again; if it fails again, the input may be too large."
        )
        % {"minutes": limit // 60},
    )
