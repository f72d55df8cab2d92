"""Undefined cases, input rules and the NOTES.md conventions."""

from __future__ import annotations

import math

import pytest

from coding.agreement import (
    alpha_from_coincidences,
    bootstrap_alpha_ci,
    brennan_prediger,
    cohen_kappa,
    coincidence_matrix,
    fleiss_kappa,
    gwet_ac1,
    holsti,
    krippendorff_alpha,
    light_kappa,
    pairwise_cohen_matrix,
    percent_agreement,
    scott_pi,
    sum_coincidences,
)

NO_VARIATION = [[1, 1, 1, 1], [1, 1, 1, 1], [1, None, 1, 1]]
TWO_NO_VARIATION = NO_VARIATION[:2]


@pytest.mark.parametrize(
    "measure",
    [cohen_kappa, scott_pi, fleiss_kappa, gwet_ac1, krippendorff_alpha, light_kappa],
    ids=lambda m: m.__name__,
)
def test_no_variation_is_undefined_not_one_or_zero(measure):
    data = TWO_NO_VARIATION if measure in (cohen_kappa, scott_pi) else NO_VARIATION
    assert math.isnan(measure(data))


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_alpha_no_variation_is_nan_at_every_level(level):
    assert math.isnan(krippendorff_alpha(NO_VARIATION, level))


def test_no_variation_still_has_full_percent_agreement():
    assert percent_agreement(NO_VARIATION) == 1.0


def test_brennan_prediger_uses_available_categories_when_given():
    # Observed q = 1 makes p_e = 1 (undefined); with three available categories p_e = 1/3.
    assert math.isnan(brennan_prediger(TWO_NO_VARIATION))
    assert brennan_prediger(TWO_NO_VARIATION, categories=[1, 2, 3]) == 1.0
    data = [[1, 1, 2, 2], [1, 2, 2, 2]]
    assert brennan_prediger(data) == pytest.approx((0.75 - 0.5) / 0.5)
    assert brennan_prediger(data, categories=[1, 2, 3, 4]) == pytest.approx((0.75 - 0.25) / 0.75)


def test_unknown_value_outside_given_categories_is_an_error():
    with pytest.raises(ValueError, match="categories"):
        brennan_prediger([[1, 5], [1, 1]], categories=[1, 2])


def test_no_pairable_unit_is_undefined():
    data = [[1, None], [None, 2]]
    assert math.isnan(percent_agreement(data))
    assert math.isnan(krippendorff_alpha(data))
    assert math.isnan(cohen_kappa(data))
    assert math.isnan(fleiss_kappa(data))


def test_single_disagreement_as_only_variation_gives_alpha_zero():
    assert krippendorff_alpha([[0, 0, 0, 0], [0, 0, 0, 1]]) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("measure", [cohen_kappa, scott_pi, holsti], ids=lambda m: m.__name__)
def test_two_coder_coefficients_refuse_three_coders(measure):
    with pytest.raises(ValueError, match="exactly two coders"):
        measure([[1, 2], [1, 2], [1, 1]])


def test_ragged_data_is_an_error():
    with pytest.raises(ValueError, match="one value per unit"):
        krippendorff_alpha([[1, 2, 3], [1, 2]])


def test_unknown_level_is_an_error():
    with pytest.raises(ValueError, match="level"):
        krippendorff_alpha([[1, 2], [1, 2]], "circular")  # type: ignore[arg-type]


def test_interval_alpha_needs_numbers():
    with pytest.raises(ValueError, match="numeric"):
        krippendorff_alpha([["a", "b"], ["a", "a"]], "interval")


def test_nan_counts_as_missing():
    with_none = [[1, 2, None, 1], [1, 2, 2, 2]]
    with_nan = [[1, 2, float("nan"), 1], [1, 2, 2, 2]]
    assert krippendorff_alpha(with_nan) == krippendorff_alpha(with_none)


