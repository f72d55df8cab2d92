"""The study's tables regenerated from codings (pure: no Django).

- frequency table (the study's Table A.2): per category, the documents coded, the total number
  of codings, and its concepts;
- most common categories per cluster (Table 2).

The codebook is cluster → category → concept; "category" is any code at `level` (default 1),
its cluster is its root. A coding counts for a category when its code is the category or below.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from cases.classify import path_ids


@dataclass(frozen=True)
class CodeNode:
    id: int
    name: str
    path: str
    depth: int
    parent_id: int | None
    position: int = 0


@dataclass(frozen=True)
class CodingRef:
    excerpt_id: int
    document_id: int
    code_id: int


@dataclass
class FrequencyRow:
    cluster: str
    category: str
    category_id: int
    documents: int = 0
    codings: int = 0
    concepts: list[str] = field(default_factory=list)
    document_ids: list[int] = field(default_factory=list)


def _sort_key(node: CodeNode) -> tuple:
    return (node.position, node.name.casefold(), node.id)


def frequency_table(
    codes: Iterable[CodeNode], codings: Iterable[CodingRef], *, level: int = 1
) -> list[FrequencyRow]:
    nodes = {node.id: node for node in codes}
    children: dict[int | None, list[CodeNode]] = defaultdict(list)
    for node in nodes.values():
        children[node.parent_id].append(node)
    categories = [n for n in nodes.values() if n.depth == level]

    def order(node: CodeNode) -> tuple:
        return tuple(_sort_key(nodes[i]) for i in path_ids(node.path) if i in nodes)

    categories.sort(key=order)
    documents: dict[int, set[int]] = defaultdict(set)
    counts: dict[int, int] = defaultdict(int)
    for coding in codings:
        coded = nodes.get(coding.code_id)
        if coded is None:
            continue
        ids = path_ids(coded.path)
        if len(ids) <= level:
            continue  # coded above category level: counts for no category
        category_id = ids[level]
        documents[category_id].add(coding.document_id)
        counts[category_id] += 1
    table = []
    for category in categories:
        root = nodes.get(path_ids(category.path)[0])
        table.append(
            FrequencyRow(
                cluster=root.name if root and level > 0 else "",
                category=category.name,
                category_id=category.id,
                documents=len(documents[category.id]),
                codings=counts[category.id],
                concepts=[c.name for c in sorted(children[category.id], key=_sort_key)],
                document_ids=sorted(documents[category.id]),
            )
        )
    return table


def top_categories(table: Iterable[FrequencyRow], *, n: int = 3) -> dict[str, list[FrequencyRow]]:
    """The n most common categories of each cluster: most documents first, then most codings."""
    by_cluster: dict[str, list[FrequencyRow]] = defaultdict(list)
    for row in table:
        by_cluster[row.cluster].append(row)
    return {
        cluster: sorted(
            [r for r in rows if r.codings],
            key=lambda r: (-r.documents, -r.codings, r.category.casefold()),
        )[:n]
        for cluster, rows in by_cluster.items()
    }
