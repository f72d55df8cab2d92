"""Codebook reads: the tree in display order, counts by aggregate queries, paths, snapshots.

The codebook page costs a fixed number of queries whatever the size of the codebook: one for
the codes, one or two aggregates for the counts (see `codebook_counts`).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count

from coding.codebook_io import CodeNode
from coding.models import Code, CodebookChange, CodebookVersion, Coding


def _ordered(codes: list[Code]) -> list[Code]:
    """Pre-order by position among siblings (paths hold ids, not positions)."""
    children: dict[int | None, list[Code]] = defaultdict(list)
    for code in codes:
        children[code.parent_id].append(code)
    for siblings in children.values():
        siblings.sort(key=lambda c: (c.position, c.name, c.pk))
    ordered: list[Code] = []
    stack = list(reversed(children[None]))
    while stack:
        code = stack.pop()
        code.child_count = len(children[code.pk])
        ordered.append(code)
        stack.extend(reversed(children[code.pk]))
    return ordered


def codebook_tree(*, project) -> list[Code]:
    """Every code of the project in tree order (parents first, siblings by position), each with
    its `depth` and a `child_count`. One query."""
    return _ordered(list(Code.objects.filter(project=project)))


def code_subtree_ids(*, code: Code) -> list[int]:
    """The code's id and the ids of everything below it (one prefix query)."""
    return list(Code.objects.subtree(code).values_list("pk", flat=True))


def codebook_paths(*, project) -> dict[tuple[str, ...], Code]:
    """Each code by its name path, e.g. ("Actors", "Academia")."""
    result: dict[tuple[str, ...], Code] = {}
    by_pk: dict[int, tuple[str, ...]] = {}
    for code in codebook_tree(project=project):
        path = (by_pk[code.parent_id] if code.parent_id else ()) + (code.name,)
        by_pk[code.pk] = path
        result[path] = code
    return result


def codebook_nodes(*, project) -> list[CodeNode]:
    """The codebook as plain `CodeNode`s for the exporters; the code's UUID is its guid."""
    nodes: dict[int, CodeNode] = {}
    roots: list[CodeNode] = []
    for code in codebook_tree(project=project):
        node = CodeNode(
            name=code.name,
            definition=code.definition,
            inclusion=code.inclusion,
            exclusion=code.exclusion,
            example=code.example,
            colour=code.colour.upper() if code.colour else "",
            shortcut=code.shortcut,
            memo=code.memo,
            guid=str(code.code),
        )
        nodes[code.pk] = node
        (nodes[code.parent_id].children if code.parent_id else roots).append(node)
    return roots


def codebook_snapshot(*, project) -> list[dict]:
    """JSON-ready tree for a frozen version (keeps each code's UUID so runs can refer to it)."""
    return [dataclasses.asdict(node) for node in codebook_nodes(project=project)]


def codebook_version_current(*, project) -> CodebookVersion | None:
    """The latest frozen version, which agreement runs and matrices record, or None."""
    return CodebookVersion.objects.filter(project=project).order_by("-created_at", "-pk").first()


def codebook_changes(*, project, code: Code | None = None, limit: int = 500):
    changes = CodebookChange.objects.filter(project=project).select_related("user", "code")
    if code is not None:
        changes = changes.filter(code=code)
    return changes.order_by("-at", "-pk")[:limit]


@dataclass
class Counts:
    codings: int = 0
    documents: int = 0


@dataclass
class CodebookCounts:
    """`total[code_id]` and `by_coder[code_id][coder_id]`; empty when counts are hidden."""

    visible: bool = True
    total: dict[int, Counts] = field(default_factory=dict)
    by_coder: dict[int, dict[int | None, Counts]] = field(default_factory=dict)
    coders: dict[int, str] = field(default_factory=dict)


def codebook_counts(*, project, see_all: bool, coder=None, code_ids=None) -> CodebookCounts:
    """Codings and documents per code, in total and per coder (aggregate queries only).

    `see_all` (leads, owners, anyone in an open project): everyone's counts, two queries plus
    one for coder names. Otherwise `coder`'s own counts only (blind mode): one query. Neither
    (a viewer in a blind project): nothing, no query.
    """
    if not see_all and coder is None:
        return CodebookCounts(visible=False)
    codings = Coding.objects.filter(code__project=project)
    if code_ids is not None:
        codings = codings.filter(code_id__in=code_ids)
    if not see_all:
        codings = codings.filter(excerpt__coder=coder)
    result = CodebookCounts()
    totals = codings.values("code_id").annotate(
        n=Count("id"), docs=Count("excerpt__document_id", distinct=True)
    )
    for row in totals.order_by():
        result.total[row["code_id"]] = Counts(row["n"], row["docs"])
    if see_all:
        per_coder = codings.values(
            "code_id", "excerpt__coder_id", "excerpt__coder__email", "excerpt__coder__display_name"
        ).annotate(n=Count("id"), docs=Count("excerpt__document_id", distinct=True))
        for row in per_coder.order_by():
            coder_id = row["excerpt__coder_id"]
            result.by_coder.setdefault(row["code_id"], {})[coder_id] = Counts(row["n"], row["docs"])
            result.coders[coder_id] = (
                row["excerpt__coder__display_name"] or row["excerpt__coder__email"] or "consensus"
            )
    return result
