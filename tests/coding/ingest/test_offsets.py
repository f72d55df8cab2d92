"""Offsets carried from one text version to the next: kept words keep their excerpts."""

from hypothesis import given, settings
from hypothesis import strategies as st

from coding.ingest.offsets import offset_map, same_words

WORDS = ["kommunen", "skal", "samarbeide", "om", "helse", "3", ".", ",", "e-helse", "Nord"]


def test_restored_lines_shift_the_words_after_them():
    old = "Innledning\n\nKommunen skal samarbeide. Tiltak 3 gjelder."
    new = (
        "Side 1 av 2\n\nInnledning\n\nKommunen skal samarbeide.\n\nSide 2 av 2\n\nTiltak 3 gjelder."
    )
    mapping = offset_map(old, new)

    start = old.index("Tiltak")
    moved = mapping.move(start, len(old))
    assert new[slice(*moved)] == "Tiltak 3 gjelder."
    across = mapping.move(old.index("samarbeide"), old.index(" gjelder"))
    assert new[slice(*across)] == "samarbeide.\n\nSide 2 av 2\n\nTiltak 3"
    assert not same_words(new[slice(*across)], "samarbeide. Tiltak 3")


def test_a_removed_passage_collapses_to_where_the_kept_text_resumes():
    mapping = offset_map("en to tre fire", "en fire")

    assert mapping.move(3, 10) == (3, 3)
    assert mapping.move(0, 14) == (0, 7)


texts = st.lists(
    st.tuples(st.sampled_from(WORDS), st.sampled_from([" ", " ", "\n", "\n\n"])),
    min_size=1,
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(texts, st.lists(st.integers(min_value=0, max_value=60), max_size=4), st.data())
def test_spans_without_an_insertion_inside_keep_their_words(tokens, cuts, data):
    # Each word numbered: where the same words repeat right at an insertion, the diff may pair
    # an excerpt with another occurrence of its words (same words, so it is not flagged).
    tokens = [(f"{word}{index}", space) for index, (word, space) in enumerate(tokens)]
    old = "".join(word + space for word, space in tokens).strip()
    starts = [0]
    for word, space in tokens[:-1]:
        starts.append(starts[-1] + len(word) + len(space))
    # Insert running lines (words the text never uses) before some of the words.
    inserted = sorted({cut % len(tokens) for cut in cuts})
    new_parts, previous = [], 0
    for index in inserted:
        new_parts.append(old[previous : starts[index]])
        new_parts.append("SIDE X AV Y\n\n")
        previous = starts[index]
    new_parts.append(old[previous:])
    new = "".join(new_parts)
    mapping = offset_map(old, new)

    first = data.draw(st.integers(0, len(tokens) - 1))
    last = data.draw(st.integers(first, len(tokens) - 1))
    start, end = starts[first], starts[last] + len(tokens[last][0])
    moved_start, moved_end = mapping.move(start, end)

    assert 0 <= moved_start <= moved_end <= len(new)
    if not any(first < index <= last for index in inserted):
        assert new[moved_start:moved_end] == old[start:end]
    else:
        assert not same_words(new[moved_start:moved_end], old[start:end])
