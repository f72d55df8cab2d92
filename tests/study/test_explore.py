# ruff: noqa: E501
"""Code co-occurrence and the document × code matrix through their pages, against direct counts."""

import csv
import io

import pytest
from django.urls import reverse

from coding.models import DocumentKind
from study.explore.counting import cooccurrence
from tests.conftest import client_for
from tests.factories import CodeFactory, DocumentFactory, ExcerptFactory

pytestmark = pytest.mark.django_db


def url(name, project):
    return reverse(f"study:{name}", kwargs={"project": project.code})


@pytest.fixture
def coded(project, lead, coder):
    project.blind_coding = False  # the viewer sees everyone's codings
    project.save()
    a, b, c = (CodeFactory(project=project, name=name) for name in ("Alpha", "Beta", "Gamma"))
    one = DocumentFactory(project=project, title="One")
    two = DocumentFactory(project=project, title="Two", kind=DocumentKind.REPORT)
    ExcerptFactory(document=one, coder=coder, start=0, end=20, codes=[a, b])  # a+b on one excerpt
    ExcerptFactory(document=one, coder=coder, start=10, end=30, codes=[c])  # overlaps: a-c, b-c
    ExcerptFactory(document=one, coder=lead, start=40, end=50, codes=[a])  # apart
    ExcerptFactory(document=two, coder=lead, start=0, end=8, codes=[a])
    ExcerptFactory(document=two, coder=lead, start=50, end=60, codes=[c])  # same document only
    return {"codes": (a, b, c), "docs": (one, two)}


def test_pure_counts_match_direct_counting():
    rows = [
        (1, 1, 0, 20, 1),
        (1, 1, 0, 20, 2),
        (2, 1, 10, 30, 3),
        (3, 1, 40, 50, 1),
        (4, 2, 0, 8, 1),
        (5, 2, 50, 60, 3),
    ]
    assert cooccurrence(rows, by="excerpt") == {(1, 2): 1, (1, 3): 1, (2, 3): 1}
    assert cooccurrence(rows, by="document") == {(1, 2): 1, (1, 3): 2, (2, 3): 1}


def test_cooccurrence_table_and_csv(project, viewer, coded, django_assert_num_queries):
    client = client_for(viewer)
    page = client.get(url("cooccurrence", project)).content.decode()
    assert "Alpha" in page and "Beta" in page and "Gamma" in page
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    url("cooccurrence", project), {"by": "document", "format": "csv"}
                ).content.decode()
            )
        )
    )
    assert rows == [
        ["Code", "Alpha", "Beta", "Gamma"],
        ["Alpha", "0", "1", "2"],
        ["Beta", "1", "0", "1"],
        ["Gamma", "2", "1", "0"],
    ]
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    url("cooccurrence", project), {"format": "csv", "kind": "report"}
                ).content.decode()
            )
        )
    )
    assert rows == [["Code"]]
    # Session with its user, membership, case, set and coder choices, codings, codes: the same
    # however many codings.
    with django_assert_num_queries(7):
        client.get(url("cooccurrence", project))
    ExcerptFactory(document=coded["docs"][1], start=0, end=8, codes=list(coded["codes"]))
    with django_assert_num_queries(7):
        client.get(url("cooccurrence", project))


def test_document_code_matrix_counts_and_links(project, viewer, coded, django_assert_num_queries):
    client = client_for(viewer)
    a = coded["codes"][0]
    one = coded["docs"][0]
    page = client.get(url("code-matrix", project)).content.decode()
    assert f"&amp;code={a.code}&amp;document={one.code}" in page
    rows = list(
        csv.reader(
            io.StringIO(client.get(url("code-matrix", project), {"format": "csv"}).content.decode())
        )
    )
    assert rows == [
        ["Document", "Alpha", "Beta", "Gamma"],
        ["One", "2", "1", "1"],
        ["Two", "1", "0", "1"],
    ]
    with django_assert_num_queries(8):
        client.get(url("code-matrix", project))


