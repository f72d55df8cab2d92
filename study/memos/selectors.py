"""Project memo reads: the list a member may see, searchable by title and text."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from research.access import limit_to_scope
from research.models import Membership
from study.models import ProjectMemo


def memo_list(*, membership: Membership, query: str = "") -> QuerySet[ProjectMemo]:
    """The memos the member may see (in a blind project a coder sees only their own), newest
    first, with their links; `query` matches words in the title or text. Five queries."""
    memos = limit_to_scope(
        ProjectMemo.objects.filter(project=membership.project),
        membership,
        coder_field="created_by",
    )
    for word in query.split():
        memos = memos.filter(Q(title__icontains=word) | Q(text__icontains=word))
    return memos.select_related("created_by").prefetch_related("documents", "codes", "cases")
