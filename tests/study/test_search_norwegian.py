"""Search on Norwegian text, asserting exact hits: the suite runs on SQLite (FTS5) and on
PostgreSQL (tsvector), and both must find these same passages (stems from the same Snowball
algorithms, so inflections, prefixes, æøå and Nynorsk behave alike)."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from coding.documents.services import document_update
from coding.models import Document
from study.models import SearchIndexState, SearchUnit
from tests.conftest import client_for
from tests.factories import CodeFactory, DocumentFactory, ExcerptFactory

pytestmark = pytest.mark.django_db

STRATEGI = (
    "Digitaliseringen av kommunen krever samarbeid.\n\n"
    "Kommunene i Trøndelag deler en digitaliseringsstrategi for velferdsteknologi.\n\n"
    "Fylkeskommunen støtter arbeidet med økt bruk av helseteknologi på sykehjem."
)
PLAN = (
    "Kommunen skal styrke digitalisering i skolen.\n\n"
    "Innbyggerne i Bjørkvik får bedre tjenester gjennom digital samhandling."
)
NYNORSK = "Kommunane skal saman byggja ut digitale tenester.\n\nInnbyggjarane i fjellbygdene."
ENGLISH = "The municipalities shared their digitalisation strategies.\n\nThe university helped."


@pytest.fixture
def corpus(project):
    return {
        "strategi": DocumentFactory(project=project, title="A strategi", text=STRATEGI),
        "plan": DocumentFactory(project=project, title="B plan", text=PLAN, language="nb"),
        "nynorsk": DocumentFactory(project=project, title="C nynorsk", text=NYNORSK, language="nn"),
        "english": DocumentFactory(project=project, title="D english", text=ENGLISH, language="en"),
    }


def hits(client, project, **params) -> dict[str, list[str]]:
    """Each matching document's title → the marked words of its hits, in text order."""
    response = client.get(reverse("study:search", kwargs={"project": project.code}), params)
    assert response.status_code == 200
    page = response.content.decode()
    found = {}
    for section in re.findall(r'<section class="card mb-2">(.*?)</section>', page, re.S):
        title = re.search(r'<h2 class="h6">\s*<a href="[^"]*"[^>]*>([^<]*)</a>', section).group(1)
        found[title] = re.findall(r"<mark>([^<]*)</mark>", section)
    return found


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Inflections meet in their stem, in the query as in the text.
        (
            "kommune",
            {
                "A strategi": ["kommunen", "Kommunene"],
                "B plan": ["Kommunen"],
                "C nynorsk": ["Kommunane"],
            },
        ),
        (
            "kommunene",
            {
                "A strategi": ["kommunen", "Kommunene"],
                "B plan": ["Kommunen"],
                "C nynorsk": ["Kommunane"],
            },
        ),
        ("digitaliseringen", {"A strategi": ["Digitaliseringen"], "B plan": ["digitalisering"]}),
        # A compound is not split: only the prefix finds it.
        ("digitaliseringsstrategi", {"A strategi": ["digitaliseringsstrategi"]}),
        (
            "digitalisering*",
            {
                "A strategi": ["Digitaliseringen", "digitaliseringsstrategi"],
                "B plan": ["digitalisering"],
                # English is stemmed as English: "digitalisering" and "digitalisation" share a stem.
                "D english": ["digitalisation"],
            },
        ),
        ("fylkeskommune", {"A strategi": ["Fylkeskommunen"]}),
        # Letters æøå are letters, in any case.
        ("trøndelag økt", {"A strategi": ["Trøndelag", "økt"]}),
        ("BJØRKVIK", {"B plan": ["Bjørkvik"]}),
        # Nynorsk, stemmed with the Bokmål stemmer.
        ("fjellbygdene innbyggjarane", {"C nynorsk": ["Innbyggjarane", "fjellbygdene"]}),
        ('"digital samhandling"', {"B plan": ["digital samhandling"]}),
        ('"samhandling digital"', {}),
        # OR takes either; every other term must occur; NOT and a minus leave documents out.
        (
            "velferdsteknologi OR helseteknologi",
            {"A strategi": ["velferdsteknologi", "helseteknologi"]},
        ),
        (
            "skolen OR sykehjem kommune",
            {"A strategi": ["kommunen", "Kommunene", "sykehjem"], "B plan": ["Kommunen", "skolen"]},
        ),
        ("kommune NOT fylkeskommune", {"B plan": ["Kommunen"], "C nynorsk": ["Kommunane"]}),
        ("kommune -fylkeskommune -skolen", {"C nynorsk": ["Kommunane"]}),
        # An excluded word is excluded in all its inflections, so nothing is left.
        ("kommune -kommunane", {}),
        ("municipality strategy", {"D english": ["municipalities", "strategies"]}),
    ],
)
def test_the_same_hits_on_every_database(project, coder, corpus, query, expected):
    assert hits(client_for(coder), project, q=query) == expected


