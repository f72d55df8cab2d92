"""The project export job: writes the export file that the job page offers for download.

`export_file_path` also serves the REFI-QDA export (study/refi/jobs.py).
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from research.jobs import Report, job_handler
from research.models import Job, Project
from study.export import project_export_data, render

PROJECT_EXPORT = "project.export"
QDPX_EXPORT = "project.qdpx_export"  # its handler: study/refi/jobs.py
EXPORT_KINDS = (PROJECT_EXPORT, QDPX_EXPORT)


def export_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "exports"


# Running it again after a worker died rewrites the same file, so a retry does no harm.
@job_handler(PROJECT_EXPORT, label=_("Project export"), retry_safe=True)
def project_export_job(job: Job, report: Report) -> dict[str, Any]:
    data = project_export_data(project=job.project, report=report)
    folder = export_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"concord-project-{job.code}.json"
    path.write_text(render(data), encoding="utf-8")
    return {"file": path.name, "bytes": path.stat().st_size}


def export_file_path(*, project: Project, job: uuid.UUID) -> Path | None:
    """The file of one of the project's finished exports, or None (no such export job, or
    its file is gone)."""
    row = Job.objects.filter(project=project, code=job, kind__in=EXPORT_KINDS).first()
    name = (row.result or {}).get("file") if row else None
    if not name:
        return None
    path = export_dir() / Path(name).name
    return path if path.is_file() else None
