"""Celery subtasks of an agreement run: a few stretches of documents, then a finalizer (a chord).

The job handler (``coding/runs/jobs.py``) dispatches
``chord(group(run_documents_task.s(run_id, [doc_id, ...]) ...), run_finalize_task.s(run_id))``.
Each subtask returns plain per-document partial data for its stretch; the finalizer pools the
parts, stores the results and finishes the Job row itself (the handler returned
``jobs.CONTINUES``). A few larger tasks rather than one per document: each task costs queue
round trips and a result in Redis, which at 26 documents was most of a run.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.db.models import F, Value
from django.db.models.functions import Least
from django.utils.translation import gettext as _

from coding.models import AgreementRun
from coding.runs import services
from research.models import Job, JobStatus

logger = logging.getLogger(__name__)


def _running(run: AgreementRun) -> bool:
    return Job.objects.filter(pk=run.job_id, status=JobStatus.RUNNING).exists()


@shared_task(
    name="coding.runs.documents",
    acks_late=True,
    ignore_result=False,  # a chord header's results are what the finalizer receives
    time_limit=settings.JOB_TIME_LIMIT_SECONDS,
    soft_time_limit=settings.JOB_TIME_LIMIT_SECONDS - 30,
)
def run_documents_task(run_id: int, document_ids: list[int]) -> list[dict]:
    """A stretch of the run's documents, in order: one partial per document."""
    run = AgreementRun.objects.get(pk=run_id)
    if not _running(run):  # cancelled, or failed in another part: skip the work
        return [{"skipped": True}]
    partials = []
    document_id = document_ids[0] if document_ids else None
    try:
        inputs = services.documents_input(run.params["spec"], document_ids)  # four queries
        for document_id in document_ids:
            partials.append(
                services.run_compute_document(
                    run=run, document_id=document_id, prepared=inputs.get(document_id)
                )
            )
    except Exception as exc:  # the finalizer turns this into the job's failure reason
        logger.exception("Agreement run %s failed on document %s", run_id, document_id)
        return [
            {
                "error": _("Unexpected error in document %(id)s: %(error)s")
                % {"id": document_id, "error": exc}
            }
        ]
    total = max(len(run.params["spec"]["documents"]), 1)
    step = max(1, 90 * len(document_ids) // total)
    Job.objects.filter(pk=run.job_id, status=JobStatus.RUNNING).update(
        progress=Least(F("progress") + step, Value(95)),
        message=_("Comparing documents"),
    )
    return partials


@shared_task(
    name="coding.runs.document",
    acks_late=True,
    ignore_result=False,
    time_limit=settings.JOB_TIME_LIMIT_SECONDS,
    soft_time_limit=settings.JOB_TIME_LIMIT_SECONDS - 30,
)
def run_document_task(run_id: int, document_id: int) -> list[dict]:
    """One document (chords dispatched before documents were batched)."""
    return run_documents_task(run_id, [document_id])


@shared_task(
    name="coding.runs.finalize",
    acks_late=True,
    time_limit=settings.JOB_TIME_LIMIT_SECONDS,
    soft_time_limit=settings.JOB_TIME_LIMIT_SECONDS - 30,
)
def run_finalize_task(parts: list[list[dict]], run_id: int) -> None:
    from coding.runs.jobs import run_job_finalize

    # Each part is a stretch of documents; in order, they are the run's documents in order.
    run_job_finalize(
        run_id, [p for part in parts for p in (part if isinstance(part, list) else [part])]
    )