def test_a_blind_coder_counts_only_their_own_codings(project, coder, coded):
    project.blind_coding = True
    project.save()
    rows = list(
        csv.reader(
            io.StringIO(
                client_for(coder)
                .get(url("code-matrix", project), {"format": "csv"})
                .content.decode()
            )
        )
    )
    assert rows == [["Document", "Alpha", "Beta", "Gamma"], ["One", "1", "1", "1"]]


def test_bad_input_and_outsiders(project, viewer, outsider, coded):
    client = client_for(viewer)
    assert client.get(url("code-matrix", project), {"format": "pdf"}).status_code == 400
    assert (
        client.get(url("cooccurrence", project), {"format": "csv", "by": "chapter"}).status_code
        == 400
    )
    assert (
        "Select a valid choice"
        in client.get(url("cooccurrence", project), {"by": "chapter"}).content.decode()
    )
    assert client.post(url("code-matrix", project)).status_code == 405
    assert client_for(outsider).get(url("code-matrix", project)).status_code == 404


def test_a_cell_opens_the_excerpts_it_counts(project, viewer, coded, django_assert_num_queries):
    a, b, c = coded["codes"]
    client = client_for(viewer)
    table = client.get(url("cooccurrence", project)).content.decode()
    assert f"a={a.code}&amp;b={c.code}" in table
    # Session with its user, membership, case, set and coder choices, the two codes, codings,
    # excerpts, their codes.
    with django_assert_num_queries(8):
        page = client.get(
            url("cooccurrence-cell", project), {"a": a.code, "b": c.code}
        ).content.decode()
    # Overlapping excerpts in document One only; the apart excerpt and document Two stay out.
    assert page.count("<article") == 2
    page = client.get(
        url("cooccurrence-cell", project), {"a": a.code, "b": c.code, "by": "document"}
    ).content.decode()
    assert page.count("<article") == 5
    bad = client.get(url("cooccurrence-cell", project), {"a": a.code, "b": "nope"}, follow=True)
    assert "Choose two codes" in bad.content.decode()
    assert client.get(url("cooccurrence-cell", project), {"a": a.code}).status_code == 302


# Borrowed for this test until the catalogue has them (tests/languages.py).
NORWEGIAN = {"Code": "Kode", "Document": "Dokument", "Word": "Ord", "Count": "Antall"}


@pytest.mark.parametrize(
    ("name", "corner", "sheet"),
    [
        ("cooccurrence", "Code", "Samforekomst"),
        ("code-matrix", "Document", "Dokumenter × koder"),
        ("word-frequencies", "Word", "Ordfrekvenser"),
    ],
)
def test_downloads_csv_in_english_and_the_workbook_in_the_readers_language(
    project, viewer, coded, name, corner, sheet
):
    from openpyxl import load_workbook

    from tests.languages import client_speaking, translated

    english = client_speaking(viewer, "en").get(url(name, project), {"format": "csv"}).content
    with translated("nb", NORWEGIAN):
        norwegian = client_speaking(viewer, "nb")
        assert norwegian.get(url(name, project), {"format": "csv"}).content == english
        response = norwegian.get(url(name, project), {"format": "xlsx"})
    assert next(csv.reader(io.StringIO(english.decode())))[0] == corner
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == [sheet]
    assert book.active["A1"].value == NORWEGIAN[corner]
    assert book.active["B2"].data_type == "n"  # a count stays a number


def test_the_documents_by_codes_workbook_takes_titles_with_control_characters(
    project, viewer, coded
):
    # A title pasted from a PDF may hold a control character, which openpyxl refuses: the
    # download failed. It goes in as the escape spreadsheet programs read back.
    from openpyxl import load_workbook

    one, _two = coded["docs"]
    one.title = "One\x01"
    one.save(update_fields=["title"])
    response = client_for(viewer).get(url("code-matrix", project), {"format": "xlsx"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert "One_x0001_" in [row[0].value for row in book.active]
