"""The project's codings as columns of numbers (pure: no Django).

The matrix reads tens of thousands of codings for every page. As one tuple per coding they
cost more to build than to count; as six integer arrays they come straight from the database
rows and feed the array computation (`cases.matrix.compute`) directly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

import numpy as np

from cases.matrix.cells import CODER, CONSENSUS, CodingFact

__all__ = ["CONSENSUS_CODER", "CodingTable"]

CONSENSUS_CODER = -1  # the coder column's value for a consensus (reconciled) excerpt
FIELDS = ("excerpt", "document", "coder", "start", "end", "code")


@dataclass(frozen=True)
class CodingTable:
    """One entry per coding, in six int64 arrays of one length, and each code's path."""

    excerpt: np.ndarray
    document: np.ndarray
    coder: np.ndarray  # CONSENSUS_CODER for a consensus excerpt
    start: np.ndarray
    end: np.ndarray
    code: np.ndarray
    paths: Mapping[int, str]  # code id -> "/3/17/40/" (at least every code in `code`)

    @classmethod
    def from_rows(
        cls, rows: Sequence[Sequence[int]] | np.ndarray, paths: Mapping[int, str]
    ) -> CodingTable:
        """From rows of (excerpt, document, coder or CONSENSUS_CODER, start, end, code), or a
        2-D array of them."""
        array = np.array(rows, dtype=np.int64).reshape(-1, len(FIELDS))
        excerpt, document, coder, start, end, code = (
            np.ascontiguousarray(array[:, i]) for i in range(len(FIELDS))
        )
        return cls(excerpt, document, coder, start, end, code, paths)

    @classmethod
    def from_facts(cls, facts: Iterable[CodingFact]) -> CodingTable:
        facts = list(facts)
        rows = [
            (f.excerpt_id, f.document_id, _coder(f.coder_id), f.start, f.end, f.code_id)
            for f in facts
        ]
        return cls.from_rows(rows, {f.code_id: f.code_path for f in facts})

    def __len__(self) -> int:
        return len(self.excerpt)

    def facts(self) -> list[CodingFact]:
        """The codings one tuple each (classification rows work on those)."""
        columns = [getattr(self, name).tolist() for name in FIELDS]
        return [
            CodingFact(e, d, None if c == CONSENSUS_CODER else c, s, n, k, self.paths[k])
            for e, d, c, s, n, k in zip(*columns, strict=True)
        ]

    def taking(self, mask: np.ndarray) -> CodingTable:
        return CodingTable(
            self.excerpt[mask],
            self.document[mask],
            self.coder[mask],
            self.start[mask],
            self.end[mask],
            self.code[mask],
            self.paths,
        )

    def for_source(
        self, source: str, coder_id: int | None = None, reconciled: AbstractSet[int] = frozenset()
    ) -> CodingTable:
        """`cells.select_source` on columns: one owner's codings, the consensus, or every
        coder's with the consensus in place of the coders where a document is reconciled."""
        consensus = self.coder == CONSENSUS_CODER
        if source == CODER:
            mask = (self.coder == coder_id) if coder_id is not None else np.zeros_like(consensus)
            return self.taking(mask & ~consensus)
        if source == CONSENSUS:
            return self.taking(consensus)
        settled = np.isin(self.document, np.fromiter(reconciled, np.int64, len(reconciled)))
        return self.taking(consensus == settled)

    def document_coders(self) -> dict[int, set[int]]:
        """document id -> the coders who coded in it (the consensus left out)."""
        coded = self.coder != CONSENSUS_CODER
        pairs = np.unique(np.stack([self.document[coded], self.coder[coded]], axis=1), axis=0)
        coders: dict[int, set[int]] = {}
        for document_id, coder_id in pairs.tolist():
            coders.setdefault(document_id, set()).add(coder_id)
        return coders


def _coder(coder_id: int | None) -> int:
    return CONSENSUS_CODER if coder_id is None else coder_id
