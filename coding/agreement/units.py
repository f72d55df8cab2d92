"""Turn codings into reliability data for the three unit types of an agreement run.

Inputs are plain data, no ORM objects:

* ``codings[coder][document]`` is a list of excerpts ``(start, end, codes)``: 0-based,
  end-exclusive code-point offsets and a ``frozenset`` of code ids.
* ``coded_by[document]`` is the set of coders who were assigned (and coded) the document. A
  coder outside it is *missing* for every unit of that document, never "did not apply the
  code" (NOTES.md: missing is not absent). A coder with excerpts in a document counts as
  having coded it even if ``coded_by`` forgot them.

Roll-up: whether a code's descendants count as the code is the caller's decision. To roll up,
map each excerpt's code ids to their ancestors (or to the chosen level) *before* calling these
builders; the builders treat code ids as opaque and never look at a codebook.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

Excerpt = tuple[int, int, frozenset]
Codings = Mapping[Hashable, Mapping[Hashable, Sequence[Excerpt]]]
CodedBy = Mapping[Hashable, Collection[Hashable]]
Span = tuple[int, int, Hashable]


@dataclass(frozen=True)
class UnitData:
    """Reliability data for one code: ``data[i][u]`` is coder ``coders[i]``'s value for unit
    ``units[u]`` (1 = applied, 0 = coded the document but not this code, None = missing).
    ``weights[u]`` says how many characters a unit stands for (character level only)."""

    coders: tuple[Hashable, ...]
    units: Sequence[Hashable]
    data: list[list[int | None]]
    weights: list[float] | None = None


def _present(codings: Codings, coded_by: CodedBy, coder: Hashable, document: Hashable) -> bool:
    return coder in coded_by.get(document, ()) or bool(codings.get(coder, {}).get(document))


def interval_union(intervals: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Union of intervals; touching intervals merge because coverage is about characters."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _code_intervals(excerpts: Sequence[Excerpt], code: Hashable) -> list[tuple[int, int]]:
    return interval_union((s, e) for s, e, codes in excerpts if code in codes and e > s)


def document_presence(
    codings: Codings,
    coded_by: CodedBy,
    *,
    coders: Sequence[Hashable],
    codes: Iterable[Hashable],
    documents: Sequence[Hashable] | None = None,
) -> dict[Hashable, UnitData]:
    """Per code, unit = document: 1 if the coder applied the code anywhere in it, 0 if the
    coder coded the document without it, None if the coder did not code the document.

    Report α per code; a single value pooled over all (document, code) cells is dominated by
    joint absences (NOTES.md). ``documents`` defaults to the sorted keys of ``coded_by``.
    """
    docs = list(documents) if documents is not None else sorted(coded_by, key=str)
    out: dict[Hashable, UnitData] = {}
    for code in codes:
        rows: list[list[int | None]] = []
        for coder in coders:
            row: list[int | None] = []
            for doc in docs:
                if not _present(codings, coded_by, coder, doc):
                    row.append(None)
                    continue
                excerpts = codings.get(coder, {}).get(doc, ())
                row.append(int(any(code in c and e > s for s, e, c in excerpts)))
            rows.append(row)
        out[code] = UnitData(tuple(coders), list(docs), rows)
    return out


def covered_length(intervals: Sequence[tuple[int, int]], starts: np.ndarray, ends: np.ndarray):
    """Length of ``[starts, ends)`` covered by disjoint sorted ``intervals``, vectorised.

    Uses the cumulative covered length F(x) = |union ∩ [0, x)|, so covered = F(end) − F(start).
    """
    if not intervals:
        return np.zeros(len(starts))
    arr = np.asarray(intervals, dtype=np.int64)
    i_s, i_e = arr[:, 0], arr[:, 1]
    cum = np.concatenate([[0], np.cumsum(i_e - i_s)])

    def f(x: np.ndarray) -> np.ndarray:
        k = np.searchsorted(i_s, x, side="right")  # intervals starting at or before x
        prev = np.maximum(k - 1, 0)
        partial = np.where(k > 0, np.clip(x - i_s[prev], 0, i_e[prev] - i_s[prev]), 0)
        return cum[prev] * (k > 0) + partial

    return (f(np.asarray(ends)) - f(np.asarray(starts))).astype(np.float64)


def segment_presence(
    codings: Codings,
    coded_by: CodedBy,
    segments: Mapping[Hashable, Sequence[tuple[int, int]]],
    *,
    coders: Sequence[Hashable],
    codes: Iterable[Hashable],
    threshold: float = 0.5,
) -> dict[Hashable, UnitData]:
    """Per code, unit = (document, segment index) for natural units (sentences, paragraphs,
    speaker turns): 1 if the union of the coder's excerpts with the code covers at least
    ``threshold`` (a fraction in (0, 1]) of the segment, 0 if not, None if the coder did not
    code the document. Overlapping excerpts are united, never summed. Works for any number
    of coders.
    """
    if not 0 < threshold <= 1:
        raise ValueError("threshold is a fraction in (0, 1]")
    docs = sorted(segments, key=str)
    units = [(doc, k) for doc in docs for k in range(len(segments[doc]))]
    out: dict[Hashable, UnitData] = {}
    for code in codes:
        rows: list[list[int | None]] = []
        for coder in coders:
            row: list[int | None] = []
            for doc in docs:
                segs = np.asarray(segments[doc], dtype=np.int64).reshape(-1, 2)
                if not _present(codings, coded_by, coder, doc):
                    row.extend([None] * len(segs))
                    continue
                intervals = _code_intervals(codings.get(coder, {}).get(doc, ()), code)
                covered = covered_length(intervals, segs[:, 0], segs[:, 1])
                seg_len = np.maximum(segs[:, 1] - segs[:, 0], 1)
                # A small epsilon so that e.g. 1/3 coverage meets threshold=1/3 despite rounding.
                row.extend(int(x) for x in covered / seg_len >= threshold - 1e-12)
            rows.append(row)
        out[code] = UnitData(tuple(coders), units, rows)
    return out


@dataclass
class MatchCounts:
    """Excerpt matching counts for one code: checked excerpts of both coders, and how many
    found a partner."""

    agreements: int = 0
    checked: int = 0

    @property
    def percent_agreement(self) -> float:
        return self.agreements / self.checked if self.checked else math.nan


@dataclass
class ExcerptAgreement:
    """MAXQDA-style excerpt comparison of two coders.

    ``kappa`` is Brennan & Prediger's κ with p_e = 1 / ``n_codes``, as MAXQDA reports it.
    """

    per_code: dict[Hashable, MatchCounts] = field(default_factory=dict)
    n_codes: int = 0

    @property
    def agreements(self) -> int:
        return sum(c.agreements for c in self.per_code.values())

    @property
    def checked(self) -> int:
        return sum(c.checked for c in self.per_code.values())

    @property
    def percent_agreement(self) -> float:
        return self.agreements / self.checked if self.checked else math.nan

    @property
    def kappa(self) -> float:
        p_o = self.percent_agreement
        if math.isnan(p_o) or self.n_codes < 2:
            return math.nan
        p_e = 1.0 / self.n_codes
        return (p_o - p_e) / (1 - p_e)


def excerpt_agreement(
    excerpts_a: Mapping[Hashable, Sequence[Excerpt]],
    excerpts_b: Mapping[Hashable, Sequence[Excerpt]],
    *,
    documents: Iterable[Hashable],
    n_codes: int,
    threshold: float = 0.9,
) -> ExcerptAgreement:
    """Compare two coders' excerpts code by code, as MAXQDA's intercoder agreement does.

    The rule: an excerpt of one coder with code C *agrees* if the other coder has an excerpt
    with C in the same document overlapping it by at least ``threshold`` of the checked
    excerpt's own length. Excerpts of both coders are checked, so percent agreement is
    (agreeing excerpts of A + agreeing excerpts of B) / (excerpts of A + excerpts of B), a
    Holsti-type 2A / (N₁ + N₂). ``documents`` must be the documents *both* coders coded;
    others are skipped (missing is not absent). ``n_codes`` is the number of codes available.
    """
    if not 0 < threshold <= 1:
        raise ValueError("threshold is a fraction in (0, 1]")
    result = ExcerptAgreement(n_codes=n_codes)
    for doc in documents:
        sides = (excerpts_a.get(doc, ()), excerpts_b.get(doc, ()))
        for own, other in (sides, sides[::-1]):
            for start, end, codes in own:
                if end <= start:
                    continue
                for code in codes:
                    counts = result.per_code.setdefault(code, MatchCounts())
                    counts.checked += 1
                    best = max(
                        (min(end, e) - max(start, s) for s, e, c in other if code in c),
                        default=0,
                    )
                    if best >= threshold * (end - start) - 1e-9:
                        counts.agreements += 1
    return result


def character_runs(
    codings: Codings,
    coded_by: CodedBy,
    lengths: Mapping[Hashable, int],
    *,
    coders: Sequence[Hashable],
    codes: Iterable[Hashable],
) -> dict[Hashable, UnitData]:
    """Per code, every character is a unit coded 1 / not coded 0 (None for coders who did
    not code the document), stored as runs: ``units`` are ``(document, start, end)`` and
    ``weights`` the run lengths. Pass ``data`` and ``weights`` to
    :func:`~coding.agreement.krippendorff_alpha` or :func:`~coding.agreement.cohen_kappa`;
    the result equals the per-character value without expanding characters.

    This is what NVivo and QualCoder report. Long uncoded stretches count as agreement on
    "not coded" and inflate it; label it as such. ``lengths[document]`` is the document's
    length in code points.
    """
    docs = sorted(lengths, key=str)
    out: dict[Hashable, UnitData] = {}
    for code in codes:
        units: list[Hashable] = []
        weights: list[float] = []
        rows: list[list[int | None]] = [[] for _ in coders]
        for doc in docs:
            length = int(lengths[doc])
            if length <= 0:
                continue
            per_coder: list[list[tuple[int, int]] | None] = []
            for coder in coders:
                if _present(codings, coded_by, coder, doc):
                    ivs = [
                        (max(s, 0), min(e, length))
                        for s, e in _code_intervals(codings.get(coder, {}).get(doc, ()), code)
                    ]
                    per_coder.append([iv for iv in ivs if iv[1] > iv[0]])
                else:
                    per_coder.append(None)
            points = {0, length}
            for spans in per_coder:
                for s, e in spans or ():
                    points.update((s, e))
            bounds = np.array(sorted(points), dtype=np.int64)
            starts, ends = bounds[:-1], bounds[1:]
            units.extend((doc, int(s), int(e)) for s, e in zip(starts, ends, strict=True))
            weights.extend((ends - starts).astype(float).tolist())
            for i, spans in enumerate(per_coder):
                if spans is None:
                    rows[i].extend([None] * len(starts))
                else:
                    # A run lies entirely inside or outside the coder's union by construction.
                    covered = covered_length(spans, starts, ends)
                    rows[i].extend(int(c > 0) for c in covered)
        out[code] = UnitData(tuple(coders), units, rows, weights)
    return out


def unitized_spans(
    codings: Codings,
    coded_by: CodedBy,
    document: Hashable,
    *,
    coders: Sequence[Hashable],
    codes: Collection[Hashable],
) -> dict[Hashable, list[Span]]:
    """Spans for :func:`~coding.agreement.unitized_alpha` on one document.

    Only coders who coded the document are included (unitized α needs every included coder
    to have unitized the whole continuum). Each excerpt yields one span per code of ``codes``
    it carries, with the code id as value. Pass one code for a per-code (k)uα-style analysis,
    or a set of mutually exclusive codes (one "semantic domain") for uα / cuα over values;
    excerpts of one coder carrying two of those codes on the same text raise ``ValueError``
    in :func:`~coding.agreement.unitized_alpha`.
    """
    out: dict[Hashable, list[Span]] = {}
    for coder in coders:
        if not _present(codings, coded_by, coder, document):
            continue
        excerpts = codings.get(coder, {}).get(document, ())
        out[coder] = [(s, e, c) for s, e, cs in excerpts if e > s for c in cs if c in codes]
    return out
