"""Reliability data in, integer-coded numpy arrays out.

Every coefficient in this package starts from the same shape: a reliability matrix with one row
per coder and one column per unit, ``None`` where a coder gave no value. Encoding it once here
keeps the coefficient modules about formulas, not about input handling.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

#: One list per coder, one value per unit; ``None`` = missing (not "absent": see NOTES).
ReliabilityData = Sequence[Sequence[Hashable | None]]

MISSING = -1


@dataclass(frozen=True)
class Encoded:
    """A reliability matrix with values replaced by category indices.

    ``codes[i, u]`` is the index into ``categories`` of coder ``i``'s value for unit ``u``, or
    ``MISSING``. ``weights[u]`` is how many identical units column ``u`` stands for (1 unless
    the caller passed run-length weights, e.g. for character-level data).
    """

    codes: np.ndarray
    categories: tuple[Hashable, ...]
    weights: np.ndarray

    @property
    def n_coders(self) -> int:
        return int(self.codes.shape[0])

    @property
    def n_categories(self) -> int:
        return len(self.categories)

    @cached_property
    def counts(self) -> np.ndarray:
        """:func:`category_counts`, made once: the coefficients of one table share it (read
        only)."""
        return category_counts(self)

    @cached_property
    def observed_agreement(self) -> float:
        """Gwet's p_a: weighted mean over pairable units of the share of agreeing pairs (made
        once: percent agreement and Fleiss' κ of one table share it, as AC1 and
        Brennan–Prediger do)."""
        counts, weights = self.counts, self.weights
        r = counts.sum(axis=1)
        pairable = r >= 2
        w = weights[pairable]
        if w.sum() <= 0:
            return math.nan
        c = counts[pairable]
        rp = r[pairable]
        per_unit = (c * (c - 1)).sum(axis=1) / (rp * (rp - 1))
        return float((w * per_unit).sum() / w.sum())


def _is_missing(value: object) -> bool:
    # NaN is accepted as missing too because numeric exports (pandas, CSV) produce it.
    return value is None or (isinstance(value, float) and math.isnan(value))


def _sort_key(value: Hashable) -> tuple[int, object]:
    # Numbers sort numerically and before anything else; other values sort by their text, so
    # mixed category sets still get a deterministic order.
    if isinstance(value, bool) or not isinstance(value, int | float):
        return (1, str(value))
    return (0, value)


def encode(
    data: ReliabilityData,
    *,
    weights: Sequence[float] | None = None,
    categories: Sequence[Hashable] | None = None,
) -> Encoded:
    """Validate ``data`` and turn it into integer category indices.

    Categories are the observed values in sorted order, unless ``categories`` is given; then
    every observed value must be one of them (a typo in a category must not silently pass).
    """
    rows = [list(row) for row in data]
    if not rows:
        raise ValueError("reliability data needs at least one coder")
    n_units = len(rows[0])
    if any(len(row) != n_units for row in rows):
        raise ValueError("every coder needs one value per unit (use None for missing)")

    observed: set[Hashable] = set()
    for row in rows:
        observed.update(row)
    observed = {value for value in observed if not _is_missing(value)}
    if categories is None:
        ordered = tuple(sorted(observed, key=_sort_key))
    else:
        ordered = tuple(dict.fromkeys(categories))
        unknown = observed - set(ordered)
        if unknown:
            raise ValueError(f"values not among the given categories: {sorted(map(str, unknown))}")
    # A dict lookup per value (with None and NaN falling through to MISSING) is the fastest
    # pure-Python encoding; it keeps 100,000 values well under 10 ms.
    index: dict[Hashable, int] = {value: i for i, value in enumerate(ordered)}
    codes = np.array(
        [[index.get(value, MISSING) for value in row] for row in rows], dtype=np.int64
    ).reshape(len(rows), n_units)

    if weights is None:
        w = np.ones(n_units, dtype=np.float64)
    else:
        w = np.asarray(weights, dtype=np.float64)
        if w.shape != (n_units,):
            raise ValueError("weights need one entry per unit")
        if np.any(w < 0) or not np.all(np.isfinite(w)):
            raise ValueError("weights must be finite and non-negative")
    return Encoded(codes=codes, categories=ordered, weights=w)


def category_counts(enc: Encoded) -> np.ndarray:
    """Units × categories matrix: how many coders put unit ``u`` into category ``k``.

    This is the "distribution of raters by subject and category" that Fleiss-type formulas use.
    Its size is units × categories, never units × categories².
    """
    n_units = enc.codes.shape[1]
    q = max(enc.n_categories, 1)
    present = enc.codes >= 0
    unit_idx = np.broadcast_to(np.arange(n_units), enc.codes.shape)[present]
    flat = unit_idx * q + enc.codes[present]
    return np.bincount(flat, minlength=n_units * q).reshape(n_units, q).astype(np.float64)


def require_two_coders(enc: Encoded, name: str) -> None:
    """Raise the documented ``ValueError`` for coefficients defined for exactly two coders."""
    if enc.n_coders != 2:
        raise ValueError(
            f"{name} is defined for exactly two coders, got {enc.n_coders}; "
            "use fleiss_kappa, light_kappa or krippendorff_alpha for more"
        )


def chance_corrected(observed: float, expected: float) -> float:
    """(p_o − p_e) / (1 − p_e), or NaN when chance agreement is 1 (no variation: 0/0)."""
    if math.isnan(observed) or math.isnan(expected) or math.isclose(expected, 1.0, abs_tol=1e-12):
        return math.nan
    return (observed - expected) / (1.0 - expected)
