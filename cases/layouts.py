"""Ready-made matrix layouts (pure: no Django).

The study's cross-case matrix (its Table 3) has titled sections of labelled rows; the layout is
data, kept in cases/templates_data/cross_case_matrix.csv (columns `section,row`, a copy of the
method's template). `match_codes` maps each row label to a codebook code of the same name.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

STUDY_LAYOUT_CSV = Path(__file__).resolve().parent / "templates_data" / "cross_case_matrix.csv"


def read_layout(path: Path = STUDY_LAYOUT_CSV) -> list[tuple[str, list[str]]]:
    """[(section title, [row label, ...]), ...] in file order; blank lines are skipped."""
    sections: dict[str, list[str]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle):
            title = (record.get("section") or "").strip()
            label = (record.get("row") or "").strip()
            if title and label:
                sections.setdefault(title, []).append(label)
    return list(sections.items())


class CodeName(NamedTuple):
    id: int
    name: str
    depth: int
    path: str


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def match_codes(labels: Iterable[str], codes: Iterable[CodeName]) -> dict[str, int | None]:
    """label -> id of the code with the same name (ignoring case and extra spaces) anywhere in
    the tree, or None. When several codes share the name, the one nearest the root wins (ties
    broken by path, so the choice is stable): "Industry" maps to Actors > Industry rather than
    to a deeper namesake."""
    best: dict[str, CodeName] = {}
    for code in codes:
        key = _key(code.name)
        current = best.get(key)
        if current is None or (code.depth, code.path) < (current.depth, current.path):
            best[key] = code
    return {label: (best[_key(label)].id if _key(label) in best else None) for label in labels}
