"""The project export job: a JSON backup of a project, written by a background job.

Other apps add their sections (codebook, documents, excerpts, cases) through
`export_section`, so the export grows with the product without this module knowing the apps.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from research.jobs import Report, job_handler
from research.models import Job, Project

PROJECT_EXPORT = "project.export"
_SECTIONS: dict[str, Callable[[Project], Any]] = {}


def export_section(name: str) -> Callable:
    def register(func: Callable[[Project], Any]) -> Callable[[Project], Any]:
        _SECTIONS[name] = func
        return func

    return register


@export_section("members")
def _members(project: Project) -> list[dict[str, str]]:
    return [
        {"email": m.user.email, "name": m.user.name, "role": m.role}
        for m in project.memberships.select_related("user").order_by("user__email")
    ]


def project_export_data(project: Project, report: Report | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "format": "concord-project",
        "version": 1,
        "exported_at": timezone.now().isoformat(),
        "project": {
            "code": str(project.code),
            "title": project.title,
            "research_question": project.research_question,
            "description": project.description,
            "language": project.language,
            "blind_coding": project.blind_coding,
            "coders_may_create_codes": project.coders_may_create_codes,
        },
    }
    for index, (name, build) in enumerate(sorted(_SECTIONS.items()), start=1):
        data[name] = build(project)
        if report:
            report(int(90 * index / len(_SECTIONS)), f"Exported {name}")
    return data


def _export_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "exports"


@job_handler(PROJECT_EXPORT, label=_("Project export"))
def project_export_job(job: Job, report: Report) -> dict[str, Any]:
    data = project_export_data(job.project, report)
    folder = _export_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"concord-project-{job.code}.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return {"file": path.name, "bytes": path.stat().st_size, "sections": sorted(_SECTIONS)}


def export_file_path(job: Job) -> Path | None:
    name = (job.result or {}).get("file")
    if job.kind != PROJECT_EXPORT or not name:
        return None
    path = _export_dir() / Path(name).name
    return path if path.is_file() else None
