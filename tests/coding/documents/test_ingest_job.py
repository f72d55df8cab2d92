"""The documents.ingest job and the export section, called directly."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from coding.documents import services
from coding.models import Document, DocumentStatus
from research import jobs
from research.models import Job, JobStatus
from study.export import project_export_data
from study.jobs import PROJECT_EXPORT, export_file_path
from tests import samples
from tests.coding.documents.helpers import upload_one
from tests.factories import ExcerptFactory

pytestmark = pytest.mark.django_db


def _queued(lead, project, name="a.txt", content=None) -> Document:
    content = content if content is not None else samples.norwegian_txt()
    return services.document_create(
        project=project, created_by=lead, name=name, data=content, sha256="x", kind="strategy"
    )


def test_the_job_reports_progress_and_records_the_result(lead, project):
    document = _queued(lead, project, "s.pdf", samples.norwegian_strategy_pdf(3))
    seen: list[tuple[int, str]] = []
    result = services.document_ingest(
        document_id=document.pk, report=lambda p, m: seen.append((p, m)), keep_title=False
    )
    assert seen[0] == (2, "Reading the PDF file") and seen[-1] == (100, "Done")
    assert result["pages"] == 3 and result["characters"] > 1000
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY


def test_a_document_deleted_before_its_job_runs_fails_the_job_clearly(lead, project):
    document = _queued(lead, project)
    job = document.job
    Document.objects.filter(pk=document.pk).delete()
    jobs.job_run(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "The document was deleted before it could be read."


def test_a_cancelled_job_marks_the_document_failed(lead, project):
    document = _queued(lead, project)

    def cancelled(percent, message):
        raise jobs.JobCancelled

    with pytest.raises(jobs.JobCancelled):
        services.document_ingest(document_id=document.pk, report=cancelled, keep_title=False)
    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED and document.error == "Reading was cancelled."


def test_a_document_whose_reading_was_cancelled_while_queued_shows_it(lead, project):
    document = _queued(lead, project)
    assert jobs.job_cancel(job=document.job)
    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED
    assert document.error == "Cancelled before it finished."


def test_a_document_whose_worker_died_on_every_attempt_shows_why(lead, project, settings):
    """The sweep fails the job after its last attempt; the document says so, not "processing"."""
    settings.JOB_MAX_ATTEMPTS = 2
    document = _queued(lead, project)
    Document.objects.filter(pk=document.pk).update(status=DocumentStatus.PROCESSING)
    long_ago = timezone.now() - timedelta(minutes=5)
    Job.objects.filter(pk=document.job_id).update(
        status=JobStatus.RUNNING, started_at=long_ago, heartbeat_at=long_ago, attempts=2
    )
    assert jobs.jobs_sweep()["failed"] == 1
    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED
    assert "the worker running this job stopped" in document.error
    assert document.error == Job.objects.get(pk=document.job_id).error


def test_ingestion_never_overwrites_coded_text(lead, coder, project):
    document = _queued(lead, project)
    Document.objects.filter(pk=document.pk).update(text="Gammel tekst som er kodet.")
    document.refresh_from_db()
    ExcerptFactory(document=document, coder=coder, start=0, end=6)
    with pytest.raises(jobs.JobError, match="cannot change once it is coded"):
        services.document_ingest(
            document_id=document.pk, report=lambda p, m: None, keep_title=False
        )
    document.refresh_from_db()
    assert document.text == "Gammel tekst som er kodet."


def test_a_missing_stored_file_fails_with_a_reason(lead, project):
    document = _queued(lead, project)
    document.original.storage.delete(document.original.name)
    with pytest.raises(jobs.JobError):
        services.document_ingest(
            document_id=document.pk, report=lambda p, m: None, keep_title=False
        )
    document.refresh_from_db()
    assert document.status == DocumentStatus.FAILED and "stored file is missing" in document.error


def test_the_export_holds_metadata_text_and_structure(
    lead, project, django_capture_on_commit_callbacks
):
    document = upload_one(
        lead,
        project,
        "intervju.txt",
        samples.interview_transcript_txt(),
        django_capture_on_commit_callbacks,
        kind="transcript",
        language="nb",
    )
    section = project_export_data(project=project)["documents"]
    assert len(section) == 1
    exported = section[0]
    assert exported["code"] == str(document.code) and exported["kind"] == "transcript"
    assert exported["language"] == "nb" and exported["text"] == document.text
    assert exported["paragraphs"] == document.paragraphs
    assert [t["speaker"] for t in exported["turns"]] == samples.TRANSCRIPT_SPEAKERS
    assert exported["sha256"] == document.sha256


def test_the_export_job_includes_documents(lead, project, django_capture_on_commit_callbacks):
    document = upload_one(
        lead, project, "a.txt", samples.norwegian_txt(), django_capture_on_commit_callbacks
    )
    job = Job.objects.create(project=project, kind=PROJECT_EXPORT)
    jobs.job_run(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    data = json.loads(export_file_path(project=project, job=job.code).read_text(encoding="utf-8"))
    assert [d["code"] for d in data["documents"]] == [str(document.code)]


def test_the_job_lists_name_the_document_each_reading_job_read(
    lead, project, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from tests.conftest import client_for

    upload_one(lead, project, "alpha.txt", b"Alpha roadmap.", django_capture_on_commit_callbacks)
    upload_one(lead, project, "beta.txt", b"Beta roadmap.", django_capture_on_commit_callbacks)
    client = client_for(lead)
    for name in ("research:job-list", "research:project-detail"):
        html = client.get(reverse(name, args=[project.code])).content.decode()
        assert "“alpha.txt”" in html and "“beta.txt”" in html
    job = Job.objects.get(project=project, params__file="alpha.txt")
    detail = client.get(reverse("research:job-detail", args=[project.code, job.code]))
    assert "“alpha.txt”" in detail.content.decode()