def test_string_categories_work_for_nominal_coefficients():
    data = [["yes", "no", "yes", "yes"], ["yes", "no", "no", "yes"]]
    assert cohen_kappa(data) == pytest.approx(cohen_kappa([[1, 0, 1, 1], [1, 0, 0, 1]]))


def test_holsti_counts_each_coders_own_decisions():
    # Coder A decided 4 units, coder B 3; they agree on 2 → 2·2 / (4 + 3).
    assert holsti([[1, 2, 3, 4], [1, 2, 1, None]]) == pytest.approx(4 / 7)


def test_pairwise_matrix_and_light_kappa():
    data = [[1, 2, 1, 2, 1], [1, 2, 1, 2, 2], [1, 2, 2, 2, 1]]
    matrix = pairwise_cohen_matrix(data)
    assert matrix.shape == (3, 3)
    assert all(math.isnan(matrix[i, i]) for i in range(3))
    assert matrix[0, 1] == matrix[1, 0] == pytest.approx(cohen_kappa(data[:2]))
    expected = (matrix[0, 1] + matrix[0, 2] + matrix[1, 2]) / 3
    assert light_kappa(data) == pytest.approx(expected)


def test_pooling_sums_coincidences_instead_of_averaging_alphas():
    doc1 = [[1, 1, 2, 2], [1, 2, 2, 2]]
    doc2 = [[3, 1, None], [3, 1, 1], [None, 1, 1]]
    # Pad doc1 with a missing third coder: coder sets may differ between documents.
    pooled = sum_coincidences([coincidence_matrix(doc1), coincidence_matrix(doc2)])
    together = [
        doc1[0] + doc2[0],
        doc1[1] + doc2[1],
        [None] * 4 + doc2[2],
    ]
    for level in ("nominal", "ordinal", "interval", "ratio"):
        assert alpha_from_coincidences(pooled, level=level) == pytest.approx(
            krippendorff_alpha(together, level)
        )
    mean_of_alphas = (krippendorff_alpha(doc1) + krippendorff_alpha(doc2)) / 2
    assert alpha_from_coincidences(pooled) != pytest.approx(mean_of_alphas)


def test_pooled_documents_without_variation_alone_are_fine_together():
    doc1 = coincidence_matrix([[1, 1], [1, 1]])
    doc2 = coincidence_matrix([[2, 2], [2, 1]])
    assert math.isnan(alpha_from_coincidences(doc1))
    assert not math.isnan(alpha_from_coincidences(doc1 + doc2))


def test_run_length_weights_equal_expanded_units():
    data = [[1, 0, None, 1], [1, 1, 0, 0]]
    weights = [3, 2, 5, 1]
    expanded = [[v for v, w in zip(row, weights, strict=True) for _ in range(w)] for row in data]
    for level in ("nominal", "interval"):
        assert krippendorff_alpha(data, level, weights=weights) == pytest.approx(
            krippendorff_alpha(expanded, level)
        )
    assert cohen_kappa(data, weights=weights) == pytest.approx(cohen_kappa(expanded))
    assert gwet_ac1(data, weights=weights) == pytest.approx(gwet_ac1(expanded))


class TestBootstrap:
    data = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None] * 3,
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3] * 3,
        [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None] * 3,
    ]

    def test_deterministic_with_seed(self):
        first = bootstrap_alpha_ci(self.data, n_boot=200, seed=7)
        assert first == bootstrap_alpha_ci(self.data, n_boot=200, seed=7)
        assert first != bootstrap_alpha_ci(self.data, n_boot=200, seed=8)

    @pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
    def test_interval_brackets_the_estimate(self, level):
        low, high = bootstrap_alpha_ci(self.data, level, n_boot=300, seed=1)
        assert low <= krippendorff_alpha(self.data, level) <= high
        assert low < high

    def test_undefined_data_gives_nan_interval(self):
        low, high = bootstrap_alpha_ci(NO_VARIATION, n_boot=20, seed=0)
        assert math.isnan(low) and math.isnan(high)
