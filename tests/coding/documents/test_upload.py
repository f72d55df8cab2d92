"""Uploading through the view: every format, every bad input, duplicates, roles."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from coding.documents.services import INGEST
from coding.models import Document, DocumentKind, DocumentStatus
from research.models import Job, JobStatus
from tests import samples
from tests.coding.documents.helpers import (
    list_url,
    page_messages,
    post_upload,
    upload_one,
    upload_url,
)
from tests.conftest import client_for, unmarked
from tests.shared import shared_path

pytestmark = pytest.mark.django_db


def test_the_seed_thesis_is_read_through_the_upload_view(
    lead, project, django_capture_on_commit_callbacks
):
    thesis = shared_path("seed", "thesis-municipal-digitalization.txt")
    data = thesis.read_bytes()
    document = upload_one(
        lead, project, thesis.name, data, django_capture_on_commit_callbacks, language="en"
    )
    assert document.status == DocumentStatus.READY, document.error
    assert document.title == "thesis-municipal-digitalization"
    assert document.language == "en"
    assert document.file_type == "txt"
    assert document.char_count == len(document.text) > 100_000
    assert len(document.paragraphs) > 100
    assert document.sha256 and document.size == len(data)
    assert document.created_by == lead
    # Every paragraph lies inside the text, in order.
    ends = [0]
    for start, end in document.paragraphs:
        assert ends[-1] <= start < end <= len(document.text)
        ends.append(end)
    job = Job.objects.get(kind=INGEST, params__document=document.pk)
    assert job.status == JobStatus.SUCCEEDED and job.progress == 100
    assert document.job == job


def test_a_pdf_strategy_keeps_pages_title_and_author(
    lead, project, django_capture_on_commit_callbacks
):
    document = upload_one(
        lead,
        project,
        "strategi.pdf",
        samples.norwegian_strategy_pdf(12),
        django_capture_on_commit_callbacks,
    )
    assert document.status == DocumentStatus.READY, document.error
    assert document.title == samples.PDF_TITLE
    # The file's author is shown as the file states it, not taken as the document's source.
    assert document.source == ""
    assert document.file_properties["author"] == samples.AUTHOR
    page = client_for(lead).get(f"/p/{project.code}/documents/{document.code}/").content.decode()
    assert f"author “{samples.AUTHOR}”" in unmarked(page) and "not checked" in page
    assert document.page_count == 12
    assert [page[0] for page in document.pages] == list(range(1, 13))
    assert document.pages[-1][2] == len(document.text)
    assert "Velferdsteknologi" in document.text
    with document.original.open("rb") as stored:
        assert stored.read() == samples.norwegian_strategy_pdf(12)


def test_a_title_typed_for_a_single_file_wins_over_the_metadata(
    lead, project, django_capture_on_commit_callbacks
):
    document = upload_one(
        lead,
        project,
        "strategi.docx",
        samples.norwegian_docx(),
        django_capture_on_commit_callbacks,
        title="Bjørkvik 2024",
    )
    assert document.status == DocumentStatus.READY
    assert document.title == "Bjørkvik 2024"


@pytest.mark.parametrize(
    ("name", "content", "expected_type", "phrase"),
    [
        ("strategi.docx", samples.norwegian_docx(), "docx", "Satsingen på e-helse"),
        ("plan.odt", samples.norwegian_odt(), "odt", "Digitalt tilsyn i hjemmetjenesten"),
        ("strategi.rtf", samples.norwegian_rtf(), "rtf", "Særlig viktig"),
        ("notat.md", samples.norwegian_markdown(), "md", "Neste steg"),
        ("data.html", samples.norwegian_html(), "html", "Alle kan bruke dataene fritt."),
        ("utf8.txt", samples.norwegian_txt("utf-8", bom=True), "txt", "Økt bruk av e-helse"),
        ("utf16.txt", samples.norwegian_txt("utf-16"), "txt", "Økt bruk av e-helse"),
        ("cp1252.txt", samples.norwegian_txt("cp1252"), "txt", "åpent og etterprøvbart"),
        ("latin1.txt", samples.norwegian_txt("latin-1"), "txt", "Særlig viktig"),
    ],
)
def test_every_format_becomes_a_ready_document(
    name, content, expected_type, phrase, lead, project, django_capture_on_commit_callbacks
):
    document = upload_one(lead, project, name, content, django_capture_on_commit_callbacks)
    assert document.status == DocumentStatus.READY, document.error
    assert document.file_type == expected_type
    assert phrase in document.text
    assert document.char_count == len(document.text)
    assert document.paragraphs


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("intervju.txt", samples.interview_transcript_txt()),
        ("intervju.docx", samples.interview_transcript_docx()),
    ],
)
def test_interview_transcripts_keep_their_speaker_turns(
    name, content, lead, project, django_capture_on_commit_callbacks
):
    document = upload_one(
        lead, project, name, content, django_capture_on_commit_callbacks, kind="transcript"
    )
    assert document.kind == DocumentKind.TRANSCRIPT
    assert [turn["speaker"] for turn in document.turns] == samples.TRANSCRIPT_SPEAKERS
    first = document.turns[0]
    assert document.text[first["start"] : first["end"]].startswith("[00:00:05] Intervjuer:")
    assert first["timestamp"]


def test_many_files_at_once_get_one_job_each(lead, project, django_capture_on_commit_callbacks):
    files = [
        ("a.txt", samples.norwegian_txt()),
        ("b.md", samples.norwegian_markdown()),
        ("c.html", samples.norwegian_html()),
    ]
    response = post_upload(lead, project, files, django_capture_on_commit_callbacks)
    assert response.redirect_chain[-1][0] == list_url(project)
    assert "3 files uploaded; their text is being read." in page_messages(response)
    documents = Document.objects.filter(project=project)
    assert sorted(documents.values_list("title", flat=True)) == [
        "Notat om digital samhandling",
        "a",
        "Åpne data i Bjørkvik",
    ]
    assert {d.status for d in documents} == {DocumentStatus.READY}
    assert Job.objects.filter(kind=INGEST, project=project).count() == 3
    assert len({d.job_id for d in documents}) == 3


def test_details_given_at_upload_apply_to_every_file(
    lead, project, django_capture_on_commit_callbacks
):
    files = [("a.txt", samples.norwegian_txt()), ("b.txt", samples.norwegian_txt("utf-16"))]
    post_upload(
        lead,
        project,
        files,
        django_capture_on_commit_callbacks,
        kind="report",
        language="nn",
        date="2024-05-01",
        source="Bjørkvik kommune",
        notes="Fra kommunens nettside",
        title="Ignored for several files",
    )
    for document in Document.objects.filter(project=project):
        assert document.kind == "report" and document.language == "nn"
        assert str(document.date) == "2024-05-01"
        assert document.source == "Bjørkvik kommune"
        assert document.notes == "Fra kommunens nettside"
        assert document.title in {"a", "b"}


# --- Bad input -------------------------------------------------------------------------------


def _no_documents(project) -> bool:
    return not Document.objects.filter(project=project).exists()


def test_an_empty_file_is_refused_before_anything_is_stored(
    lead, project, django_capture_on_commit_callbacks
):
    response = post_upload(lead, project, [("tom.txt", b"")], django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "“tom.txt” is empty, so there is nothing to read." in page_messages(response)
    assert _no_documents(project)
    assert not Job.objects.filter(kind=INGEST).exists()


def test_a_file_over_the_size_limit_is_refused_before_it_is_stored(
    lead, project, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.UPLOAD_MAX_BYTES = 1024
    big = samples.norwegian_txt() * 20
    response = post_upload(lead, project, [("stor.txt", big)], django_capture_on_commit_callbacks)
    assert any(
        "“stor.txt” is" in m and "more than the limit of 1 KB per file." in m
        for m in page_messages(response)
    )
    assert _no_documents(project)
    assert not any(tmp_path.rglob("*.txt"))


def test_a_docx_zip_bomb_is_refused_before_it_is_stored(
    lead, project, django_capture_on_commit_callbacks
):
    response = post_upload(
        lead, project, [("bombe.docx", samples.docx_zip_bomb())], django_capture_on_commit_callbacks
    )
    assert any("zip bomb" in m and "“bombe.docx”" in m for m in page_messages(response)), (
        page_messages(response)
    )
    assert _no_documents(project)


def test_an_image_is_refused_with_the_supported_formats(
    lead, project, django_capture_on_commit_callbacks
):
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 100
    response = post_upload(lead, project, [("bilde.pdf", png)], django_capture_on_commit_callbacks)
    assert any("a PNG image" in m and "Supported formats" in m for m in page_messages(response))
    assert _no_documents(project)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("låst.pdf", samples.encrypted_pdf(), "password-protected"),
        ("skannet.pdf", samples.scanned_pdf(), "no text layer"),
        ("avbrutt.pdf", samples.truncated_pdf(), "damaged or incomplete"),
        ("ukjent.txt", samples.unknown_encoding_bytes(), "encoding of this file could not be"),
    ],
)
def test_unreadable_files_leave_a_failed_document_with_the_reason(
    name, content, reason, lead, project, django_capture_on_commit_callbacks
):
    document = upload_one(lead, project, name, content, django_capture_on_commit_callbacks)
    assert document.status == DocumentStatus.FAILED
    assert reason in document.error
    assert document.text == "" and document.paragraphs == []
    job = document.job
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error == document.error
    # The list says so plainly, and the lead can still open, replace or delete it.
    page = client_for(lead).get(list_url(project)).content.decode()
    assert "Failed" in page and reason in page
    detail = client_for(lead).get(f"/p/{project.code}/documents/{document.code}/").content.decode()
    assert "This file could not be read." in detail and "Replace file" in detail


def test_a_pdf_named_docx_is_read_as_pdf_with_a_warning(
    lead, project, django_capture_on_commit_callbacks
):
    document = upload_one(
        lead,
        project,
        "strategi.docx",
        samples.pdf_disguised_as_docx(),
        django_capture_on_commit_callbacks,
    )
    assert document.status == DocumentStatus.READY
    assert document.file_type == "pdf"
    assert document.warnings == [
        "This file is a PDF, not a DOCX document as its name .docx says; it was read as PDF."
    ]


def test_plain_text_named_pdf_is_read_as_text_and_the_page_says_so(
    lead, project, django_capture_on_commit_callbacks
):
    document = upload_one(
        lead, project, "notat.pdf", samples.norwegian_txt(), django_capture_on_commit_callbacks
    )
    assert document.status == DocumentStatus.READY and document.file_type == "txt"
    page = client_for(lead).get(f"/p/{project.code}/documents/{document.code}/").content.decode()
    assert "This file is plain text, not a PDF as its name .pdf says" in page


@pytest.mark.parametrize(
    ("name", "content", "cause"),
    [
        ("rapport.docx", bytes(range(256)) * 20, "a DOCX file is a ZIP archive, and this file is"),
        ("skann.pdf", b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "This file is a PNG image"),
        ("kuttet.docx", samples.norwegian_docx()[:3000], "damaged or incomplete"),
        ("bombe.docx", samples.docx_zip_bomb(uncompressed_mb=20), "zip bomb"),
    ],
)
def test_refusals_at_upload_name_the_real_cause(
    name, content, cause, lead, project, django_capture_on_commit_callbacks
):
    response = post_upload(lead, project, [(name, content)], django_capture_on_commit_callbacks)

    assert any(f"“{name}” was not uploaded" in m and cause in m for m in page_messages(response))
    assert _no_documents(project)


def test_an_owner_locked_pdf_opens_normally(lead, project, django_capture_on_commit_callbacks):
    document = upload_one(
        lead, project, "eier.pdf", samples.owner_locked_pdf(), django_capture_on_commit_callbacks
    )
    assert document.status == DocumentStatus.READY


def test_one_bad_file_does_not_stop_the_good_ones(
    lead, project, django_capture_on_commit_callbacks
):
    files = [("tom.txt", b""), ("god.txt", samples.norwegian_txt())]
    response = post_upload(lead, project, files, django_capture_on_commit_callbacks)
    messages = page_messages(response)
    assert "“tom.txt” is empty, so there is nothing to read." in messages
    assert "1 file uploaded; its text is being read." in messages
    assert list(Document.objects.values_list("title", flat=True)) == ["god"]


def test_the_same_file_twice_is_skipped_naming_the_existing_document(
    lead, project, django_capture_on_commit_callbacks
):
    first = upload_one(
        lead, project, "strategi.txt", samples.norwegian_txt(), django_capture_on_commit_callbacks
    )
    response = post_upload(
        lead, project, [("kopi.txt", samples.norwegian_txt())], django_capture_on_commit_callbacks
    )
    assert response.status_code == 200
    assert any(
        "“kopi.txt” was skipped" in m and f"“{first.title}”" in m for m in page_messages(response)
    )
    assert Document.objects.count() == 1


def test_duplicates_can_be_uploaded_anyway(lead, project, django_capture_on_commit_callbacks):
    upload_one(lead, project, "a.txt", samples.norwegian_txt(), django_capture_on_commit_callbacks)
    upload_one(
        lead,
        project,
        "b.txt",
        samples.norwegian_txt(),
        django_capture_on_commit_callbacks,
        upload_duplicates="on",
    )
    assert Document.objects.filter(project=project).count() == 2


def test_the_same_file_in_another_project_is_no_duplicate(
    lead, project, django_capture_on_commit_callbacks
):
    from tests.factories import DocumentFactory, ProjectFactory

    other = DocumentFactory(project=ProjectFactory())
    other.sha256 = __import__("hashlib").sha256(samples.norwegian_txt()).hexdigest()
    other.save()
    upload_one(lead, project, "a.txt", samples.norwegian_txt(), django_capture_on_commit_callbacks)


def test_posting_without_files_shows_the_form_error(lead, project):
    response = client_for(lead).post(upload_url(project), {"kind": "strategy"})
    assert response.status_code == 200
    assert response.context["form"].errors["files"]
    assert _no_documents(project)


def test_an_unknown_kind_is_a_form_error(lead, project):
    upload = SimpleUploadedFile("a.txt", samples.norwegian_txt())
    response = client_for(lead).post(upload_url(project), {"kind": "poem", "files": [upload]})
    assert response.status_code == 200
    assert response.context["form"].errors["kind"]
    assert _no_documents(project)


# --- Roles and methods -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["owner", "lead"])
def test_leads_and_owners_see_the_upload_form(role, cast, project):
    response = client_for(cast[role]).get(upload_url(project))
    assert response.status_code == 200
    assert b"multiple" in response.content and b"data-dropzone" in response.content


@pytest.mark.parametrize("role", ["coder", "viewer"])
def test_coders_and_viewers_cannot_upload(role, cast, project):
    upload = SimpleUploadedFile("a.txt", samples.norwegian_txt())
    response = client_for(cast[role]).post(
        upload_url(project), {"kind": "strategy", "files": [upload]}
    )
    assert response.status_code == 403
    assert _no_documents(project)


def test_outsiders_get_404_on_upload(outsider, project):
    assert client_for(outsider).get(upload_url(project)).status_code == 404


def test_upload_refuses_other_methods(lead, project):
    assert client_for(lead).put(upload_url(project)).status_code == 405


def _failures(response) -> list[str]:
    return [m for m in page_messages(response) if "could not be read" in m]


def test_the_list_after_an_upload_names_each_file_that_failed_once(
    lead, project, django_capture_on_commit_callbacks
):
    client = client_for(lead)
    files = [
        SimpleUploadedFile("notat.txt", "Kommunen samarbeider med næringslivet.".encode()),
        SimpleUploadedFile("låst.pdf", samples.encrypted_pdf()),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(upload_url(project), {"files": files, "kind": "strategy"})
    assert response.status_code == 302
    response = client.get(response.url)
    failed = _failures(response)
    assert len(failed) == 1, page_messages(response)
    assert failed[0].startswith("“låst.pdf” could not be read:")
    assert "password-protected" in failed[0]
    # Once: neither the list's polling nor the next visit repeats it.
    polled = client.get(list_url(project), headers={"HX-Request": "true"})
    assert "could not be read" not in polled.content.decode()
    assert not _failures(client.get(list_url(project)))


def test_an_earlier_failure_is_not_reported_after_a_later_upload(
    lead, project, django_capture_on_commit_callbacks
):
    client = client_for(lead)
    for name, content in [("låst.pdf", samples.encrypted_pdf()), ("notat.txt", b"Planen.")]:
        with django_capture_on_commit_callbacks(execute=True):
            client.post(upload_url(project), {"files": [SimpleUploadedFile(name, content)]})
    # The first redirect target was never visited; only the latest upload is reported on.
    assert not _failures(client.get(list_url(project)))


def test_the_size_limit_is_written_as_the_reader_writes_numbers(lead, project, settings):
    settings.UPLOAD_MAX_BYTES = 1536 * 1024
    client = client_for(lead)
    assert "Files may be up to 1.5 MB." in client.get(upload_url(project)).content.decode()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "nb"
    assert "1,5 MB" in client.get(upload_url(project)).content.decode()
