"""Running headers and footers: only what truly runs is dropped, every drop is listed.

The PDFs are drawn here (reportlab) so each case is exactly the layout named in its test.
"""

import re

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from coding.ingest import extract
from coding.ingest.running import signature
from tests import samples

BODY = "Kommunen samarbeider med nabokommunene om innkjøp og kompetanse i hele regionen."


def body(n):
    """A body line of page ``n``: body lines never repeat word for word on every page."""
    return f"Avsnitt {n}.1: {BODY}"


def words(text):
    return re.findall(r"\w+(?:[-.]\w+)*", text)


def is_subsequence(needle, haystack):
    remaining = iter(haystack)
    return all(word in remaining for word in needle)


def test_running_header_differing_only_in_numbers_is_dropped_and_listed_with_its_page():
    pages = [
        [f"{n}.1 Kommunen og næringslivet", BODY, f"Tiltak {n}.3 gjelder."] for n in range(1, 13)
    ]
    data = samples.layout_pdf(
        pages, header="Rapport 2024 · kapittel side {page}", footer="Side {page} av {pages}"
    )

    extraction = extract(data, "rapport.pdf")

    assert "Rapport 2024" not in extraction.text and "Side " not in extraction.text
    assert [(line.page, line.text) for line in extraction.removed_lines][:2] == [
        (1, "Rapport 2024 · kapittel side 1"),
        (1, "Side 1 av 12"),
    ]
    assert len(extraction.removed_lines) == 24
    for n in range(1, 13):
        assert f"{n}.1 Kommunen og næringslivet" in extraction.text


def test_numbered_body_lines_repeated_across_pages_are_kept():
    pages = [
        [f"{n}.1 Kommunen og næringslivet", f"{n}. Mål for arbeidet", BODY, f"{n}.2 Samarbeid"]
        for n in range(1, 10)
    ]
    data = samples.layout_pdf(pages, header="Bjørkvik kommune", footer="- {page} -")

    extraction = extract(data, "mål.pdf")

    for n in range(1, 10):
        for line in pages[n - 1]:
            assert line in extraction.text
    assert {line.text for line in extraction.removed_lines} == {"Bjørkvik kommune"} | {
        f"- {n} -" for n in range(1, 10)
    }


def test_a_hyphenated_heading_at_the_foot_of_every_page_keeps_both_halves():
    """The reported case: "N.2 Samarbeid med nærin-" / "gslivet …" on each of 12 pages."""
    pages = [
        [body(n), BODY, f"{n}.2 Samarbeid med nærin-", "gslivet er viktig for kommunen."]
        for n in range(1, 13)
    ]
    data = samples.layout_pdf(pages, header=samples.HEADER, footer=samples.FOOTER)

    extraction = extract(data, "samarbeid.pdf")

    for n in range(1, 13):
        assert f"{n}.2 Samarbeid med næringslivet er viktig for kommunen." in extraction.text
    assert len(extraction.removed_lines) == 24
    assert len(extraction.text) > 12 * 2 * len(BODY)


def test_a_word_hyphenated_across_a_page_break_is_joined_on_the_first_page():
    pages = [
        ["Første side handler om samarbeid med nærin-"],
        ["gslivet i regionen, og om skolen.", "Andre side slutter med digitali-"],
        ["seringen av tjenestene.", "Tredje side."],
    ]
    data = samples.layout_pdf(pages, header=samples.HEADER, footer="{page}")

    extraction = extract(data, "sider.pdf")

    first = extraction.text[extraction.pages[0][1] : extraction.pages[0][2]]
    assert first.strip() == "Første side handler om samarbeid med næringslivet"
    assert "Andre side slutter med digitaliseringen" in extraction.text
    assert extraction.text.startswith(first)
    assert "nærin-" not in extraction.text and "\ngslivet" not in extraction.text


