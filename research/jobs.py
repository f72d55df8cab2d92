"""Long-running work as a database row plus a thin Celery task: the one job lifecycle.

Declaring work:
- ``@job_handler("kind", label=..., retry_safe=True)`` registers the function that does a job
  kind's work. It gets the Job row and a ``report(percent, message)`` callback and returns a
  JSON-able result; it raises ``JobError`` with a sentence for the researcher when the input is
  at fault (anything else is recorded as an unexpected failure). Handlers live in a module named
  ``jobs.py`` anywhere inside an app; :func:`jobs_autodiscover` imports every one at start-up.
- ``@job_task("app.name")`` declares a Celery task with the delivery rules every task shares.

The row is the truth, the broker only a doorbell:
- :func:`job_enqueue` creates the row and rings after the transaction commits. If the broker is
  down the row stays QUEUED (the request does not fail) and :func:`jobs_sweep` rings again.
- :func:`job_run` claims the row with a conditional UPDATE (a redelivered message or a second
  ring does nothing twice) and runs the handler while a heartbeat shows the worker is alive.
- Inside a handler, or a task that helps it: :func:`job_progress`, :func:`job_check_cancelled`,
  :func:`job_finish`, :func:`job_fail`; each touches only a RUNNING row, so a cancel or a sweep
  that came first wins.
- :func:`jobs_sweep` (periodic) re-sends queued jobs nobody picked up, retries or fails running
  jobs whose heartbeat stopped (their worker died), and fails jobs past their time limit.
"""

from __future__ import annotations

import contextvars
import importlib
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from celery import current_app, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from research.models import Job, JobStatus, Project

logger = logging.getLogger(__name__)

Report = Callable[..., None]
Handler = Callable[[Job, Report], dict[str, Any]]


@dataclass(frozen=True)
class JobKind:
    handler: Handler
    label: str | None
    retry_safe: bool
    on_stopped: Callable[[Job, str], None] | None = None


_HANDLERS: dict[str, JobKind] = {}
_inline: contextvars.ContextVar[bool] = contextvars.ContextVar("job_inline", default=False)


class JobError(Exception):
    """A failure the researcher can act on; its message is shown as it is."""


class JobCancelled(Exception):
    """Raised inside a handler's progress report once the job is no longer running."""


# --- declaring work ---------------------------------------------------------------------------


def job_handler(
    kind: str,
    *,
    label: str | None = None,
    retry_safe: bool = False,
    on_stopped: Callable[[Job, str], None] | None = None,
) -> Callable[[Handler], Handler]:
    """Register the handler of a job kind; `label` is what researchers see on job pages.

    ``retry_safe=True`` declares that running the handler again after its worker died midway
    does no harm (it rewrites what it wrote); such jobs are retried, others failed.
    ``on_stopped(job, error)`` is called once the row is FAILED or CANCELLED by any path (the
    handler's error, a crash, the sweep after a dead worker or the time limit, a cancel), so
    the domain row the job works for (a document being read, say) never stays "processing"
    behind a job that stopped.
    """

    def register(func: Handler) -> Handler:
        if kind in _HANDLERS and _HANDLERS[kind].handler is not func:
            raise ValueError(f"Two job handlers for {kind!r}")
        _HANDLERS[kind] = JobKind(
            handler=func, label=label, retry_safe=retry_safe, on_stopped=on_stopped
        )
        return func

    return register


def job_task(name: str, **options: Any) -> Callable:
    """Declare a Celery task: named explicitly, acknowledged only after it ran (a worker that
    dies leaves the message for another), and bounded by the job time limits."""
    return shared_task(
        name=name,
        acks_late=True,
        reject_on_worker_lost=True,
        time_limit=settings.JOB_TIME_LIMIT_SECONDS,
        soft_time_limit=settings.JOB_TIME_LIMIT_SECONDS - 30,
        **options,
    )


