"""Property tests: the vectorised code against naive per-pair references and, where they are
right, against third-party libraries installed for the tests only (never imported at run time).
"""

from __future__ import annotations

import itertools
import math
from collections import Counter

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from coding.agreement import (
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
    scott_pi,
)

LEVELS = ("nominal", "ordinal", "interval", "ratio")


@st.composite
def reliability_data(draw, min_coders=2, max_coders=5, missing=True, max_value=4):
    coders = draw(st.integers(min_coders, max_coders))
    units = draw(st.integers(2, 25))
    value = st.integers(0, max_value)
    cell = st.one_of(st.none(), value) if missing else value
    return [draw(st.lists(cell, min_size=units, max_size=units)) for _ in range(coders)]


def naive_alpha(data, level):
    """Krippendorff (2011) step by step: a loop over units and ordered pairs of values."""
    coincidences: Counter = Counter()
    for unit in zip(*data, strict=True):
        values = [v for v in unit if v is not None]
        m = len(values)
        if m < 2:
            continue
        for a, b in itertools.permutations(range(m), 2):
            coincidences[values[a], values[b]] += 1 / (m - 1)
    cats = sorted({c for pair in coincidences for c in pair})
    n_c = {c: sum(coincidences[c, k] for k in cats) for c in cats}
    n = sum(n_c.values())

    def delta(c, k):
        if level == "nominal":
            return float(c != k)
        if level == "interval":
            return (c - k) ** 2
        if level == "ratio":
            return 0.0 if c + k == 0 else ((c - k) / (c + k)) ** 2
        lo, hi = min(c, k), max(c, k)
        return (sum(n_c[g] for g in cats if lo <= g <= hi) - (n_c[c] + n_c[k]) / 2) ** 2

    observed = sum(coincidences[c, k] * delta(c, k) for c in cats for k in cats)
    expected = sum(n_c[c] * n_c[k] * delta(c, k) for c in cats for k in cats)
    if n <= 1 or expected == 0:
        return math.nan
    return 1 - (n - 1) * observed / expected


def naive_gwet(data):
    """Gwet's p_a, π_k with missing ratings, loop by loop (irrCAC's *.raw definitions)."""
    units = [[v for v in unit if v is not None] for unit in zip(*data, strict=True)]
    cats = sorted({v for u in units for v in u})
    pairable = [u for u in units if len(u) >= 2]
    rated = [u for u in units if len(u) >= 1]
    if not pairable:
        return math.nan, [], cats
    p_a = sum(
        sum(u.count(k) * (u.count(k) - 1) for k in cats) / (len(u) * (len(u) - 1)) for u in pairable
    ) / len(pairable)
    pi = [sum(u.count(k) / len(u) for u in rated) / len(rated) for k in cats]
    return p_a, pi, cats


def same(a, b, tol=1e-9):
    return (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, abs=tol)


@settings(max_examples=150, deadline=None)
@given(reliability_data(), st.sampled_from(LEVELS))
def test_alpha_matches_naive_reference(data, level):
    assert same(krippendorff_alpha(data, level), naive_alpha(data, level))


