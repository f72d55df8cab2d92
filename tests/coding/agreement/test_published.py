"""Published worked examples, pinned to the printed values."""

from __future__ import annotations

import json

import pytest

from coding.agreement import (
    brennan_prediger,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
    scott_pi,
)
from tests.shared import SKIP_REASON, shared_dir, shared_path

EXAMPLES = ("agreement", "published_examples.json")


def _examples() -> list[dict]:
    return json.loads(shared_path(*EXAMPLES).read_text(encoding="utf-8"))["examples"]


def _example_params() -> list:
    # Collected before any test runs, so the absent material becomes one skipped case.
    root = shared_dir()
    if root is None or not root.joinpath(*EXAMPLES).is_file():
        return [
            pytest.param(None, id="shared-material-absent", marks=pytest.mark.skip(SKIP_REASON))
        ]
    examples = json.loads(root.joinpath(*EXAMPLES).read_text(encoding="utf-8"))["examples"]
    return [pytest.param(example, id=example["name"]) for example in examples]


def test_published_examples_file_resolves():
    assert len(_examples()) >= 6


MEASURES = {
    "krippendorff_alpha": lambda ex: krippendorff_alpha(ex["data"], ex["level_of_measurement"]),
    "fleiss_kappa": lambda ex: fleiss_kappa(ex["data"]),
    "cohen_kappa": lambda ex: cohen_kappa(ex["data"]),
}


@pytest.mark.parametrize("example", _example_params())
def test_every_published_example_reproduces_its_printed_value(example):
    value = MEASURES[example["measure"]](example)
    assert value == pytest.approx(example["expected"], abs=example["tolerance"])


# Krippendorff (2011), section C: 4 observers × 12 units with missing values.
K2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


@pytest.mark.parametrize(
    ("level", "expected"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_krippendorff_2011_section_c(level, expected):
    assert krippendorff_alpha(K2011, level) == pytest.approx(expected, abs=0.0005)


def test_krippendorff_2011_nominal_is_exactly_904_over_1216_complement():
    # α = 1 − 312/1216 = 904/1216 (mReliability issue #6 gives the fraction).
    assert krippendorff_alpha(K2011) == pytest.approx(904 / 1216, abs=1e-12)


def test_percent_agreement_on_krippendorff_2011_matches_gwet_pa():
    # Hand count: 11 pairable units, per-unit shares of agreeing pairs sum to 9.
    assert percent_agreement(K2011) == pytest.approx(9 / 11, abs=1e-12)


def _expand(table: list[list[int]]) -> list[list[int]]:
    """Two-coder reliability data from a contingency table (rows coder A, columns coder B)."""
    a: list[int] = []
    b: list[int] = []
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            a += [i] * count
            b += [j] * count
    return [a, b]


# Gwet (2014) via irrCAC's overview vignette, dataset cont3x3abstractors (100 pregnancies,
# 2 abstractors, 3 categories): printed kappa2/scott2/gwet.ac1/bp2/krippen2/pa2.table output.
ABSTRACTORS = _expand([[13, 0, 0], [0, 20, 7], [0, 4, 56]])


@pytest.mark.parametrize(
    ("measure", "expected"),
    [
        (cohen_kappa, 0.7964094),
        (scott_pi, 0.7962397),
        (gwet_ac1, 0.8493305),
        (brennan_prediger, 0.835),
        (krippendorff_alpha, 0.7972585),
        (percent_agreement, 0.89),
    ],
    ids=lambda m: getattr(m, "__name__", str(m)),
)
def test_irrcac_cont3x3abstractors(measure, expected):
    assert measure(ABSTRACTORS) == pytest.approx(expected, abs=5e-7)


def test_wikipedia_cohen_kappa_scott_pi_and_fleiss_agree_on_the_2x2_example():
    # Marginals are symmetric (25/25 and 30/20 vs 25/25), p_o = 0.7.
    data = _examples()[-1]["data"]
    assert percent_agreement(data) == pytest.approx(0.7)
    assert cohen_kappa(data) == pytest.approx(0.4)
    # Fleiss' κ with two complete coders is Scott's π.
    assert fleiss_kappa(data) == pytest.approx(scott_pi(data))


class TestPrevalenceParadox:
    # 100 units, one dominant category: 90 joint "0", 5 + 5 disagreements, no joint "1".
    data = [[0] * 90 + [1] * 5 + [0] * 5, [0] * 90 + [0] * 5 + [1] * 5]

    def test_ninety_percent_raw_agreement(self):
        assert percent_agreement(self.data) == pytest.approx(0.9)

    def test_kappa_is_slightly_negative(self):
        # p_e = 0.95² + 0.05² = 0.905 → κ = (0.9 − 0.905) / 0.095.
        assert cohen_kappa(self.data) == pytest.approx(-0.005 / 0.095)
        assert cohen_kappa(self.data) < 0

    def test_alpha_is_near_zero(self):
        assert krippendorff_alpha(self.data) == pytest.approx(
            1 - 199 * 20 / (2 * 190 * 10), abs=1e-12
        )
        assert krippendorff_alpha(self.data) < 0.01

    def test_ac1_stays_high(self):
        # π_1 = 0.05, p_e = 2 × 0.05 × 0.95 = 0.095 → AC1 = 0.805 / 0.905.
        assert gwet_ac1(self.data) == pytest.approx(0.805 / 0.905)
        assert gwet_ac1(self.data) > 0.85
