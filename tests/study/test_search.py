# ruff: noqa: E501
"""Search through its page: terms, phrases, prefixes, filters, roles; stemming by language."""

import re

import pytest
from django.urls import reverse

from cases.models import Case
from coding.excerpts.services import excerpt_update
from coding.models import DocumentKind, DocumentStatus, Excerpt, ExcerptChange
from study.models import AutoCodeBatch
from study.search.kwic import find_hits
from study.search.query import Clause, Query, QueryError, Term, fts5_query, parse_query, tsquery
from study.search.stemming import stemmer
from tests.conftest import client_for
from tests.factories import CodeFactory, DocumentFactory, ExcerptFactory, ProjectFactory

pytestmark = pytest.mark.django_db

STRATEGY = (
    "Digitaliseringen av kommunen krever samarbeid.\n\nKommunene i regionen deler en "
    "digitaliseringsstrategi, og Digi Trøndelag samordner arbeidet med velferdsteknologi."
)
NYNORSK = "Kommunane skal saman byggja ut digitale tenester.\n\nInnbyggjarane i fjellbygdene."
ENGLISH = "The municipalities shared their digitalisation strategies.\n\nThe university helped."


def url(project):
    return reverse("study:search", kwargs={"project": project.code})


def search(client, project, **params):
    response = client.get(url(project), params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def corpus(project):
    return {
        "strategy": DocumentFactory(project=project, title="Strategi Bjørkvik", text=STRATEGY),
        "nynorsk": DocumentFactory(
            project=project,
            title="Plan Fjellvik",
            text=NYNORSK,
            language="nn",
            kind=DocumentKind.REPORT,
        ),
        "english": DocumentFactory(
            project=project,
            title="English report",
            text=ENGLISH,
            language="en",
            kind=DocumentKind.REPORT,
        ),
    }


def test_queries_parse_into_words_phrases_prefixes_or_and_not():
    query = parse_query('Digi* "Digi Trøndelag" kommune')
    assert query.clauses == (
        Clause(terms=(Term(words=("digi",), prefix=True),)),
        Clause(terms=(Term(words=("digi", "trøndelag")),)),
        Clause(terms=(Term(words=("kommune",)),)),
    )
    # OR joins its neighbours; NOT and a minus exclude; lower-case "or" is a word.
    velferd, helse, kommune, fylke = (
        Term(words=(word,)) for word in ("velferd", "helse", "kommune", "fylkeskommune")
    )
    assert parse_query("velferd OR helse kommune NOT fylkeskommune") == Query(
        clauses=(
            Clause(terms=(velferd, helse)),
            Clause(terms=(kommune,)),
            Clause(terms=(fylke,), negated=True),
        )
    )
    assert parse_query("kommune -fylkeskommune") == parse_query("kommune NOT fylkeskommune")
    assert parse_query("velferd or helse").clauses[1] == Clause(terms=(Term(words=("or",)),))
    # Stems, written for each backend; operators and punctuation never reach either.
    norwegian = stemmer("norwegian")
    [term] = parse_query("a&b|!c:*' Kommunene*").terms[1:]
    assert tsquery(term, norwegian) == "'kommun':*"
    assert fts5_query(term, norwegian) == '"kommun" *'
    phrase = parse_query('"Digi-Trøndelag samordner"').terms[0]
    assert tsquery(phrase, norwegian) == "'digi' <-> 'trøndelag' <-> 'samordn'"
    for nothing in (' " * !', "NOT kommune", "-kommune OR"):
        with pytest.raises(QueryError):
            parse_query(nothing)


def test_context_windows_are_cut_on_word_boundaries():
    text = "alpha beta gamma delta epsilon zeta eta theta"
    [hit] = find_hits(text, [Term(words=("delta",))], width=12)
    assert (hit.before, hit.text, hit.after) == ("…beta gamma ", "delta", " epsilon…")
    assert text[hit.start : hit.end] == "delta"


def test_a_coder_finds_a_prefix_and_sees_the_hits_in_context(project, coder, corpus):
    page = search(client_for(coder), project, q="digitalisering*")
    assert "Strategi Bjørkvik" in page and "2 hits" in page
    assert (
        "<mark>digitaliseringsstrategi</mark>" in page and "<mark>Digitaliseringen</mark>" in page
    )
    # (The prefix is stemmed per document language, on every database, so the English
    # report's "digitalisation" shares the prefix "digitalis".)
    assert "Plan Fjellvik" not in page and "<mark>digitalisation</mark>" in page
    coding_view = reverse(
        "coding:coding-view", kwargs={"project": project.code, "document": corpus["strategy"].code}
    )
    assert coding_view in page
    assert "no stemmer splits compounds" in page


def test_a_phrase_must_occur_as_written_and_every_term_must_occur(project, coder, corpus):
    client = client_for(coder)
    assert "<mark>Digi Trøndelag</mark>" in search(client, project, q='"digi trøndelag"')
    assert "Strategi Bjørkvik" not in search(client, project, q='"trøndelag digi"')
    assert "Strategi Bjørkvik" not in search(client, project, q="velferdsteknologi universitet")
    assert "0 documents match" in search(client, project, q="blockchain")


def test_filters_by_kind_and_case(project, viewer, corpus):
    case = Case.objects.create(project=project, name="Fjellvik")
    case.documents.add(corpus["nynorsk"])
    client = client_for(viewer)
    page = search(client, project, q="digital*", kind=DocumentKind.REPORT)
    assert "Plan Fjellvik" in page and "Strategi Bjørkvik" not in page
    page = search(client, project, q="digital*", case=case.pk)
    assert "Plan Fjellvik" in page and "English report" not in page
    # A viewer may not code: the hit opens the document page.
    assert (
        reverse(
            "coding:document-detail",
            kwargs={"project": project.code, "document": corpus["nynorsk"].code},
        )
        in page
    )


def test_bad_input_is_a_message_not_an_error(project, coder, corpus):
    client = client_for(coder)
    assert "Type a word to search for" in search(client, project, q="***")
    assert "Select a valid choice" in search(client, project, q="x", kind="poem")
    assert "Select a valid choice" in search(client, project, q="x", case="nine")
    assert client.post(url(project), {"q": "x"}).status_code == 405


def test_other_projects_and_unready_documents_stay_out(project, coder, outsider, corpus):
    DocumentFactory(title="Elsewhere", text=STRATEGY)
    DocumentFactory(
        project=project, title="Still processing", text=STRATEGY, status=DocumentStatus.PROCESSING
    )
    page = search(client_for(coder), project, q="kommunen")
    assert "Elsewhere" not in page and "Still processing" not in page
    assert client_for(outsider).get(url(project), {"q": "kommunen"}).status_code == 404


def test_a_blind_project_shows_text_hits_but_no_codings(project, lead, coder, corpus):
    project.blind_coding = True
    project.save()
    ExcerptFactory(document=corpus["strategy"], coder=lead, start=0, end=16)
    page = search(client_for(coder), project, q="digitaliseringen")
    assert "Strategi Bjørkvik" in page and "lead@example.org" not in page


def test_the_query_count_does_not_grow_with_the_documents(
    project, coder, corpus, django_assert_max_num_queries
):
    client = client_for(coder)
    search(client, project, q="digital*")
    for n in range(5):
        DocumentFactory(project=project, text=STRATEGY, language=["nb", "en", "nn", "", "sv"][n])
    # Session, membership and project, case choices, the documents, a lexeme query per language.
    with django_assert_max_num_queries(14):
        page = search(client, project, q="digital*")
    assert "8 documents match" in page


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        # Inflections of the same word, in Bokmål and in the query; the Bokmål stemmer also
        # knows the Nynorsk plural "kommunane".
        ("kommune", {"Strategi Bjørkvik", "Plan Fjellvik"}),
        ("digitaliseringen", {"Strategi Bjørkvik"}),
        # English stemming: "strategy" finds "strategies", "municipality" "municipalities".
        ("municipality strategy", {"English report"}),
        ("fjellbygdene", {"Plan Fjellvik"}),
    ],
)
def test_stemming_by_document_language(project, coder, corpus, query, titles):
    page = search(client_for(coder), project, q=query)
    for title in {"Strategi Bjørkvik", "Plan Fjellvik", "English report"}:
        assert (title in page) == (title in titles), (query, title)


