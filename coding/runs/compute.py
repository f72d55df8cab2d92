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
  ``codes`` (raw code ids).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
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


def per_document_cap(n_documents: int) -> int:
    """Disagreements described per code and document: enough to fill the per-code list from
    the documents together, without describing thousands that would be dropped."""
    return max(MIN_DISAGREEMENTS_PER_DOCUMENT, -(-DISAGREEMENTS_PER_CODE // max(n_documents, 1)))


CONTEXT_CHARS = 120
MISSING_MARK = "-"

NO_PAIRS = "no unit was coded by two coders"
NO_VARIATION = "no variation: every value is the same"
UNDEFINED = "undefined"


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
    """One document's excerpts, grouped by coder and by row code, as numpy arrays."""

    def __init__(self, spec: Mapping[str, Any], doc: Mapping[str, Any], excerpts: list[dict]):
        self.coders: list[int] = list(spec["coders"])
        self.code_map = {int(k): int(v) for k, v in spec["code_map"].items()}
        self.names = spec.get("names", {})
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
        self._described: dict[int, dict] = {}
        self.arrays = {
            coder: (
                np.array([e["start"] for e in exs], dtype=np.int64),
                np.array([e["end"] for e in exs], dtype=np.int64),
            )
            for coder, exs in self.by_coder.items()
        }

    def union(self, coder: int, row: int) -> list[tuple[int, int]]:
        return _union(self.intervals.get((coder, row), []))

    def overlapping(self, coder: int, start: int, end: int, row: int | None) -> list[dict]:
        """The coder's excerpts overlapping [start, end); only those carrying ``row`` if given."""
        if row is not None:
            pool = self.carrying.get((coder, row), [])
            return [self._describe(e) for e in pool if e["start"] < end and e["end"] > start]
        if coder not in self.arrays:
            return []
        starts, ends = self.arrays[coder]
        hits = np.flatnonzero((starts < end) & (ends > start))[:10].tolist()
        excerpts = self.by_coder[coder]
        return [self._describe(excerpts[i]) for i in hits]

    def _describe(self, ex: dict) -> dict:
        found = self._described.get(ex["id"])
        if found is None:  # once per excerpt: a busy excerpt shows up in many disagreements
            found = self._described[ex["id"]] = {
                "uuid": ex["uuid"],
                "start": ex["start"],
                "end": ex["end"],
                "codes": sorted(self.names.get(str(c), str(c)) for c in ex["codes"]),
            }
        return found


def _pattern_counts(values: np.ndarray, weights: np.ndarray) -> dict[str, float]:
    """Columns of ``values`` (coders × units; -1 missing) → {"10-": total weight}."""
    if values.shape[1] == 0:
        return {}
    n = values.shape[0]
    key = ((values + 1) * (3 ** np.arange(n))[:, None]).sum(axis=0)
    uniq, inverse = np.unique(key, return_inverse=True)
    sums = np.bincount(inverse, weights=weights)
    out: dict[str, float] = {}
    for k, w in zip(uniq.tolist(), sums.tolist(), strict=True):
        digits = [(k // 3**i) % 3 for i in range(n)]
        out["".join(MISSING_MARK if d == 0 else str(d - 1) for d in digits)] = float(w)
    return out


def pattern_coincidences(key: str) -> np.ndarray:
    """The 2 × 2 coincidence matrix (values 0, 1) of one unit with value pattern ``key``.

    With m values of which k are 1: o_11 = k(k − 1)/(m − 1), o_00 = (m − k)(m − k − 1)/(m − 1),
    o_01 = o_10 = k(m − k)/(m − 1); units with m < 2 are not pairable (all zero).
    """
    present = [ch for ch in key if ch != MISSING_MARK]
    m = len(present)
    out = np.zeros((2, 2))
    if m < 2:
        return out
    k = present.count("1")
    out[1, 1] = k * (k - 1) / (m - 1)
    out[0, 0] = (m - k) * (m - k - 1) / (m - 1)
    out[0, 1] = out[1, 0] = k * (m - k) / (m - 1)
    return out


def _coincidences_json(patterns: Mapping[str, float]) -> dict:
    """Σ over units of their coincidences, in closed form per pattern (no per-unit pass)."""
    total = np.zeros((2, 2))
    for key, weight in patterns.items():
        total += weight * pattern_coincidences(key)
    return {"values": [0, 1], "matrix": total.tolist()}


def _unit_values(
    dc: _DocumentCodings, spec: Mapping[str, Any], row: int, segments: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(starts, ends, values coders × units) for one row code in one document."""
    unit = spec["unit"]
    if unit == "document":
        starts = np.array([0], dtype=np.int64)
        ends = np.array([max(dc.length, 1)], dtype=np.int64)
    elif unit == "segment":
        assert segments is not None
        starts, ends = segments[:, 0], segments[:, 1]
    else:  # character: runs between every boundary of every coder's coverage
        points = {0, dc.length}
        for i, coder in enumerate(dc.coders):
            if dc.present[i]:
                for s, e in dc.union(coder, row):
                    points.update((max(0, min(s, dc.length)), max(0, min(e, dc.length))))
        bounds = np.array(sorted(points), dtype=np.int64)
        starts, ends = bounds[:-1], bounds[1:]
    values = np.full((len(dc.coders), len(starts)), -1, dtype=np.int64)
    for i, coder in enumerate(dc.coders):
        if not dc.present[i]:
            continue
        union = dc.union(coder, row)
        if not union:
            values[i] = 0
            continue
        if unit == "document":
            values[i] = int(bool(union))
            continue
        covered = covered_length(union, starts, ends)
        if unit == "segment":
            ratio = covered / np.maximum(ends - starts, 1)
            values[i] = (ratio >= float(spec["threshold"]) - 1e-12).astype(np.int64)
        else:
            values[i] = (covered > 0).astype(np.int64)
    return starts, ends, values


def _disagreement(
    dc: _DocumentCodings, doc: Mapping[str, Any], row: int, start: int, end: int, column
) -> dict:
    text = doc["text"]
    whole = start == 0 and end >= dc.length
    coders = []
    for i, coder in enumerate(dc.coders):
        value = None if column[i] < 0 else int(column[i])
        # Whole-document units list only the excerpts with the code; smaller units show what
        # the coder did there instead, which is what a discussion needs.
        excerpts = (
            []
            if value is None
            else dc.overlapping(coder, start, end, row if whole or value == 1 else None)
        )
        coders.append({"coder": coder, "value": value, "excerpts": excerpts})
    context = "" if whole else text[max(0, start - CONTEXT_CHARS) : end + CONTEXT_CHARS][:600]
    return {
        "document": doc["code"],
        "title": doc["title"],
        "start": start,
        "end": end,
        "page": _page_at(doc.get("pages") or [], start),
        "context": context,
        "coders": coders,
    }


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
        disagreements: list[dict] = []
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
                    column = [1, 0] if own == a else [0, 1]
                    disagreements.append(
                        _disagreement(dc, doc, row, ex["start"], ex["end"], column)
                    )
        if checked:
            out[str(row)] = {
                "matches": [agree, checked],
                "disagreements": disagreements,
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
        "excerpts": sorted([e["id"], e["version"]] for e in excerpts),
        "present": [c for c, p in zip(dc.coders, dc.present, strict=True) if p],
        "codes": {},
    }
    unit = spec["unit"]
    if unit == "excerpt":
        partial["codes"] = _excerpt_matching(dc, doc, spec)
        return partial
    segments = None
    if unit == "segment":
        segments = np.asarray(segments_of(doc, spec["segment"]), dtype=np.int64).reshape(-1, 2)
        partial["units"] = int(len(segments))
        if not len(segments):
            return partial
    for row in spec["rows"]:
        starts, ends, values = _unit_values(dc, spec, row, segments)
        weights = (
            (ends - starts).astype(np.float64) if unit == "character" else np.ones(len(starts))
        )
        patterns = _pattern_counts(values, weights)
        present_rows = values >= 0
        lo = np.where(present_rows, values, 2).min(axis=0)
        hi = np.where(present_rows, values, -1).max(axis=0)
        differing = np.flatnonzero((present_rows.sum(axis=0) >= 2) & (lo != hi))
        disagreements: list[dict] = []
        spans: list[tuple[int, int, tuple]] = []
        for j in differing.tolist():
            column = tuple(values[:, j].tolist())
            s, e = int(starts[j]), int(ends[j])
            # Adjacent character runs with the same pattern are one disagreement.
            if spans and spans[-1][1] == s and spans[-1][2] == column:
                spans[-1] = (spans[-1][0], e, column)
            else:
                spans.append((s, e, column))
        for s, e, column in spans[: per_document_cap(len(spec.get("documents", ())))]:
            disagreements.append(_disagreement(dc, doc, row, s, e, column))
        partial["codes"][str(row)] = {
            "patterns": patterns,
            "coincidences": _coincidences_json(patterns),
            "disagreements": disagreements,
            "disagreement_count": len(spans),
        }
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
    for row in spec["rows"]:
        patterns: dict[str, float] = {}
        parts = []
        matches = [0, 0]
        disagreements: list[dict] = []
        count = 0
        for partial in partials:
            data = partial["codes"].get(str(row))
            if not data:
                continue
            count += data["disagreement_count"]
            room = DISAGREEMENTS_PER_CODE - len(disagreements)
            disagreements.extend(data["disagreements"][: max(room, 0)])
            if unit == "excerpt":
                matches[0] += data["matches"][0]
                matches[1] += data["matches"][1]
                continue
            add_patterns(patterns, data["patterns"])
            parts.append(_coincidences(data["coincidences"]))
        out: dict[str, Any] = {
            "code": row,
            "disagreements": disagreements,
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
