"""An agreement run's pooled results: the documents' parts summed, coefficients computed once.

Per row code and over all codes: the chosen coefficients (each undefined one with its reason),
a bootstrap interval for α, pairwise values, and at the character level the unitized α family
over the documents every coder coded. Inputs are ``spec`` and the documents' partials as
``coding.agreement.partials`` makes them.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from itertools import chain
from typing import Any

import numpy as np

from coding.wording import Notice, gettext_noop

from .alpha import (
    Coincidences,
    alpha_from_coincidences,
    empty_coincidences,
    krippendorff_alpha,
)
from .coefficients import (
    brennan_prediger,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    light_kappa_from_pairs,
    pairwise_cohen_matrix,
    percent_agreement,
    upper_pairs,
)
from .disagreements import CodeDisagreements
from .patterns import (
    MISSING_MARK,
    add_patterns,
    coincidence_sums,
    describe_data,
    pairable_values,
    pattern_coincidences,
    patterns_encoded,
    patterns_to_data,
)
from .unitized import unitized_alpha_arrays

# Why a value is undefined, stored with the results as English message ids (a note with
# numbers as `Notice.stored()`); the pages word them in the reader's language
# (coding/notices.py), so runs stored before keep working: their sentence is the id.
NO_PAIRS = gettext_noop("no unit was coded by two coders")
NO_VARIATION = gettext_noop("no variation: every value is the same")
UNDEFINED = gettext_noop("undefined")
NOT_ALL_CODED = gettext_noop("no document was coded by every chosen coder")
NOT_EXCLUSIVE = gettext_noop(
    "a coder applied two of the codes to the same text; uα and cuα over all codes "
    "need mutually exclusive codes (one semantic domain)"
)
NO_CI_FOR_CHARACTERS = gettext_noop(
    "not computed: characters are not independent units, so a bootstrap over "
    "characters would give a misleadingly narrow interval"
)
NO_EXCERPT = gettext_noop("no excerpt with this code")
NEEDS_TWO_CODES = gettext_noop("needs at least two codes (chance agreement is 1 / number of codes)")
LIGHT_PAIRS_LEFT_OUT = gettext_noop(
    "mean of %(used)d of %(pairs)d coder pairs; %(undefined)d undefined (no variation in "
    "their shared units) left out"
)


def _finite(value: float) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def coefficients(
    patterns: Mapping[str, float],
    coincidences: Coincidences,
    *,
    n_coders: int,
    wanted: Sequence[str],
) -> tuple[dict[str, float | None], dict[str, Any]]:
    """The chosen coefficients of one row, and for each undefined one the reason (a message id,
    or a stored notice)."""
    names = []
    for name in wanted:
        if name == "kappa":
            names.extend(["cohen"] if n_coders == 2 else ["light", "fleiss"])
        else:
            names.append(name)
    pairable, _prevalence, variation = describe_data(patterns)
    if pairable <= 0:
        return dict.fromkeys(names), dict.fromkeys(names, NO_PAIRS)
    # One encoding per category set, shared by the coefficients (each would encode again);
    # the binary one has q = 2: "applied" and "not applied" are available to every coder.
    observed, binary = patterns_encoded(patterns, n_coders)
    pairs = pairwise_cohen_matrix(observed) if "light" in names else np.zeros(0)
    compute = {
        "percent": lambda: percent_agreement(observed),
        "cohen": lambda: cohen_kappa(observed),
        "light": lambda: light_kappa_from_pairs(pairs),
        "fleiss": lambda: fleiss_kappa(observed),
        "alpha": lambda: alpha_from_coincidences(coincidences),
        "ac1": lambda: gwet_ac1(binary),
        "bp": lambda: brennan_prediger(binary),
    }
    values: dict[str, float | None] = {}
    reasons: dict[str, Any] = {}
    for name in names:
        value = _finite(compute[name]())
        values[name] = value
        if value is None:
            reasons[name] = UNDEFINED if variation else NO_VARIATION
    if values.get("light") is not None:
        note = _light_note(pairs)
        if note:
            reasons["light"] = note
    return values, reasons


def _light_note(matrix: np.ndarray) -> dict[str, Any] | None:
    """Light's κ averages the defined pairs only; say how many were left out, or the mean
    reads as if every pair entered it."""
    upper = matrix[upper_pairs(matrix.shape[0])]
    undefined = int(np.isnan(upper).sum())
    if not undefined:
        return None
    used, pairs = int(upper.size - undefined), int(upper.size)
    note = Notice(LIGHT_PAIRS_LEFT_OUT, {"used": used, "pairs": pairs, "undefined": undefined})
    return note.stored()


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
    matrices = np.stack(
        [np.einsum("p,pij->ij", counts.astype(np.float64), stack) for counts in draws]
    )
    alphas = binary_alphas(matrices)
    defined = alphas[~np.isnan(alphas)]
    if defined.size == 0:
        return None, None
    low, high = np.percentile(defined, [2.5, 97.5])
    return float(low), float(high)


def binary_alphas(matrices: np.ndarray) -> np.ndarray:
    """Nominal α of each 2 × 2 coincidence matrix in ``matrices`` (shape (r, 2, 2)), at once:
    the operations :func:`alpha_from_coincidences` makes on one, in its order, so each value
    is the same to the last bit (a test holds them equal); NaN where it gives NaN."""
    o00, o01, o10, o11 = (matrices[:, i, j] for i, j in ((0, 0), (0, 1), (1, 0), (1, 1)))
    n0, n1 = o00 + o01, o10 + o11
    n = n0 + n1
    # Σ n_c n_k δ_ck and Σ o_ck δ_ck: the terms δ = 0 are zeros, and n0 n1 = n1 n0.
    expected = n0 * n1 + n1 * n0
    observed = o01 + o10
    with np.errstate(divide="ignore", invalid="ignore"):
        alphas = 1.0 - (n - 1) * observed / expected
    undefined = (n <= 1) | (expected <= 1e-12 * np.maximum(n * n, 1.0))
    return np.where(undefined, math.nan, alphas)


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


Columns = tuple[np.ndarray, np.ndarray, np.ndarray]  # starts, ends, category indices


def _unitized(spec: Mapping[str, Any], partials: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """uα, |uα and cuα over the documents every coder coded, laid end to end as one
    continuum (a unit never crosses a document boundary, so the sums are the documents')."""
    coders = [str(c) for c in spec["coders"]]
    parts = [p["unitized"] for p in partials if p.get("unitized")]
    out: dict[str, Any] = {"documents": len(parts), "per_code": {}, "pooled": None}
    if not parts:
        out["reason"] = NOT_ALL_CODED
        return out
    # Each coder's spans over all the documents as three arrays (start, end, row), made once
    # and sliced per row, instead of a list of spans per row and coder converted in each call.
    chunks: dict[str, list[np.ndarray]] = {c: [] for c in coders}
    offset = 0
    for part in parts:
        for coder in coders:
            found = np.array(part["spans"].get(coder, []), dtype=np.int64).reshape(-1, 3)
            found[:, :2] += offset
            chunks[coder].append(found)
        offset += part["length"]
    length = offset
    spans = {c: np.concatenate(chunks[c]) for c in coders}
    # Per coder, the spans in order of their row (stable: within a row as the documents
    # listed them, as the lists of spans were).
    by_row = {c: spans[c][np.argsort(spans[c][:, 2], kind="stable")] for c in coders}
    rows = np.asarray(spec["rows"], dtype=np.int64)
    bounds = {
        c: (
            np.searchsorted(by_row[c][:, 2], rows, side="left"),
            np.searchsorted(by_row[c][:, 2], rows, side="right"),
        )
        for c in coders
    }
    for k, row in enumerate(spec["rows"]):
        # Keyed by Hashable: unitized_alpha_arrays takes any coder key (Mapping keys are
        # invariant).
        sliced: dict[Hashable, Columns] = {}
        for c in coders:
            chosen = by_row[c][bounds[c][0][k] : bounds[c][1][k]]
            sliced[c] = (chosen[:, 0], chosen[:, 1], np.zeros(len(chosen), dtype=np.int64))
        coded = any(len(columns[0]) for columns in sliced.values())
        details = unitized_alpha_arrays(sliced, length, categories=int(coded))
        value = _finite(details.u)
        out["per_code"][str(row)] = {
            "u_alpha": value,
            "reason": "" if value is not None else NO_VARIATION,
        }
    # Over all rows: each row a category, in sorted order.
    categories = np.unique(np.concatenate([spans[c][:, 2] for c in coders]))
    pooled: dict[Hashable, Columns] = {
        c: (spans[c][:, 0], spans[c][:, 1], np.searchsorted(categories, spans[c][:, 2]))
        for c in coders
    }
    try:
        details = unitized_alpha_arrays(pooled, length, categories=len(categories))
    except ValueError:
        out["reason"] = NOT_EXCLUSIVE
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
    sums = _RowSums(spec, len(partials))
    for position, partial in enumerate(partials):
        sums.add(position, partial)
    return sums.results(n_boot=n_boot, seed=seed)


class _RowSums:
    """The documents' parts summed per row, each part folded in when it arrives, in any order,
    so that what is left at the end is the coefficients (:meth:`results`), as if the parts had
    been added in the run's document order (``position``):

    * the patterns' weights are unit counts or character lengths (whole numbers, see
      ``partials._Units``), whose sums are exact in any order; the patterns' keys are ordered
      by where each is first met in document order;
    * coincidences are fractions (÷ (m − 1), inexact for four coders or more): each part's
      are kept and summed at the end in document order, row after row, as before;
    * disagreements are taken at the end from the documents in order (a code keeps the first).
    """

    def __init__(self, spec: Mapping[str, Any], n_documents: int) -> None:
        self.spec = spec
        self.rows = [str(row) for row in spec["rows"]]
        self.partials: dict[int, Mapping[str, Any]] = {}  # position → part
        n_rows = len(self.rows)
        self.counts = [0] * n_rows
        self.matches = [[0, 0] for _ in self.rows]
        self.patterns: list[dict[str, float]] = [{} for _ in self.rows]
        # Per row, pattern → (position, index among that document's patterns) where first met.
        self.first: list[dict[str, tuple[int, int]]] = [{} for _ in self.rows]
        self.coincidences = np.zeros((n_documents, n_rows, 3))  # o_00, o_01, o_11 per part
        self.coded = np.zeros((n_documents, n_rows), dtype=bool)
        # Per row, position → the part's data for the row, of parts with disagreements.
        self.disagreeing: list[dict[int, Mapping[str, Any]]] = [{} for _ in self.rows]
        self.refs: dict[str, list] = {}  # the excerpts the parts' disagreements name

    def add(self, position: int, partial: Mapping[str, Any]) -> None:
        self.partials[position] = partial
        self.refs.update(partial.get("refs") or {})
        codes = partial["codes"]
        excerpt = self.spec["unit"] == "excerpt"
        for k, row in enumerate(self.rows):
            data = codes.get(row)
            if not data:
                continue
            self.counts[k] += data["disagreement_count"]
            if data["disagreements"]:
                self.disagreeing[k][position] = data
            if excerpt:
                self.matches[k][0] += data["matches"][0]
                self.matches[k][1] += data["matches"][1]
                continue
            patterns = data["patterns"]
            # A document's coincidences follow from its patterns (closed form): the parts do
            # not carry them, so they stay small.
            self.coincidences[position, k] = coincidence_sums(patterns)
            self.coded[position, k] = True
            total, first = self.patterns[k], self.first[k]
            for index, (key, weight) in enumerate(patterns.items()):
                total[key] = total.get(key, 0.0) + weight
                if first.get(key, (position, index)) >= (position, index):
                    first[key] = (position, index)

    def _ordered_patterns(self, k: int) -> dict[str, float]:
        total, first = self.patterns[k], self.first[k]
        return {key: total[key] for key in sorted(total, key=first.__getitem__)}

    def _disagreements(self, k: int) -> CodeDisagreements:
        out = CodeDisagreements()
        found = self.disagreeing[k]
        for position in sorted(found):
            if out.full():
                break
            out.extend(self.partials[position], found[position])
        return out

    def results(self, *, n_boot: int, seed: int) -> dict[str, Any]:
        spec = self.spec
        partials = [self.partials[p] for p in range(len(self.coincidences))]
        coders = list(spec["coders"])
        n = len(coders)
        unit = spec["unit"]
        wanted = list(spec.get("coefficients") or ["percent", "kappa", "alpha", "ac1", "bp"])
        # Summed in document order, row after row, as the parts came before: running sums
        # (accumulate adds one after another; a part without the row adds zeros, exactly).
        per_row = np.add.accumulate(self.coincidences, axis=0)
        pooled_sums = np.add.accumulate(self.coincidences.transpose(1, 0, 2).reshape(-1, 3), axis=0)
        rows: list[dict[str, Any]] = []
        pooled_patterns: dict[str, float] = {}
        named: list[list[int]] = []  # the excerpt ids each code's kept disagreements name
        for k, row in enumerate(spec["rows"]):
            disagreements = self._disagreements(k)
            named.extend(disagreements.named)
            out: dict[str, Any] = {
                "code": row,
                "disagreements": disagreements.packed(),
                "disagreements_json": disagreements.packed_json(),  # what run_store stores
                "disagreement_count": self.counts[k],
            }
            if unit == "excerpt":
                out.update(_excerpt_values(self.matches[k], len(spec["rows"])))
            else:
                patterns = self._ordered_patterns(k)
                coincidences = _coincidences(per_row[-1, k] if self.coded[:, k].any() else None)
                values, reasons = coefficients(patterns, coincidences, n_coders=n, wanted=wanted)
                pairable, prevalence, _ = describe_data(patterns)
                out.update(values=values, reasons=reasons, units=pairable, prevalence=prevalence)
                add_patterns(pooled_patterns, patterns)
            rows.append(out)

        results: dict[str, Any] = {"unit": unit, "coders": coders, "documents": len(partials)}
        if unit == "excerpt":
            pooled_matches = [sum(m[0] for m in self.matches), sum(m[1] for m in self.matches)]
            results["pooled"] = _excerpt_values(pooled_matches, len(spec["rows"]))
            results["pairwise"] = [
                {"coders": coders[:2], "percent": results["pooled"]["values"].get("percent")}
            ]
        else:
            coincidences = _coincidences(pooled_sums[-1] if self.coded.any() else None)
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
                pooled["ci_reason"] = NO_CI_FOR_CHARACTERS
            else:
                pooled["ci"] = bootstrap_ci(pooled_patterns, n_coders=n, n_boot=n_boot, seed=seed)
                pooled["n_boot"] = n_boot
                pooled["seed"] = seed
            results["pooled"] = pooled
            results["pairwise"] = pairwise(pooled_patterns, coders)
        if unit == "character":
            results["unitized"] = _unitized(spec, partials)
        results["rows"] = rows
        # Each excerpt once, where the codes' disagreements first name it.
        results["disagreement_excerpts"] = {
            str(i): self.refs[str(i)] for i in dict.fromkeys(chain.from_iterable(named))
        }
        results["excerpts"] = sorted(pair for partial in partials for pair in partial["excerpts"])
        return results


def _coincidences(sums: np.ndarray | None) -> Coincidences:
    """Binary coincidences from their three sums (o_10 = o_01); none: no part had the row."""
    if sums is None:
        return empty_coincidences()
    o00, o01, o11 = sums
    return Coincidences((0, 1), np.array([[o00, o01], [o01, o11]], dtype=np.float64))


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
    reasons: dict[str, Any] = {}
    if n_codes >= 2:
        # MAXQDA's κ: chance agreement 1 / number of codes available.
        values["bp"] = (p_o - 1 / n_codes) / (1 - 1 / n_codes)
    else:
        reasons["bp"] = NEEDS_TWO_CODES
    return {"values": values, "reasons": reasons, "units": checked, "prevalence": None}


class RunPool:
    """A run's document partials, gathered as the tasks compute them, in any order, and
    pooled in the run's document order.

    The finalizer adds each part once, when it is computed (its own, still in memory) or as
    soon as it finds it stored (another task's, decoded once), and folds it into the rows'
    sums then, while other tasks still compute, so the pooling left at the end is the
    coefficients only. :meth:`finish` gives exactly what :func:`finalize` gives for the
    partials listed in the run's order, whatever order they arrived in.
    """

    def __init__(self, spec: Mapping[str, Any]) -> None:
        self.spec = spec
        self._positions = {d: i for i, d in enumerate(spec["documents"])}
        self._partials: dict[int, Mapping[str, Any]] = {}
        self._sums = _RowSums(spec, len(self._positions))

    def add(self, partial: Mapping[str, Any]) -> None:
        """Add a document's partial; a document already in the pool keeps its first one."""
        document = int(partial["document"])
        if document not in self._partials:
            self._partials[document] = partial
            self._sums.add(self._positions[document], partial)

    def __contains__(self, document_id: object) -> bool:
        return document_id in self._partials

    def __len__(self) -> int:
        return len(self._partials)

    def documents(self) -> list[int]:
        """The documents in the pool, in the order they arrived."""
        return list(self._partials)

    def missing(self) -> list[int]:
        """The run's documents not in the pool yet, in the run's order."""
        return [d for d in self.spec["documents"] if d not in self._partials]

    def ordered(self) -> list[Mapping[str, Any]]:
        """The partials in the run's document order; every document must be in the pool."""
        missing = self.missing()
        if missing:
            raise ValueError(f"documents not pooled yet: {missing}")
        return [self._partials[d] for d in self.spec["documents"]]

    def finish(self, *, n_boot: int = 500, seed: int = 0) -> dict[str, Any]:
        """The run's results (:func:`finalize` over :meth:`ordered`)."""
        self.ordered()  # every document is in
        return self._sums.results(n_boot=n_boot, seed=seed)
