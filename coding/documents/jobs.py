"""The documents subject's job handler and export section (imported by CodingConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from coding.documents import selectors, services
from research.exports import export_section
from research.jobs import Report, job_handler
from research.models import Job, Project


@job_handler(services.INGEST, label=_("Reading a document"))
def document_ingest_job(job: Job, report: Report) -> dict[str, Any]:
    return services.document_ingest(
        document_id=job.params["document"],
        report=report,
        keep_title=bool(job.params.get("keep_title")),
    )


@export_section("documents")
def documents_export(project: Project) -> list[dict[str, Any]]:
    return selectors.document_export(project=project)
