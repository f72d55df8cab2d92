"""Project memo writes. A memo is its author's work: coders change their own, managers any
(`research.access.limit_to_scope`, checked by the views before calling these)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from research.models import Project, User
from study.models import ProjectMemo


def _clean_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("Give the memo a title."))
    return title[:300]


@transaction.atomic
def memo_create(
    *, project: Project, user: User | None, title: str, text: str = "", links: dict | None = None
) -> ProjectMemo:
    """`links`: {"documents": [...], "codes": [...], "cases": [...]}, each of this project."""
    memo = ProjectMemo.objects.create(
        project=project, title=_clean_title(title), text=text, created_by=user
    )
    _link(memo, links or {})
    return memo


@transaction.atomic
def memo_update(*, memo: ProjectMemo, title: str, text: str, links: dict) -> ProjectMemo:
    memo.title = _clean_title(title)
    memo.text = text
    memo.updated_at = timezone.now()
    memo.save(update_fields=["title", "text", "updated_at"])
    _link(memo, links)
    return memo


@transaction.atomic
def memo_delete(*, memo: ProjectMemo) -> None:
    memo.delete()


def _link(memo: ProjectMemo, links: dict) -> None:
    for field in ("documents", "codes", "cases"):
        if field in links:
            chosen = list(links[field])
            if any(item.project_id != memo.project_id for item in chosen):
                raise ValidationError(_("A memo links only to this project's material."))
            getattr(memo, field).set(chosen)
