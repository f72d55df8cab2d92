"""Property tests for the pure pseudonymisation map (coding/pseudonyms/mapping.py).

The oracle walks each pass's replaced spans linearly and says, for every character of the new
text, where it came from (an old character, or the replacement of an old span); the map's
bisection must agree with it, and every excerpt must cover exactly the characters that came from
its own span or from a replaced string it touched.
"""

from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from coding.pseudonyms.mapping import (
    NeverSettles,
    Pass,
    Replacement,
    find,
    list_check,
    list_problems,
    pseudonymise,
)

ALPHABET = "abkK N.\nø"
texts = st.text(alphabet=ALPHABET, min_size=0, max_size=80)
originals = st.text(alphabet=ALPHABET, min_size=1, max_size=6).filter(lambda s: s.strip())
# Replacements mostly from other letters, sometimes from the text's own (so that a replacement
# next to its neighbours can spell an identifying string and a second pass is needed).
replacement_text = st.one_of(
    st.text(alphabet="XYZ 12", min_size=1, max_size=8),
    st.text(alphabet=ALPHABET + "XY", min_size=1, max_size=5),
).filter(lambda s: s.strip())
lists = st.lists(
    st.builds(Replacement, originals, replacement_text), min_size=0, max_size=5
).filter(lambda rs: not list_problems(rs))


def _spans(draw_text: str, data) -> list[tuple[int, int]]:
    spans = []
    for _ in range(data.draw(st.integers(0, 6))):
        if len(draw_text) < 1:
            break
        start = data.draw(st.integers(0, len(draw_text) - 1))
        end = data.draw(st.integers(start + 1, len(draw_text)))
        spans.append((start, end))
    return spans


def _origins(old: str, step: Pass, new: str) -> list[tuple]:
    """For each character of ``new``: ("kept", old index) or ("replaced", old start, old end)."""
    result: list[tuple] = []
    cursor = 0
    for a, b, na, nb in zip(
        step.old_starts, step.old_ends, step.new_starts, step.new_ends, strict=True
    ):
        result.extend(("kept", i) for i in range(cursor, a))
        assert len(result) == na
        result.extend(("replaced", a, b) for _ in range(nb - na))
        cursor = b
    result.extend(("kept", i) for i in range(cursor, len(old)))
    assert len(result) == len(new)
    for index, origin in enumerate(result):
        if origin[0] == "kept":
            assert new[index] == old[origin[1]]
    return result


def _expected(origins: list[tuple], start: int, end: int) -> tuple[int, int] | None:
    """The new span an old [start, end) must become: every character from inside it or from a
    replaced string that overlaps it, and nothing else."""
    inside = [
        i
        for i, o in enumerate(origins)
        if (o[0] == "kept" and start <= o[1] < end)
        or (o[0] == "replaced" and o[1] < end and start < o[2])
    ]
    if not inside:
        return None
    assert inside == list(range(inside[0], inside[-1] + 1)), "an excerpt must stay one span"
    return inside[0], inside[-1] + 1


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, replacements=lists, data=st.data())
def test_every_excerpt_covers_the_same_words_and_no_identifying_string_is_left(
    text, replacements, data
):
    try:
        result = pseudonymise(text, replacements)
    except NeverSettles:
        assume(False)
        return
    # Nothing identifying is left in the text; excerpts are slices of it.
    assert find(result.text, replacements) == []
    if not replacements or not find(text, replacements):
        assert result.text == text and not result.changed
    # Replay the passes with the oracle, checking each pass's map on every excerpt.
    current = text
    excerpts = _spans(text, data)
    moved = [result.move(s, e) for s, e in excerpts]
    steps = list(result.passes)
    for step in steps:
        for a, b in zip(
            step.old_starts, step.old_ends, strict=True
        ):  # each replaced span is listed
            assert find(current[a:b], replacements) == [(0, b - a)]
        next_text = _next_text(current, step, replacements)
        origins = _origins(current, step, next_text)
        following = []
        for s, e in excerpts:
            want = _expected(origins, s, e)
            got = (step.start(s), step.end(e))
            assert want is not None and got == want
            following.append(got)
        excerpts, current = following, next_text
    assert current == result.text
    for (s, e), (ms, me) in zip(excerpts, moved, strict=True):
        assert (s, e) == (ms, me) and ms < me


def _next_text(current: str, step: Pass, replacements) -> str:
    """The text after one pass, rebuilt from the pass's spans and the list."""
    out, last = [], 0
    lookup = {r.original.casefold(): r.replacement for r in reversed(replacements)}
    for a, b, na, nb in zip(
        step.old_starts, step.old_ends, step.new_starts, step.new_ends, strict=True
    ):
        replacement = lookup[current[a:b].casefold()]
        assert len(replacement) == nb - na
        out += [current[last:a], replacement]
        last = b
    return "".join(out) + current[last:]


@settings(max_examples=200)
@given(text=texts, replacements=lists)
def test_applying_the_list_again_changes_nothing(text, replacements):
    try:
        once = pseudonymise(text, replacements)
    except NeverSettles:
        assume(False)
        return
    again = pseudonymise(once.text, replacements)
    assert again.text == once.text and not again.changed


@settings(max_examples=200)
@given(text=texts, replacements=lists)
def test_spans_without_a_replaced_string_keep_their_text(text, replacements):
    try:
        result = pseudonymise(text, replacements)
    except NeverSettles:
        assume(False)
        return
    if len(result.passes) != 1:
        return
    step = result.passes[0]
    for start in range(len(text)):
        for end in range(start + 1, len(text) + 1):
            touched = any(
                a < end and start < b for a, b in zip(step.old_starts, step.old_ends, strict=True)
            )
            if not touched:
                ms, me = result.move(start, end)
                assert result.text[ms:me] == text[start:end]


def test_a_name_is_replaced_whole_word_and_case_insensitively():
    replacements = [
        Replacement("Kari Nordmann", "Informant 1"),
        Replacement("Kari", "Informant 1"),
        Replacement("Nordhavn kommune", "Municipality A"),
    ]
    text = "Kari Nordmann bor i Nordhavn kommune. KARI sa det; Karin ikke."
    result = pseudonymise(text, replacements)
    assert result.text == "Informant 1 bor i Municipality A. Informant 1 sa det; Karin ikke."
    # Part of a name: the excerpt widens to the whole replacement, and keeps its other words.
    start = text.index("Nordmann")
    ms, me = result.move(start, start + len("Nordmann bor"))
    assert result.text[ms:me] == "Informant 1 bor"


def test_a_list_that_would_never_settle_is_refused():
    assert list_problems([Replacement("a", "b"), Replacement("b", "a")])
    assert list_check([Replacement("Kari", "Informant 1")], Replacement("Informant", "X"))
    assert list_check([Replacement("Kari", "P1")], Replacement("kari", "P2"))
    assert list_check([Replacement("Kari", "P1")], Replacement("Ola", "P2")) is None