def test_a_hit_links_to_its_words_in_the_coding_view(project, coder, corpus):
    response = client_for(coder).get(
        reverse("study:search", kwargs={"project": project.code}), {"q": "bjørkvik"}
    )
    start = PLAN.index("Bjørkvik")
    view = reverse(
        "coding:coding-view", kwargs={"project": project.code, "document": corpus["plan"].code}
    )
    assert f'href="{view}#text-{start}-{start + 8}"' in response.content.decode()


def test_the_index_follows_the_current_text_and_language(project, coder, corpus):
    client = client_for(coder)
    plan = corpus["plan"]
    # A new text version (a re-read, a pseudonymised text) replaces the indexed text.
    plan.text = PLAN.replace("Bjørkvik", "[Kommune 1]")
    plan.text_version += 1
    plan.save()
    assert hits(client, project, q="bjørkvik") == {}
    # Changing the language stems the document anew.
    document_update(document=corpus["english"], language="nb")
    assert "D english" not in hits(client, project, q="municipality")
    state = SearchIndexState.objects.get(document=corpus["english"])
    assert state.language == "nb"
    # Written around save() (a bulk load, a restore): indexed by the next search.
    Document.objects.filter(pk=plan.pk).update(text=PLAN, text_version=plan.text_version + 1)
    assert hits(client, project, q="bjørkvik") == {"B plan": ["Bjørkvik"]}
    # A deleted document leaves the index with it.
    corpus["nynorsk"].delete()
    assert not SearchUnit.objects.filter(document_id=corpus["nynorsk"].pk).exists()
    assert "C nynorsk" not in hits(client, project, q="kommune")


def test_filters_by_document_and_by_coding(project, lead, coder, coder2, corpus):
    code = CodeFactory(project=project, name="Samarbeid")
    strategi = corpus["strategi"]
    second = STRATEGI.index("Kommunene")
    # The coder codes the second paragraph; the other coder the plan's first.
    ExcerptFactory(document=strategi, coder=coder, start=second, end=second + 40, codes=[code])
    ExcerptFactory(document=corpus["plan"], coder=coder2, start=0, end=20, codes=[code])
    client = client_for(lead)
    assert hits(client, project, q="kommune", document=corpus["plan"].code) == {
        "B plan": ["Kommunen"]
    }
    both = {"with_code": code.pk}
    assert hits(client, project, q="kommune", where="in", **both) == {
        "A strategi": ["Kommunene"],
        "B plan": ["Kommunen"],
    }
    assert hits(client, project, q="kommune", where="out", **both) == {
        "A strategi": ["kommunen"],
        "C nynorsk": ["Kommunane"],
    }
    assert hits(client, project, q="kommune", where="doc", coder=coder.pk, **both) == {
        "A strategi": ["kommunen", "Kommunene"]
    }
    assert list(hits(client, project, q="kommune", where="nodoc", **both)) == ["C nynorsk"]
    # Blind coding: the coder's "coded with" counts only the coder's own excerpts, and no
    # other coder can be chosen.
    project.blind_coding = True
    project.save()
    mine = client_for(coder)
    assert hits(mine, project, q="kommune", where="in", **both) == {"A strategi": ["Kommunene"]}
    assert hits(mine, project, q="kommune", where="in", coder=coder2.pk, **both) == {}
    assert (
        "Select a valid choice"
        in mine.get(
            reverse("study:search", kwargs={"project": project.code}),
            {"q": "kommune", "coder": coder2.pk, **both},
        ).content.decode()
    )


def test_the_query_count_is_pinned(project, coder, corpus, django_assert_num_queries):
    client = client_for(coder)
    url = reverse("study:search", kwargs={"project": project.code})
    client.get(url, {"q": "kommune"})  # the session, warmed
    for n in range(6):
        DocumentFactory(
            project=project, text=STRATEGI, language=["nb", "en", "nn", "", "sv"][n % 5]
        )
    client.get(url, {"q": "x"})  # the new documents are indexed when saved; nothing to catch up
    # Session with its user, membership (with project: whether to show pseudonyms); the documents in
    # scope with their index state, the units holding any term (one query), the hits in context;
    # the choices of the form (cases, sets, codes, coders), auto-coding's codes and recent batches.
    with django_assert_num_queries(NUM_QUERIES):
        response = client.get(url, {"q": "kommune OR skolen -sykehjem"})
    assert response.status_code == 200


NUM_QUERIES = 11


def test_the_index_command_builds_what_is_missing(project, coder, corpus):
    SearchUnit.objects.all().delete()
    SearchIndexState.objects.all().delete()
    out = StringIO()
    call_command("search_index", stdout=out)
    assert "up to date for 4 documents" in out.getvalue()
    assert SearchIndexState.objects.count() == 4
    call_command("search_index", "--all", stdout=out)
    assert hits(client_for(coder), project, q="bjørkvik") == {"B plan": ["Bjørkvik"]}