def jobs_autodiscover() -> list[str]:
    """Import every ``jobs.py`` inside the project's apps (``coding/runs/jobs.py`` too), so
    web processes and workers know the same handlers and no list of modules can go stale.
    An import error is not skipped: it stops the start-up."""
    base = Path(settings.BASE_DIR).resolve()
    found = []
    for config in apps.get_app_configs():
        root = Path(config.path).resolve()
        if not root.is_relative_to(base) or ".venv" in root.parts:
            continue
        for path in sorted(root.rglob("jobs.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if "migrations" in parts or "tests" in parts:
                continue
            module = ".".join((config.name, *parts))
            importlib.import_module(module)
            found.append(module)
    return found


def job_label(kind: str) -> str:
    spec = _HANDLERS.get(kind)
    return str(spec.label) if spec and spec.label else kind


# --- queueing ---------------------------------------------------------------------------------


def job_enqueue(
    *, kind: str, project: Project | None, requested_by, params: dict[str, Any] | None = None
) -> Job:
    """Create a queued job; its task is sent once the surrounding transaction commits."""
    if kind not in _HANDLERS:
        raise ValueError(f"No job handler for {kind!r}")
    job = Job.objects.create(
        kind=kind,
        project=project,
        requested_by=requested_by,
        params=params or {},
        language=translation.get_language() or "",
    )
    transaction.on_commit(lambda: job_dispatch(job_id=job.pk))
    return job


def job_dispatch(*, job_id: int) -> bool:
    """Ring the doorbell for a committed job. Never raises: when the broker is unreachable the
    row stays QUEUED with no ``dispatched_at`` and the sweep sends it later."""
    from research.tasks import job_run_task

    try:
        # No retries: a request must not hang on a broker that is down. `retry=False` covers
        # the publish only; connecting would still retry for seconds (kombu's defaults), so
        # connect once here and publish on that connection.
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
            job_run_task.apply_async((job_id,), retry=False, connection=conn)
    except Exception:
        logger.warning("Job %s stays queued: the broker did not take it", job_id, exc_info=True)
        return False
    Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(dispatched_at=timezone.now())
    return True


def jobs_broker_available() -> bool:
    """Whether the job system's broker answers now (pages say "queued, will start when the
    job system is back" when it does not)."""
    app = current_app
    if app.conf.task_always_eager:
        return True
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
    except Exception:
        return False
    return True


# --- running ----------------------------------------------------------------------------------


def job_run(job_id: int, *, heartbeat: bool = False) -> None:
    """Claim a job and run its handler; ``heartbeat`` starts the ticker (workers only)."""
    job = _claim(job_id)
    if job is None:
        return
    spec = _HANDLERS.get(job.kind)
    if spec is None:
        job_fail(job=job, error=_("This kind of job (%(kind)s) is unknown.") % {"kind": job.kind})
        return

    def report(percent: int, message: str = "") -> None:
        job_progress(job=job, percent=percent, message=message)

    with translation.override(job.language or None):
        _run_handler(job, spec, report, heartbeat=heartbeat)


def _run_handler(job: Job, spec: JobKind, report: Callable, *, heartbeat: bool) -> None:
    try:
        with _ticking(job) if heartbeat else _nothing():
            result = spec.handler(job, report)
    except JobCancelled:
        return
    except JobError as exc:
        job_fail(job=job, error=str(exc))
    except SoftTimeLimitExceeded:
        job_fail(job=job, error=_limit_sentence())
    except Exception as exc:  # the row must never stay "running" after a crash
        logger.exception("Job %s (%s) crashed", job.pk, job.kind)
        job_fail(job=job, error=_("Unexpected error: %(error)s") % {"error": exc})
    else:
        job_finish(job=job, result=result or {})


def job_run_inline(job: Job) -> None:
    """Run a queued job now, in this process and transaction (the demo builds a project this
    way). Handlers that fan work out to other tasks do it all here instead: see
    :func:`job_runs_inline`."""
    token = _inline.set(True)
    try:
        job_run(job.pk)
    finally:
        _inline.reset(token)
    job.refresh_from_db()


def job_runs_inline() -> bool:
    """True inside :func:`job_run_inline`, where no other worker can see this transaction."""
    return _inline.get()


def _claim(job_id: int) -> Job | None:
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING,
        started_at=now,
        heartbeat_at=now,
        progress=0,
        attempts=F("attempts") + 1,
    )
    if claimed:
        return Job.objects.get(pk=job_id)
    job = Job.objects.filter(pk=job_id, status=JobStatus.RUNNING).first()
    if job is None or not _stale(job, now):
        logger.info("Job %s was already claimed or finished; skipping", job_id)
        return None
    # A redelivered message of a job whose worker died (its heartbeat stopped): take it over,
    # once, whatever other copies of the message arrive.
    if not _may_retry(job):
        _fail_stopped(job, now)
        return None
    reclaimed = Job.objects.filter(
        pk=job_id, status=JobStatus.RUNNING, attempts=job.attempts, heartbeat_at=job.heartbeat_at
    ).update(started_at=now, heartbeat_at=now, attempts=F("attempts") + 1)
    return Job.objects.get(pk=job_id) if reclaimed else None


def job_progress(*, job: Job, percent: int, message: str = "") -> None:
    """Record progress (and a heartbeat); raises ``JobCancelled`` once the job stopped running,
    so a handler stops at its next report."""
    percent = max(0, min(100, int(percent)))
    updated = Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
        progress=percent, message=message[:300], heartbeat_at=timezone.now()
    )
    if not updated:
        raise JobCancelled


