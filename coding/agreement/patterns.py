"""Value patterns: a unit's binary reliability data as text, and sums over patterns.

For binary reliability data (applied 1 / not applied 0 / missing) every unit is one of at most
3^coders *value patterns* ("10", "1-0", ...). All coefficients of ``coding.agreement`` are
weighted sums over units, so a code's data compresses without loss to pattern → weight (number
of units, or characters at the character level). Patterns add up across documents and codes,
and the bootstrap resamples units as a multinomial draw over patterns, which is the same
distribution as drawing units with replacement.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

import numpy as np

from ._data import Encoded

#: A coder without a value for the unit (not assigned, coded nothing): missing, not absent.
MISSING_MARK = "-"


@cache
def pattern_key(number: int, n: int) -> str:
    """Pattern number Σ (value + 1)·3^i → its text ("10-")."""
    digits = [(number // 3**i) % 3 for i in range(n)]
    return "".join(MISSING_MARK if d == 0 else str(d - 1) for d in digits)


def pattern_coincidences(key: str) -> np.ndarray:
    """The 2 × 2 coincidence matrix (values 0, 1) of one unit with value pattern ``key``.

    With m values of which k are 1: o_11 = k(k − 1)/(m − 1), o_00 = (m − k)(m − k − 1)/(m − 1),
    o_01 = o_10 = k(m − k)/(m − 1); units with m < 2 are not pairable (all zero).
    """
    out = np.zeros((2, 2))
    o00, o01, o11 = pattern_pairs(key)
    out[0, 0], out[0, 1], out[1, 0], out[1, 1] = o00, o01, o01, o11
    return out


@cache
def pattern_pairs(key: str) -> tuple[float, float, float]:
    present = [ch for ch in key if ch != MISSING_MARK]
    m = len(present)
    if m < 2:
        return 0.0, 0.0, 0.0
    k = present.count("1")
    return (m - k) * (m - k - 1) / (m - 1), k * (m - k) / (m - 1), k * (k - 1) / (m - 1)


def coincidences_json(patterns: Mapping[str, float]) -> dict:
    """Σ over units of their coincidences, in closed form per pattern (no per-unit pass)."""
    o00, o01, o11 = coincidence_sums(patterns)
    return {"values": [0, 1], "matrix": [[o00, o01], [o01, o11]]}


def coincidence_sums(patterns: Mapping[str, float]) -> tuple[float, float, float]:
    """(o_00, o_01, o_11) of the units with these patterns (o_10 = o_01)."""
    o00 = o01 = o11 = 0.0
    for key, weight in patterns.items():
        c00, c01, c11 = pattern_pairs(key)
        o00 += weight * c00
        o01 += weight * c01
        o11 += weight * c11
    return o00, o01, o11


def patterns_to_data(
    patterns: Mapping[str, float], n_coders: int
) -> tuple[list[list[int | None]], list[float]]:
    keys = [k for k, w in patterns.items() if w > 0]
    data = [[None if k[i] == MISSING_MARK else int(k[i]) for k in keys] for i in range(n_coders)]
    return data, [float(patterns[k]) for k in keys]


def patterns_encoded(patterns: Mapping[str, float], n_coders: int) -> tuple[Encoded, Encoded]:
    """``encode`` of :func:`patterns_to_data`, read off the patterns' text at once: with the
    observed values as categories, and with both (0, 1). The same arrays as ``encode`` makes,
    without its loop per value (a run's pooling encodes a table per code, twice)."""
    keys = [k for k, w in patterns.items() if w > 0]
    weights = np.array([float(patterns[k]) for k in keys], dtype=np.float64)
    text = np.frombuffer("".join(keys).encode("ascii"), dtype=np.uint8)
    marks = text.reshape(len(keys), n_coders).T
    binary = np.where(marks == ord(MISSING_MARK), -1, marks.astype(np.int64) - ord("0"))
    binary = np.ascontiguousarray(binary, dtype=np.int64)
    seen = tuple(v for v in (0, 1) if (binary == v).any())
    both = Encoded(binary, (0, 1), weights)
    if seen == (0, 1):  # one table: the coefficients of both share its counts (made once)
        return both, both
    codes = binary if seen != (1,) else np.where(binary == 1, 0, binary)
    return Encoded(codes, seen, weights), both


def add_patterns(total: dict[str, float], part: Mapping[str, float]) -> None:
    for key, weight in part.items():
        total[key] = total.get(key, 0.0) + weight


def pairable_values(patterns: Mapping[str, float]) -> float:
    """The number of values α's coincidence matrix is built from (Krippendorff's n): the values
    in units that at least two coders rated."""
    total = 0.0
    for key, w in patterns.items():
        present = sum(1 for ch in key if ch != MISSING_MARK)
        if present >= 2:
            total += w * present
    return total


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
