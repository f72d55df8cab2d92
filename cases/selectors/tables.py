"""The study's tables: the code frequency table and the open-coding trail."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from cases import tables
from cases.selectors.readers import result_coder_scope
from coding.excerpts.selectors import visible_excerpts
from coding.labels import labels_for
from coding.models import Code, Coding
from coding.reconcile.selectors import reconciled_documents
from research.access import project_coders
from research.models import Membership


def frequency_coders(*, membership: Membership) -> tuple[list, bool]:
    """Whose codings the frequency table may count, and whether that is only the caller's own:
    in a blind project a coder's counts are their own codings, so offering others would show
    zeros that look like findings."""
    if result_coder_scope(membership) is not None:
        return [membership.user], True
    return [m.user for m in project_coders(membership.project)], False


def code_nodes(*, project) -> list[tables.CodeNode]:
    return [
        tables.CodeNode(*values)
        for values in Code.objects.filter(project=project).values_list(
            "id", "name", "path", "depth", "parent_id", "position"
        )
    ]


def reconciled_count(*, membership: Membership) -> int:
    """How many documents count their consensus in "all coders" tables for this member (none
    for a blind coder, who counts only their own codings). 1 query, or none."""
    if result_coder_scope(membership) is not None:
        return 0
    return reconciled_documents(project_id=membership.project_id).count()


def _consensus_where_reconciled(project_id: int) -> Q:
    """Every coder's codings, except that a reconciled document counts its consensus instead
    (its reconciled codings replace the independent ones, as in the matrix)."""
    reconciled = reconciled_documents(project_id=project_id)  # a subquery
    coders_work = Q(excerpt__coder__isnull=False) & ~Q(excerpt__document_id__in=reconciled)
    return coders_work | Q(excerpt__coder__isnull=True, excerpt__document_id__in=reconciled)


def frequency_rows(
    *, membership: Membership, level: int = 1, document_kind: str = "", coder: str = ""
) -> list[tables.FrequencyRow]:
    """The study's code frequency table (2 queries). coder: "" all, "consensus", or a user id."""
    project = membership.project
    codings = Coding.objects.filter(excerpt__document__project=project)
    scope = result_coder_scope(membership)
    if scope is not None:
        codings = codings.filter(excerpt__coder_id=scope)
    if coder == "consensus":
        codings = codings.filter(excerpt__coder__isnull=True)
    elif coder.isdigit():
        codings = codings.filter(excerpt__coder_id=int(coder))
    elif scope is None:
        codings = codings.filter(_consensus_where_reconciled(project.pk))
    if document_kind:
        codings = codings.filter(excerpt__document__kind=document_kind)
    refs = [
        tables.CodingRef(*v)
        for v in codings.values_list("excerpt_id", "excerpt__document_id", "code_id")
    ]
    return tables.frequency_table(code_nodes(project=project), refs, level=level)


def coding_trail(*, membership: Membership, limit: int = 500) -> list[dict[str, Any]]:
    """Open-coding trail: passage → memo (paraphrase) → concept → category (1 query, 2 when
    the reader sees pseudonyms: the document numbers)."""
    names = labels_for(membership)
    codings = Coding.objects.filter(excerpt__in=visible_excerpts(membership=membership))
    if result_coder_scope(membership) is None:
        codings = codings.filter(_consensus_where_reconciled(membership.project_id))
    rows = codings.select_related("excerpt__document", "excerpt__coder", "code__parent").order_by(
        "excerpt__document__title", "excerpt__start", "code__path"
    )[:limit]
    return [
        {
            "document": names(c.excerpt.document),
            # Two coders' identical passages are two rows: the coder tells them apart.
            "coder": c.excerpt.coder.name if c.excerpt.coder else str(_("Consensus")),
            "passage": c.excerpt.text,
            "memo": c.excerpt.memo,
            "concept": c.code.name,
            "category": c.code.parent.name if c.code.parent else "",
            "excerpt": c.excerpt.code,
        }
        for c in rows
    ]