def test_stemmed_hits_are_marked_in_context(project, coder, corpus):
    page = search(client_for(coder), project, q="kommune")
    assert "<mark>kommunen</mark>" in page and "<mark>Kommunene</mark>" in page


def preview(client, project, **data):
    return client.get(reverse("study:autocode-preview", kwargs={"project": project.code}), data)


def plan_of(response) -> str:
    found = re.search(r'name="plan" value="([0-9a-f]+)"', response.content.decode())
    return found.group(1) if found else ""


def planned_of(response) -> str:
    found = re.search(r'name="planned" value="([^"]*)"', response.content.decode())
    return found.group(1) if found else ""


def autocode(client, project, **data):
    """Preview the auto-coding, then confirm what the preview showed."""
    shown = preview(client, project, **data)
    posted = data | {"plan": plan_of(shown), "planned": planned_of(shown)}
    return client.post(reverse("study:autocode", kwargs={"project": project.code}), posted)


def test_a_coder_auto_codes_every_hit_by_paragraph_and_undoes_it(project, coder, corpus):
    code = CodeFactory(project=project, name="Municipal cooperation")
    client = client_for(coder)
    data = {
        "q": "kommune*",
        "kind": "strategy",
        "code": code.pk,
        "unit": "paragraph",
        "scope": "all",
    }
    response = autocode(client, project, **data)
    assert response.status_code == 302 and "q=kommune" in response["Location"]
    excerpts = list(Excerpt.objects.filter(coder=coder).order_by("start"))
    # Hits in two paragraphs of the strategy: one excerpt per paragraph, each coded.
    assert [e.text for e in excerpts] == STRATEGY.split("\n\n")
    assert all(list(e.codes.all()) == [code] for e in excerpts)
    assert ExcerptChange.objects.filter(user=coder, action="create").count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "Coded 2 passages" in page
    # Again: both are duplicates now.
    autocode(client, project, **data)
    assert Excerpt.objects.filter(coder=coder).count() == 2
    batch = AutoCodeBatch.objects.get(project=project, skipped=2)
    assert batch.excerpts == []
    # Undo the first batch, after the coder changed one of its excerpts by hand: that one stays.
    first = AutoCodeBatch.objects.get(project=project, skipped=0)
    changed = excerpts[1]
    excerpt_update(excerpt=changed, version=changed.version, memo="checked", user=coder)
    undo = reverse("study:autocode-undo", kwargs={"project": project.code, "batch": first.code})
    page = client.post(undo, follow=True).content.decode()
    assert "Removed 1 auto-coded passage; 1 changed since was kept." in page
    assert list(Excerpt.objects.filter(coder=coder)) == [changed]
    assert "already been undone" in client.post(undo, follow=True).content.decode()