@settings(max_examples=100, deadline=None)
@given(reliability_data(), st.sampled_from(LEVELS))
def test_alpha_matches_krippendorff_package(data, level):
    krippendorff = pytest.importorskip("krippendorff")
    ours = krippendorff_alpha(data, level)
    assume(not math.isnan(ours))
    matrix = np.array([[np.nan if v is None else v for v in row] for row in data], dtype=float)
    theirs = krippendorff.alpha(reliability_data=matrix, level_of_measurement=level)
    assert ours == pytest.approx(theirs, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(reliability_data())
def test_nominal_alpha_matches_nltk(data):
    agreement = pytest.importorskip("nltk.metrics.agreement")
    ours = krippendorff_alpha(data)
    assume(not math.isnan(ours))
    # nltk drops items with fewer than two labels itself only in recent versions: do it here.
    triples = [
        (str(i), str(u), v)
        for u, unit in enumerate(zip(*data, strict=True))
        if sum(v is not None for v in unit) >= 2
        for i, v in enumerate(unit)
        if v is not None
    ]
    theirs = agreement.AnnotationTask(data=triples).alpha()
    assert ours == pytest.approx(theirs, abs=1e-9)


@settings(max_examples=150, deadline=None)
@given(reliability_data(min_coders=2, max_coders=2))
def test_cohen_and_scott_match_naive_two_coder_formulas(data):
    pairs = [(a, b) for a, b in zip(*data, strict=True) if a is not None and b is not None]
    if not pairs:
        assert math.isnan(cohen_kappa(data)) and math.isnan(scott_pi(data))
        return
    n = len(pairs)
    cats = sorted({v for p in pairs for v in p})
    p_o = sum(a == b for a, b in pairs) / n
    pa = {k: sum(a == k for a, _ in pairs) / n for k in cats}
    pb = {k: sum(b == k for _, b in pairs) / n for k in cats}
    pe_cohen = sum(pa[k] * pb[k] for k in cats)
    pe_scott = sum(((pa[k] + pb[k]) / 2) ** 2 for k in cats)
    expect_k = math.nan if math.isclose(pe_cohen, 1) else (p_o - pe_cohen) / (1 - pe_cohen)
    expect_pi = math.nan if math.isclose(pe_scott, 1) else (p_o - pe_scott) / (1 - pe_scott)
    assert same(cohen_kappa(data), expect_k)
    assert same(scott_pi(data), expect_pi)


@settings(max_examples=100, deadline=None)
@given(reliability_data(min_coders=2, max_coders=2, missing=False))
def test_cohen_kappa_matches_scikit_learn(data):
    metrics = pytest.importorskip("sklearn.metrics")
    ours = cohen_kappa(data)
    assume(not math.isnan(ours))
    assert ours == pytest.approx(metrics.cohen_kappa_score(data[0], data[1]), abs=1e-9)


@settings(max_examples=150, deadline=None)
@given(reliability_data())
def test_fleiss_and_ac1_match_naive_gwet_formulas(data):
    p_a, pi, cats = naive_gwet(data)
    assert same(percent_agreement(data), p_a)
    if math.isnan(p_a):
        return
    pe_fleiss = sum(p * p for p in pi)
    expect_fleiss = math.nan if math.isclose(pe_fleiss, 1) else (p_a - pe_fleiss) / (1 - pe_fleiss)
    assert same(fleiss_kappa(data), expect_fleiss)
    q = len(cats)
    if q <= 1:
        assert math.isnan(gwet_ac1(data))
    else:
        pe_ac1 = sum(p * (1 - p) for p in pi) / (q - 1)
        assert same(gwet_ac1(data), (p_a - pe_ac1) / (1 - pe_ac1))


@settings(max_examples=100, deadline=None)
@given(reliability_data(min_coders=3, max_coders=6, missing=False))
def test_fleiss_kappa_matches_statsmodels_on_complete_data(data):
    irr = pytest.importorskip("statsmodels.stats.inter_rater")
    ours = fleiss_kappa(data)
    assume(not math.isnan(ours))
    table, _ = irr.aggregate_raters(np.array(data).T)
    assert ours == pytest.approx(irr.fleiss_kappa(table, method="fleiss"), abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(reliability_data(), st.lists(st.integers(1, 4), min_size=25, max_size=25))
def test_weights_equal_repeated_units(data, repeat):
    weights = repeat[: len(data[0])]
    expanded = [[v for v, w in zip(row, weights, strict=True) for _ in range(w)] for row in data]
    for level in ("nominal", "ordinal"):
        assert same(
            krippendorff_alpha(data, level, weights=weights), krippendorff_alpha(expanded, level)
        )
    assert same(fleiss_kappa(data, weights=weights), fleiss_kappa(expanded))
