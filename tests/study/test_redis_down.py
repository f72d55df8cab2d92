"""The web while Redis is down: the cache and the broker point at a port where nothing listens.

A lead logs in and walks the main pages (project, documents, upload, coding view, codebook,
agreement runs, project export): no answer is a 5xx, and what needs a job is saved and says it
waits for the job system.
"""

from __future__ import annotations

import socket

import pytest
from celery import current_app
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coding.models import AgreementRun, Document, DocumentStatus
from research.models import Job, JobStatus
from study.jobs import PROJECT_EXPORT
from tests import samples
from tests.coding.runs.factories import build_world
from tests.conftest import PASSWORD
from tests.study.test_runs import FORM

pytestmark = pytest.mark.django_db

WAITING = "it will start by itself when the job system is back"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once the probe is closed


@pytest.fixture
def redis_down(settings):
    """Both of Redis's roles (cache and broker), as with REDIS_URL set, at a closed port."""
    url = f"redis://127.0.0.1:{_closed_port()}/0"
    settings.CACHES = {
        # The backend production uses (config/settings.py): allauth's sign-in counters fall back
        # to memory, the password throttle to the database.
        "default": {"BACKEND": "research.cache.FailSafeRedisCache", "LOCATION": url}
    }
    conf = current_app.conf
    saved = conf.task_always_eager, conf.broker_url
    conf.task_always_eager, conf.broker_url = False, url
    yield
    conf.task_always_eager, conf.broker_url = saved


def _ok(response, url: str):
    assert response.status_code < 500, (url, response.status_code)
    return response


def _text(response) -> str:
    return response.content.decode()


def test_a_lead_walks_the_main_pages_while_redis_is_down(
    redis_down, client, project, lead, coder, coder2, django_capture_on_commit_callbacks
):
    build_world(project, [coder, coder2])
    document = Document.objects.filter(project=project, status=DocumentStatus.READY).first()
    code = project.codes.first()
    # Logging in reads the throttle's counters in the cache: it falls back to the database.
    response = client.post(reverse("account_login"), {"login": lead.email, "password": PASSWORD})
    assert response.status_code == 302
    p = project.code
    for url in (
        reverse("research:project-detail", args=[p]),
        reverse("coding:document-list", args=[p]),
        reverse("study:document-upload", args=[p]),
        reverse("coding:coding-view", args=[p, document.code]),
        reverse("coding:coding-text", args=[p, document.code]),  # its rendering is not cached
        reverse("coding:codebook", args=[p]),
        reverse("coding:code-edit", args=[p, code.code]),
        reverse("study:agreement-list", args=[p]),
        reverse("study:agreement-new", args=[p]),
        reverse("research:job-list", args=[p]),
    ):
        assert _ok(client.get(url), url).status_code == 200, url

    # Upload: the file is kept and the page says it waits for the job system.
    upload = reverse("study:document-upload", args=[p])
    files = {"files": [SimpleUploadedFile("a.txt", samples.norwegian_txt())], "kind": "strategy"}
    with django_capture_on_commit_callbacks(execute=True):
        response = _ok(client.post(upload, files, follow=True), upload)
    assert "queued and will be read when the job system is back" in _text(response)
    uploaded = Document.objects.get(original_name="a.txt")
    assert uploaded.status == DocumentStatus.QUEUED
    detail = reverse("coding:document-detail", args=[p, uploaded.code])
    assert WAITING in _text(_ok(client.get(detail), detail))
    # Replacing its file (not read yet, so not coded): kept, queued again, and said so.
    replace = reverse("coding:document-replace", args=[p, uploaded.code])
    new_file = {"file": SimpleUploadedFile("b.txt", samples.norwegian_txt() + b"\nMer.")}
    with django_capture_on_commit_callbacks(execute=True):
        response = _ok(client.post(replace, new_file, follow=True), replace)
    assert "queued and will be read when the job system is back" in _text(response)
    assert WAITING in _text(response)

    # An agreement run: started, queued, and its page says why nothing moves yet.
    new = reverse("study:agreement-new", args=[p])
    with django_capture_on_commit_callbacks(execute=True):
        response = _ok(client.post(new, {**FORM, "coders": [coder.pk, coder2.pk]}), new)
    assert response.status_code == 302
    run = AgreementRun.objects.get()
    page = _text(_ok(client.get(response["Location"], follow=True), response["Location"]))
    assert "Agreement run queued" in page and WAITING in page
    assert run.job.status == JobStatus.QUEUED

    # The project export: a job too, and its page says it waits.
    export = reverse("study:project-export", args=[p])
    with django_capture_on_commit_callbacks(execute=True):
        response = _ok(client.post(export, follow=True), export)
    assert WAITING in _text(response)
    job = Job.objects.get(kind=PROJECT_EXPORT)
    assert (job.status, job.dispatched_at) == (JobStatus.QUEUED, None)
