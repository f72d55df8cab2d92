"""What one document contributes to an agreement run, computed from plain data.

No ORM here, so a Celery subtask can compute a document from plain inputs and return plain,
JSON-able partial data, and the finalizer (``coding.agreement.pooling``) can pool the parts
(NOTES.md, "Several documents": coincidence matrices are summed over documents and α is
computed once).

A document is computed for all codes at once: every code's units are laid end to end on one
axis (code k's offsets shifted by k × stride), so the coverage, the value patterns
(``coding.agreement.patterns``) and the disagreeing spans of 150 codes are a handful of numpy
operations instead of 150 loops.

Inputs:

* ``spec``: ``unit`` (document / segment / excerpt / character), ``coders`` (ids, in order),
  ``rows`` (target code ids, the table's rows), ``code_map`` (raw code id as text → row id; a
  level roll-up maps each code to its ancestor at that level), ``names`` (code id as text →
  name), ``segment`` (sentence / paragraph / turn), ``threshold`` (coverage fraction for
  natural units), ``overlap`` (fraction for excerpt matching).
* ``doc``: ``id``, ``code`` (UUID text), ``title``, ``text``, ``paragraphs``, ``turns``,
  ``pages``, ``present`` (coders assigned to the document; a coder with excerpts in it counts
  as present too; everyone else is *missing*, not absent).
* ``excerpts``: dicts with ``id``, ``uuid``, ``coder``, ``start``, ``end``, ``version`` and
  ``codes`` (raw code ids), in document order (start, end, id).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .codings import DocumentCodings
from .disagreements import code_disagreements, describe_disagreements, per_document_cap
from .natural_units import split_paragraphs, split_sentences
from .patterns import pattern_key
from .units import covered_length

#: Pattern tallies use one bin per (row code, pattern) up to this many bins (a sort beyond).
BINNED_PATTERNS = 1_000_000


def segments_of(doc: Mapping[str, Any], kind: str) -> list[tuple[int, int]]:
    """The natural units of a document: stored paragraphs / turns, or split sentences."""
    text = doc["text"]
    if kind == "paragraph":
        stored = [(int(s), int(e)) for s, e in doc.get("paragraphs") or [] if e > s]
        return stored or split_paragraphs(text)
    if kind == "turn":
        return [
            (int(t["start"]), int(t["end"]))
            for t in doc.get("turns") or []
            if t["end"] > t["start"]
        ]
    return split_sentences(text)


class _Units:
    """Every row code's units of one document on one axis: ``row`` (index into spec rows),
    ``starts``/``ends`` (document offsets), ``values`` (coders × units: 1, 0, -1 missing)."""

    def __init__(
        self, dc: DocumentCodings, spec: Mapping[str, Any], segments: np.ndarray | None
    ) -> None:
        unit = spec["unit"]
        n_rows, n_coders = len(dc.rows), len(dc.coders)
        length = dc.length
        #: Per row: units left out because nobody's coverage touches them (all present
        #: coders 0); counted into that pattern by ``patterns``. None: every unit is listed.
        self.untouched: np.ndarray | None = None
        unions = {
            (i, k): dc.union(coder, row)
            for i, coder in enumerate(dc.coders)
            if dc.present[i]
            for k, row in enumerate(dc.rows)
            if (coder, row) in dc.intervals
        }
        if unit == "document":
            self.row = np.arange(n_rows, dtype=np.int64)
            self.starts = np.zeros(n_rows, dtype=np.int64)
            self.ends = np.full(n_rows, max(length, 1), dtype=np.int64)
            self.values = np.zeros((n_coders, n_rows), dtype=np.int64)
            for i, k in unions:
                self.values[i, k] = 1
        else:
            if unit == "segment":
                assert segments is not None, "segment units need the document's segments"
                self.row, index = self._segment_units(dc, spec, segments, unions)
                self.starts = segments[index, 0]
                self.ends = segments[index, 1]
                # Wide enough that no code's offsets reach into the next code's stretch.
                top = max([length, int(segments[:, 1].max())] + [u[-1][1] for u in unions.values()])
                stride = top + 1
            else:  # character: runs between every boundary of every coder's coverage
                stride = length + 1
                clipped = {
                    key: [(max(0, min(s, length)), max(0, min(e, length))) for s, e in union]
                    for key, union in unions.items()
                }
                unions = {
                    key: [(s, e) for s, e in spans if e > s] for key, spans in clipped.items()
                }
                points = [np.arange(n_rows, dtype=np.int64) * stride]
                points.append(points[0] + length)
                for (_i, k), spans in clipped.items():
                    if spans:
                        points.append(np.asarray(spans, dtype=np.int64).ravel() + k * stride)
                bounds = np.unique(np.concatenate(points))
                rows = bounds // stride
                keep = rows[:-1] == rows[1:]
                self.row = rows[:-1][keep]
                self.starts = bounds[:-1][keep] - self.row * stride
                self.ends = bounds[1:][keep] - self.row * stride
            offset = self.row * stride
            self.values = np.zeros((n_coders, len(self.row)), dtype=np.int64)
            for i in range(n_coders):
                spans = [  # unions is ordered by coder, then row: spans stay sorted
                    (s + k * stride, e + k * stride)
                    for (j, k), union in unions.items()
                    if j == i
                    for s, e in union
                ]
                if not spans:
                    continue
                covered = covered_length(spans, self.starts + offset, self.ends + offset)
                if unit == "segment":
                    ratio = covered / np.maximum(self.ends - self.starts, 1)
                    hit = ratio >= float(spec["threshold"]) - 1e-12
                    # A code the coder never applied here is 0 whatever the threshold.
                    applied = np.zeros(n_rows, dtype=bool)
                    applied[[k for (j, k) in unions if j == i]] = True
                    hit &= applied[self.row]
                else:
                    hit = covered > 0
                self.values[i] = hit.astype(np.int64)
        self.present = dc.present
        for i, present in enumerate(dc.present):
            if not present:
                self.values[i] = -1
        self.weights = (
            (self.ends - self.starts).astype(np.float64)
            if unit == "character"
            else np.ones(len(self.row))
        )

    def _segment_units(
        self,
        dc: DocumentCodings,
        spec: Mapping[str, Any],
        segments: np.ndarray,
        unions: Mapping[tuple[int, int], list[tuple[int, int]]],
    ) -> tuple[np.ndarray, np.ndarray]:
        """(row, segment index) of the units to evaluate. A segment no coder's coverage of a
        code touches is 0 for every present coder, so when segments are in order and do not
        overlap (sentences always), only the touched ones are listed and the rest counted."""
        n_rows, n_segments = len(dc.rows), len(segments)
        starts, ends = segments[:, 0], segments[:, 1]
        ordered = bool(np.all(starts[1:] >= ends[:-1])) and bool(np.all(ends > starts))
        if (
            not ordered
            or float(spec["threshold"]) <= 1e-12  # then untouched segments may count as coded
            or n_rows * 3 ** len(dc.coders) > BINNED_PATTERNS
        ):
            everything = np.arange(n_rows * n_segments, dtype=np.int64)
            return everything // n_segments, everything % n_segments
        marks = np.zeros((n_rows, n_segments + 1), dtype=np.int64)
        spans = [(k, s, e) for (_i, k), union in unions.items() for s, e in union]
        if spans:
            a = np.asarray(spans, dtype=np.int64)
            # Segments overlapping [s, e): those ending after s and starting before e.
            lo = np.searchsorted(ends, a[:, 1], side="right")
            hi = np.searchsorted(starts, a[:, 2], side="left")
            fine = hi > lo
            np.add.at(marks, (a[fine, 0], lo[fine]), 1)
            np.add.at(marks, (a[fine, 0], hi[fine]), -1)
        touched = np.cumsum(marks, axis=1)[:, :n_segments] > 0
        self.untouched = n_segments - touched.sum(axis=1)
        row, index = np.nonzero(touched)
        return row.astype(np.int64), index.astype(np.int64)

    def patterns(self, n_rows: int) -> list[dict[str, float]]:
        """Per row code: {"10-": total weight}, keys in the same order for every document."""
        out: list[dict[str, float]] = [{} for _ in range(n_rows)]
        if not len(self.row) and self.untouched is None:
            return out
        n = self.values.shape[0]
        key = ((self.values + 1) * (3 ** np.arange(n))[:, None]).sum(axis=0)
        combined = self.row * 3**n + key
        if n_rows * 3**n <= BINNED_PATTERNS:  # a bin per (row, pattern): no sort needed
            counts = np.bincount(combined, minlength=n_rows * 3**n)
            sums = np.bincount(combined, weights=self.weights, minlength=len(counts))
            if self.untouched is not None:  # weight 1 per unit: whole numbers, exact sums
                zero = sum(3**i for i in range(n) if self.present[i])  # "00…" / "-" missing
                bins = np.arange(n_rows) * 3**n + zero
                counts[bins] += self.untouched
                sums[bins] += self.untouched
            uniq = np.flatnonzero(counts)
            sums = sums[uniq]
        else:
            uniq, inverse = np.unique(combined, return_inverse=True)
            sums = np.bincount(inverse.ravel(), weights=self.weights)
        for number, weight in zip(uniq.tolist(), sums.tolist(), strict=True):
            row, pattern = divmod(number, 3**n)
            out[row][pattern_key(pattern, n)] = float(weight)
        return out

    def spans(self) -> list[tuple[int, int, int, tuple]]:
        """Disagreeing stretches (row, start, end, values): units where at least two coders
        gave different values; adjacent units with the same values form one stretch."""
        present = self.values >= 0
        lo = np.where(present, self.values, 2).min(axis=0)
        hi = np.where(present, self.values, -1).max(axis=0)
        d = np.flatnonzero((present.sum(axis=0) >= 2) & (lo != hi))
        if not len(d):
            return []
        fresh = np.ones(len(d), dtype=bool)
        fresh[1:] = (
            (self.row[d[1:]] != self.row[d[:-1]])
            | (self.starts[d[1:]] != self.ends[d[:-1]])
            | (self.values[:, d[1:]] != self.values[:, d[:-1]]).any(axis=0)
        )
        first = d[fresh]
        last = d[np.append(np.flatnonzero(fresh)[1:] - 1, len(d) - 1)]
        columns = self.values[:, first].T.tolist()
        return [
            (r, s, e, tuple(c))
            for r, s, e, c in zip(
                self.row[first].tolist(),
                self.starts[first].tolist(),
                self.ends[last].tolist(),
                columns,
                strict=True,
            )
        ]


def _excerpt_matching(
    dc: DocumentCodings, doc: Mapping[str, Any], spec: Mapping[str, Any]
) -> dict[str, dict]:
    """MAXQDA's rule for two coders: an excerpt agrees if the other coder has the same code on
    an excerpt overlapping it by at least ``overlap`` of the excerpt's own length."""
    out: dict[str, dict] = {}
    a, b = dc.coders[:2]
    if not (dc.present[0] and dc.present[1]):
        return out  # missing is not absent: a document only one coder coded is skipped
    overlap = float(spec["overlap"])
    cap = per_document_cap(len(spec.get("documents", ())))
    for row in spec["rows"]:
        agree = checked = 0
        disagreements: list[tuple] = []
        count = 0
        for own, other in ((a, b), (b, a)):
            others = dc.carrying.get((other, row), [])
            for ex in dc.carrying.get((own, row), []):
                length = ex["end"] - ex["start"]
                best = max(
                    (min(ex["end"], o["end"]) - max(ex["start"], o["start"]) for o in others),
                    default=0,
                )
                checked += 1
                if best >= overlap * length - 1e-9:
                    agree += 1
                    continue
                count += 1
                if len(disagreements) < cap:
                    column = (1, 0) if own == a else (0, 1)
                    disagreements.append((row, ex["start"], ex["end"], column))
        if checked:
            out[str(row)] = {
                "matches": [agree, checked],
                **code_disagreements(describe_disagreements(dc, doc, disagreements)),
                "disagreement_count": count,
            }
    return out


