"""Krippendorff's α from coincidence matrices, with pooling and a bootstrap interval.

The coincidence matrix is built with one vectorised pass per pair of coders, so memory is
categories² for the matrix plus O(units) per pass, never categories² × units (the GPL
``krippendorff`` package needs about 4.8 GB at 100 categories × 20,000 units).

Pooling: build one :class:`Coincidences` per document, add them with ``+`` (or
:func:`sum_coincidences`) and call :func:`alpha_from_coincidences` once. Averaging
per-document α values is wrong (NOTES.md, "Several documents").
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from ._data import ReliabilityData, _sort_key, encode

Level = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS: tuple[str, ...] = ("nominal", "ordinal", "interval", "ratio")


@dataclass(frozen=True)
class Coincidences:
    """A coincidence matrix ``matrix[c, k]`` over the category values ``values``.

    ``o_ck = Σ_u (ordered c–k value pairs in unit u) / (m_u − 1)`` over units with m_u ≥ 2
    values. Matrices over different value sets can be added; values are aligned first.
    """

    values: tuple[Hashable, ...]
    matrix: np.ndarray

    def __add__(self, other: Coincidences) -> Coincidences:
        if not isinstance(other, Coincidences):
            return NotImplemented
        if self.values == other.values:
            return Coincidences(self.values, self.matrix + other.matrix)
        values = tuple(sorted(set(self.values) | set(other.values), key=_sort_key))
        index = {v: i for i, v in enumerate(values)}
        out = np.zeros((len(values), len(values)))
        for part in (self, other):
            idx = np.array([index[v] for v in part.values], dtype=np.int64)
            out[np.ix_(idx, idx)] += part.matrix
        return Coincidences(values, out)

    @property
    def pairable_values(self) -> float:
        """n: the number of pairable values (the matrix total)."""
        return float(self.matrix.sum())


def empty_coincidences() -> Coincidences:
    """The neutral element for pooling."""
    return Coincidences((), np.zeros((0, 0)))


def sum_coincidences(parts: Iterable[Coincidences]) -> Coincidences:
    """Pool coincidence matrices, e.g. one per document, before computing α once."""
    total = empty_coincidences()
    for part in parts:
        total = total + part
    return total


def _pair_entries(
    codes: np.ndarray, weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every unordered pair of values within a pairable unit, flattened.

    Returns (unit index, first category, second category, contribution 1/(m_u − 1) × weight).
    Size is Σ_u m_u(m_u − 1)/2, independent of the number of categories.
    """
    present = codes >= 0
    m_u = present.sum(axis=0)
    scale = np.where(m_u >= 2, weights / np.maximum(m_u - 1, 1), 0.0)
    units, firsts, seconds, contribs = [], [], [], []
    n_coders = codes.shape[0]
    for i in range(n_coders):
        for j in range(i + 1, n_coders):
            both = np.flatnonzero(present[i] & present[j])
            units.append(both)
            firsts.append(codes[i, both])
            seconds.append(codes[j, both])
            contribs.append(scale[both])
    if not units:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, np.zeros(0)
    return (
        np.concatenate(units),
        np.concatenate(firsts),
        np.concatenate(seconds),
        np.concatenate(contribs),
    )


def _matrix_from_pairs(
    first: np.ndarray, second: np.ndarray, contrib: np.ndarray, q: int
) -> np.ndarray:
    half = np.bincount(first * q + second, weights=contrib, minlength=q * q).reshape(q, q)
    # Each unordered pair counts once as c–k and once as k–c.
    return half + half.T


def coincidence_matrix(
    data: ReliabilityData, *, weights: Sequence[float] | None = None
) -> Coincidences:
    """Krippendorff's coincidence matrix of ``data`` (missing values allowed).

    ``weights`` (one per unit) lets a column stand for several identical units, e.g. a run of
    characters, without expanding it.
    """
    enc = encode(data, weights=weights)
    q = enc.n_categories
    _, first, second, contrib = _pair_entries(enc.codes, enc.weights)
    return Coincidences(enc.categories, _matrix_from_pairs(first, second, contrib, q))


def _numeric(values: Sequence[Hashable], level: str) -> np.ndarray:
    try:
        out = np.array([float(v) for v in values])  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{level} α needs numeric values") from exc
    if level == "ratio" and np.any(out < 0):
        raise ValueError("ratio α needs non-negative values")
    return out


