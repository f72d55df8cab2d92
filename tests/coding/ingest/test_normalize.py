"""Normalization: examples, running lines, and properties that hold for any input."""

import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from coding.ingest import normalize_pages, normalize_text
from coding.ingest.normalize import clean, join_hyphenated


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("digitali-\nsering", "digitalisering"),
        ("Tiltak innen e-helse og\nvelferd", "Tiltak innen e-helse og\nvelferd"),
        ("satsing på e-\nhelse", "satsing på e-helse"),
        ("den nye IKT-\nstrategien", "den nye IKT-strategien"),
        ("hele Nord-\nNorge", "hele Nord-Norge"),
        ("i helse-\nog omsorgssektoren", "i helse- og omsorgssektoren"),
        ("plan for 2024-\n2027", "plan for 2024-2027"),
        ("et avsnitt slutter med bindestrek-\n\nNytt avsnitt", None),
        ("sam-\nhand-\nling", "samhandling"),
    ],
)
def test_hyphen_joining(raw, expected):
    assert normalize_text(raw) == (raw if expected is None else expected)


def test_newlines_spaces_and_invisible_characters():
    raw = "\ufeffFørste\u00a0 linje\t \r\nandre\u00adlinje\u200b\r\rTredje\u2028fjerde\x00  "

    assert normalize_text(raw) == "Første linje\nandrelinje\n\nTredje\nfjerde"


def test_more_than_one_blank_line_becomes_one():
    assert normalize_text("a\n\n\n\n b \n\n\nc") == "a\n\nb\n\nc"


def test_nfc():
    assert normalize_text("A\u030a og o\u0308") == "Å og ö"


def test_reflow_joins_layout_lines_and_splits_after_short_lines():
    raw = (
        "Dette er en lang linje i et avsnitt som fortsetter på neste linje\n"
        "og slutter her.\n"
        "Neste avsnitt begynner med stor bokstav og har også en lang linje\n"
        "før det slutter.\n"
        "• Et kulepunkt\n"
        "Intervjuer: Et spørsmål?"
    )

    assert normalize_text(raw, reflow_lines=True).split("\n\n") == [
        "Dette er en lang linje i et avsnitt som fortsetter på neste linje og slutter her.",
        "Neste avsnitt begynner med stor bokstav og har også en lang linje før det slutter.",
        "• Et kulepunkt",
        "Intervjuer: Et spørsmål?",
    ]


TOPICS = ["skole", "helse", "kultur", "vei", "vann", "plan", "bolig", "natur", "havn", "bibliotek"]


def heading(number):
    return f"{number}. Om {TOPICS[number - 1]}"


def page(number, body, *, footer="Side {n}", header="Bjørkvik kommune"):
    return f"{header}\n{heading(number)}\n{body}\n{footer.format(n=number)}"


@pytest.mark.parametrize("footer", ["Side {n}", "{n}", "- {n} -", "Page {n} of 9", "{n}/9"])
def test_running_lines_that_repeat_on_most_pages_are_dropped(footer):
    pages = [page(n, f"Innhold om {TOPICS[-n]}.", footer=footer) for n in range(1, 10)]

    result = normalize_pages(pages, drop_running_lines=True)

    assert "Bjørkvik kommune" not in result.text
    for number, start, end in result.pages:
        assert result.text[start:end].strip() == (
            f"{heading(number)}\nInnhold om {TOPICS[-number]}."
        )


def test_running_lines_survive_when_they_are_on_few_pages():
    pages = [
        page(n, "Tekst.", header="Kapittel 2" if n < 3 else f"Ny del {n * 11}")
        for n in range(1, 10)
    ]

    result = normalize_pages(pages, drop_running_lines=True)

    assert result.text.count("Kapittel 2") == 2


def test_alternating_left_and_right_headers_are_both_dropped():
    pages = [
        page(n, "Tekst om tjenester.", header="Bjørkvik kommune" if n % 2 else "Strategi 2024")
        for n in range(1, 11)
    ]

    result = normalize_pages(pages, drop_running_lines=True)

    assert "Bjørkvik kommune" not in result.text
    assert "Strategi 2024" not in result.text


def test_body_text_in_the_middle_of_pages_is_never_dropped():
    pages = [
        f"Topp {n * 13}\nA\nB\nC\nSamme setning midt på siden.\nD\nE\nF\nBunn {n * 17}x"
        for n in range(1, 8)
    ]

    result = normalize_pages(pages, drop_running_lines=True)

    assert result.text.count("Samme setning midt på siden.") == 7


def test_empty_pages_get_empty_ranges_and_the_tiling_holds():
    result = normalize_pages(["", "Første.", "", "", "Andre.", ""])

    assert result.text == "Første.\n\nAndre."
    assert result.pages == [(1, 0, 0), (2, 0, 9), (3, 9, 9), (4, 9, 9), (5, 9, 15), (6, 15, 15)]


