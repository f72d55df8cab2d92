"""The REFI-QDA jobs: the export writes the `.qdpx` the job page offers for download; the
import reads an uploaded one (after the people mapping) into the project."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from research.jobs import JobError, Report, job_handler
from research.models import Job, Project
from study.jobs import QDPX_EXPORT, export_dir
from study.refi.archive import RefiArchiveError
from study.refi.gather import refi_project
from study.refi.services import qdpx_import
from study.refi.write import write_qdpx

QDPX_IMPORT = "project.qdpx_import"


# Running it again after a worker died rewrites the same file, so a retry does no harm.
@job_handler(QDPX_EXPORT, label=_("REFI-QDA project export (.qdpx)"), retry_safe=True)
def qdpx_export_job(job: Job, report: Report) -> dict[str, Any]:
    assert job.project is not None
    data = refi_project(project=job.project, report=report)
    archive = write_qdpx(data, utf16=bool(job.params.get("utf16")))
    folder = export_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"concord-project-{job.code}.qdpx"
    path.write_bytes(archive)
    report(100, "written")
    return {"file": path.name, "bytes": len(archive)}


def import_path(*, project: Project, token: str) -> Path:
    """Where an uploaded `.qdpx` waits for its people mapping (per project: a token from
    another project finds nothing)."""
    return export_dir().parent / "imports" / str(project.code) / f"{uuid.UUID(token)}.qdpx"


# Not retry-safe: a worker that died after the import committed would import it twice.
@job_handler(QDPX_IMPORT, label=_("REFI-QDA project import (.qdpx)"))
def qdpx_import_job(job: Job, report: Report) -> dict[str, Any]:
    assert job.project is not None and job.requested_by is not None
    path = import_path(project=job.project, token=job.params["token"])
    if not path.is_file():
        raise JobError(gettext("The uploaded file is gone; upload it again."))
    try:
        result = qdpx_import(
            project=job.project,
            data=path.read_bytes(),
            mapping=job.params["mapping"],
            user=job.requested_by,
            report=report,
        )
    except RefiArchiveError as exc:
        raise JobError(str(exc)) from exc
    path.unlink()
    return {"report": result}
