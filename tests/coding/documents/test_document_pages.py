"""Reading view, details form, download, replace file, delete and bulk actions."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coding.models import Document, DocumentKind, DocumentStatus, Excerpt
from tests import samples
from tests.coding.documents.factories import StoredDocumentFactory
from tests.coding.documents.helpers import page_messages, upload_one
from tests.conftest import client_for, unmarked
from tests.factories import DocumentFactory, ExcerptFactory

pytestmark = pytest.mark.django_db


def _url(name: str, document) -> str:
    return reverse(f"coding:{name}", args=[document.project.code, document.code])


# --- Reading view ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["owner", "lead", "coder", "viewer"])
def test_every_member_can_read_a_document(role, cast, project):
    document = DocumentFactory(project=project, title="Strategi Bjørkvik")
    response = client_for(cast[role]).get(_url("document-detail", document))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Kommunen skal samarbeide med næringslivet" in page
    assert 'id="para-2"' in page and 'id="page-1"' in page
    assert ("Edit details" in page) == (role in {"owner", "lead"})


def test_a_transcript_is_read_with_its_speakers(lead, project, django_capture_on_commit_callbacks):
    document = upload_one(
        lead,
        project,
        "intervju.txt",
        samples.interview_transcript_txt(),
        django_capture_on_commit_callbacks,
        kind="transcript",
    )
    page = client_for(lead).get(_url("document-detail", document)).content.decode()
    assert page.count('class="doc-speaker"') == len(samples.TRANSCRIPT_SPEAKERS)
    assert 'data-speaker="Kari Nordmann"' in page
    assert "Kari Nordmann · 2 turns" in unmarked(page)


def test_a_pdf_is_read_with_page_markers(lead, project, django_capture_on_commit_callbacks):
    document = upload_one(
        lead,
        project,
        "s.pdf",
        samples.norwegian_strategy_pdf(4),
        django_capture_on_commit_callbacks,
    )
    page = client_for(lead).get(_url("document-detail", document)).content.decode()
    for number in range(1, 5):
        assert f'id="page-{number}"' in page


def test_outsiders_get_404_and_other_projects_documents_are_404(outsider, lead, project):
    document = DocumentFactory(project=project)
    assert client_for(outsider).get(_url("document-detail", document)).status_code == 404
    foreign = DocumentFactory()  # in another project
    url = reverse("coding:document-detail", args=[project.code, foreign.code])
    assert client_for(lead).get(url).status_code == 404


def test_the_reading_view_refuses_post(lead, project):
    document = DocumentFactory(project=project)
    assert client_for(lead).post(_url("document-detail", document)).status_code == 405


# --- Download --------------------------------------------------------------------------------


def test_the_original_file_is_downloaded_with_its_name(coder, project):
    document = StoredDocumentFactory(project=project, original_name="Strategi 2024.txt")
    response = client_for(coder).get(_url("document-download", document))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == document.text.encode()
    assert 'filename="Strategi 2024.txt"' in response["Content-Disposition"]


def test_a_document_without_a_stored_file_has_no_download(lead, project):
    document = DocumentFactory(project=project)
    assert client_for(lead).get(_url("document-download", document)).status_code == 404


# --- Replace file ----------------------------------------------------------------------------


def _replace(user, document, name, content, capture):
    with capture(execute=True):
        return client_for(user).post(
            _url("document-replace", document), {"file": SimpleUploadedFile(name, content)}
        )


def test_an_uncoded_document_gets_new_text_from_a_new_file(
    lead, project, django_capture_on_commit_callbacks
):
    document = upload_one(
        lead, project, "a.txt", samples.norwegian_txt(), django_capture_on_commit_callbacks
    )
    document.title = "Min tittel"
    document.save()
    old_file = document.original.name
    response = _replace(
        lead, document, "ny.docx", samples.norwegian_docx(), django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY
    assert document.file_type == "docx" and "Satsingen på e-helse" in document.text
    assert document.title == "Min tittel"  # the details stay
    assert document.original_name == "ny.docx"
    assert not document.original.storage.exists(old_file)


def test_a_coded_document_refuses_a_new_file_and_keeps_its_text(
    lead, coder, project, django_capture_on_commit_callbacks
):
    document = StoredDocumentFactory(project=project)
    ExcerptFactory(document=document, coder=coder)
    text = document.text
    page = client_for(lead).get(_url("document-replace", document)).content.decode()
    assert "This document has 1 excerpt. Its text cannot change once it is coded" in page
    response = _replace(
        lead, document, "ny.txt", samples.norwegian_txt(), django_capture_on_commit_callbacks
    )
    assert response.status_code == 200
    assert "cannot change once it is coded" in response.content.decode()
    document.refresh_from_db()
    assert document.text == text and document.status == DocumentStatus.READY


@pytest.mark.parametrize(
    ("name", "content", "phrase"),
    [("tom.txt", b"", "is empty"), ("bilde.png", b"\x89PNG\r\n\x1a\n\0\0", "a PNG image")],
)
def test_a_bad_replacement_is_refused_and_the_old_text_stays(
    name, content, phrase, lead, project, django_capture_on_commit_callbacks
):
    document = StoredDocumentFactory(project=project)
    response = _replace(lead, document, name, content, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert any(phrase in m for m in page_messages(response))
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY and document.text


def test_a_replacement_that_cannot_be_read_fails_visibly(
    lead, project, django_capture_on_commit_callbacks
):
    document = StoredDocumentFactory(project=project)
    _replace(lead, document, "l.pdf", samples.encrypted_pdf(), django_capture_on_commit_callbacks)
    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED
    assert "password-protected" in document.error


def test_coders_cannot_replace_files(coder, project):
    document = StoredDocumentFactory(project=project)
    response = client_for(coder).post(
        _url("document-replace", document), {"file": SimpleUploadedFile("a.txt", b"hei")}
    )
    assert response.status_code == 403


# --- Delete ----------------------------------------------------------------------------------


def test_deleting_an_uncoded_document_removes_it_and_its_file(
    lead, project, django_capture_on_commit_callbacks
):
    document = StoredDocumentFactory(project=project)
    storage, name = document.original.storage, document.original.name
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(lead).post(_url("document-delete", document))
    assert response.status_code == 302
    assert not Document.objects.filter(pk=document.pk).exists()
    assert not storage.exists(name)


def test_deleting_a_coded_document_asks_first_naming_the_excerpts(coder, lead, project):
    document = DocumentFactory(project=project)
    ExcerptFactory(document=document, coder=coder)
    ExcerptFactory(document=document, coder=coder, start=10, end=20)
    confirm = client_for(lead).post(_url("document-delete", document))
    assert confirm.status_code == 200
    assert "This also removes 2 excerpts" in confirm.content.decode()
    assert Document.objects.filter(pk=document.pk).exists()
    response = client_for(lead).post(_url("document-delete", document), {"confirm": "yes"})
    assert response.status_code == 302
    assert not Document.objects.filter(pk=document.pk).exists()
    assert not Excerpt.objects.exists()


@pytest.mark.parametrize("role", ["coder", "viewer"])
def test_coders_and_viewers_cannot_delete(role, cast, project):
    document = DocumentFactory(project=project)
    assert client_for(cast[role]).post(_url("document-delete", document)).status_code == 403
    assert Document.objects.filter(pk=document.pk).exists()


# --- Bulk actions ----------------------------------------------------------------------------


def _bulk(user, project, data):
    return client_for(user).post(reverse("coding:document-bulk", args=[project.code]), data)


def test_bulk_set_kind(lead, project):
    documents = DocumentFactory.create_batch(3, project=project)
    chosen = [str(d.code) for d in documents[:2]]
    response = _bulk(lead, project, {"documents": chosen, "action": "set_kind", "kind": "report"})
    assert response.status_code == 302
    kinds = {d.code: d.kind for d in Document.objects.all()}
    assert [kinds[d.code] for d in documents] == ["report", "report", DocumentKind.STRATEGY]


def test_bulk_delete_states_the_excerpts_then_deletes(coder, lead, project):
    coded, uncoded, kept = DocumentFactory.create_batch(3, project=project)
    ExcerptFactory(document=coded, coder=coder)
    data = {"documents": [str(coded.code), str(uncoded.code)], "action": "delete"}
    confirm = _bulk(lead, project, data)
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert "Delete 2 documents?" in page and "This also removes 1 excerpt" in page
    assert Document.objects.count() == 3
    response = _bulk(lead, project, {**data, "confirm": "yes"})
    assert response.status_code == 302
    assert list(Document.objects.values_list("pk", flat=True)) == [kept.pk]


def test_bulk_without_a_selection_or_kind_says_why(lead, project):
    document = DocumentFactory(project=project)
    response = _bulk(lead, project, {"action": "set_kind"})
    assert response.status_code == 302
    response = client_for(lead).post(
        reverse("coding:document-bulk", args=[project.code]),
        {"documents": [str(document.code)], "action": "set_kind"},
        follow=True,
    )
    assert "Choose the kind to set." in page_messages(response)


def test_bulk_cannot_reach_another_projects_documents(lead, project):
    foreign = DocumentFactory()
    response = _bulk(
        lead, project, {"documents": [str(foreign.code)], "action": "delete", "confirm": "yes"}
    )
    assert response.status_code == 302
    assert Document.objects.filter(pk=foreign.pk).exists()


def test_bulk_is_post_only_and_for_leads(coder, lead, project):
    url = reverse("coding:document-bulk", args=[project.code])
    assert client_for(lead).get(url).status_code == 405
    assert _bulk(coder, project, {"action": "delete"}).status_code == 403