def distance_matrix(values: Sequence[Hashable], marginals: np.ndarray, level: str) -> np.ndarray:
    """Squared difference δ²_ck for the level of measurement.

    Ordinal δ² depends on the marginals n_g of the (pooled) data, which is why α is computed
    from a coincidence matrix and not from a pairwise distance function.
    """
    q = len(values)
    if level == "nominal":
        return 1.0 - np.eye(q)
    if level == "ordinal":
        # Rank positions in the values' natural order; the matrix itself may be in any order.
        order = sorted(range(q), key=lambda i: _sort_key(values[i]))
        rank = np.empty(q, dtype=np.int64)
        rank[order] = np.arange(q)
        cum = np.concatenate([[0.0], np.cumsum(marginals[order])])
        lo = np.minimum.outer(rank, rank)
        hi = np.maximum.outer(rank, rank)
        spread = cum[hi + 1] - cum[lo] - (marginals[:, None] + marginals[None, :]) / 2
        return spread**2
    x = _numeric(values, level)
    if level == "interval":
        return np.subtract.outer(x, x) ** 2
    if level == "ratio":
        total = np.add.outer(x, x)
        diff = np.subtract.outer(x, x)
        with np.errstate(divide="ignore", invalid="ignore"):
            # Two zeros are identical values: distance 0, not 0/0.
            return np.where(total == 0, 0.0, (diff / total) ** 2)
    raise ValueError(f"level must be one of {LEVELS}, got {level!r}")


def alpha_from_coincidences(coincidences: Coincidences, *, level: Level = "nominal") -> float:
    """α = 1 − (n − 1) Σ o_ck δ²_ck / Σ n_c n_k δ²_ck.

    NaN when undefined: fewer than two pairable values, or no variation (expected
    disagreement 0).
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")
    o = coincidences.matrix
    n_c = o.sum(axis=1)
    n = n_c.sum()
    if n <= 1:
        return math.nan
    delta = distance_matrix(coincidences.values, n_c, level)
    expected = float((np.outer(n_c, n_c) * delta).sum())
    if expected <= 1e-12 * max(n * n, 1.0):
        return math.nan
    observed = float((o * delta).sum())
    return 1.0 - (n - 1) * observed / expected


def krippendorff_alpha(
    data: ReliabilityData,
    level: Level = "nominal",
    *,
    weights: Sequence[float] | None = None,
) -> float:
    """Krippendorff's α for ``level`` nominal, ordinal, interval or ratio; missing allowed.

    Reproduces Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C:
    nominal 0.743, ordinal 0.815, interval 0.849, ratio 0.797. NaN when undefined.
    """
    return alpha_from_coincidences(coincidence_matrix(data, weights=weights), level=level)


def bootstrap_alpha_ci(
    data: ReliabilityData,
    level: Level = "nominal",
    *,
    n_boot: int = 1000,
    seed: int | None = 0,
    confidence: float = 0.95,
    weights: Sequence[float] | None = None,
) -> tuple[float, float]:
    """Percentile bootstrap interval for α, resampling pairable units with replacement.

    Deterministic for a given ``seed``. This resamples units (the sampling unit of reliability
    data), unlike Hayes & Krippendorff's (2007) algorithm, which resamples pairs of values;
    both give similar widths for moderate data. Replicates where α is undefined are dropped;
    returns (NaN, NaN) when none is defined.
    """
    if n_boot < 1:
        raise ValueError("n_boot must be positive")
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1")
    enc = encode(data, weights=weights)
    q = enc.n_categories
    unit, first, second, contrib = _pair_entries(enc.codes, enc.weights)
    pairable = np.unique(unit)
    if pairable.size == 0:
        return (math.nan, math.nan)
    n_units = enc.codes.shape[1]
    rng = np.random.default_rng(seed)
    alphas = np.empty(n_boot)
    for b in range(n_boot):
        # A unit drawn k times contributes k times its pairs: one bincount, no copying.
        drawn = rng.choice(pairable, size=pairable.size, replace=True)
        times = np.bincount(drawn, minlength=n_units)
        matrix = _matrix_from_pairs(first, second, contrib * times[unit], q)
        alphas[b] = alpha_from_coincidences(Coincidences(enc.categories, matrix), level=level)
    defined = alphas[~np.isnan(alphas)]
    if defined.size == 0:
        return (math.nan, math.nan)
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(defined, [tail, 100 - tail])
    return (float(low), float(high))
