"""Agreement coefficients for predefined units: percent agreement, κ-family, AC1, Holsti.

Conventions (see ``agreement/NOTES.md`` in the study's shared material):

* ``data`` is a reliability matrix, one list per coder, ``None`` for a missing value.
* Units with fewer than two values are not pairable; they drop out of observed agreement.
* Every coefficient returns ``math.nan`` when it is undefined (0/0, e.g. no variation at all),
  never 1, 0 or an exception, so callers can show "undefined (no variation)".
* The optional ``weights`` argument says how many identical units each column stands for
  (run-length encoding of character-level data); it defaults to one per column.

Multi-coder formulas with missing ratings follow Gwet (2014), *Handbook of Inter-Rater
Reliability*, 4th ed., ch. 2–4, the framework irrCAC implements: observed agreement averages,
over units with at least two ratings, the share of agreeing rater pairs; the category
prevalences π_k average each unit's rating shares over units with at least one rating.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from functools import cache

import numpy as np

from ._data import (
    Encoded,
    ReliabilityData,
    chance_corrected,
    encode,
    require_two_coders,
)

Weights = Sequence[float] | None


def _encoded(
    data: ReliabilityData | Encoded,
    weights: Weights,
    categories: Sequence[Hashable] | None = None,
) -> Encoded:
    """``data`` encoded; data the caller encoded already (with the categories the coefficient
    needs) is used as it is, so several coefficients of one table share one encoding."""
    if isinstance(data, Encoded):
        return data
    return encode(data, weights=weights, categories=categories)


def _prevalence(counts: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Gwet's π_k: mean over rated units of the share of ratings in category k."""
    r = counts.sum(axis=1)
    rated = r >= 1
    w = weights[rated]
    if w.sum() <= 0:
        return np.zeros(counts.shape[1])
    shares = counts[rated] / r[rated, None]
    return (w[:, None] * shares).sum(axis=0) / w.sum()


def _two_coder_table(enc: Encoded) -> np.ndarray:
    """Contingency table of the units both coders rated (listwise deletion), weighted."""
    a, b = enc.codes
    both = (a >= 0) & (b >= 0)
    q = max(enc.n_categories, 1)
    table = np.bincount(a[both] * q + b[both], weights=enc.weights[both], minlength=q * q)
    return table.reshape(q, q)


def percent_agreement(data: ReliabilityData | Encoded, *, weights: Weights = None) -> float:
    """Share of agreeing coder pairs, averaged over units with at least two values.

    For two coders this is the share of jointly coded units on which they agree. NaN when no
    unit has two values.
    """
    enc = _encoded(data, weights)
    return enc.observed_agreement


def cohen_kappa(data: ReliabilityData | Encoded, *, weights: Weights = None) -> float:
    """Cohen's κ (1960) for exactly two coders; chance from each coder's own marginals.

    Only units both coders rated are used. Raises ``ValueError`` for any other number of
    coders (use :func:`light_kappa` or :func:`pairwise_cohen_matrix`). NaN when undefined.
    """
    enc = _encoded(data, weights)
    require_two_coders(enc, "Cohen's kappa")
    table = _two_coder_table(enc)
    total = table.sum()
    if total <= 0:
        return math.nan
    p_o = np.trace(table) / total
    p_e = float((table.sum(axis=1) * table.sum(axis=0)).sum() / total**2)
    return chance_corrected(float(p_o), p_e)


def scott_pi(data: ReliabilityData | Encoded, *, weights: Weights = None) -> float:
    """Scott's π (1955) for exactly two coders; chance from the pooled marginals.

    Only units both coders rated are used. Its generalisation to more coders is
    :func:`fleiss_kappa`. Raises ``ValueError`` unless there are two coders; NaN if undefined.
    """
    enc = _encoded(data, weights)
    require_two_coders(enc, "Scott's pi")
    table = _two_coder_table(enc)
    total = table.sum()
    if total <= 0:
        return math.nan
    pooled = (table.sum(axis=1) + table.sum(axis=0)) / (2 * total)
    return chance_corrected(float(np.trace(table) / total), float((pooled**2).sum()))


def fleiss_kappa(data: ReliabilityData | Encoded, *, weights: Weights = None) -> float:
    """Fleiss' κ (1971) for any number of coders, missing ratings handled explicitly.

    Fleiss' textbook formula assumes the same number of ratings per unit; with missing values
    this uses Gwet's generalisation (p_a over units with ≥ 2 ratings, π_k over units with ≥ 1
    rating, p_e = Σ π_k²). On complete data both are identical. NaN when undefined.
    """
    enc = _encoded(data, weights)
    counts = enc.counts
    p_a = enc.observed_agreement
    p_e = float((_prevalence(counts, enc.weights) ** 2).sum())
    return chance_corrected(p_a, p_e)