def test_auto_coding_the_checked_hits_by_sentence(project, coder, corpus):
    code = CodeFactory(project=project, name="Regional cooperation")
    doc = corpus["strategy"]
    start = STRATEGY.index("Digi Trøndelag")
    hit = f"{doc.code}:{start}:{start + len('Digi')}"
    page = search(client_for(coder), project, q="digi")
    assert f'value="{hit}"' in page and "Auto-code the hits" in page
    data = {"q": "digi", "code": code.pk, "unit": "sentence", "scope": "checked", "hit": [hit]}
    autocode(client_for(coder), project, **data)
    [excerpt] = Excerpt.objects.filter(coder=coder)
    assert excerpt.text.startswith("Kommunene i regionen") and excerpt.text.endswith(
        "velferdsteknologi."
    )


def test_auto_coding_refuses_bad_input_and_other_roles(project, lead, coder, viewer, corpus):
    code = CodeFactory(project=project)
    client = client_for(coder)
    checked = autocode(client, project, q="digi", code=code.pk, unit="hit", scope="checked")
    assert "Check the hits to code" in client.get(checked["Location"]).content.decode()
    for bad in ({"unit": "chapter"}, {"code": 999999}, {"q": "***"}):
        data = {"q": "digi", "code": code.pk, "unit": "hit", "scope": "all"} | bad
        assert autocode(client, project, **data).status_code == 302
    assert not Excerpt.objects.exists()
    other = CodeFactory(project=ProjectFactory())
    autocode(client, project, q="digi", code=other.pk, unit="hit", scope="all")
    assert (
        autocode(
            client_for(viewer), project, q="digi", code=code.pk, unit="hit", scope="all"
        ).status_code
        == 403
    )
    assert not Excerpt.objects.exists()
    # Another coder's batch is not theirs to undo; a lead may undo it.
    batch = AutoCodeBatch.objects.create(project=project, user=lead, query="x", unit="hit")
    undo = reverse("study:autocode-undo", kwargs={"project": project.code, "batch": batch.code})
    assert client.post(undo).status_code == 404
    assert client.get(undo).status_code == 405
