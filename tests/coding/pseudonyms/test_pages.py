"""Pseudonymising documents through the pages: the list, its suggestions, applying it, what
every page and export then shows, the original text for owners only, and stale editors."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coding.models import (
    Assignment,
    Candidate,
    Document,
    Excerpt,
    ExcerptChange,
    Pseudonym,
    TextVersion,
)
from coding.reconcile import services as reconcile_services
from research.jobs import job_run_inline
from research.models import Job
from tests.coding.documents.helpers import upload_one
from tests.conftest import client_for
from tests.factories import CodeFactory, DocumentFactory, ExcerptFactory
from tests.languages import client_speaking, translated

pytestmark = pytest.mark.django_db

TRANSCRIPT = (
    "Interviewer: Hvordan jobber dere med digitalisering?\n\n"
    "Kari Nordmann: I Nordhavn kommune har vi et eget team. Ola Hansen leder det, "
    "og Ola Hansen rapporterer til rådmannen.\n\n"
    "Interviewer: Og innbyggerne?\n\n"
    "Kari Nordmann: De får bedre tjenester i Nordhavn kommune."
)
IDENTIFYING = ("Kari Nordmann", "Nordhavn", "Ola Hansen")


def _turns(text: str) -> list[dict]:
    turns, start = [], 0
    for block in text.split("\n\n"):
        speaker = block.split(":", 1)[0]
        end = start + len(block)
        turns.append(
            {"start": start, "end": end, "speaker": speaker, "timestamp": "", "body_start": None}
        )
        start = end + 2
    return turns


def url(name: str, project, **kwargs) -> str:
    return reverse(f"coding:{name}", kwargs={"project": project.code, **kwargs})


def apply_url(project) -> str:
    # served by study: applying to all documents reaches the memos and case texts too
    return reverse("study:pseudonyms-apply", kwargs={"project": project.code})


@pytest.fixture
def transcript(project):
    document = DocumentFactory(
        project=project, title="Intervju Kari Nordmann", text=TRANSCRIPT, turns=_turns(TRANSCRIPT)
    )
    document.original_name = "kari.txt"
    document.original.save("kari.txt", ContentFile(TRANSCRIPT.encode()), save=True)
    return document


@pytest.fixture
def coded(transcript, coder, lead):
    code = CodeFactory(project=transcript.project, name="Organisering")
    # "Nordmann: I Nordhavn" covers half a name: it widens to the whole replacement.
    start = TRANSCRIPT.index("Nordmann: I")
    partial = ExcerptFactory(
        document=transcript, coder=coder, start=start, end=start + len("Nordmann: I Nordhavn")
    )
    team = TRANSCRIPT.index("har vi et eget team")
    plain = ExcerptFactory(
        document=transcript, coder=coder, start=team, end=team + len("har vi et eget team")
    )
    partial.codes.add(code)
    return {"partial": partial, "plain": plain}


def _add(client, project, original, replacement):
    return client.post(
        url("pseudonym-add", project), {"original": original, "replacement": replacement}
    )


def _list(client, project):
    for original, replacement in [
        ("Kari Nordmann", "Informant 1"),
        ("Nordhavn kommune", "Municipality A"),
        ("Nordhavn", "Municipality A"),
        ("Ola Hansen", "Person B"),
    ]:
        assert _add(client, project, original, replacement).status_code == 302


def _pseudonymise(client, document):
    return client.post(
        url("document-pseudonymise", document.project, document=document.code), follow=True
    )


def test_the_page_suggests_speakers_and_recurring_names_with_counts(project, lead, transcript):
    CodeFactory(project=project, name="Digitalisering")
    page = client_for(lead).get(url("pseudonym-list", project))
    suggestions = {(s.text, s.count, s.source) for s in page.context["suggestions"]}
    assert ("Kari Nordmann", 2, "speaker") in suggestions
    assert ("Ola Hansen", 2, "capitalised") in suggestions
    assert ("Nordhavn", 2, "capitalised") in suggestions
    assert not {s for s in suggestions if s[0] in {"Interviewer", "I", "De"}}
    # One click: the suggestion's form posts the string with a numbered replacement.
    body = page.content.decode()
    assert 'name="original" value="Kari Nordmann"' in body
    assert 'name="replacement" value="Informant 1"' in body
    added = client_for(lead).post(
        url("pseudonym-add", project), {"original": "Kari Nordmann", "replacement": "Informant 1"}
    )
    assert added.status_code == 302
    again = client_for(lead).get(url("pseudonym-list", project))
    assert "Kari Nordmann" not in {s.text for s in again.context["suggestions"]}
    # Numbered after the list: the next one-click replacement is not "Informant 1" again.
    assert 'name="replacement" value="Informant 1"' not in again.content.decode()


def test_a_replacement_that_is_itself_identifying_is_refused_with_a_reason(project, lead):
    client = client_for(lead)
    _add(client, project, "Kari", "Informant 1")
    response = _add(client, project, "Informant", "Person")
    assert response.status_code == 200
    assert "itself contains an identifying string" in response.content.decode()
    response = _add(client, project, "kari", "Other")
    assert "already on the list" in response.content.decode()
    assert Pseudonym.objects.filter(project=project).count() == 1


def test_applying_moves_every_excerpt_onto_the_same_words(project, lead, coder, coded):
    _list(client_for(lead), project)
    document = coded["partial"].document
    response = _pseudonymise(client_for(lead), document)
    assert [str(m) for m in response.context["messages"]] == [
        "Pseudonymised: 6 strings replaced, 2 excerpts moved with their words."
    ]
    document.refresh_from_db()
    assert not any(name in document.text for name in IDENTIFYING)
    assert document.text_version == 2 and document.pseudonymised_version == 2
    assert document.title == "Intervju Informant 1"
    assert [t["speaker"] for t in document.turns] == [
        "Interviewer",
        "Informant 1",
        "Interviewer",
        "Informant 1",
    ]
    partial, plain = (Excerpt.objects.get(pk=e.pk) for e in coded.values())
    assert (
        partial.text
        == "Informant 1: I Municipality A"
        == document.text[partial.start : partial.end]
    )
    assert partial.version == 2 and partial.codes.count() == 1
    assert plain.text == "har vi et eget team" == document.text[plain.start : plain.end]
    for turn in document.turns:  # the structure follows the text
        assert document.text[turn["start"] : turn["end"]].startswith(turn["speaker"])
    # The excerpt log shows no more than the text does.
    for change in ExcerptChange.objects.filter(document=document):
        assert "Nordhavn" not in json.dumps(change.before) + json.dumps(change.after)
    version = TextVersion.objects.get(document=document)
    assert version.private and version.text == TRANSCRIPT
    # Applying again changes nothing.
    _pseudonymise(client_for(lead), document)
    document.refresh_from_db()
    assert document.text_version == 2


def test_pages_exports_and_search_carry_no_identifying_string(project, lead, coder, coded):
    _list(client_for(lead), project)
    document = coded["partial"].document
    _pseudonymise(client_for(lead), document)
    client = client_for(lead)
    pages = [
        url("coding-view", project, document=document.code),
        url("document-detail", project, document=document.code),
        url("document-list", project),
        url("retrieval", project),
        url("retrieval-export", project) + "?format=csv",
        url("retrieval-export", project) + "?format=xlsx",
        reverse("study:search", kwargs={"project": project.code}) + "?q=team",
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if page.endswith("xlsx"):
            archive = zipfile.ZipFile(io.BytesIO(body))
            body = b"".join(archive.read(name) for name in archive.namelist())
        for name in IDENTIFYING:
            assert name.encode() not in body, (page, name)
    search = reverse("study:search", kwargs={"project": project.code})
    assert len(client.get(search, {"q": "team"}).context["results"]) == 1
    for name in IDENTIFYING:  # the search reads the current (pseudonymised) text
        assert client.get(search, {"q": f'"{name}"'}).context["results"] == []
    for fmt in ("json", "qdpx"):
        exported = _export(client, project, fmt)
        for name in IDENTIFYING:
            assert name.encode() not in exported, (fmt, name)


def _export(client, project, fmt: str) -> bytes:
    response = client.post(
        reverse("study:project-export", kwargs={"project": project.code}), {"format": fmt}
    )
    assert response.status_code == 302
    job = Job.objects.filter(project=project, status="queued").latest("pk")
    job_run_inline(job)
    assert job.status == "succeeded", job.error
    download = reverse(
        "study:project-export-download", kwargs={"project": project.code, "job": job.code}
    )
    body = b"".join(client.get(download).streaming_content)
    if fmt == "qdpx":
        archive = zipfile.ZipFile(io.BytesIO(body))
        return b"".join(archive.read(name) for name in archive.namelist())
    return body


def test_the_original_is_for_owners_only(project, owner, lead, coder, viewer, coded):
    _list(client_for(lead), project)
    document = coded["partial"].document
    _pseudonymise(client_for(lead), document)
    original = url("document-original", project, document=document.code)
    page = client_for(owner).get(original)
    assert page.status_code == 200 and "Kari Nordmann" in page.content.decode()
    detail = url("document-detail", project, document=document.code)
    assert original in client_for(owner).get(detail).content.decode()
    assert original not in client_for(lead).get(detail).content.decode()
    download = url("document-download", project, document=document.code)
    for member in (lead, coder, viewer):
        assert client_for(member).get(original).status_code == 403
        assert client_for(member).get(download).status_code == 403
    assert download not in client_for(lead).get(detail).content.decode()
    owner_file = client_for(owner).get(download)
    assert owner_file.status_code == 200
    b"".join(owner_file.streaming_content)


def test_an_owner_downloads_the_original_only_where_the_project_allows_it(
    project, owner, lead, coded
):
    _list(client_for(lead), project)
    document = coded["partial"].document
    _pseudonymise(client_for(lead), document)
    download = url("document-original-download", project, document=document.code)
    refused = client_for(owner).get(download, follow=True)
    assert "does not allow downloading original texts" in refused.content.decode()
    policy = url("pseudonym-policy", project)
    assert client_for(lead).post(policy, {"original_export": "on"}).status_code == 403
    client_for(owner).post(policy, {"original_export": "on"})
    response = client_for(owner).get(download)
    body = response.content.decode()
    assert body.startswith("ORIGINAL TEXT - CONTAINS IDENTIFYING INFORMATION")
    assert "Kari Nordmann" in body and "ORIGINAL" in response["Content-Disposition"]
    # A text a person reads: its warning in the reader's language (lent until translated).
    label = (
        "ORIGINAL TEXT - CONTAINS IDENTIFYING INFORMATION - NOT PSEUDONYMISED\n"
        "Text version %(n)d of the document, kept for the project's owners.\n\n"
    )
    norwegian = "ORIGINALTEKST - INNEHOLDER IDENTIFISERENDE OPPLYSNINGER\nVersjon %(n)d.\n\n"
    with translated("nb", {label: norwegian}):
        body = client_speaking(owner, "nb").get(download).content.decode()
    assert body.startswith("ORIGINALTEKST - INNEHOLDER") and "Kari Nordmann" in body


def test_an_owner_deletes_the_original(
    project, owner, lead, coded, django_capture_on_commit_callbacks
):
    _list(client_for(lead), project)
    document = coded["partial"].document
    _pseudonymise(client_for(lead), document)
    name = Document.objects.get(pk=document.pk).original.name
    storage = document.original.storage
    delete = url("document-original-delete", project, document=document.code)
    assert client_for(lead).post(delete).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(owner).post(delete, follow=True)
    assert "Deleted 1 original text and the uploaded file." in response.content.decode()
    assert not TextVersion.objects.filter(document=document).exists()
    assert not storage.exists(name)
    document.refresh_from_db()
    assert not document.original.name and "Kari" not in document.text


def test_an_edit_with_the_version_loaded_before_pseudonymisation_is_a_409(
    project, lead, coder, coded
):
    document = coded["partial"].document
    Assignment.objects.create(document=document, coder=coder)
    _list(client_for(lead), project)
    _pseudonymise(client_for(lead), document)
    response = client_for(coder).post(
        reverse(
            "coding:excerpt-update",
            kwargs={"project": project.code, "excerpt": coded["partial"].code},
        ),
        {"version": 1, "set_memo": "on", "memo": "stale"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 409
    assert response.json()["excerpt"]["version"] == 2
    assert Excerpt.objects.get(pk=coded["partial"].pk).memo == ""


def test_applying_to_all_documents_runs_as_a_job(project, lead, coded):
    other = DocumentFactory(project=project, text="Ola Hansen skrev planen.\n\nOla Hansen.")
    _list(client_for(lead), project)
    response = client_for(lead).post(apply_url(project))
    assert response.status_code == 302
    job = Job.objects.get(project=project, kind="pseudonyms.apply")
    job_run_inline(job)
    assert job.status == "succeeded", job.error
    assert job.result["documents"] == 2 and job.result["changed"] == 2
    other.refresh_from_db()
    assert other.text == "Person B skrev planen.\n\nPerson B."
    page = client_for(lead).get(url("pseudonym-list", project))
    assert all(state.pseudonymised for state in page.context["documents"])
    job_page = client_for(lead).get(response["Location"])
    assert job_page.status_code == 200 and "Pseudonymising documents" in job_page.content.decode()


def test_an_empty_list_is_not_applied(project, lead, transcript):
    response = client_for(lead).post(apply_url(project), follow=True)
    assert "The list is empty" in response.content.decode()
    assert not Job.objects.filter(kind="pseudonyms.apply").exists()


def test_a_pseudonymised_document_read_again_is_pseudonymised_again(
    project, lead, django_capture_on_commit_callbacks
):
    document = upload_one(
        lead, project, "intervju.txt", TRANSCRIPT.encode(), django_capture_on_commit_callbacks
    )
    _list(client_for(lead), project)
    _pseudonymise(client_for(lead), document)
    replace = url("document-replace", project, document=document.code)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(lead).post(
            replace, {"file": SimpleUploadedFile("ny.txt", b"Ola Hansen svarte Kari Nordmann.")}
        )
    document.refresh_from_db()
    assert document.text == "Person B svarte Informant 1."
    assert document.pseudonymised_version == document.text_version


def test_the_documents_page_links_the_list_for_leads_only(project, lead, coder):
    link = url("pseudonym-list", project)
    assert link in client_for(lead).get(url("document-list", project)).content.decode()
    assert link not in client_for(coder).get(url("document-list", project)).content.decode()


def test_a_document_being_reconciled_is_pseudonymised_and_its_candidates_move(
    project, lead, coder, coder2, transcript
):
    code = CodeFactory(project=project, name="Organisering")
    start = TRANSCRIPT.index("Nordmann: I")
    end = start + len("Nordmann: I Nordhavn")
    for user in (coder, coder2):
        Assignment.objects.create(document=transcript, coder=user)
    ExcerptFactory(document=transcript, coder=coder, start=start, end=end, codes=[code])
    reconciliation = reconcile_services.reconciliation_open(
        project=project, documents=[transcript], coders=[coder, coder2], user=lead
    )
    (candidate,) = Candidate.objects.filter(item__reconciliation=reconciliation)
    loaded = candidate.version
    _list(client_for(lead), project)
    response = _pseudonymise(client_for(lead), transcript)
    assert "Pseudonymised:" in response.content.decode()
    transcript.refresh_from_db()
    candidate.refresh_from_db()
    # "Nordmann: I Nordhavn" cut a name: the candidate now covers both replacements whole
    assert transcript.text[candidate.start : candidate.end] == "Informant 1: I Municipality A"
    assert candidate.sources[0]["text"] == "Informant 1: I Municipality A"
    # a reconciler's page loaded before decides against the old spans: refused
    with pytest.raises(reconcile_services.DecisionConflict):
        reconcile_services.decision_make(
            candidate=candidate, version=loaded, kind="nothing", user=lead
        )


def test_the_list_page_reads_a_fixed_number_of_queries(
    project, lead, transcript, django_assert_max_num_queries
):
    client = client_for(lead)
    _list(client, project)
    client.get(url("pseudonym-list", project))  # warm the session and the membership caches
    with django_assert_max_num_queries(12) as few:
        client.get(url("pseudonym-list", project))
    for n in range(5):
        DocumentFactory(project=project, text=f"Ola Hansen {n}.\n\nOla Hansen møtte Per Olsen.")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url("pseudonym-list", project))
    assert len(page.context["documents"]) == 6