def brennan_prediger(
    data: ReliabilityData | Encoded,
    categories: Sequence[Hashable] | None = None,
    *,
    weights: Weights = None,
) -> float:
    """Brennan & Prediger's (1981) free-marginal κ: p_e = 1/q.

    ``q`` should be the number of categories *available* to the coders, so pass
    ``categories``; by default it is the number of categories *observed*, which overstates
    chance agreement when some categories were never used. NaN when q ≤ 1 or no unit is
    pairable.
    """
    enc = _encoded(data, weights, categories)
    q = enc.n_categories
    if q == 0:
        return math.nan
    p_a = enc.observed_agreement
    return chance_corrected(p_a, 1.0 / q)


def gwet_ac1(
    data: ReliabilityData | Encoded,
    categories: Sequence[Hashable] | None = None,
    *,
    weights: Weights = None,
) -> float:
    """Gwet's AC1 (2008): p_e = Σ_k π_k (1 − π_k) / (q − 1), any number of coders.

    ``q`` is the number of categories: observed by default, or ``len(categories)``. AC1 stays
    high when one category dominates (the prevalence paradox that drags κ down). NaN when
    q ≤ 1 or no unit is pairable.
    """
    enc = _encoded(data, weights, categories)
    q = enc.n_categories
    if q <= 1:
        return math.nan
    counts = enc.counts
    p_a = enc.observed_agreement
    pi = _prevalence(counts, enc.weights)
    p_e = float((pi * (1 - pi)).sum() / (q - 1))
    return chance_corrected(p_a, p_e)


def holsti(data: ReliabilityData | Encoded, *, weights: Weights = None) -> float:
    """Holsti's (1969) coefficient of reliability 2A / (N₁ + N₂) for exactly two coders.

    Here a "decision" is a non-missing value: N₁ and N₂ count the units each coder rated and
    A the units both rated with the same value. When both coders rated the same units this
    equals percent agreement; for excerpt-level Holsti with an overlap rule see
    :func:`coding.agreement.units.excerpt_agreement`. NaN when neither coder rated anything.
    """
    enc = _encoded(data, weights)
    require_two_coders(enc, "Holsti's coefficient")
    a, b = enc.codes
    w = enc.weights
    n1, n2 = w[a >= 0].sum(), w[b >= 0].sum()
    if n1 + n2 <= 0:
        return math.nan
    agree = w[(a >= 0) & (a == b)].sum()
    return float(2 * agree / (n1 + n2))


def pairwise_cohen_matrix(
    data: ReliabilityData | Encoded, *, weights: Weights = None
) -> np.ndarray:
    """Coders × coders matrix of Cohen's κ for every pair; the diagonal is NaN.

    Each pair uses the units both coders rated. Undefined pairs are NaN. Data encoded already
    (a run's binary pattern data) is not encoded again per pair: a category neither coder of
    a pair used is an empty row and column of its table, which with two categories leaves
    every sum the same additions.
    """
    pairs: dict[tuple[int, int], ReliabilityData | Encoded]
    if isinstance(data, Encoded):
        k = data.n_coders
        pairs = {
            (i, j): Encoded(data.codes[[i, j]], data.categories, data.weights)
            for i in range(k)
            for j in range(i + 1, k)
        }
    else:
        rows = [list(row) for row in data]
        k = len(rows)
        pairs = {(i, j): [rows[i], rows[j]] for i in range(k) for j in range(i + 1, k)}
    out = np.full((k, k), math.nan)
    for (i, j), pair in pairs.items():
        out[i, j] = out[j, i] = cohen_kappa(pair, weights=weights)
    return out


def light_kappa(data: ReliabilityData, *, weights: Weights = None) -> float:
    """Light's κ (1971): the mean of pairwise Cohen's κ over all coder pairs.

    Pairs whose κ is undefined (no variation in their shared units) are left out of the mean;
    NaN when no pair is defined. Needs at least two coders.
    """
    return light_kappa_from_pairs(pairwise_cohen_matrix(data, weights=weights))


@cache
def upper_pairs(k: int) -> tuple[np.ndarray, np.ndarray]:
    """``np.triu_indices(k, k=1)``, made once per number of coders (a run asks per code),
    read only."""
    rows, columns = np.triu_indices(k, k=1)
    rows.flags.writeable = columns.flags.writeable = False
    return rows, columns


def light_kappa_from_pairs(matrix: np.ndarray) -> float:
    """Light's κ from the matrix of pairwise Cohen's κ (:func:`pairwise_cohen_matrix`), for
    callers that show the matrix too."""
    if matrix.shape[0] < 2:
        raise ValueError("Light's kappa needs at least two coders")
    upper = matrix[upper_pairs(matrix.shape[0])]
    defined = upper[~np.isnan(upper)]
    return float(defined.mean()) if defined.size else math.nan
