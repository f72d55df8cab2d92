"""One document's excerpts, grouped by coder and by the row code each of their codes counts as.

The input of an agreement run's per-document step (``coding.agreement.partials``), as plain
data: ``spec`` and ``doc`` as described there, ``excerpts`` as dicts with ``id``, ``uuid``,
``coder``, ``start``, ``end``, ``version`` and ``codes`` (raw code ids), in document order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from coding.agreement.units import interval_union

#: Excerpts listed for a coder who did not apply the code where others did.
OVERLAPPING_SHOWN = 10


class DocumentCodings:
    """One document's excerpts, grouped by coder and by row code."""

    def __init__(
        self, spec: Mapping[str, Any], doc: Mapping[str, Any], excerpts: list[dict]
    ) -> None:
        self.coders: list[int] = list(spec["coders"])
        self.rows: list[int] = list(spec["rows"])
        self.code_map = {int(k): int(v) for k, v in spec["code_map"].items()}
        present = set(doc["present"]) | {e["coder"] for e in excerpts}
        self.present = [c in present for c in self.coders]
        self.length = len(doc["text"])
        self.by_coder: dict[int, list[dict]] = defaultdict(list)
        self.intervals: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
        self.carrying: dict[tuple[int, int], list[dict]] = defaultdict(list)
        for ex in excerpts:
            if ex["coder"] not in self.coders:
                continue
            self.by_coder[ex["coder"]].append(ex)
            for row in {self.code_map[c] for c in ex["codes"] if c in self.code_map}:
                self.intervals[(ex["coder"], row)].append((ex["start"], ex["end"]))
                self.carrying[(ex["coder"], row)].append(ex)
        # The same lists as (start, end, excerpt) tuples: the disagreements look up thousands.
        self.carrying_spans = {
            key: [(ex["start"], ex["end"], ex) for ex in exs] for key, exs in self.carrying.items()
        }
        self.referenced: dict[int, dict] = {}
        self.arrays = {
            coder: (
                np.array([e["start"] for e in exs], dtype=np.int64),
                np.array([e["end"] for e in exs], dtype=np.int64),
            )
            for coder, exs in self.by_coder.items()
        }

    def union(self, coder: int, row: int) -> list[tuple[int, int]]:
        return interval_union(self.intervals.get((coder, row), []))

    def carrying_overlapping(self, coder: int, row: int, start: int, end: int) -> list[int]:
        """Ids of the coder's excerpts with the row code that overlap [start, end)."""
        hits = [
            ex for s, e, ex in self.carrying_spans.get((coder, row), ()) if s < end and e > start
        ]
        for ex in hits:
            self.referenced[ex["id"]] = ex
        return [ex["id"] for ex in hits]

    def first_overlapping(self, coder: int, spans: Sequence[tuple[int, int]]) -> list[list[int]]:
        """Per span [start, end): ids of the first few of the coder's excerpts (any code)
        overlapping it, all spans at once."""
        out: list[list[int]] = [[] for _ in spans]
        if coder not in self.arrays or not spans:
            return out
        starts, ends = self.arrays[coder]
        q = np.asarray(spans, dtype=np.int64).reshape(-1, 2)
        span, found = np.nonzero((starts[None, :] < q[:, 1:]) & (ends[None, :] > q[:, :1]))
        # np.nonzero lists hits span by span, each in document order: keep the first few.
        first = np.searchsorted(span, span, side="left")
        keep = np.arange(len(span)) - first < OVERLAPPING_SHOWN
        excerpts = self.by_coder[coder]
        for i, j in zip(span[keep].tolist(), found[keep].tolist(), strict=True):
            ex = excerpts[j]
            self.referenced[ex["id"]] = ex
            out[i].append(ex["id"])
        return out

    def refs(self) -> dict[str, list]:
        """The excerpts named by the described disagreements: id → [uuid, start, end, codes]."""
        return {
            str(i): [ex["uuid"], ex["start"], ex["end"], list(ex["codes"])]
            for i, ex in self.referenced.items()
        }
