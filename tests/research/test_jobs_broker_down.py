"""Uploading while the broker (Redis) is down: every file is committed, the page says the
files wait for the job system, and the sweep starts their jobs once the broker is back."""

import time
from datetime import timedelta
from unittest import mock

import pytest
from celery import current_app
from django.utils import timezone
from kombu.exceptions import OperationalError

from coding.documents.services import INGEST
from coding.models import Document, DocumentStatus
from research import jobs
from research.models import Job, JobStatus
from research.tasks import job_run_task
from tests import samples
from tests.coding.documents.helpers import page_messages, post_upload

pytestmark = pytest.mark.django_db


def test_two_files_uploaded_while_the_broker_is_down_are_both_kept_and_read_later(
    lead, project, django_capture_on_commit_callbacks
):
    files = [("a.txt", samples.norwegian_txt()), ("b.md", samples.norwegian_markdown())]
    with (
        mock.patch.object(
            job_run_task, "apply_async", side_effect=OperationalError("Connection refused")
        ),
        mock.patch("coding.documents.feedback.jobs_broker_available", return_value=False),
    ):
        response = post_upload(lead, project, files, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert (
        "2 files uploaded; they are queued and will be read when the job system is back."
        in page_messages(response)
    )
    documents = Document.objects.filter(project=project)
    assert documents.count() == 2
    queued = Job.objects.filter(kind=INGEST, project=project)
    assert [(j.status, j.dispatched_at) for j in queued] == [(JobStatus.QUEUED, None)] * 2

    # The broker is back; the next sweep after the resend delay sends both (eagerly run here).
    queued.update(created_at=timezone.now() - timedelta(minutes=5))
    assert jobs.jobs_sweep()["resent"] == 2
    assert {d.status for d in Document.objects.filter(project=project)} == {DocumentStatus.READY}
    assert set(queued.values_list("status", flat=True)) == {JobStatus.SUCCEEDED}


def test_an_unreachable_broker_is_reported_not_raised():
    conf = current_app.conf
    eager, url = conf.task_always_eager, conf.broker_url
    conf.task_always_eager, conf.broker_url = False, "redis://127.0.0.1:1/0"
    try:
        started = time.monotonic()
        assert jobs.jobs_broker_available() is False
        assert time.monotonic() - started < 5  # a page must not hang on it
    finally:
        conf.task_always_eager, conf.broker_url = eager, url


def test_ringing_an_unreachable_broker_gives_up_at_once(lead, project):
    """Without its own connection, a publish kept reconnecting for about six seconds per job
    (kombu's defaults): an upload of many files would outlive the server's request timeout."""
    job = Job.objects.create(kind=INGEST, project=project, requested_by=lead)
    conf = current_app.conf
    eager, url = conf.task_always_eager, conf.broker_url
    conf.task_always_eager, conf.broker_url = False, "redis://127.0.0.1:1/0"
    try:
        started = time.monotonic()
        assert jobs.job_dispatch(job_id=job.pk) is False
        assert time.monotonic() - started < 3
    finally:
        conf.task_always_eager, conf.broker_url = eager, url
    job.refresh_from_db()
    assert (job.status, job.dispatched_at) == (JobStatus.QUEUED, None)