def document_partial(
    spec: Mapping[str, Any], doc: Mapping[str, Any], excerpts: list[dict]
) -> dict[str, Any]:
    """Everything one document contributes to a run, as JSON-able data."""
    dc = DocumentCodings(spec, doc, excerpts)
    partial: dict[str, Any] = {
        "document": doc["id"],
        "ref": [doc["code"], doc["title"]],
        "excerpts": sorted([e["id"], e["version"]] for e in excerpts),
        "present": [c for c, p in zip(dc.coders, dc.present, strict=True) if p],
        "codes": {},
    }
    unit = spec["unit"]
    if unit == "excerpt":
        partial["codes"] = _excerpt_matching(dc, doc, spec)
        partial["refs"] = dc.refs()
        return partial
    segments = None
    if unit == "segment":
        segments = np.asarray(segments_of(doc, spec["segment"]), dtype=np.int64).reshape(-1, 2)
        partial["units"] = int(len(segments))
        if not len(segments):
            return partial
    units = _Units(dc, spec, segments)
    patterns = units.patterns(len(dc.rows))
    spans: list[list[tuple[int, int, tuple]]] = [[] for _ in dc.rows]
    for k, s, e, column in units.spans():
        spans[k].append((s, e, column))
    cap = per_document_cap(len(spec.get("documents", ())))
    kept = [(row, s, e, c) for k, row in enumerate(dc.rows) for s, e, c in spans[k][:cap]]
    described = iter(describe_disagreements(dc, doc, kept))
    for k, row in enumerate(dc.rows):
        partial["codes"][str(row)] = {
            "patterns": patterns[k],
            **code_disagreements([next(described) for _ in spans[k][:cap]]),
            "disagreement_count": len(spans[k]),
        }
    partial["refs"] = dc.refs()
    if unit == "character" and all(dc.present) and dc.length > 0:
        partial["unitized"] = {
            "length": dc.length,
            "spans": {
                str(coder): [
                    [ex["start"], ex["end"], row]
                    for row in spec["rows"]
                    for ex in dc.carrying.get((coder, row), [])
                ]
                for coder in dc.coders
            },
        }
    return partial
