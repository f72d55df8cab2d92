"""Unitized α: hand-computed cases and a naive per-character reference (small data only)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coding.agreement import unitized_alpha, unitized_alpha_details

GAP = "φ"


def naive_unitized(spans, length):
    """Per-character reference: expand every coder to one value and one unit id per character,
    build full observed and expected coincidence matrices, and collapse them for |uα."""
    coders = list(spans)
    m = len(coders)
    value = {c: [GAP] * length for c in coders}
    unit = {c: [None] * length for c in coders}
    for c in coders:
        # Same-value overlaps are united; adjacency keeps units apart.
        merged: dict = {}
        for s, e, v in sorted(spans[c], key=lambda t: (str(t[2]), t[0])):
            runs = merged.setdefault(v, [])
            if runs and s < runs[-1][1]:
                runs[-1][1] = max(runs[-1][1], e)
            else:
                runs.append([s, e])
        for v, runs in merged.items():
            for k, (s, e) in enumerate(runs):
                for x in range(s, e):
                    value[c][x] = v
                    unit[c][x] = (v, k)
    cats = sorted({v for c in coders for v in value[c]}, key=str)

    def matrix(keep):
        o = {(a, b): 0.0 for a in cats for b in cats}
        for x in range(length):
            for i in coders:
                for j in coders:
                    if i != j and keep(value[i][x]) and keep(value[j][x]):
                        o[value[i][x], value[j][x]] += 1 / (m - 1)
        return o

    def alpha(o, squares, collapse):
        n_c = {a: sum(o[a, b] for b in cats) for a in cats}
        n = sum(n_c.values())
        if n == 0:
            return math.nan
        denom = n - sum(squares.values()) / n
        e = {
            (a, b): (n_c[a] * n_c[b] - (squares.get(a, 0) if a == b else 0)) / denom
            for a in cats
            for b in cats
        }
        d_o = sum(o[a, b] for a in cats for b in cats if collapse(a) != collapse(b))
        d_e = sum(e[a, b] for a in cats for b in cats if collapse(a) != collapse(b))
        return math.nan if d_e <= 1e-12 else 1 - d_o / d_e

    # uα / |uα: units by squared length, gap characters as length-1 units.
    squares: dict = {}
    for c in coders:
        lengths: dict = {}
        for x in range(length):
            if unit[c][x] is None:
                squares[GAP] = squares.get(GAP, 0) + 1
            else:
                lengths[unit[c][x]] = lengths.get(unit[c][x], 0) + 1
        for (v, _), ell in lengths.items():
            squares[v] = squares.get(v, 0) + ell**2
    full = matrix(lambda v: True)
    u = alpha(full, squares, lambda v: v)
    binary = alpha(full, squares, lambda v: v == GAP)

    # cuα: relevant values only; pairable length = Σ (other coders relevant) / (m − 1).
    pair_squares: dict = {}
    for c in coders:
        pairable: dict = {}
        for x in range(length):
            if unit[c][x] is not None:
                others = sum(value[j][x] != GAP for j in coders if j != c)
                pairable[unit[c][x]] = pairable.get(unit[c][x], 0) + others / (m - 1)
        for (v, _), ell in pairable.items():
            pair_squares[v] = pair_squares.get(v, 0) + ell**2
    relevant = matrix(lambda v: v != GAP)
    cats_all = cats
    cats = [v for v in cats_all if v != GAP]
    cu = alpha(relevant, pair_squares, lambda v: v)
    return u, binary, cu


def test_hand_computed_uα():
    # L = 10; A marks all of it "x", B the first half. o_xx = 10, o_xφ = o_φx = 5,
    # n = 20, Σℓ² = 100 + 25 + 5 gap characters = 130, n − Σℓ²/n = 13.5,
    # uα = 1 − 10 × 13.5 / (2 × 15 × 5) = 0.1.
    spans = {"A": [(0, 10, "x")], "B": [(0, 5, "x")]}
    assert unitized_alpha(spans, 10) == pytest.approx(0.1)
    assert unitized_alpha(spans, 10, "binary") == pytest.approx(0.1)
    # Both coders agree on the value wherever both marked something: only "x" → undefined.
    assert math.isnan(unitized_alpha(spans, 10, "cu"))


def test_identical_unitizations_are_perfect():
    spans = {c: [(2, 7, "a"), (9, 15, "b"), (20, 22, "a")] for c in ("A", "B", "C")}
    details = unitized_alpha_details(spans, 30)
    assert details.u == pytest.approx(1.0)
    assert details.binary == pytest.approx(1.0)
    assert details.cu == pytest.approx(1.0)
    assert details.pairable_characters == 13
    assert details.pairable_share == pytest.approx(13 / 30)


def test_nothing_marked_is_undefined():
    details = unitized_alpha_details({"A": [], "B": []}, 50)
    assert math.isnan(details.u) and math.isnan(details.binary) and math.isnan(details.cu)
    assert details.pairable_share == 0


def test_overlapping_same_value_units_are_united_but_adjacent_ones_stay_apart():
    united = {"A": [(0, 6, "x"), (4, 10, "x")], "B": [(0, 5, "x")]}
    single = {"A": [(0, 10, "x")], "B": [(0, 5, "x")]}
    assert unitized_alpha(united, 10) == pytest.approx(unitized_alpha(single, 10))
    adjacent = {"A": [(0, 5, "x"), (5, 10, "x")], "B": [(0, 5, "x")]}
    assert unitized_alpha(adjacent, 10) != pytest.approx(unitized_alpha(single, 10))


def test_overlapping_units_with_different_values_are_an_error():
    with pytest.raises(ValueError, match="different values"):
        unitized_alpha({"A": [(0, 6, "x"), (4, 10, "y")], "B": []}, 10)


def test_spans_outside_the_continuum_are_an_error():
    with pytest.raises(ValueError, match="outside"):
        unitized_alpha({"A": [(0, 11, "x")], "B": []}, 10)


def test_needs_two_coders_and_a_known_variant():
    with pytest.raises(ValueError, match="two coders"):
        unitized_alpha({"A": [(0, 1, "x")]}, 10)
    with pytest.raises(ValueError, match="variant"):
        unitized_alpha({"A": [], "B": []}, 10, "k")  # type: ignore[arg-type]


@st.composite
def unitizations(draw):
    length = draw(st.integers(1, 40))
    coders = draw(st.integers(2, 4))
    spans = {}
    for c in range(coders):
        # Non-overlapping units of mixed values per coder, plus occasional same-value overlap.
        cuts = sorted(draw(st.sets(st.integers(0, length), max_size=8)))
        units = []
        for s, e in zip(cuts[::2], cuts[1::2], strict=False):
            if e > s:
                units.append((s, e, draw(st.sampled_from("abc"))))
        if units and draw(st.booleans()):
            s, e, v = units[0]
            units.append((s, max(s + 1, (s + e) // 2), v))  # overlaps its own unit
        spans[f"c{c}"] = units
    return spans, length


@settings(max_examples=200, deadline=None)
@given(unitizations())
def test_interval_arithmetic_matches_per_character_reference(case):
    spans, length = case
    details = unitized_alpha_details(spans, length)
    u, binary, cu = naive_unitized(spans, length)
    for ours, ref in ((details.u, u), (details.binary, binary), (details.cu, cu)):
        assert (math.isnan(ours) and math.isnan(ref)) or ours == pytest.approx(ref, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(unitizations())
def test_pairable_characters_counts_text_marked_by_two_coders(case):
    spans, length = case
    marked = np.zeros((len(spans), length), dtype=bool)
    for i, coder in enumerate(spans):
        for s, e, _ in spans[coder]:
            marked[i, s:e] = True
    details = unitized_alpha_details(spans, length)
    assert details.pairable_characters == int((marked.sum(axis=0) >= 2).sum())