def job_check_cancelled(*, job: Job) -> None:
    """Raise ``JobCancelled`` when the job is no longer running (cancelled, failed elsewhere,
    or finished by another copy)."""
    if not Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).exists():
        raise JobCancelled


def job_finish(*, job: Job, result: dict[str, Any] | None = None) -> bool:
    """Mark a running job succeeded; False (and nothing changes) if it no longer ran."""
    return _end(
        job, status=JobStatus.SUCCEEDED, progress=100, result=result or {}, message=_("Done")
    )


def job_fail(*, job: Job, error: str) -> bool:
    """Mark a running job failed with a sentence for the researcher; False if it no longer ran."""
    failed = _end(job, status=JobStatus.FAILED, error=error)
    if failed:
        _stopped(job, error)
    return failed


def _stopped(job: Job, error: str) -> None:
    spec = _HANDLERS.get(job.kind)
    if spec and spec.on_stopped:
        spec.on_stopped(job, error)


def _end(job: Job, **fields: Any) -> bool:
    fields.setdefault("error", "")
    # Only a running row is finished here: a cancel or a sweep that came first wins.
    return bool(
        Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
            finished_at=timezone.now(), **fields
        )
    )


def job_cancel(*, job: Job) -> bool:
    """Cancel a queued or running job; the handler stops at its next progress report."""
    cancelled = bool(
        Job.objects.filter(pk=job.pk, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).update(
            status=JobStatus.CANCELLED,
            finished_at=timezone.now(),
            message=_("Cancelled"),
        )
    )
    if cancelled:
        _stopped(job, _("Cancelled before it finished."))
    return cancelled


@contextmanager
def _nothing() -> Iterator[None]:
    yield


@contextmanager
def _ticking(job: Job) -> Iterator[None]:
    """Touch the row's heartbeat every few seconds from a thread while the handler runs, so a
    handler busy in one long step still shows its worker alive."""
    stop = threading.Event()
    attempt = job.attempts

    def tick() -> None:
        try:
            while not stop.wait(settings.JOB_HEARTBEAT_SECONDS):
                Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, attempts=attempt).update(
                    heartbeat_at=timezone.now()
                )
        except Exception:  # a lost database connection: the sweep will judge the job
            logger.warning("Heartbeat of job %s stopped", job.pk, exc_info=True)
        finally:
            connection.close()

    thread = threading.Thread(target=tick, name=f"job-{job.pk}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


# --- the sweep --------------------------------------------------------------------------------


def _stale(job: Job, now: datetime) -> bool:
    last = job.heartbeat_at or job.started_at
    return last is None or last < now - timedelta(seconds=settings.JOB_HEARTBEAT_STALE_SECONDS)


def _may_retry(job: Job) -> bool:
    spec = _HANDLERS.get(job.kind)
    return bool(spec and spec.retry_safe and job.attempts < settings.JOB_MAX_ATTEMPTS)


def _ran_seconds(job: Job, now: datetime) -> int:
    last = job.heartbeat_at or now
    return max(0, int((last - (job.started_at or last)).total_seconds()))


def _fail_stopped(job: Job, now: datetime) -> bool:
    seconds = _ran_seconds(job, now)
    spec = _HANDLERS.get(job.kind)
    if spec and spec.retry_safe:
        error = _(
            "Stopped: the worker running this job stopped after %(seconds)d seconds without "
            "finishing (it was restarted or ran out of memory), on each of %(attempts)d "
            "attempts. Start it again; if it stops again, the input may be too large."
        ) % {"seconds": seconds, "attempts": job.attempts}
    else:
        error = _(
            "Stopped: the worker running this job stopped after %(seconds)d seconds without "
            "finishing (it was restarted or ran out of memory). This kind of job is not "
            "repeated by itself: start it again."
        ) % {"seconds": seconds}
    failed = bool(
        Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, attempts=job.attempts).update(
            status=JobStatus.FAILED, finished_at=now, error=error
        )
    )
    if failed:
        _stopped(job, error)
    return failed


