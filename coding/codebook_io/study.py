"""The reference study's codebook table (`shared/method/codebook.csv`):

    cluster,category,documents_coded,total_codings,concepts
    Actors,Academia,3,3,"Universities; Technological research facilities; Innovation labs"

→ a three-level tree cluster → category → concept, plus the study's own counts per category
(kept aside so the demo loader can compare them with the frequencies Concord computes).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from coding.wording import gettext_noop

from .model import CodebookFormatError, CodeNode, ImportResult, problem, take_name

STUDY_COLUMNS = ("cluster", "category", "documents_coded", "total_codings", "concepts")


@dataclass(frozen=True)
class StudyCounts:
    documents_coded: int
    total_codings: int


@dataclass
class StudyCodebook(ImportResult):
    # (cluster, category) → the counts the study reported for that category.
    counts: dict[tuple[str, str], StudyCounts] = field(default_factory=dict)


def read_study_codebook_csv(text: str) -> StudyCodebook:
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    if not rows:
        raise CodebookFormatError([gettext_noop("the file is empty")])
    header = [h.strip().lower() for h in rows[0]]
    missing = [c for c in ("cluster", "category", "concepts") if c not in header]
    if missing:
        raise CodebookFormatError(
            [
                problem(
                    gettext_noop("missing column(s): %(columns)s"),
                    row=1,
                    columns=", ".join(missing),
                )
            ]
        )
    index = {name: header.index(name) for name in STUDY_COLUMNS if name in header}
    result = StudyCodebook(roots=[])
    clusters: dict[str, CodeNode] = {}
    categories: dict[tuple[str, str], CodeNode] = {}
    for row_number, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue

        def cell(name: str, cells: list[str] = cells) -> str:
            i = index.get(name)
            return cells[i] if i is not None and i < len(cells) else ""

        cluster_name, _ = take_name(cell("cluster"))
        category_name, _ = take_name(cell("category"))
        if not cluster_name or not category_name:
            result.not_taken.append(
                problem(
                    gettext_noop("cluster and category are both required; row skipped"),
                    row=row_number,
                )
            )
            continue
        key = (cluster_name, category_name)
        if key in categories:
            result.not_taken.append(
                problem(
                    gettext_noop("category %(cluster)s/%(category)s repeated; row skipped"),
                    row=row_number,
                    cluster=cluster_name,
                    category=category_name,
                )
            )
            continue
        if cluster_name not in clusters:
            clusters[cluster_name] = CodeNode(name=cluster_name)
            result.roots.append(clusters[cluster_name])
        category = CodeNode(name=category_name)
        clusters[cluster_name].children.append(category)
        categories[key] = category
        seen: set[str] = set()
        for raw in cell("concepts").split(";"):
            concept, _ = take_name(raw)
            if not concept:
                continue
            if concept in seen:
                result.not_taken.append(
                    problem(
                        gettext_noop("concept “%(concept)s” repeated in “%(category)s”"),
                        row=row_number,
                        concept=concept,
                        category=category_name,
                    )
                )
                continue
            seen.add(concept)
            category.children.append(CodeNode(name=concept))
        counts = (cell("documents_coded").strip(), cell("total_codings").strip())
        if all(c.isdigit() for c in counts):
            result.counts[key] = StudyCounts(int(counts[0]), int(counts[1]))
        elif any(counts):
            result.not_taken.append(
                problem(
                    gettext_noop("counts “%(documents)s”, “%(codings)s” are not whole numbers"),
                    row=row_number,
                    documents=counts[0],
                    codings=counts[1],
                )
            )
    return result
