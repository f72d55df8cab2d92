"""Krippendorff's unitized α family (uα, |uα, cuα) for a textual continuum.

Follows Krippendorff, Mathet, Bouvry & Widlöcher (2016), "On the reliability of unitizing
textual continua: further developments", Quality & Quantity 50, and Krippendorff, *Content
Analysis*, 4th ed. (2019), §12.6. Each coder divides a continuum of ``length`` characters into
units carrying values; everything else is a gap (irrelevant matter, φ).

Conventions (NOTES.md), which decide whether the book's values are reproduced:

* Observed coincidences: for every ordered pair of different coders, the overlap length of a
  unit (or gap) of one with a unit (or gap) of the other, divided by m − 1.
* A unit cannot pair with itself: expected coincidences e_ck = (n_c n_k − [c = k] Σ ℓ_g²) / (n −
  Σ ℓ_g² / n), where the sum runs over the units g of value c. Gap characters are independent
  length-1 units, so a gap contributes its length, not its length squared.
* Overlapping units of one coder with the same value are a data error: they are united.
  Merely adjacent same-value units stay separate units. Overlapping units of one coder with
  different values cannot be represented on a single-valued continuum: ``ValueError``.
* |uα collapses every value to "relevant" and keeps the units as the coder drew them.
* cuα uses the coincidences among relevant values only. Its self-pairing correction uses each
  unit's *pairable* length: the unit's contribution to the restricted coincidence totals, i.e.
  Σ over its characters of (other coders marking relevant matter there) / (m − 1). For two
  coders that is the overlap with the other coder's relevant matter. For more than two coders
  the literature is terse; this choice keeps Σ e_ck = n like everywhere else in α.

Computation is interval arithmetic: all unit boundaries of all coders are sorted into
breakpoints, and each coder's value is looked up once per segment between breakpoints, so
the cost is O(m² × segments), independent of the number of characters.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from ._data import _sort_key

Span = tuple[int, int, Hashable]
Variant = Literal["u", "binary", "cu"]
VARIANTS: tuple[str, ...] = ("u", "binary", "cu")
GAP = -1


@dataclass(frozen=True)
class UnitizedAlpha:
    """All three unitized coefficients of one continuum and how much text enters cuα.

    ``pairable_share`` is cuα's pairable mass over all values (n* / n); for two coders that is
    the share of characters both coders marked as relevant. ``pairable_characters`` counts the
    characters at least two coders marked as relevant. Report both beside cuα: it can rest on
    very little text.
    """

    u: float
    binary: float
    cu: float
    pairable_share: float
    pairable_characters: int
    coders: int
    length: int

    def value(self, variant: Variant = "u") -> float:
        """The coefficient named by ``variant``: "u" (uα), "binary" (|uα) or "cu" (cuα)."""
        if variant not in VARIANTS:
            raise ValueError(f"variant must be one of {VARIANTS}, got {variant!r}")
        return {"u": self.u, "binary": self.binary, "cu": self.cu}[variant]


@dataclass(frozen=True)
class _Units:
    """One coder's units, sorted and non-overlapping."""

    starts: np.ndarray
    ends: np.ndarray
    values: np.ndarray  # category index per unit


def _coder_units(
    starts: np.ndarray, ends: np.ndarray, values: np.ndarray, length: int, coder: Hashable
) -> _Units:
    """The coder's spans (start, end and category index arrays) as units: overlapping spans
    of one value united (a data error), in the order of their starts. Array operations, not a
    loop per span: a run's per-code uα turns every excerpt of every document into a span."""
    s_all, e_all, v_all = starts, ends, values
    bad = np.flatnonzero((s_all < 0) | (s_all >= e_all) | (e_all > length))
    if bad.size:
        start, end = int(s_all[bad[0]]), int(e_all[bad[0]])
        raise ValueError(f"coder {coder!r}: span ({start}, {end}) outside 0..{length}")
    order = np.lexsort((e_all, s_all, v_all))  # by value, then start, then end
    s, e, v = s_all[order], e_all[order], v_all[order]
    # A span starts a new unit unless it starts before the end of an earlier span of its
    # value (adjacency s == end stays apart). Values are kept apart by shifting each value's
    # ends past every smaller value's, so one running maximum serves all of them.
    reach = np.maximum.accumulate(v * (length + 1) + e)
    fresh = np.ones(s.size, dtype=bool)
    fresh[1:] = (v[1:] != v[:-1]) | (s[1:] + v[1:] * (length + 1) >= reach[:-1])
    first = np.flatnonzero(fresh)
    s_units, v_units = s[first], v[first]
    e_units = np.maximum.reduceat(e, first) if first.size else e[:0]
    # Starts are distinct unless two units overlap, which is an error below: sorted by start
    # they are in one order only.
    by_start = np.argsort(s_units, kind="stable")
    s_arr, e_arr, v_arr = s_units[by_start], e_units[by_start], v_units[by_start]
    if s_arr.size > 1 and np.any(s_arr[1:] < e_arr[:-1]):
        raise ValueError(f"coder {coder!r} has overlapping units with different values")
    return _Units(s_arr, e_arr, v_arr)


def _nominal_alpha(off_observed: float, off_expected_numerator: float, denom: float) -> float:
    """1 − D_o / D_e with D_e = Σ_{c≠k} n_c n_k / denom; NaN when D_e is 0."""
    if denom <= 0 or off_expected_numerator <= 1e-12:
        return math.nan
    return 1.0 - off_observed * denom / off_expected_numerator