def test_two_columns_keep_every_line_of_both_columns():
    left = [
        [f"Venstre {n}.{k}: innbyggerdialog og åpne møter." for k in range(1, 8)] for n in (1, 2, 3)
    ]
    right = [
        [f"Høyre {n}.{k}: datadeling på en trygg måte." for k in range(1, 8)] for n in (1, 2, 3)
    ]
    data = samples.layout_pdf(left, right_columns=right, header="Rapport", footer="Side {page}")

    extraction = extract(data, "spalter.pdf")

    found = words(extraction.text)
    for n in range(3):
        assert is_subsequence(words(" ".join(left[n] + right[n])), found)
    assert {line.text for line in extraction.removed_lines} == {"Rapport"} | {
        f"Side {n}" for n in (1, 2, 3)
    }


def test_keeping_running_lines_reads_every_line():
    pages = [[body(n)] for n in range(5)]
    data = samples.layout_pdf(pages, header=samples.HEADER, footer=samples.FOOTER)

    extraction = extract(data, "alt.pdf", keep_running_lines=True)

    assert extraction.removed_lines == []
    assert extraction.running_lines_kept
    assert extraction.text.count(samples.HEADER) == 5
    assert "Side 5 av 5" in extraction.text


def test_signature_ignores_page_numbers_only():
    assert signature("Side 3 av 12") == signature("Side 4 av 12")
    assert signature("- 3 -") == signature("- 14 -")
    assert signature("3/9") == signature("4/9")
    assert signature("1.1 Kommunen") != signature("2.1 Kommunen")
    assert signature("3. Mål") != signature("4. Mål")
    assert signature("Tiltak 3 gjelder hele året.") != signature("Tiltak 4 gjelder hele året.")
    assert signature("Bjørkvik kommune 3") == signature("Bjørkvik kommune 4")
    assert signature("Page 3 of 9") == signature("Page 4 of 9")
    long = "Kommunen og næringslivet i regionen samarbeider om innkjøp"
    assert signature(f"1 {long}") != signature(f"2 {long}")
    assert signature(f"Bjørkvik kommune – {long} 3") == signature(f"Bjørkvik kommune – {long} 4")


# --- Property: no body word is lost ----------------------------------------------------------

VOCABULARY = [
    *[
        "kommunen",
        "skal",
        "samarbeide",
        "med",
        "innbyggerne",
        "om",
        "tjenester",
        "skole",
        "helse",
        "plan",
        "data",
    ],
    *["Bjørkvik", "Norge", "IKT", "e-helse", "2024", "12", "3", "1.1", "§"],
]
line_words = st.lists(st.sampled_from(VOCABULARY), min_size=2, max_size=8)
page_bodies = st.lists(st.lists(line_words, min_size=1, max_size=5), min_size=3, max_size=6)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(page_bodies, st.booleans(), st.data())
def test_every_body_word_survives_in_order(bodies, hyphenate, data):
    pages = []
    source = []
    for body in bodies:
        lines = []
        for line in body:
            source.extend(line)
            lines.append(" ".join(line))
        if hyphenate and len(lines) > 1:
            # Split the last word of the first line across the line break, as a typesetter does.
            last = lines[0].rsplit(" ", 1)[-1]
            if len(last) >= 4 and last.isalpha() and last.islower():
                lines[0] = f"{lines[0][: -len(last)]}{last[:2]}-"
                lines[1] = f"{last[2:]} {lines[1]}"
        pages.append(lines)
    # Body lines that share a page-number-blind signature would be running lines by definition.
    all_lines = [line for lines in pages for line in lines]
    assume(len({signature(line) for line in all_lines}) == len(all_lines))
    pdf = samples.layout_pdf(pages, header=samples.HEADER, footer=samples.FOOTER)

    extraction = extract(pdf, "egenskap.pdf", detect_turns=data.draw(st.booleans()))

    assert is_subsequence(words(" ".join(source)), words(extraction.text))
    assert len(extraction.removed_lines) == 2 * len(pages)
