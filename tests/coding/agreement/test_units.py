"""Builders from codings to reliability data, and the natural-unit splitter."""

from __future__ import annotations

import math

import pytest

from coding.agreement import cohen_kappa, krippendorff_alpha, unitized_alpha
from coding.agreement.natural_units import split_paragraphs, split_sentences
from coding.agreement.units import (
    character_runs,
    document_presence,
    excerpt_agreement,
    segment_presence,
    unitized_spans,
)

F = frozenset
CODINGS = {
    "ann": {"d1": [(0, 10, F({"A"})), (20, 30, F({"B"}))], "d2": [(0, 5, F({"A"}))]},
    "bob": {"d1": [(5, 12, F({"A"})), (8, 14, F({"A"}))], "d2": []},
    "cy": {"d1": [(0, 10, F({"B"}))]},
}
CODED_BY = {"d1": {"ann", "bob", "cy"}, "d2": {"ann", "bob"}}
CODERS = ("ann", "bob", "cy")


def test_document_presence_marks_unassigned_coders_missing_not_absent():
    result = document_presence(CODINGS, CODED_BY, coders=CODERS, codes=["A", "B"])
    a = result["A"]
    assert a.units == ["d1", "d2"]
    assert a.data == [[1, 1], [1, 0], [0, None]]
    assert result["B"].data == [[1, 0], [0, 0], [1, None]]


def test_segment_presence_uses_union_coverage_not_the_sum():
    segments = {"d1": [(0, 10), (10, 20)], "d2": [(0, 10)]}
    result = segment_presence(
        CODINGS, CODED_BY, segments, coders=CODERS, codes=["A"], threshold=0.5
    )["A"]
    assert result.units == [("d1", 0), ("d1", 1), ("d2", 0)]
    # bob: [5,12) ∪ [8,14) covers 5 of [0,10) and 4 of [10,20); summed it would be 6 → 1.
    assert result.data == [[1, 0, 1], [1, 0, 0], [0, 0, None]]
    strict = segment_presence(
        CODINGS, CODED_BY, segments, coders=CODERS, codes=["A"], threshold=0.6
    )["A"]
    assert strict.data[1] == [0, 0, 0]


def test_excerpt_agreement_checks_both_coders_against_the_threshold():
    a = {"d": [(0, 10, F({"A"})), (20, 30, F({"B"}))]}
    b = {"d": [(1, 10, F({"A"})), (40, 50, F({"B"}))]}
    result = excerpt_agreement(a, b, documents=["d"], n_codes=4, threshold=0.9)
    # A's [0,10) is 90 % covered → agrees; B's [1,10) is fully covered → agrees; B codes fail.
    assert result.per_code["A"].agreements == 2 and result.per_code["A"].checked == 2
    assert result.per_code["B"].agreements == 0 and result.per_code["B"].checked == 2
    assert result.percent_agreement == pytest.approx(0.5)
    assert result.kappa == pytest.approx((0.5 - 0.25) / 0.75)
    stricter = excerpt_agreement(a, b, documents=["d"], n_codes=4, threshold=0.95)
    assert stricter.per_code["A"].agreements == 1


def test_character_runs_equal_per_character_coefficients():
    lengths = {"d1": 40, "d2": 8}
    runs = character_runs(CODINGS, CODED_BY, lengths, coders=CODERS, codes=["A"])["A"]
    expanded: list[list[int | None]] = [[] for _ in CODERS]
    for (_, start, end), *values in zip(runs.units, *runs.data, strict=True):
        for row, value in zip(expanded, values, strict=True):
            row.extend([value] * (end - start))
    assert len(expanded[0]) == 48
    # Per character by brute force from the codings.
    for i, coder in enumerate(CODERS):
        for doc, length in lengths.items():
            offset = 0 if doc == "d1" else 40
            for x in range(length):
                if coder not in CODED_BY[doc]:
                    assert expanded[i][offset + x] is None
                else:
                    hit = any(s <= x < e and "A" in c for s, e, c in CODINGS[coder].get(doc, ()))
                    assert expanded[i][offset + x] == int(hit)
    assert krippendorff_alpha(runs.data, weights=runs.weights) == pytest.approx(
        krippendorff_alpha(expanded)
    )
    pair = [runs.data[0], runs.data[1]]
    assert cohen_kappa(pair, weights=runs.weights) == pytest.approx(
        cohen_kappa([expanded[0], expanded[1]])
    )


def test_unitized_spans_leave_out_coders_who_did_not_code_the_document():
    spans = unitized_spans(CODINGS, CODED_BY, "d2", coders=CODERS, codes={"A"})
    assert spans == {"ann": [(0, 5, "A")], "bob": []}
    spans_d1 = unitized_spans(CODINGS, CODED_BY, "d1", coders=CODERS, codes={"A"})
    value = unitized_alpha(spans_d1, 40)
    assert not math.isnan(value)


def test_splitters_follow_the_documented_rules():
    text = "Første sætning. Anden? Ja!\r\n\r\n  Nyt afsnit… slut 😀"
    paragraphs = split_paragraphs(text)
    assert [text[s:e] for s, e in paragraphs] == [
        "Første sætning. Anden? Ja!",
        "Nyt afsnit… slut 😀",
    ]
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "Første sætning.",
        "Anden?",
        "Ja!",
        "Nyt afsnit…",
        "slut 😀",
    ]
    assert split_sentences("") == []