def unitized_alpha_details(spans: Mapping[Hashable, Sequence[Span]], length: int) -> UnitizedAlpha:
    """uα, |uα and cuα for ``spans`` (coder → list of ``(start, end, value)``).

    Offsets are 0-based, end-exclusive, within ``0..length``. Every coder in ``spans`` is taken
    to have unitized the whole continuum; leave out coders who did not (missing is not
    absent). A coder with an empty list marked nothing as relevant. Coefficients are NaN when
    undefined (no variation, or for cuα no relevant matter marked by two coders).
    """
    observed_values = {value for coder in spans for _, _, value in spans[coder]}
    categories = sorted(observed_values, key=_sort_key)
    index = {value: i for i, value in enumerate(categories)}
    arrays = {}
    for coder, items in spans.items():
        n = len(items)
        arrays[coder] = (
            np.fromiter((int(span[0]) for span in items), dtype=np.int64, count=n),
            np.fromiter((int(span[1]) for span in items), dtype=np.int64, count=n),
            np.fromiter((index[span[2]] for span in items), dtype=np.int64, count=n),
        )
    return unitized_alpha_arrays(arrays, length, categories=len(categories))


def unitized_alpha_arrays(
    spans: Mapping[Hashable, tuple[np.ndarray, np.ndarray, np.ndarray]],
    length: int,
    *,
    categories: int,
) -> UnitizedAlpha:
    """:func:`unitized_alpha_details` for spans given per coder as arrays of starts, ends and
    category indices (0 to ``categories`` − 1, each index observed), the values' sorted
    order: a run's per-code uα slices one set of arrays per code instead of building a list
    of spans each."""
    coders = list(spans)
    m = len(coders)
    if m < 2:
        raise ValueError("unitized α needs at least two coders")
    if length < 1:
        raise ValueError("length must be positive")
    q = categories
    units = [_coder_units(*spans[c], length, c) for c in coders]

    # Segments between consecutive breakpoints: every character inside one has the same value
    # for every coder.
    breaks = np.unique(
        np.concatenate([[0, length]] + [a for u in units for a in (u.starts, u.ends)])
    )
    seg_start = breaks[:-1]
    seg_len = np.diff(breaks).astype(np.float64)

    seg_unit = np.empty((m, seg_start.size), dtype=np.int64)
    seg_value = np.empty((m, seg_start.size), dtype=np.int64)
    for i, u in enumerate(units):
        if u.starts.size == 0:  # marked nothing: all gap
            seg_unit[i] = -1
            seg_value[i] = GAP
            continue
        pos = np.searchsorted(u.starts, seg_start, side="right") - 1
        safe = np.maximum(pos, 0)
        inside = (pos >= 0) & (seg_start < u.ends[safe])
        seg_unit[i] = np.where(inside, pos, -1)
        seg_value[i] = np.where(inside, u.values[safe], GAP)

    # Observed coincidences over q values plus φ (stored last, index q).
    size = q + 1
    coded = np.where(seg_value == GAP, q, seg_value)
    o = np.zeros((size, size))
    for i in range(m):
        for j in range(i + 1, m):
            half = np.bincount(coded[i] * size + coded[j], weights=seg_len, minlength=size * size)
            o += half.reshape(size, size)
    o = (o + o.T) / (m - 1)
    n_c = o.sum(axis=1)
    n = float(n_c.sum())  # = m × length

    # Self-pairing correction Σ ℓ²: units by their squared length, gaps by their length.
    squares = 0.0
    for u in units:
        squares += float(((u.ends - u.starts).astype(np.float64) ** 2).sum())
    squares += float(n_c[q])  # every gap character is its own length-1 unit
    denom = n - squares / n

    rel = slice(0, q)
    off = o.sum() - np.trace(o)
    expected_off = n * n - float((n_c**2).sum())
    u_alpha = _nominal_alpha(float(off), expected_off, denom)

    n_gap, n_rel = float(n_c[q]), float(n_c[:q].sum())
    bin_off = float(o[q, :q].sum() + o[:q, q].sum())
    binary_alpha = _nominal_alpha(bin_off, 2 * n_gap * n_rel, denom)

    # cuα: the relevant × relevant block, with pairable unit lengths.
    o_rel = o[rel, rel]
    n_star_c = o_rel.sum(axis=1)
    n_star = float(n_star_c.sum())
    relevant = seg_value != GAP
    others_relevant = relevant.sum(axis=0)[None, :] - relevant
    pairable_len = np.where(relevant, seg_len * others_relevant / (m - 1), 0.0)
    squares_star = 0.0
    for i, u in enumerate(units):
        if u.starts.size:
            mask = relevant[i]
            per_unit = np.bincount(
                seg_unit[i][mask], weights=pairable_len[i][mask], minlength=u.starts.size
            )
            squares_star += float((per_unit**2).sum())
    if n_star > 0:
        denom_star = n_star - squares_star / n_star
        off_star = float(o_rel.sum() - np.trace(o_rel))
        cu_alpha = _nominal_alpha(off_star, n_star**2 - float((n_star_c**2).sum()), denom_star)
    else:
        cu_alpha = math.nan

    pairable_chars = int(seg_len[relevant.sum(axis=0) >= 2].sum())
    return UnitizedAlpha(
        u=u_alpha,
        binary=binary_alpha,
        cu=cu_alpha,
        pairable_share=n_star / n,
        pairable_characters=pairable_chars,
        coders=m,
        length=length,
    )


def unitized_alpha(
    spans: Mapping[Hashable, Sequence[Span]], length: int, variant: Variant = "u"
) -> float:
    """One coefficient of the unitized family: ``"u"`` (uα, coding and unitizing together),
    ``"binary"`` (|uα, where relevant matter is) or ``"cu"`` (cuα, which value, on matter two
    coders marked relevant). See :func:`unitized_alpha_details` for conventions."""
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {VARIANTS}, got {variant!r}")
    return unitized_alpha_details(spans, length).value(variant)