def _limit_sentence() -> str:
    return _(
        "Stopped: the job ran longer than its %(minutes)d-minute limit. Start it again; if it "
        "fails again, the input may be too large."
    ) % {"minutes": settings.JOB_TIME_LIMIT_SECONDS // 60}


def _due_again(created_at: datetime, dispatched_at: datetime, now: datetime) -> bool:
    """Whether a queued job sent at `dispatched_at` should be sent again. A job can wait long
    behind others on a busy worker without being lost: the wait before each new send doubles
    (it is as long as the job had already waited when last sent), from
    ``JOB_RESEND_AFTER_SECONDS`` up to ``JOB_RESEND_MAX_SECONDS``, so a long backlog does not
    fill the broker with copies while a lost message is still sent again soon."""
    waited_before = (dispatched_at - created_at).total_seconds()
    interval = min(
        max(settings.JOB_RESEND_AFTER_SECONDS, waited_before), settings.JOB_RESEND_MAX_SECONDS
    )
    return (now - dispatched_at).total_seconds() >= interval


def jobs_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Keep every committed job moving; run by Celery beat every ``JOB_SWEEP_SECONDS``.

    - queued jobs not picked up within ``JOB_RESEND_AFTER_SECONDS`` are sent again (the
      broker lost them, or was down when they were queued), then at doubling intervals (see
      `_due_again`); the claim makes copies harmless;
    - running jobs whose heartbeat is older than ``JOB_HEARTBEAT_STALE_SECONDS`` lost their
      worker: queued again if their kind is safe to repeat and attempts remain, else failed;
    - running jobs past ``JOB_TIME_LIMIT_SECONDS`` are failed.
    """
    now = now or timezone.now()
    counts = {"resent": 0, "retried": 0, "failed": 0}
    resend = now - timedelta(seconds=settings.JOB_RESEND_AFTER_SECONDS)
    waiting = Job.objects.filter(status=JobStatus.QUEUED).filter(
        Q(dispatched_at__lt=resend) | Q(dispatched_at__isnull=True, created_at__lt=resend)
    )
    for job_id, created_at, dispatched_at in waiting.values_list(
        "pk", "created_at", "dispatched_at"
    ):
        if dispatched_at is None or _due_again(created_at, dispatched_at, now):
            counts["resent"] += job_dispatch(job_id=job_id)

    limit = now - timedelta(seconds=settings.JOB_TIME_LIMIT_SECONDS)
    for job in Job.objects.filter(status=JobStatus.RUNNING, started_at__lt=limit):
        error = _limit_sentence()
        if Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
            status=JobStatus.FAILED, finished_at=now, error=error
        ):
            counts["failed"] += 1
            _stopped(job, error)

    stale = now - timedelta(seconds=settings.JOB_HEARTBEAT_STALE_SECONDS)
    dead = Job.objects.annotate(last_beat=Coalesce("heartbeat_at", "started_at")).filter(
        status=JobStatus.RUNNING, last_beat__lt=stale
    )
    for job in dead:
        if not _may_retry(job):
            counts["failed"] += _fail_stopped(job, now)
            continue
        requeued = Job.objects.filter(
            pk=job.pk, status=JobStatus.RUNNING, attempts=job.attempts
        ).update(
            status=JobStatus.QUEUED,
            dispatched_at=None,
            message=_("Queued again: its worker stopped after %(seconds)d seconds")
            % {"seconds": _ran_seconds(job, now)},
        )
        if requeued:
            counts["retried"] += 1
            job_dispatch(job_id=job.pk)
    return counts
