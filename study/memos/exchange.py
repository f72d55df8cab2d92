"""Project memos in the project export and its restore (study/export.py, study/restore.py)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from research.models import Project
from study.models import ProjectMemo


def memos_export(project: Project) -> list[dict[str, Any]]:
    # Imported here: study.export imports this module.
    from study.export import _email, _when

    memos = ProjectMemo.objects.filter(project=project).select_related("created_by")
    return [
        {
            "code": str(m.code),
            "title": m.title,
            "text": m.text,
            "created_by": _email(m.created_by),
            "created_at": _when(m.created_at),
            "updated_at": _when(m.updated_at),
            "documents": sorted(str(d.code) for d in m.documents.all()),
            "codes": sorted(str(c.code) for c in m.codes.all()),
            "cases": sorted(str(c.code) for c in m.cases.all()),
        }
        for m in memos.prefetch_related("documents", "codes", "cases").order_by("code")
    ]


def memos_restore(restore: Any, project: Project) -> None:
    """Recreate the file's memos; `restore` is the running restore (its people, documents,
    codes, cases and `find`). Files from before project memos have none."""
    # Imported here: study.restore imports this module.
    from study.restore import _uuid, _when

    links = {
        "documents": (restore.documents, _("document")),
        "codes": (restore.codes, _("code")),
        "cases": (restore.cases, _("case")),
    }
    for m in restore.data.get("memos", []):
        memo = ProjectMemo.objects.create(
            code=_uuid(m["code"]),
            project=project,
            title=m["title"],
            text=m["text"],
            created_by=restore.user(m["created_by"]),
            created_at=_when(m["created_at"]),
            updated_at=_when(m["updated_at"]),
        )
        for field, (table, what) in links.items():
            getattr(memo, field).set([restore.find(table, key, what) for key in m[field]])
