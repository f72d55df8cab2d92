"""Running lines removed from an uploaded PDF are listed on its page and can be restored."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from coding.excerpts.services import excerpt_create
from coding.models import Document, DocumentStatus, Excerpt, ExcerptChange, TextVersion
from coding.runs.services import agreement_run_start
from research.jobs import job_run_inline
from research.models import User
from research.services import project_delete
from study.export import project_export_data, render
from study.restore import project_restore_file
from tests import samples
from tests.coding.documents.helpers import detail_url, page_messages, upload_one
from tests.conftest import client_for
from tests.factories import CodeFactory, ExcerptFactory

pytestmark = pytest.mark.django_db


def restore_url(document) -> str:
    return reverse(
        "coding:document-keep-running-lines", args=[document.project.code, document.code]
    )


def report_pdf() -> bytes:
    pages = [
        [f"{n}.1 Kommunen og næringslivet", f"Tiltak {n} gjelder hele året."] for n in range(6)
    ]
    return samples.layout_pdf(pages, header=samples.HEADER, footer=samples.FOOTER)


def test_removed_lines_are_listed_with_their_pages_and_can_be_restored(
    lead, project, django_capture_on_commit_callbacks
):
    document = upload_one(
        lead, project, "rapport.pdf", report_pdf(), django_capture_on_commit_callbacks
    )
    assert document.status == DocumentStatus.READY
    assert document.removed_lines[:2] == [[1, samples.HEADER], [1, "Side 1 av 6"]]
    assert samples.HEADER not in document.text

    page = client_for(lead).get(detail_url(document)).content.decode()
    assert "12 running lines removed" in page
    assert "Side 6 av 6" in page
    assert restore_url(document) in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(lead).post(restore_url(document), follow=True)

    assert page_messages(response) == [
        "The file is being read again, with its running headers and footers."
    ]
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY
    assert document.running_lines_kept and document.removed_lines == []
    assert document.text.count(samples.HEADER) == 6 and "Side 6 av 6" in document.text
    assert "without removing running headers" in response.content.decode()


def test_restoring_in_a_coded_document_makes_a_text_version_and_moves_the_excerpts(
    lead, coder, coder2, project, django_capture_on_commit_callbacks
):
    document = upload_one(
        lead, project, "rapport.pdf", report_pdf(), django_capture_on_commit_callbacks
    )
    old_text = document.text
    kept_start = old_text.index("Tiltak 3 gjelder hele året.")
    kept = ExcerptFactory(
        document=document, coder=coder, start=kept_start, end=kept_start + 27, memo="viktig"
    )
    # From the end of page 1 into page 2: the restored footer and header land inside it.
    across_start = old_text.index("Tiltak 0")
    across_end = old_text.index("1.1 Kommunen") + 3
    across = ExcerptFactory(document=document, coder=coder2, start=across_start, end=across_end)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(lead).post(restore_url(document), follow=True)

    assert page_messages(response) == [
        "The file is being read again, with its running headers and footers."
    ]
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY and document.text_version == 2
    assert document.text.count(samples.HEADER) == 6 and document.removed_lines == []
    kept.refresh_from_db()
    assert document.text[kept.start : kept.end] == kept.text == "Tiltak 3 gjelder hele året."
    assert kept.version == 2 and kept.text_flag == "" and kept.memo == "viktig"
    across.refresh_from_db()
    assert across.text_flag.startswith("The words of this excerpt are not where they were")
    assert across.text == old_text[across_start:across_end]
    version = TextVersion.objects.get(document=document)
    assert (version.number, version.text, version.reason) == (1, old_text, "Running lines restored")
    assert (version.excerpts_moved, version.excerpts_flagged) == (1, 1)
    moves = ExcerptChange.objects.filter(excerpt_code=kept.code, action="update").get()
    assert (moves.before["start"], moves.after["start"]) == (kept_start, kept.start)
    page = client_for(lead).get(detail_url(document)).content.decode()
    assert "Text version 2" in page and "1 excerpt needs a check" in page
    assert "Show the excerpts to check" in page and "Tiltak 0 gjelder hele året." in page
    # A coder in blind mode sees the count, never another coder's excerpt.
    assert (
        "Show the excerpts to check"
        not in client_for(coder).get(detail_url(document)).content.decode()
    )


def test_an_excerpt_made_on_the_old_text_after_a_new_version_is_refused(
    lead, coder, project, django_capture_on_commit_callbacks
):
    document = upload_one(
        lead, project, "rapport.pdf", report_pdf(), django_capture_on_commit_callbacks
    )
    ExcerptFactory(document=document, coder=coder, start=0, end=5)
    stale = Document.objects.get(pk=document.pk)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(lead).post(restore_url(document))

    with pytest.raises(ValidationError) as refused:
        excerpt_create(document=stale, coder=coder, start=0, end=5, text=stale.text[:5])

    assert refused.value.code == "stale_text"


def test_agreement_runs_record_the_text_version_they_read(
    lead, coder, coder2, project, django_capture_on_commit_callbacks
):
    document = upload_one(
        lead, project, "rapport.pdf", report_pdf(), django_capture_on_commit_callbacks
    )
    ExcerptFactory(
        document=document, coder=coder, start=0, end=5, codes=[CodeFactory(project=project)]
    )
    with django_capture_on_commit_callbacks(execute=True):
        client_for(lead).post(restore_url(document))

    run = agreement_run_start(
        project=project, requested_by=lead, coders=[coder, coder2], unit="document"
    )

    assert run.params["spec"]["text_versions"] == {str(document.pk): 2}


def test_coders_cannot_restore_and_a_get_is_refused(
    lead, coder, project, django_capture_on_commit_callbacks
):
    document = upload_one(
        lead, project, "rapport.pdf", report_pdf(), django_capture_on_commit_callbacks
    )

    assert client_for(coder).post(restore_url(document)).status_code == 403
    assert client_for(lead).get(restore_url(document)).status_code == 405
    assert "Restore them" not in client_for(coder).get(detail_url(document)).content.decode()


def test_text_versions_and_flags_survive_the_project_export_round_trip(
    lead, coder, coder2, project, django_capture_on_commit_callbacks
):
    document = upload_one(
        lead, project, "rapport.pdf", report_pdf(), django_capture_on_commit_callbacks
    )
    code = CodeFactory(project=project)
    across = document.text.index("Tiltak 0"), document.text.index("1.1 Kommunen") + 3
    ExcerptFactory(document=document, coder=coder, start=across[0], end=across[1], codes=[code])
    with django_capture_on_commit_callbacks(execute=True):
        client_for(lead).post(restore_url(document))
    run = agreement_run_start(
        project=project, requested_by=lead, coders=[coder, coder2], unit="document"
    )
    job_run_inline(run.job)
    first = json.loads(render(project_export_data(project=project)))
    assert first["documents"][0]["text_version"] == 2
    assert first["documents"][0]["text_versions"][0]["number"] == 1
    assert first["agreement_runs"][0]["params"]["spec"]["text_versions"] == {str(document.code): 2}

    project_delete(project=project)
    User.objects.all().delete()
    restored = project_restore_file(content=render(first).encode())

    again = json.loads(render(project_export_data(project=restored)))
    del first["exported_at"], again["exported_at"]
    assert again == first
    excerpt = Excerpt.objects.get(document__project=restored)
    assert excerpt.text_flag and excerpt.document.text_versions.get().number == 1


def test_a_double_click_on_restore_makes_one_text_version(
    lead, coder, project, django_capture_on_commit_callbacks
):
    document = upload_one(
        lead, project, "rapport.pdf", report_pdf(), django_capture_on_commit_callbacks
    )
    ExcerptFactory(document=document, coder=coder, start=0, end=5)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client_for(lead).post(restore_url(document))
        client_for(lead).post(restore_url(document))
    for callback in callbacks:
        callback()

    document.refresh_from_db()
    assert document.text_version == 2
    assert TextVersion.objects.filter(document=document).count() == 1
