"""Word frequencies: counted by hand, with and without stop words and stemming, as CSV and
XLSX, each word opening a search."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from coding.models import DocumentKind, DocumentStatus
from study.explore.words import stop_words, word_frequencies
from tests.conftest import client_for
from tests.factories import DocumentFactory, ProjectFactory

pytestmark = pytest.mark.django_db

NB = "Kommunen og kommunene. Kommunen skal digitalisere."
EN = "The municipality and the municipalities digitalise."


def doc(**fields):
    return DocumentFactory(paragraphs=[], **fields)


def url(project):
    return reverse("study:word-frequencies", kwargs={"project": project.code})


@pytest.fixture
def texts(project):
    doc(project=project, title="Plan", language="nb", text=NB)
    doc(project=project, title="Report", language="en", text=EN, kind=DocumentKind.REPORT)
    # Not counted: a document still being read, and another project's document.
    doc(project=project, text="Kommunen", status=DocumentStatus.PROCESSING)
    doc(project=ProjectFactory(), text="Kommunen")


def rows(client, project, **params):
    response = client.get(url(project), {"format": "csv", **params})
    assert response.status_code == 200, response.content
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_counts_without_stop_words(project, viewer, texts):
    # og, skal (Bokmål) and the, and (English) are stop words.
    assert rows(client_for(viewer), project) == [
        ["Word", "Count", "Documents", "Forms"],
        ["kommunen", "2", "1", ""],
        ["digitalise", "1", "1", ""],
        ["digitalisere", "1", "1", ""],
        ["kommunene", "1", "1", ""],
        ["municipalities", "1", "1", ""],
        ["municipality", "1", "1", ""],
    ]


def test_every_word_and_stemmed(project, viewer, texts):
    client = client_for(viewer)
    kept = rows(client, project, stop_words="keep", kind="report")
    assert kept[1:] == [
        ["the", "2", "1", ""],
        ["and", "1", "1", ""],
        ["digitalise", "1", "1", ""],
        ["municipalities", "1", "1", ""],
        ["municipality", "1", "1", ""],
    ]
    # Norwegian: kommunen, kommunene → kommun; English: municipality, municipalities → municip.
    assert rows(client, project, stemmed="yes")[1:] == [
        ["kommunen", "3", "1", "kommunen, kommunene"],
        ["municipalities", "2", "1", "municipalities, municipality"],
        ["digitalise", "1", "1", "digitalise"],
        ["digitalisere", "1", "1", "digitalisere"],
    ]


def test_page_links_to_search_and_xlsx(project, viewer, texts, django_assert_num_queries):
    client = client_for(viewer)
    page = client.get(url(project)).content.decode()
    search = reverse("study:search", kwargs={"project": project.code})
    assert f'href="{search}?q=kommunen"' in page
    assert "6 different words in 2 documents." in page
    response = client.get(url(project), {"format": "xlsx", "stemmed": "yes"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == ["Word", "Count", "Documents", "Forms"]
    assert values[1] == ["kommunen", 3, 1, "kommunen, kommunene"]
    # Session with its user, membership, case and set choices, the documents' texts.
    with django_assert_num_queries(5):
        client.get(url(project))
    for n in range(3):
        doc(project=project, title=f"More {n}", text=NB)
    with django_assert_num_queries(5):
        client.get(url(project))


def test_documents_holding_a_word(project, viewer, texts):
    doc(project=project, title="Again", language="nb", text="Kommunen.")
    assert rows(client_for(viewer), project)[1] == ["kommunen", "3", "2", ""]


def test_bad_input(project, viewer, outsider, texts):
    client = client_for(viewer)
    assert client.get(url(project), {"format": "pdf"}).status_code == 400
    assert client.get(url(project), {"format": "csv", "stemmed": "maybe"}).status_code == 400
    assert (
        "Select a valid choice" in client.get(url(project), {"stemmed": "maybe"}).content.decode()
    )
    assert client.post(url(project)).status_code == 405
    assert client_for(outsider).get(url(project)).status_code == 404


def test_stop_word_lists_by_language():
    assert "ikkje" in stop_words("nn") and "ikkje" not in stop_words("nb")
    assert "ikke" in stop_words("nb") and "the" in stop_words("en")
    assert {"ikke", "ikkje", "the"} <= stop_words("")  # no language: every list
    counted = word_frequencies(
        [(1, "nn", "Eg veit ikkje kva eg vil.")], skip_stop_words=True, stem=False
    )
    assert [(w.word, w.count) for w in counted] == [("veit", 1)]
