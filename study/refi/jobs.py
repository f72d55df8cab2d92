"""The REFI-QDA project export job: writes the `.qdpx` that the job page offers for download."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from research.jobs import Report, job_handler
from research.models import Job
from study.jobs import QDPX_EXPORT, export_dir
from study.refi.gather import refi_project
from study.refi.write import write_qdpx


# Running it again after a worker died rewrites the same file, so a retry does no harm.
@job_handler(QDPX_EXPORT, label=_("REFI-QDA project export (.qdpx)"), retry_safe=True)
def qdpx_export_job(job: Job, report: Report) -> dict[str, Any]:
    data = refi_project(project=job.project, report=report)
    archive = write_qdpx(data, utf16=bool(job.params.get("utf16")))
    folder = export_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"concord-project-{job.code}.qdpx"
    path.write_bytes(archive)
    report(100, "written")
    return {"file": path.name, "bytes": len(archive)}
