"""An agreement run's pooled results: the documents' parts summed, coefficients computed once.

Per row code and over all codes: the chosen coefficients (each undefined one with its reason),
a bootstrap interval for α, pairwise values, and at the character level the unitized α family
over the documents every coder coded. Inputs are ``spec`` and the documents' partials as
``coding.agreement.partials`` makes them.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np

from coding.wording import gettext_noop

from .alpha import Coincidences, alpha_from_coincidences, krippendorff_alpha, sum_coincidences
from .coefficients import (
    brennan_prediger,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    light_kappa,
    pairwise_cohen_matrix,
    percent_agreement,
)
from .disagreements import CodeDisagreements
from .patterns import (
    MISSING_MARK,
    add_patterns,
    describe_data,
    pairable_values,
    pattern_coincidences,
    patterns_to_data,
)
from .unitized import unitized_alpha_details

# The reasons a value is missing, stored with the run as English message ids (coding/wording.py);
# the Django layer says them in the reader's language (coding/runs/explain.py), old runs' too.
NO_PAIRS = gettext_noop("no unit was coded by two coders")
NO_VARIATION = gettext_noop("no variation: every value is the same")
UNDEFINED = gettext_noop("undefined")
LIGHT_NOTE = (  # worded with its numbers by coding/runs/explain.py
    "mean of {used} of {pairs} coder pairs; "
    "{undefined} undefined (no variation in their shared units) left out"
)
NO_EXCERPT = gettext_noop("no excerpt with this code")
ONE_CODE = gettext_noop("needs at least two codes (chance agreement is 1 / number of codes)")
NO_COMMON_DOCUMENT = gettext_noop("no document was coded by every chosen coder")
OVERLAPPING_CODES = gettext_noop(
    "a coder applied two of the codes to the same text; uα and cuα over all codes "
    "need mutually exclusive codes (one semantic domain)"
)
NO_CHARACTER_INTERVAL = gettext_noop(
    "not computed: characters are not independent units, so a bootstrap over "
    "characters would give a misleadingly narrow interval"
)


def _coincidences(raw: Mapping[str, Any]) -> Coincidences:
    if not raw or not raw.get("values"):
        return Coincidences((), np.zeros((0, 0)))
    return Coincidences(tuple(raw["values"]), np.asarray(raw["matrix"], dtype=np.float64))


def _finite(value: float) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


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
    if values.get("light") is not None:
        note = _light_note(pairwise_cohen_matrix(data, weights=weights))
        if note:
            reasons["light"] = note
    return values, reasons


def _light_note(matrix: np.ndarray) -> str:
    """Light's κ averages the defined pairs only; say how many were left out, or the mean
    reads as if every pair entered it."""
    upper = matrix[np.triu_indices(matrix.shape[0], k=1)]
    undefined = int(np.isnan(upper).sum())
    if not undefined:
        return ""
    return LIGHT_NOTE.format(used=upper.size - undefined, pairs=upper.size, undefined=undefined)


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
        out["reason"] = NO_COMMON_DOCUMENT
        return out
    offset = 0
    # Keyed by Hashable: unitized_alpha_details takes any coder key (Mapping keys are invariant).
    spans: dict[Hashable, list[tuple[int, int, int]]] = {c: [] for c in coders}
    for part in parts:
        for coder in coders:
            spans[coder].extend(
                (s + offset, e + offset, row) for s, e, row in part["spans"].get(coder, [])
            )
        offset += part["length"]
    length = offset
    for row in spec["rows"]:
        one: dict[Hashable, list[tuple[int, int, int]]] = {
            c: [s for s in spans[c] if s[2] == row] for c in coders
        }
        details = unitized_alpha_details(one, length)
        value = _finite(details.u)
        out["per_code"][str(row)] = {
            "u_alpha": value,
            "reason": "" if value is not None else NO_VARIATION,
        }
    try:
        details = unitized_alpha_details(spans, length)
    except ValueError:
        out["reason"] = OVERLAPPING_CODES
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
    named: dict[str, list] = {}  # excerpt id → [uuid, start, end, code ids], for all rows
    for row in spec["rows"]:
        patterns: dict[str, float] = {}
        parts = []
        matches = [0, 0]
        disagreements = CodeDisagreements(named)
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
            "pairable_values": pairable_values(pooled_patterns),
            "prevalence": prevalence,
        }
        if unit == "character":
            pooled["ci"] = None
            pooled["ci_reason"] = NO_CHARACTER_INTERVAL
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
            "reasons": {"percent": NO_EXCERPT, "bp": NO_EXCERPT},
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
        reasons["bp"] = ONE_CODE
    return {"values": values, "reasons": reasons, "units": checked, "prevalence": None}