# --- Properties ---------------------------------------------------------------------------

# Characters that normalization deletes outright: control characters other than line breaks
# and tabs, soft hyphens, zero-width spaces, word joiners and byte-order marks.
DELETED = {chr(c) for c in [*range(0x00, 0x09), *range(0x0E, 0x1C), 0x1F, *range(0x7F, 0x85)]}
DELETED |= {chr(c) for c in range(0x86, 0xA0)} | {"\u00ad", "\u200b", "\u2060", "\ufeff"}

alphabet = st.one_of(
    st.sampled_from(list("abcæøåABCÆØÅ-‐ .,:1")),
    st.sampled_from(["\n", "\r\n", "\r", "\t", "\u00a0", "\u2028", "\x0c", "\u3000"]),
    st.sampled_from(["\u0301", "\u030a", "\u0308", "\u00ad", "\u200b", "\ufeff", "\x00", "👍"]),
    st.characters(codec="utf-8"),
)
raw_texts = st.lists(alphabet, max_size=80).map("".join)


def visible(text):
    """Non-whitespace characters in canonical decomposition, so NFC changes don't matter."""
    kept = "".join(char for char in text if not char.isspace() and char not in DELETED)
    return unicodedata.normalize("NFD", kept)


@settings(max_examples=400, deadline=None)
@given(raw_texts, st.booleans())
def test_without_hyphen_joining_no_visible_character_is_lost_or_reordered(raw, reflow):
    assert visible(normalize_text(raw, join_hyphens=False, reflow_lines=reflow)) == visible(raw)


@settings(max_examples=400, deadline=None)
@given(raw_texts, st.booleans())
@example("aa-\t\na", False)  # a hyphen before trailing spaces is at the line end
def test_hyphen_joining_only_removes_hyphens_from_line_ends(raw, reflow):
    joined = visible(normalize_text(raw, reflow_lines=reflow))
    plain = visible(normalize_text(raw, join_hyphens=False, reflow_lines=reflow))

    removed, j = 0, 0
    for char in plain:
        if j < len(joined) and joined[j] == char:
            j += 1
        else:
            assert char in "-\u2010", (plain, joined)
            removed += 1
    assert j == len(joined)
    # A line end as cleaning leaves it: any line break, with the spaces and invisible
    # characters before it gone ("aa-\t\na" ends its first line with the hyphen).
    lines = clean(raw)
    assert removed <= lines.count("-\n") + lines.count("\u2010\n")


@settings(max_examples=300, deadline=None)
@given(raw_texts)
def test_result_is_nfc_with_one_newline_convention_and_idempotent(raw):
    text = normalize_text(raw)

    assert unicodedata.is_normalized("NFC", text)
    assert "\r" not in text and "\n\n\n" not in text
    assert text == text.strip()
    assert normalize_text(text) == text


@settings(max_examples=200, deadline=None)
@given(st.lists(raw_texts, min_size=1, max_size=6), st.booleans(), st.booleans())
def test_pages_tile_the_joined_text(raw_pages, drop, join):
    result = normalize_pages(raw_pages, drop_running_lines=drop, join_hyphens=join)

    assert [number for number, _, _ in result.pages] == list(range(1, len(raw_pages) + 1))
    assert result.pages[0][1] == 0 and result.pages[-1][2] == len(result.text)
    for (_, _, end), (_, start, _) in zip(result.pages, result.pages[1:], strict=False):
        assert end == start
    for number, start, end in result.pages:
        alone = normalize_pages([raw_pages[number - 1]], join_hyphens=join).text
        # Dropping running lines and joining words split across pages move text between pages.
        if not drop and not join:
            assert result.text[start:end].rstrip("\n") == alone


@given(
    st.text("abcdefghijklmnopqrstuvwxyzæøå", min_size=2, max_size=12),
    st.text("abcdefghijklmnopqrstuvwxyzæøå", min_size=1, max_size=12),
)
def test_any_lowercase_word_split_at_a_line_end_is_joined(left, right):
    if right in ("og", "eller", "samt", "and", "nor", "enn"):
        return
    assert join_hyphenated(f"x {left}-\n{right} y") == f"x {left}{right} y"


@settings(max_examples=200, deadline=None)
@given(st.lists(raw_texts, min_size=2, max_size=5), st.booleans())
def test_joining_across_pages_only_removes_hyphens_and_keeps_the_order(raw_pages, drop):
    joined = visible(normalize_pages(raw_pages, drop_running_lines=drop).text)
    plain = visible(normalize_pages(raw_pages, drop_running_lines=drop, join_hyphens=False).text)

    j = 0
    for char in plain:
        if j < len(joined) and joined[j] == char:
            j += 1
        else:
            assert char in "-\u2010", (plain, joined)
    assert j == len(joined)
