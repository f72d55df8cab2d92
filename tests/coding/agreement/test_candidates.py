"""Reconciliation candidates: the excerpt-matching rule of the agreement runs, no database."""

import pytest

from coding.agreement.candidates import (
    AGREE,
    CODE_DIFFERS,
    ONLY_SOME,
    SPAN_DIFFERS,
    Source,
    against_every_coder,
    candidates,
    follows,
    intersection_span,
    union_span,
)

A, B = "ana", "bo"


def src(key, coder, start, end, *codes):
    return Source(key=key, coder=coder, start=start, end=end, codes=frozenset(codes))


def kinds(sources, overlap=0.9, coders=(A, B)):
    return [(c.kind, c.start, c.end) for c in candidates(sources, coders=coders, overlap=overlap)]


def test_same_code_and_nearly_same_span_agree():
    # 95 of 100 characters overlap: above the 90 % rule both ways.
    assert kinds([src(1, A, 0, 100, "x"), src(2, B, 5, 100, "x")]) == [(AGREE, 0, 100)]


def test_same_code_with_spans_overlapping_below_threshold_differ_in_span():
    assert kinds([src(1, A, 0, 100, "x"), src(2, B, 50, 150, "x")]) == [(SPAN_DIFFERS, 0, 150)]


def test_different_codes_on_the_same_span_differ_in_code():
    assert kinds([src(1, A, 0, 10, "x"), src(2, B, 0, 10, "y")]) == [(CODE_DIFFERS, 0, 10)]


def test_a_span_only_one_coder_coded_is_only_some():
    assert kinds([src(1, A, 0, 10, "x"), src(2, B, 20, 30, "x")]) == [
        (ONLY_SOME, 0, 10),
        (ONLY_SOME, 20, 30),
    ]


def test_adjacent_excerpts_are_separate_candidates_and_chains_are_one():
    sources = [src(1, A, 0, 10, "x"), src(2, B, 10, 20, "x"), src(3, A, 15, 30, "x")]
    assert kinds(sources) == [(ONLY_SOME, 0, 10), (SPAN_DIFFERS, 10, 30)]


def test_other_coders_and_empty_excerpts_are_ignored_and_every_source_lands_once():
    sources = [src(1, A, 0, 10, "x"), src(2, "cy", 0, 10, "x"), src(3, B, 5, 5, "x")]
    found = candidates(sources, coders=(A, B), overlap=0.9)
    assert [[s.key for s in c.sources] for c in found] == [[1]]


def test_a_lower_threshold_turns_span_differences_into_agreement():
    sources = [src(1, A, 0, 100, "x"), src(2, B, 50, 150, "x")]
    assert kinds(sources, overlap=0.5) == [(AGREE, 0, 150)]


def test_three_coders_agree_only_when_every_pair_does():
    sources = [src(1, A, 0, 10, "x"), src(2, B, 0, 10, "x"), src(3, "cy", 0, 10, "x")]
    assert kinds(sources, coders=(A, B, "cy")) == [(AGREE, 0, 10)]
    assert kinds(sources[:2], coders=(A, B, "cy")) == [(ONLY_SOME, 0, 10)]


def test_overlap_must_be_a_fraction():
    with pytest.raises(ValueError):
        candidates([], coders=(A, B), overlap=0)


def test_against_every_coder():
    sources = [src(1, A, 0, 10, "x"), src(2, B, 0, 10, "y")]
    coders = (A, B)
    assert not against_every_coder([(0, 10, frozenset({"x"}))], sources, coders=coders, overlap=0.9)
    assert against_every_coder([(0, 10, frozenset({"z"}))], sources, coders=coders, overlap=0.9)
    assert against_every_coder([], sources, coders=coders, overlap=0.9)
    # A union contains each coder's span, an intersection lies within each: both follow them.
    spans = [src(1, A, 0, 10, "x"), src(2, B, 5, 20, "x")]
    assert not against_every_coder([(0, 20, frozenset({"x"}))], spans, coders=coders, overlap=0.9)
    assert not against_every_coder([(5, 10, frozenset({"x"}))], spans, coders=coders, overlap=0.9)
    assert against_every_coder([(30, 40, frozenset({"x"}))], spans, coders=coders, overlap=0.9)
    # Nothing coded agrees with a coder who coded nothing there.
    only_a = [src(1, A, 0, 10, "x")]
    assert not against_every_coder([], only_a, coders=coders, overlap=0.9)


def test_a_result_follows_the_coders_it_matches():
    sources = [src(1, A, 0, 10, "x"), src(2, B, 0, 10, "y")]
    assert follows([(0, 10, frozenset({"x"}))], sources, coders=(A, B), overlap=0.9) == [A]
    assert follows([(0, 10, frozenset({"x", "y"}))], sources, coders=(A, B), overlap=0.9) == [
        A,
        B,
    ]
    assert follows([], sources[:1], coders=(A, B), overlap=0.9) == [B]


def test_union_and_intersection_of_spans():
    sources = [src(1, A, 0, 10, "x"), src(2, B, 5, 20, "x")]
    assert union_span(sources) == (0, 20)
    assert intersection_span(sources) == (5, 10)
    assert intersection_span([src(1, A, 0, 5, "x"), src(2, B, 6, 9, "x")]) is None
