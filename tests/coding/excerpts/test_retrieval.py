"""Retrieval across documents with context, and its CSV/XLSX exports checked cell by cell."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from coding.excerpts import selectors
from coding.models import DocumentKind
from tests.conftest import client_for
from tests.factories import DocumentFactory, ExcerptFactory
from tests.languages import client_speaking, translated

LONG = "a" * 250 + "Kommunen skal samarbeide 🚲 om data." + "b" * 250
HEADER = ["Document", "Page", "Coder", "Codes", "Text", "Memo", "Start", "End"]


@pytest.fixture
def corpus(project, coder, coder2, codes):
    strategy = DocumentFactory(
        project=project,
        title="A strategi",
        text=LONG,
        pages=[[1, 0, 200], [2, 200, len(LONG)]],
        paragraphs=[[0, len(LONG)]],
    )
    interview = DocumentFactory(
        project=project,
        title="B intervju",
        kind=DocumentKind.TRANSCRIPT,
        text="=SUM(A1) sier hun.",
        paragraphs=[[0, 18]],
    )
    start = LONG.index("Kommunen")
    first = ExcerptFactory(
        document=strategy,
        coder=coder,
        start=start,
        end=start + 26,
        memo="samarbeid, æøå",
        codes=[codes["business"], codes["data"]],
    )
    second = ExcerptFactory(
        document=interview, coder=coder2, start=0, end=8, codes=[codes["cooperation"]]
    )
    third = ExcerptFactory(document=interview, coder=coder, start=9, end=13, codes=[codes["data"]])
    return {"strategy": strategy, "interview": interview, "excerpts": [first, second, third]}


def _url(project, name="coding:retrieval", **query):
    base = reverse(name, kwargs={"project": project.code})
    return base + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def test_retrieval_with_descendants_uses_the_code_path(project, corpus, lead, codes):
    client = client_for(lead)
    only = client.get(_url(project, code=codes["value"].code)).context["page"]
    assert list(only) == []
    tree = client.get(_url(project, code=codes["value"].code, descendants="on")).context["page"]
    assert [e.pk for e in tree] == [corpus["excerpts"][0].pk, corpus["excerpts"][1].pk]


def test_retrieval_context_is_200_characters_each_side(project, corpus, lead, codes):
    page = client_for(lead).get(_url(project, code=codes["data"].code)).context["page"]
    first = page[0]
    # One 250-letter "word" on each side: no space to end on, so it is cut at 200.
    assert first.context == selectors.HitContext(
        before="a" * 200, after=" om data." + "b" * 191, cut_before=True, cut_after=True
    )
    assert first.text == "Kommunen skal samarbeide 🚲"
    assert first.page_number == 2
    assert first.code_paths == ["Open data", "Value/Cooperation/Business"]
    html = client_for(lead).get(_url(project, code=codes["data"].code)).content.decode()
    link = reverse(
        "coding:coding-view", kwargs={"project": project.code, "document": corpus["strategy"].code}
    )
    assert f"{link}#excerpt-{first.code}" in html


NORSK = (
    "Kommunen skal samarbeide med næringslivet, høgskolen og frivillige organisasjoner om "
    "å utvikle bærekraftige løsninger for innbyggerne i hele regionen. "
)


def test_retrieval_context_ends_between_words_in_norwegian_text(project, lead, codes):
    text = NORSK * 6 + "Åpne data gjør tjenestene bedre. " + NORSK * 6
    start = text.index("Åpne data")
    document = DocumentFactory(project=project, text=text, paragraphs=[[0, len(text)]])
    ExcerptFactory(document=document, coder=lead, start=start, end=start + 9, codes=[codes["data"]])
    response = client_for(lead).get(_url(project, code=codes["data"].code))
    context = response.context["page"][0].context
    assert context.cut_before and context.cut_after
    # Whole words: the document has a space just outside each end of the context.
    before_at = start - len(context.before)
    assert text[before_at - 1] == " " and not context.before[0].isspace()
    after_end = start + 9 + len(context.after)
    assert text[after_end] == " " and not context.after[-1].isspace()
    assert text[before_at:start] == context.before
    assert abs(len(context.before) - 200) <= 30 and abs(len(context.after) - 200) <= 30
    html = response.content.decode()
    assert f"…{context.before}</span>" in html and f"{context.after}…</span>" in html


def test_retrieval_context_near_the_ends_of_a_document_is_whole_and_unmarked(project, lead, codes):
    text = "Innledning: " + NORSK + "Slutt på dokumentet."  # 12 + 148 + 20 characters
    start = text.index("høgskolen")
    document = DocumentFactory(project=project, text=text, paragraphs=[[0, len(text)]])
    ExcerptFactory(document=document, coder=lead, start=start, end=start + 9, codes=[codes["data"]])
    context = (
        client_for(lead).get(_url(project, code=codes["data"].code)).context["page"][0].context
    )
    assert context == selectors.HitContext(
        before=text[:start], after=text[start + 9 :], cut_before=False, cut_after=False
    )


@pytest.mark.parametrize(
    ("before", "after", "start", "expected"),
    [
        # Up to 230 characters from the document's start: shown whole, no marker.
        ("ord " * 57, "", 228, ("ord " * 57, "", False, False)),
        # A space 4 characters further back than 200 is used: the context grows to 204.
        ("x" * 26 + " " + "ø" * 203, "", 999, ("ø" * 203, "", True, False)),
        # After: a space 10 characters before 200 ends the context (the nearest space).
        ("", " " + "å" * 189 + " " + "æ" * 40, 0, ("", " " + "å" * 189, False, True)),
        # Exactly the window after the hit: the document ends there, nothing was cut.
        ("", "b" * 230, 0, ("", "b" * 230, False, False)),
    ],
)
def test_hit_context_trims_to_the_nearest_space(before, after, start, expected):
    context = selectors.hit_context(before=before, after=after, start=start)
    assert (context.before, context.after, context.cut_before, context.cut_after) == expected


def test_retrieval_selects_have_meaningful_empty_choices(project, lead):
    html = client_for(lead).get(_url(project)).content.decode()
    assert "---------" not in html
    assert '<option value="" selected>All codes</option>' in html
    assert '<option value="" selected>All documents</option>' in html


def test_retrieval_filters_by_coder_kind_and_document(project, corpus, lead, coder2, codes):
    client = client_for(lead)
    by_coder = client.get(_url(project, coder=coder2.pk)).context["page"]
    assert [e.pk for e in by_coder] == [corpus["excerpts"][1].pk]
    by_kind = client.get(_url(project, kind="transcript")).context["page"]
    assert {e.document_id for e in by_kind} == {corpus["interview"].pk}
    by_doc = client.get(_url(project, document=corpus["strategy"].code)).context["page"]
    assert [e.pk for e in by_doc] == [corpus["excerpts"][0].pk]


def test_retrieval_bad_input_shows_the_form_errors(project, lead):
    response = client_for(lead).get(_url(project, code="not-a-code", coder="x"))
    assert response.status_code == 200
    assert response.context["page"] is None and response.context["form"].errors


def test_retrieval_roles_and_method(project, cast):
    url = _url(project)
    for role in ["owner", "lead", "coder", "viewer"]:
        assert client_for(cast[role]).get(url).status_code == 200
    assert client_for(cast["outsider"]).get(url).status_code == 404
    assert client_for(cast["lead"]).post(url).status_code == 405


def _expected(corpus, lead):
    first, second, third = corpus["excerpts"]
    return [
        HEADER,
        [
            "A strategi",
            "2",
            first.coder.name,
            "Open data; Value/Cooperation/Business",
            "Kommunen skal samarbeide 🚲",
            "samarbeid, æøå",
            str(first.start),
            str(first.end),
        ],
        ["B intervju", "1", second.coder.name, "Value/Cooperation", "=SUM(A1)", "", "0", "8"],
        ["B intervju", "1", third.coder.name, "Open data", "sier", "", "9", "13"],
    ]


def test_csv_export_cell_by_cell(project, corpus, lead):
    response = client_for(lead).get(_url(project, "coding:retrieval-export", format="csv"))
    assert response["Content-Type"].startswith("text/csv")
    body = response.getvalue()  # streamed: read once
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    expected = _expected(corpus, lead)
    expected[2][4] = "'=SUM(A1)"  # formula injection is defused in CSV
    assert rows == expected


def test_xlsx_export_cell_by_cell(project, corpus, lead):
    response = client_for(lead).get(_url(project, "coding:retrieval-export", format="xlsx"))
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    rows = [["" if c.value is None else str(c.value) for c in row] for row in sheet.iter_rows()]
    assert rows == _expected(corpus, lead)
    assert sheet["E3"].data_type == "s"  # stored as text, never as a formula


def test_export_follows_the_filters(project, corpus, lead, codes):
    url = _url(project, "coding:retrieval-export", format="csv", code=codes["cooperation"].code)
    rows = list(csv.reader(io.StringIO(client_for(lead).get(url).getvalue().decode("utf-8-sig"))))
    assert [r[4] for r in rows[1:]] == ["'=SUM(A1)"]


def test_export_bad_input_redirects_with_a_message(project, lead):
    url = _url(project, "coding:retrieval-export", code="nope")
    response = client_for(lead).get(url)
    assert response.status_code == 302


@pytest.mark.parametrize("fmt", ["docx", "bogus", ""])
def test_export_refuses_an_unknown_format(project, corpus, lead, fmt):
    response = client_for(lead).get(_url(project, "coding:retrieval-export", format=fmt))
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == f"Unknown export format “{fmt}”: choose csv, xlsx."


def test_export_without_a_format_is_csv(project, corpus, lead):
    response = client_for(lead).get(reverse("coding:retrieval-export", args=[project.code]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")


def test_retrieval_query_count_is_constant(project, corpus, lead, codes, django_assert_num_queries):
    client = client_for(lead)
    url = _url(project, code=codes["value"].code, descendants="on")
    for start in range(0, 200, 10):
        ExcerptFactory(
            document=corpus["strategy"],
            coder=lead,
            start=start,
            end=start + 5,
            codes=[codes["data"]],
        )
    # session, user, membership, coders, code (form), count, code paths, excerpts, codings,
    # then the form's code, document and document set choices, and the reconciled documents
    # (whose consensus replaces the coders' excerpts)
    with django_assert_num_queries(13):
        client.get(url)


def test_export_queries_do_not_grow_with_the_excerpts(project, corpus, lead, codes):
    """The export reads plain rows in chunks: its queries grow with documents and coders
    (each read once), never with the excerpts."""
    client = client_for(lead)
    url = _url(project, "coding:retrieval-export", format="csv")

    def export_queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            lines = client.get(url).getvalue().decode("utf-8-sig").splitlines()
        return len(queries), len(lines)

    export_queries()  # this process signs the session in: later, its user comes with it
    before, lines_before = export_queries()
    for start in range(0, 200, 10):
        ExcerptFactory(
            document=corpus["strategy"],
            coder=corpus["excerpts"][0].coder,  # a coder and document the export already read
            start=start,
            end=start + 5,
            codes=[codes["data"]],
        )
    after, lines_after = export_queries()
    assert lines_after == lines_before + 20
    assert after == before


@pytest.mark.parametrize(
    "pages",
    [
        [],
        [[1, 0, 10], [2, 10, 25], [3, 25, 30]],
        [[1, 0, 10], [2, 10, 10], [3, 10, 30]],  # an empty page
        [[2, 10, 30], [1, 0, 10]],  # out of order
    ],
)
def test_export_page_numbers_are_those_of_the_page(pages):
    """The export finds page numbers by bisection; they are the page's own, at every offset."""
    from coding.models import Document
    from coding.models.documents import page_finder

    document = Document(text="x" * 30, pages=pages)
    find = page_finder(pages, 30)
    assert [find(o) for o in range(32)] == [document.page_at(o) for o in range(32)]


# Borrowed for these tests until the catalogue has them (tests/languages.py).
NORWEGIAN_HEADER = dict(
    zip(
        HEADER,
        ["Dokument", "Side", "Koder", "Koder", "Tekst", "Notat", "Start", "Slutt"],
        strict=True,
    )
)


def test_csv_export_keeps_the_english_header_for_a_norwegian_reader(project, corpus, lead):
    with translated("nb", NORWEGIAN_HEADER):
        response = client_speaking(lead, "nb").get(
            _url(project, "coding:retrieval-export", format="csv")
        )
        rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert rows[0] == HEADER


def test_xlsx_export_speaks_the_readers_language_and_keeps_numbers(project, corpus, lead):
    with translated("nb", NORWEGIAN_HEADER):
        response = client_speaking(lead, "nb").get(
            _url(project, "coding:retrieval-export", format="xlsx")
        )
    book = load_workbook(io.BytesIO(response.getvalue()))
    assert book.sheetnames == ["Utdrag"]
    sheet = book["Utdrag"]
    assert [c.value for c in sheet[1]] == list(NORWEGIAN_HEADER.values())
    assert [sheet.cell(row=2, column=n).data_type for n in (2, 7, 8)] == ["n", "n", "n"]
