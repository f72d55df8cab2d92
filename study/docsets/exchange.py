"""Document sets in the project export and its restore (study/export.py, study/restore.py)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from coding.models import DocumentSet
from research.models import Project


def document_sets_export(project: Project) -> list[dict[str, Any]]:
    # Imported here: study.export imports this module.
    from study.export import _email, _when

    sets = DocumentSet.objects.filter(project=project).select_related("created_by")
    return [
        {
            "code": str(s.code),
            "name": s.name,
            "created_by": _email(s.created_by),
            "created_at": _when(s.created_at),
            "documents": sorted(str(d.code) for d in s.documents.all()),
        }
        for s in sets.prefetch_related("documents").order_by("code")
    ]


def document_sets_restore(restore: Any, project: Project) -> None:
    """Recreate the file's document sets; files from before document sets have none."""
    # Imported here: study.restore imports this module.
    from study.restore import _uuid, _when

    for s in restore.data.get("document_sets", []):
        document_set = DocumentSet.objects.create(
            code=_uuid(s["code"]),
            project=project,
            name=s["name"],
            created_by=restore.user(s["created_by"]),
            created_at=_when(s["created_at"]),
        )
        documents = [restore.find(restore.documents, key, _("document")) for key in s["documents"]]
        document_set.documents.set(documents)
