"""An agreement run's arithmetic on plain data: one document at a time, then pooled.

No ORM here, so a Celery subtask can compute a document from plain inputs and return plain,
JSON-able partial data, and the finalizer can pool the parts (NOTES.md, "Several documents":
coincidence matrices are summed over documents and α is computed once).

The trick that keeps runs fast: for binary reliability data (applied 1 / not applied 0 /
missing) every unit is one of at most 3^coders *value patterns* ("10", "1-0", ...). All
coefficients of ``coding.agreement`` are weighted sums over units, so a code's data compresses
without loss to pattern → weight (number of units, or characters at the character level).
Patterns add up across documents and codes, and the bootstrap resamples units as a multinomial
draw over patterns, which is the same distribution as drawing units with replacement.

A document is computed for all codes at once: every code's units are laid end to end on one
axis (code k's offsets shifted by k × stride), so the coverage, the value patterns and the
disagreeing spans of 150 codes are a handful of numpy operations instead of 150 loops.

Disagreements are kept compact (a run can hold tens of thousands): each is
``[document id, start, end, page, [value per coder], [[excerpt ids] per coder]]``; the
documents they name are listed once per code, the excerpts once per run
(``AgreementRun.disagreement_excerpts``). The context around a disagreement is cut from the
document's (immutable) text when a page shows it.

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

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import numpy as np

from coding.agreement import (
    Coincidences,
    alpha_from_coincidences,
    brennan_prediger,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    light_kappa,
    percent_agreement,
    unitized_alpha_details,
)
from coding.agreement.alpha import sum_coincidences
from coding.agreement.natural_units import split_paragraphs, split_sentences
from coding.agreement.units import covered_length

#: Disagreements kept per code and document, and per code in a run; counts are always exact.
DISAGREEMENTS_PER_CODE = 200
MIN_DISAGREEMENTS_PER_DOCUMENT = 5
#: Excerpts listed for a coder who did not apply the code where others did.
OVERLAPPING_SHOWN = 10


def per_document_cap(n_documents: int) -> int:
    """Disagreements described per code and document: enough to fill the per-code list from
    the documents together, without describing thousands that would be dropped."""
    return max(MIN_DISAGREEMENTS_PER_DOCUMENT, -(-DISAGREEMENTS_PER_CODE // max(n_documents, 1)))


#: Pattern tallies use one bin per (row code, pattern) up to this many bins (a sort beyond).
BINNED_PATTERNS = 1_000_000

CONTEXT_CHARS = 120
CONTEXT_MAX = 600
MISSING_MARK = "-"

NO_PAIRS = "no unit was coded by two coders"
NO_VARIATION = "no variation: every value is the same"
UNDEFINED = "undefined"


def context_of(text: str, start: int, end: int) -> str:
    """The passage shown around a disagreement (empty for a whole-document unit)."""
    if start == 0 and end >= len(text):
        return ""
    return text[max(0, start - CONTEXT_CHARS) : end + CONTEXT_CHARS][:CONTEXT_MAX]


# --------------------------------------------------------------------------- per document


def _union(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


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


def _page_at(pages: Sequence[Sequence[int]], offset: int) -> int | None:
    for number, start, end in pages:
        if start <= offset < end:
            return int(number)
    return None


class _DocumentCodings:
    """One document's excerpts, grouped by coder and by row code."""

    def __init__(self, spec: Mapping[str, Any], doc: Mapping[str, Any], excerpts: list[dict]):
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
        self.referenced: dict[int, dict] = {}
        self.arrays = {
            coder: (
                np.array([e["start"] for e in exs], dtype=np.int64),
                np.array([e["end"] for e in exs], dtype=np.int64),
            )
            for coder, exs in self.by_coder.items()
        }

    def union(self, coder: int, row: int) -> list[tuple[int, int]]:
        return _union(self.intervals.get((coder, row), []))

    def carrying_overlapping(self, coder: int, row: int, start: int, end: int) -> list[int]:
        """Ids of the coder's excerpts with the row code that overlap [start, end)."""
        hits = [
            e for e in self.carrying.get((coder, row), ()) if e["start"] < end and e["end"] > start
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


@cache
def _pattern_key(number: int, n: int) -> str:
    """Pattern number Σ (value + 1)·3^i → its text ("10-")."""
    digits = [(number // 3**i) % 3 for i in range(n)]
    return "".join(MISSING_MARK if d == 0 else str(d - 1) for d in digits)


def pattern_coincidences(key: str) -> np.ndarray:
    """The 2 × 2 coincidence matrix (values 0, 1) of one unit with value pattern ``key``.

    With m values of which k are 1: o_11 = k(k − 1)/(m − 1), o_00 = (m − k)(m − k − 1)/(m − 1),
    o_01 = o_10 = k(m − k)/(m − 1); units with m < 2 are not pairable (all zero).
    """
    out = np.zeros((2, 2))
    o00, o01, o11 = _pattern_pairs(key)
    out[0, 0], out[0, 1], out[1, 0], out[1, 1] = o00, o01, o01, o11
    return out


@cache
def _pattern_pairs(key: str) -> tuple[float, float, float]:
    present = [ch for ch in key if ch != MISSING_MARK]
    m = len(present)
    if m < 2:
        return 0.0, 0.0, 0.0
    k = present.count("1")
    return (m - k) * (m - k - 1) / (m - 1), k * (m - k) / (m - 1), k * (k - 1) / (m - 1)


def _coincidences_json(patterns: Mapping[str, float]) -> dict:
    """Σ over units of their coincidences, in closed form per pattern (no per-unit pass)."""
    o00 = o01 = o11 = 0.0
    for key, weight in patterns.items():
        c00, c01, c11 = _pattern_pairs(key)
        o00 += weight * c00
        o01 += weight * c01
        o11 += weight * c11
    return {"values": [0, 1], "matrix": [[o00, o01], [o01, o11]]}


class _Units:
    """Every row code's units of one document on one axis: ``row`` (index into spec rows),
    ``starts``/``ends`` (document offsets), ``values`` (coders × units: 1, 0, -1 missing)."""

    def __init__(self, dc: _DocumentCodings, spec: Mapping[str, Any], segments):
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

    def _segment_units(self, dc, spec, segments, unions) -> tuple[np.ndarray, np.ndarray]:
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
            out[row][_pattern_key(pattern, n)] = float(weight)
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


def _disagreements(
    dc: _DocumentCodings, doc: Mapping[str, Any], found: Sequence[tuple[int, int, int, Sequence]]
) -> list[list]:
    """Describe disagreements (row, start, end, value per coder), compactly:
    ``[document id, start, end, page, [value per coder], [[excerpt ids] per coder]]``.

    Whole-document units list only the excerpts with the code; smaller units show what a coder
    who did not apply the code did there instead, which is what a discussion needs.
    """
    pages = doc.get("pages") or []
    out = []
    elsewhere: list[list[int]] = [[] for _ in dc.coders]  # (span index) per coder
    for n, (row, start, end, column) in enumerate(found):
        whole = start == 0 and end >= dc.length
        values: list[int | None] = []
        excerpts: list[list[int]] = []
        for i, coder in enumerate(dc.coders):
            value = None if column[i] < 0 else int(column[i])
            values.append(value)
            if value is None:
                excerpts.append([])
            elif whole or value == 1:
                excerpts.append(dc.carrying_overlapping(coder, row, start, end))
            else:
                excerpts.append([])
                elsewhere[i].append(n)
        out.append([doc["id"], start, end, _page_at(pages, start), values, excerpts])
    for i, coder in enumerate(dc.coders):
        wanted = elsewhere[i]
        hits = dc.first_overlapping(coder, [(found[n][1], found[n][2]) for n in wanted])
        for n, ids in zip(wanted, hits, strict=True):
            out[n][5][i] = ids
    return out


def _excerpt_matching(
    dc: _DocumentCodings, doc: Mapping[str, Any], spec: Mapping[str, Any]
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
                "disagreements": _disagreements(dc, doc, disagreements),
                "disagreement_count": count,
            }
    return out


def document_partial(
    spec: Mapping[str, Any], doc: Mapping[str, Any], excerpts: list[dict]
) -> dict[str, Any]:
    """Everything one document contributes to a run, as JSON-able data."""
    dc = _DocumentCodings(spec, doc, excerpts)
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
    described = iter(_disagreements(dc, doc, kept))
    for k, row in enumerate(dc.rows):
        partial["codes"][str(row)] = {
            "patterns": patterns[k],
            "coincidences": _coincidences_json(patterns[k]),
            "disagreements": [next(described) for _ in spans[k][:cap]],
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


# --------------------------------------------------------------------------- pooling


def patterns_to_data(
    patterns: Mapping[str, float], n_coders: int
) -> tuple[list[list[int | None]], list[float]]:
    keys = [k for k, w in patterns.items() if w > 0]
    data = [[None if k[i] == MISSING_MARK else int(k[i]) for k in keys] for i in range(n_coders)]
    return data, [float(patterns[k]) for k in keys]


def add_patterns(total: dict[str, float], part: Mapping[str, float]) -> None:
    for key, weight in part.items():
        total[key] = total.get(key, 0.0) + weight


def _coincidences(raw: Mapping[str, Any]) -> Coincidences:
    if not raw or not raw.get("values"):
        return Coincidences((), np.zeros((0, 0)))
    return Coincidences(tuple(raw["values"]), np.asarray(raw["matrix"], dtype=np.float64))


def _finite(value: float) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def describe_data(patterns: Mapping[str, float]) -> tuple[float, float | None, bool]:
    """(pairable units, prevalence of "applied" among all values, any variation among pairs)."""
    pairable = 0.0
    ones = values = 0.0
    seen: set[str] = set()
    for key, w in patterns.items():
        present = [ch for ch in key if ch != MISSING_MARK]
        values += w * len(present)
        ones += w * present.count("1")
        if len(present) >= 2 and w > 0:
            pairable += w
            seen.update(present)
    prevalence = ones / values if values else None
    return pairable, prevalence, len(seen) > 1


def coefficients(
    patterns: Mapping[str, float],
    coincidences: Coincidences,
    *,
    n_coders: int,
    wanted: Sequence[str],
) -> tuple[dict[str, float | None], dict[str, str]]:
    """The chosen coefficients of one row, and for each undefined one the reason."""
    names = []
    for name in wanted:
        if name == "kappa":
            names.extend(["cohen"] if n_coders == 2 else ["light", "fleiss"])
        else:
            names.append(name)
    pairable, _prevalence, variation = describe_data(patterns)
    if pairable <= 0:
        return dict.fromkeys(names), dict.fromkeys(names, NO_PAIRS)
    data, weights = patterns_to_data(patterns, n_coders)
    compute = {
        "percent": lambda: percent_agreement(data, weights=weights),
        "cohen": lambda: cohen_kappa(data, weights=weights),
        "light": lambda: light_kappa(data, weights=weights),
        "fleiss": lambda: fleiss_kappa(data, weights=weights),
        "alpha": lambda: alpha_from_coincidences(coincidences),
        # q = 2: "applied" and "not applied" are the categories available to every coder.
        "ac1": lambda: gwet_ac1(data, categories=[0, 1], weights=weights),
        "bp": lambda: brennan_prediger(data, categories=[0, 1], weights=weights),
    }
    values: dict[str, float | None] = {}
    reasons: dict[str, str] = {}
    for name in names:
        value = _finite(compute[name]())
        values[name] = value
        if value is None:
            reasons[name] = UNDEFINED if variation else NO_VARIATION
    return values, reasons


def bootstrap_ci(
    patterns: Mapping[str, float], *, n_coders: int, n_boot: int = 500, seed: int = 0
) -> tuple[float | None, float | None]:
    """95 % percentile interval of α, resampling units with replacement (seeded).

    Drawing N units with replacement is a multinomial draw over the value patterns, so each
    replicate costs a few dozen multiplications, whatever the number of units.
    """
    data, weights = patterns_to_data(patterns, n_coders)
    pairable = [
        i for i, w in enumerate(weights) if sum(row[i] is not None for row in data) >= 2 and w > 0
    ]
    if not pairable:
        return None, None
    keys = [k for k, w in patterns.items() if w > 0]
    stack = np.stack([pattern_coincidences(keys[i]) for i in pairable])
    w = np.array([weights[i] for i in pairable])
    total = int(round(w.sum()))
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(total, w / w.sum(), size=n_boot)
    alphas = []
    for counts in draws:
        matrix = np.einsum("p,pij->ij", counts.astype(np.float64), stack)
        alphas.append(alpha_from_coincidences(Coincidences((0, 1), matrix)))
    defined = np.array([a for a in alphas if not math.isnan(a)])
    if defined.size == 0:
        return None, None
    low, high = np.percentile(defined, [2.5, 97.5])
    return float(low), float(high)


def pairwise(patterns: Mapping[str, float], coders: Sequence[int]) -> list[dict[str, Any]]:
    """Per pair of coders: Cohen's κ, α and percent agreement over the pooled units."""
    out = []
    for i in range(len(coders)):
        for j in range(i + 1, len(coders)):
            pair: dict[str, float] = {}
            for key, w in patterns.items():
                if key[i] != MISSING_MARK and key[j] != MISSING_MARK:
                    sub = key[i] + key[j]
                    pair[sub] = pair.get(sub, 0.0) + w
            data, weights = patterns_to_data(pair, 2)
            if weights:
                kappa = _finite(cohen_kappa(data, weights=weights))
                alpha = _finite(krippendorff_alpha(data, weights=weights))
                percent = _finite(percent_agreement(data, weights=weights))
            else:
                kappa = alpha = percent = None
            out.append(
                {
                    "coders": [coders[i], coders[j]],
                    "kappa": kappa,
                    "alpha": alpha,
                    "percent": percent,
                    "units": sum(weights),
                }
            )
    return out


def _unitized(spec: Mapping[str, Any], partials: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """uα, |uα and cuα over the documents every coder coded, laid end to end as one
    continuum (a unit never crosses a document boundary, so the sums are the documents')."""
    coders = [str(c) for c in spec["coders"]]
    parts = [p["unitized"] for p in partials if p.get("unitized")]
    out: dict[str, Any] = {"documents": len(parts), "per_code": {}, "pooled": None}
    if not parts:
        out["reason"] = "no document was coded by every chosen coder"
        return out
    offset = 0
    spans: dict[str, list[tuple[int, int, int]]] = {c: [] for c in coders}
    for part in parts:
        for coder in coders:
            spans[coder].extend(
                (s + offset, e + offset, row) for s, e, row in part["spans"].get(coder, [])
            )
        offset += part["length"]
    length = offset
    for row in spec["rows"]:
        one = {c: [s for s in spans[c] if s[2] == row] for c in coders}
        details = unitized_alpha_details(one, length)
        value = _finite(details.u)
        out["per_code"][str(row)] = {
            "u_alpha": value,
            "reason": "" if value is not None else NO_VARIATION,
        }
    try:
        details = unitized_alpha_details(spans, length)
    except ValueError:
        out["reason"] = (
            "a coder applied two of the codes to the same text; uα and cuα over all codes "
            "need mutually exclusive codes (one semantic domain)"
        )
        return out
    out["pooled"] = {
        "u": _finite(details.u),
        "binary": _finite(details.binary),
        "cu": _finite(details.cu),
        "pairable_share": details.pairable_share,
        "pairable_characters": details.pairable_characters,
        "length": length,
    }
    return out


class _Disagreements:
    """The first disagreements of one code over the documents, with the documents they name
    (stored as ``AgreementCodeResult.disagreements``); the excerpts they name go to the run's
    one table (``excerpts``, shared by all codes: a busy excerpt is named by many)."""

    def __init__(self, excerpts: dict[str, list]) -> None:
        self.items: list[list] = []
        self.documents: dict[str, list] = {}
        self.excerpts = excerpts

    def extend(self, partial: Mapping[str, Any], items: Sequence[list]) -> None:
        kept = items[: max(DISAGREEMENTS_PER_CODE - len(self.items), 0)]
        if not kept:
            return
        self.items.extend(kept)
        self.documents[str(partial["document"])] = partial["ref"]
        refs = partial["refs"]
        for item in kept:
            for ids in item[5]:
                for excerpt_id in ids:
                    key = str(excerpt_id)
                    if key not in self.excerpts:
                        self.excerpts[key] = refs[key]

    def packed(self) -> dict[str, Any] | list:
        if not self.items:
            return []
        return {"items": self.items, "documents": self.documents}


def finalize(
    spec: Mapping[str, Any],
    partials: Sequence[Mapping[str, Any]],
    *,
    n_boot: int = 500,
    seed: int = 0,
) -> dict[str, Any]:
    """Pool the documents' parts: per row and over all rows, plus pairwise and unitized."""
    coders = list(spec["coders"])
    n = len(coders)
    unit = spec["unit"]
    wanted = list(spec.get("coefficients") or ["percent", "kappa", "alpha", "ac1", "bp"])
    rows: list[dict[str, Any]] = []
    pooled_patterns: dict[str, float] = {}
    pooled_coincidences: list[Coincidences] = []
    pooled_matches = [0, 0]
    named: dict[str, list] = {}  # excerpt id → [uuid, start, end, code ids], for all rows
    for row in spec["rows"]:
        patterns: dict[str, float] = {}
        parts = []
        matches = [0, 0]
        disagreements = _Disagreements(named)
        count = 0
        for partial in partials:
            data = partial["codes"].get(str(row))
            if not data:
                continue
            count += data["disagreement_count"]
            disagreements.extend(partial, data["disagreements"])
            if unit == "excerpt":
                matches[0] += data["matches"][0]
                matches[1] += data["matches"][1]
                continue
            add_patterns(patterns, data["patterns"])
            parts.append(_coincidences(data["coincidences"]))
        out: dict[str, Any] = {
            "code": row,
            "disagreements": disagreements.packed(),
            "disagreement_count": count,
        }
        if unit == "excerpt":
            out.update(_excerpt_values(matches, len(spec["rows"])))
            pooled_matches[0] += matches[0]
            pooled_matches[1] += matches[1]
        else:
            coincidences = sum_coincidences(parts)
            values, reasons = coefficients(patterns, coincidences, n_coders=n, wanted=wanted)
            pairable, prevalence, _ = describe_data(patterns)
            out.update(values=values, reasons=reasons, units=pairable, prevalence=prevalence)
            add_patterns(pooled_patterns, patterns)
            pooled_coincidences.extend(parts)
        rows.append(out)

    results: dict[str, Any] = {"unit": unit, "coders": coders, "documents": len(partials)}
    if unit == "excerpt":
        results["pooled"] = _excerpt_values(pooled_matches, len(spec["rows"]))
        results["pairwise"] = [
            {"coders": coders[:2], "percent": results["pooled"]["values"].get("percent")}
        ]
    else:
        coincidences = sum_coincidences(pooled_coincidences)
        values, reasons = coefficients(pooled_patterns, coincidences, n_coders=n, wanted=wanted)
        pairable, prevalence, _ = describe_data(pooled_patterns)
        pooled: dict[str, Any] = {
            "values": values,
            "reasons": reasons,
            "units": pairable,
            "prevalence": prevalence,
        }
        if unit == "character":
            pooled["ci"] = None
            pooled["ci_reason"] = (
                "not computed: characters are not independent units, so a bootstrap over "
                "characters would give a misleadingly narrow interval"
            )
        else:
            pooled["ci"] = bootstrap_ci(pooled_patterns, n_coders=n, n_boot=n_boot, seed=seed)
            pooled["n_boot"] = n_boot
            pooled["seed"] = seed
        results["pooled"] = pooled
        results["pairwise"] = pairwise(pooled_patterns, coders)
    if unit == "character":
        results["unitized"] = _unitized(spec, partials)
    results["rows"] = rows
    results["disagreement_excerpts"] = named
    results["excerpts"] = sorted(pair for partial in partials for pair in partial["excerpts"])
    return results


def _excerpt_values(matches: Sequence[int], n_codes: int) -> dict[str, Any]:
    agree, checked = matches
    if not checked:
        return {
            "values": {"percent": None, "bp": None},
            "reasons": {"percent": "no excerpt with this code", "bp": "no excerpt with this code"},
            "units": 0,
            "prevalence": None,
        }
    p_o = agree / checked
    values: dict[str, float | None] = {"percent": p_o, "bp": None}
    reasons: dict[str, str] = {}
    if n_codes >= 2:
        # MAXQDA's κ: chance agreement 1 / number of codes available.
        values["bp"] = (p_o - 1 / n_codes) / (1 - 1 / n_codes)
    else:
        reasons["bp"] = "needs at least two codes (chance agreement is 1 / number of codes)"
    return {"values": values, "reasons": reasons, "units": checked, "prevalence": None}
