"""Auto-coding search hits through the preview, and saved searches, through their pages."""

import pytest
from django.urls import reverse

from coding.models import Excerpt, ExcerptChange
from study.models import AutoCodeBatch, SavedSearch
from tests.conftest import client_for, unmarked
from tests.factories import CodeFactory, DocumentFactory, ExcerptFactory
from tests.study.test_search import STRATEGY, plan_of, planned_of, preview

pytestmark = pytest.mark.django_db

FIRST, SECOND = STRATEGY.split("\n\n")
TRANSCRIPT = (
    "Intervjuer: Hvordan samarbeider kommunene?\n"
    "Rådmann: Kommunen deler velferdsteknologi med nabokommunen. Det går bra.\n"
    "Intervjuer: Takk."
)


def _turns(text: str) -> list[dict]:
    turns, pos = [], 0
    for line in text.split("\n"):
        turns.append({"start": pos, "end": pos + len(line), "speaker": line.split(":")[0]})
        pos += len(line) + 1
    return turns


@pytest.fixture
def strategy(project):
    return DocumentFactory(project=project, title="Strategi Bjørkvik", text=STRATEGY)


@pytest.fixture
def code(project):
    return CodeFactory(project=project, name="Municipal cooperation")


def confirm(client, project, data, shown):
    """Confirm the preview `shown` (a response; "" for none), as its form posts it."""
    url = reverse("study:autocode", kwargs={"project": project.code})
    if not shown:
        return client.post(url, data)
    return client.post(url, data | {"plan": plan_of(shown), "planned": planned_of(shown)})


