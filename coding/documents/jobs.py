"""The documents subject's job handler (found by research.jobs.jobs_autodiscover)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from coding.documents import services
from research.jobs import Report, job_handler
from research.models import Job


def document_ingest_failed(job: Job, error: str) -> None:
    """The job failed outside the reading itself (a dead worker, the time limit, a crash):
    the document shows the same reason instead of staying "processing"."""
    services.document_ingest_failed(document_id=job.params["document"], reason=error)


@job_handler(
    services.INGEST,
    label=_("Reading a document"),
    retry_safe=True,
    on_stopped=document_ingest_failed,
)
def document_ingest_job(job: Job, report: Report) -> dict[str, Any]:
    return services.document_ingest(
        document_id=job.params["document"],
        report=report,
        keep_title=bool(job.params.get("keep_title")),
        keep_running_lines=bool(job.params.get("keep_running_lines")),
        ocr_language=str(job.params.get("ocr_language") or ""),
        new_version=str(job.params.get("new_version") or ""),
        requested_by=job.requested_by,
    )
