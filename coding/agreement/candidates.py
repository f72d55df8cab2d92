"""Reconciliation candidates: the coders' excerpts of one document lined up for decisions.

Pure (no Django). The matching rule is the agreement runs' excerpt rule (``units.
excerpt_agreement``): an excerpt of one coder with code C is matched by another coder when that
coder has an excerpt with C overlapping it by at least ``overlap`` of the checked excerpt's own
length.

A candidate is a maximal stretch of text where excerpts overlap one another (any coder, any
code, chained), so every excerpt is in exactly one candidate and nothing is lost. Its kind:

* ``only_some``: some reconciled coder has no excerpt there;
* ``code_differs``: everyone coded, but with different sets of codes;
* ``span_differs``: same codes, but some excerpt is not matched under the overlap rule;
* ``agree``: every excerpt of every coder is matched by every other coder.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

AGREE = "agree"
CODE_DIFFERS = "code_differs"
ONLY_SOME = "only_some"
SPAN_DIFFERS = "span_differs"


@dataclass(frozen=True)
class Source:
    """One coder's excerpt: `key` identifies it to the caller (its public code)."""

    key: Hashable
    coder: Hashable
    start: int
    end: int
    codes: frozenset


@dataclass(frozen=True)
class CandidateSpec:
    kind: str
    start: int
    end: int
    sources: tuple[Source, ...]


# A span with its codes, as a decision produces it.
Span = tuple[int, int, frozenset]


def _matched(start: int, end: int, code: Hashable, other: Iterable[Span], overlap: float) -> bool:
    best = max((min(end, e) - max(start, s) for s, e, c in other if code in c), default=0)
    return best >= overlap * (end - start) - 1e-9


def covers(checked: Iterable[Span], other: Sequence[Span], *, overlap: float) -> bool:
    """Whether every code of every span in `checked` is matched in `other`."""
    return all(
        _matched(s, e, code, other, overlap) for s, e, codes in checked if e > s for code in codes
    )


def same_codings(a: Sequence[Span], b: Sequence[Span], *, overlap: float) -> bool:
    """Both ways matched: the two sets of spans agree under the overlap rule."""
    return covers(a, b, overlap=overlap) and covers(b, a, overlap=overlap)


def _spans(sources: Iterable[Source]) -> list[Span]:
    return [(s.start, s.end, s.codes) for s in sources]


def classify(sources: Sequence[Source], *, coders: Sequence[Hashable], overlap: float) -> str:
    by_coder: dict[Hashable, list[Source]] = {c: [] for c in coders}
    for source in sources:
        by_coder.setdefault(source.coder, []).append(source)
    if any(not by_coder[c] for c in coders):
        return ONLY_SOME
    code_sets = {frozenset().union(*(s.codes for s in by_coder[c])) for c in coders}
    if len(code_sets) > 1:
        return CODE_DIFFERS
    spans = {c: _spans(by_coder[c]) for c in coders}
    for i, c in enumerate(coders):
        for d in coders[i + 1 :]:
            if not same_codings(spans[c], spans[d], overlap=overlap):
                return SPAN_DIFFERS
    return AGREE


def candidates(
    sources: Iterable[Source], *, coders: Sequence[Hashable], overlap: float
) -> list[CandidateSpec]:
    """The document's candidates in text order (one sort and one sweep: O(n log n))."""
    if not 0 < overlap <= 1:
        raise ValueError("overlap is a fraction in (0, 1]")
    wanted = set(coders)
    ordered = sorted(
        (s for s in sources if s.coder in wanted and s.end > s.start),
        key=lambda s: (s.start, s.end, str(s.key)),
    )
    groups: list[list[Source]] = []
    reach = -1
    for source in ordered:
        if groups and source.start < reach:  # overlaps the stretch so far (adjacency does not)
            groups[-1].append(source)
            reach = max(reach, source.end)
        else:
            groups.append([source])
            reach = source.end
    return [
        CandidateSpec(
            kind=classify(group, coders=coders, overlap=overlap),
            start=min(s.start for s in group),
            end=max(s.end for s in group),
            sources=tuple(group),
        )
        for group in groups
    ]


def follows(
    result: Sequence[Span],
    sources: Sequence[Source],
    *,
    coders: Sequence[Hashable],
    overlap: float,
) -> list[Hashable]:
    """The coders whose version of the candidate a decision's result follows.

    A result follows a coder when one of the two is matched in the other under the overlap rule
    (a union contains each coder's span, an intersection lies within each), and an empty result
    follows exactly the coders who coded nothing there.
    """
    result = list(result)
    found = []
    for coder in coders:
        own = _spans(s for s in sources if s.coder == coder)
        if not result or not own:
            if not result and not own:
                found.append(coder)
            continue
        if covers(result, own, overlap=overlap) or covers(own, result, overlap=overlap):
            found.append(coder)
    return found


def against_every_coder(
    result: Sequence[Span],
    sources: Sequence[Source],
    *,
    coders: Sequence[Hashable],
    overlap: float,
) -> bool:
    """Whether a decision's result follows no coder's version (see `follows`)."""
    return not follows(result, sources, coders=coders, overlap=overlap)


def union_span(sources: Sequence[Source]) -> tuple[int, int]:
    return min(s.start for s in sources), max(s.end for s in sources)


def intersection_span(sources: Sequence[Source]) -> tuple[int, int] | None:
    """The text every source covers, or None when they share none."""
    start, end = max(s.start for s in sources), min(s.end for s in sources)
    return (start, end) if start < end else None