def test_the_preview_shows_what_would_be_coded_marks_duplicates_and_writes_nothing(
    project, lead, coder, strategy, code
):
    project.blind_coding = True
    project.save()
    # The coder's own excerpt covers most of the first paragraph: a duplicate. The lead's
    # coding of the second is not the coder's, and a blinded coder must not learn of it.
    ExcerptFactory(document=strategy, coder=coder, start=0, end=40, codes=[code])
    ExcerptFactory(document=strategy, coder=lead, start=len(FIRST) + 2, end=len(STRATEGY))
    ExcerptFactory(
        document=strategy, coder=lead, start=len(FIRST) + 2, end=len(STRATEGY), codes=[code]
    )
    before = (Excerpt.objects.count(), ExcerptChange.objects.count())
    data = {"q": "kommune*", "code": code.pk, "unit": "paragraph", "scope": "all"}
    response = preview(client_for(coder), project, **data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 excerpt would be created" in page and "1 passage you already coded" in page
    assert FIRST in page and SECOND in page and "Strategi Bjørkvik" in page
    assert page.count("data-duplicate") == 1 and "lead@example.org" not in page
    assert (Excerpt.objects.count(), ExcerptChange.objects.count()) == before
    assert not AutoCodeBatch.objects.exists()


def test_confirming_creates_one_undoable_batch_with_the_search_as_provenance(
    project, coder, strategy, code
):
    client = client_for(coder)
    data = {"q": "kommune*", "code": code.pk, "unit": "sentence", "scope": "all"}
    plan = preview(client, project, **data)
    response = confirm(client, project, data, plan)
    assert response.status_code == 302
    excerpts = list(Excerpt.objects.filter(coder=coder).order_by("start"))
    assert [e.text for e in excerpts] == [
        "Digitaliseringen av kommunen krever samarbeid.",
        SECOND,
    ]
    assert {e.from_search for e in excerpts} == {"kommune*"}
    assert all(list(e.codes.all()) == [code] for e in excerpts)
    assert ExcerptChange.objects.filter(user=coder, action="create").count() == 2
    # The provenance shows where the excerpt is shown: the coding view's panel and retrieval.
    editor = reverse(
        "coding:excerpt-editor", kwargs={"project": project.code, "excerpt": excerpts[0].code}
    )
    assert "Auto-coded from search “kommune*”" in unmarked(client.get(editor).content.decode())
    retrieval = reverse("coding:retrieval", kwargs={"project": project.code})
    assert "Auto-coded from search “kommune*”" in unmarked(client.get(retrieval).content.decode())
    # One step to undo.
    (batch,) = AutoCodeBatch.objects.all()
    undo = reverse("study:autocode-undo", kwargs={"project": project.code, "batch": batch.code})
    assert "Removed 2 auto-coded passages" in client.post(undo, follow=True).content.decode()
    assert not Excerpt.objects.exists()


def test_a_stale_preview_is_answered_409_with_the_preview_as_it_is_now(
    project, coder, strategy, code
):
    client = client_for(coder)
    data = {"q": "kommune*", "code": code.pk, "unit": "paragraph", "scope": "all"}
    plan = preview(client, project, **data)
    # Meanwhile a new document with a hit arrives, and the coder codes the second paragraph.
    DocumentFactory(project=project, title="Ny plan", text="Kommunen planlegger.", paragraphs=[])
    ExcerptFactory(document=strategy, coder=coder, start=len(FIRST) + 2, end=len(STRATEGY))
    Excerpt.objects.get().codings.create(code=code)
    response = confirm(client, project, data, plan)
    page = response.content.decode()
    assert response.status_code == 409
    assert "changed since the preview" in page and "Ny plan" in page
    assert "2 excerpts would be created" in page and "1 passage you already coded" in page
    assert Excerpt.objects.count() == 1 and not AutoCodeBatch.objects.exists()
    # Confirming the preview as it is now codes it.
    assert confirm(client, project, data, response).status_code == 302
    assert Excerpt.objects.filter(from_search="kommune*").count() == 2


def test_confirming_needs_a_preview(project, coder, strategy, code):
    client = client_for(coder)
    data = {"q": "kommune*", "code": code.pk, "unit": "hit", "scope": "all"}
    response = confirm(client, project, data, "")
    assert "Preview the auto-coding" in client.get(response["Location"]).content.decode()
    assert not Excerpt.objects.exists()


def test_speaker_turns_are_a_unit_and_paragraphs_stand_in_without_them(
    project, coder, strategy, code
):
    interview = DocumentFactory(
        project=project,
        title="Intervju rådmann",
        kind="transcript",
        text=TRANSCRIPT,
        paragraphs=[[0, len(TRANSCRIPT)]],
        turns=_turns(TRANSCRIPT),
    )
    client = client_for(coder)
    data = {"q": "velferdsteknologi", "code": code.pk, "unit": "turn", "scope": "all"}
    response = confirm(client, project, data, preview(client, project, **data))
    assert response.status_code == 302
    turns = {e.document_id: e.text for e in Excerpt.objects.filter(coder=coder)}
    assert turns == {
        interview.pk: "Rådmann: Kommunen deler velferdsteknologi med nabokommunen. Det går bra.",
        strategy.pk: SECOND,  # the strategy has no speaker turns: its paragraph
    }


def _saved(client, project, **data):
    url = reverse("study:saved-search-create", kwargs={"project": project.code})
    return client.post(url, data)


def test_a_saved_search_shows_only_the_hits_new_to_each_member(
    project, lead, coder, viewer, strategy
):
    client = client_for(coder)
    response = _saved(client, project, name="Kommuner", q="kommune*", kind="strategy")
    search = SavedSearch.objects.get()
    run = reverse("study:saved-search-run", kwargs={"project": project.code, "saved": search.code})
    assert response["Location"] == run and search.filters["kind"] == "strategy"
    page = client.get(run).content.decode()
    assert "first run of this search" in page and "Strategi Bjørkvik" in page
    page = client.get(run).content.decode()
    assert "0 new hits since you last ran it" in page and "Nothing new" in page
    assert "Strategi Bjørkvik" in client.get(run, {"all": "1"}).content.decode()
    # A new strategy with a hit; a report is outside the saved filter.
    DocumentFactory(
        project=project, title="Ny strategi", text="Kommunen vil samarbeide.", paragraphs=[]
    )
    DocumentFactory(
        project=project, title="Rapport", text="Kommunen.", kind="report", paragraphs=[]
    )
    page = client.get(run).content.decode()
    assert "1 new hit since" in page and "Ny strategi" in page
    assert "Strategi Bjørkvik" not in page and "Rapport" not in page
    # Another member's looks are their own: for the viewer, everything is still new.
    assert "first run" in client_for(viewer).get(run).content.decode()
    listing = reverse("study:saved-search-list", kwargs={"project": project.code})
    assert "Kommuner" in client_for(viewer).get(listing).content.decode()


def test_saving_and_deleting_saved_searches(project, lead, coder, coder2, viewer, strategy):
    client = client_for(coder)
    _saved(client, project, name="Kommuner", q="kommune*")
    again = _saved(client, project, name="Kommuner", q="digi*")
    listing = reverse("study:saved-search-list", kwargs={"project": project.code})
    assert "already a saved search named" in client.get(again["Location"]).content.decode()
    bad = _saved(client, project, name="X", q="**")
    assert "Type a word to search for" in client.get(bad["Location"]).content.decode()
    assert _saved(client_for(viewer), project, name="Mine", q="x").status_code == 403
    search = SavedSearch.objects.get()
    delete = reverse(
        "study:saved-search-delete", kwargs={"project": project.code, "saved": search.code}
    )
    assert client_for(coder2).post(delete).status_code == 404  # not theirs
    assert client_for(lead).post(delete).status_code == 302
    assert not SavedSearch.objects.exists()
    assert "No saved searches yet" in client.get(listing).content.decode()


def test_the_preview_query_count_does_not_grow_with_the_documents(
    project, coder, strategy, code, django_assert_max_num_queries
):
    client = client_for(coder)
    data = {"q": "kommune*", "code": code.pk, "unit": "turn", "scope": "all"}
    preview(client, project, **data)
    for n in range(6):
        DocumentFactory(
            project=project, text=STRATEGY, language=["nb", "en", "nn", "", "sv", "de"][n]
        )
    # Session, membership and project, the form's codes and filters, the search (a lexeme
    # query per language on PostgreSQL), the documents' spans, the coder's codings.
    with django_assert_max_num_queries(16):
        response = preview(client, project, **data)
    assert "14 excerpts would be created" in response.content.decode()


def test_a_document_being_reconciled_refuses_the_whole_auto_coding(
    project, lead, coder, coder2, strategy, code
):
    from coding.reconcile.services import reconciliation_open

    other = DocumentFactory(project=project, title="Annen", text=STRATEGY)
    reconciliation_open(project=project, documents=[strategy], coders=[coder, coder2], user=lead)
    client = client_for(coder)
    data = {"q": "kommune*", "code": code.pk, "unit": "paragraph", "scope": "all"}
    response = confirm(client, project, data, preview(client, project, **data))
    assert "being reconciled" in client.get(response["Location"]).content.decode()
    assert not Excerpt.objects.filter(document=other).exists()
    assert not AutoCodeBatch.objects.exists()


def test_confirming_the_same_preview_twice_codes_it_once(project, coder, strategy, code):
    client = client_for(coder)
    data = {"q": "kommune*", "code": code.pk, "unit": "paragraph", "scope": "all"}
    plan = preview(client, project, **data)
    assert confirm(client, project, data, plan).status_code == 302
    second = confirm(client, project, data, plan)  # another tab, the same preview
    assert second.status_code == 409 and "0 excerpts would be created" in second.content.decode()
    assert Excerpt.objects.count() == 2 and AutoCodeBatch.objects.count() == 1


def test_posted_spans_that_are_not_the_previewed_ones_are_not_coded(project, coder, strategy, code):
    client = client_for(coder)
    data = {"q": "kommune*", "code": code.pk, "unit": "paragraph", "scope": "all"}
    shown = preview(client, project, **data)
    forged = planned_of(shown).replace(f":{len(FIRST)}:", ":3:")
    assert forged != planned_of(shown)
    url = reverse("study:autocode", kwargs={"project": project.code})
    response = client.post(url, data | {"plan": plan_of(shown), "planned": forged})
    # The keys do not match the fingerprint: the search runs again and codes the real plan.
    assert response.status_code == 302
    assert sorted(e.text for e in Excerpt.objects.all()) == sorted([FIRST, SECOND])


def test_auto_coding_codes_only_the_hits_the_coding_filter_leaves(project, coder, strategy, code):
    """Hits outside a settled code's excerpts, coded with a new code: the filter the page shows
    is the one auto-coding follows."""
    settled = CodeFactory(project=project, name="Settled")
    ExcerptFactory(document=strategy, coder=coder, start=0, end=len(FIRST), codes=[settled])
    client = client_for(coder)
    data = {"q": "kommune*", "code": code.pk, "unit": "paragraph", "scope": "all"}
    data |= {"with_code": settled.pk, "where": "out"}
    shown = preview(client, project, **data)
    assert "1 excerpt would be created" in shown.content.decode()
    assert confirm(client, project, data, shown).status_code == 302
    assert list(Excerpt.objects.filter(codings__code=code).values_list("text", flat=True)) == [
        SECOND
    ]


def test_a_saved_search_keeps_its_coding_filter(project, coder, strategy, code):
    """Saved with "outside the excerpts of a code", rerun with it: the coded paragraph's hits
    stay out."""
    ExcerptFactory(document=strategy, coder=coder, start=0, end=len(FIRST), codes=[code])
    client = client_for(coder)
    _saved(client, project, name="Uncoded", q="kommune*", with_code=code.pk, where="out")
    search = SavedSearch.objects.get()
    assert search.filters["with_code"] == str(code.pk) and search.filters["where"] == "out"
    run = reverse("study:saved-search-run", kwargs={"project": project.code, "saved": search.code})
    page = client.get(run, {"all": "1"}).content.decode()
    assert "<mark>Kommunene</mark>" in page and "<mark>kommunen</mark>" not in page
