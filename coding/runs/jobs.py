"""The agreement run's job: inline for one document, a Celery chord of stretches for several.

``research.jobs.job_run`` finishes a job when its handler returns. A chord finishes later, in
another task, so the handler returns ``jobs.CONTINUES`` (a small addition to research/jobs.py)
and the finalizer finishes the row with :func:`run_job_finish`, a conditional UPDATE on status
RUNNING, exactly like ``job_run`` does: a cancel or a sweep that came first wins.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import chord, group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coding.models import AgreementRun, Document
from coding.runs import services
from coding.runs.tasks import run_documents_task, run_finalize_task  # registers the tasks
from research import jobs
from research.models import Job, JobStatus

logger = logging.getLogger(__name__)


class _Rollback(Exception):
    """The job was cancelled while results were being stored: keep nothing."""


def run_job_finish(
    job_id: int, *, status: str, result: dict | None = None, error: str = ""
) -> bool:
    """Finish a RUNNING job row (status, progress, result, finished_at); False if it was no
    longer running (cancelled or swept), in which case nothing changes."""
    fields: dict[str, Any] = {"status": status, "finished_at": timezone.now(), "error": error}
    if status == JobStatus.SUCCEEDED:
        fields.update(progress=100, result=result or {}, message=_("Done"))
    return bool(Job.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(**fields))


def run_job_finalize(run_id: int, partials: list[dict]) -> None:
    """The chord's body: pool, store and finish the job, or record why it failed."""
    run = AgreementRun.objects.get(pk=run_id)
    errors = [p["error"] for p in partials if p.get("error")]
    if errors:
        run_job_finish(run.job_id, status=JobStatus.FAILED, error=errors[0])
        return
    if any(p.get("skipped") for p in partials):
        return  # cancelled (or already failed) while the documents were computed
    try:
        with transaction.atomic():
            result = services.run_store(run=run, partials=partials)
            if not run_job_finish(run.job_id, status=JobStatus.SUCCEEDED, result=result):
                raise _Rollback
    except _Rollback:
        return
    except jobs.JobError as exc:
        run_job_finish(run.job_id, status=JobStatus.FAILED, error=str(exc))
    except Exception as exc:
        logger.exception("Agreement run %s failed while pooling", run_id)
        run_job_finish(
            run.job_id,
            status=JobStatus.FAILED,
            error=_("Unexpected error: %(error)s") % {"error": exc},
        )


@jobs.job_handler(services.AGREEMENT_JOB, label=gettext_lazy("Agreement run"))
def agreement_run_job(job: Job, report: jobs.Report) -> Any:
    run = AgreementRun.objects.filter(job=job).first()
    if run is None:
        raise jobs.JobError(_("The agreement run of this job no longer exists."))
    documents = run.params["spec"]["documents"]
    if not documents:
        raise jobs.JobError(_("The run has no documents to compare."))
    if len(documents) == 1:
        report(10, _("Comparing the document"))
        partial = services.run_compute_document(run=run, document_id=documents[0])
        report(80, _("Pooling results"))
        return services.run_store(run=run, partials=[partial])
    report(5, _("Comparing %(count)d documents") % {"count": len(documents)})
    sizes = dict(Document.objects.filter(pk__in=documents).values_list("pk", "char_count"))
    chord(
        group(
            run_documents_task.s(run.pk, stretch)
            for stretch in stretches(documents, [sizes.get(d, 0) for d in documents])
        ),
        run_finalize_task.s(run.pk),
    ).apply_async()
    return jobs.CONTINUES


#: Tasks per run: enough to keep a few worker processes busy, few enough that the queue round
#: trips do not dominate. A stretch costs about its text plus a fixed share per document.
STRETCHES = 4
DOCUMENT_COST = 5_000


def stretches(documents: list[int], sizes: list[int], parts: int = STRETCHES) -> list[list[int]]:
    """Split the documents, in order, into at most ``parts`` consecutive stretches of about
    equal cost (the finalizer needs the documents' partials in the run's order)."""
    costs = [size + DOCUMENT_COST for size in sizes]
    target = sum(costs) / max(min(parts, len(documents)), 1)
    out: list[list[int]] = [[]]
    acc = 0.0
    for document, cost in zip(documents, costs, strict=True):
        if out[-1] and acc + cost / 2 > target * len(out) and len(out) < parts:
            out.append([])
        out[-1].append(document)
        acc += cost
    return out
