"""Upload through the real view, running the ingestion jobs eagerly."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coding.models import Document
from tests.conftest import client_for


def upload_url(project) -> str:
    return reverse("study:document-upload", args=[project.code])


def list_url(project) -> str:
    return reverse("coding:document-list", args=[project.code])


def detail_url(document) -> str:
    return reverse("coding:document-detail", args=[document.project.code, document.code])


def post_upload(user, project, files, capture, *, kind="strategy", **fields):
    """POST files [(name, bytes), ...] to the upload view; returns the response."""
    data = {
        "files": [SimpleUploadedFile(name, content) for name, content in files],
        "kind": kind,
        **fields,
    }
    with capture(execute=True):
        return client_for(user).post(upload_url(project), data, follow=True)


def upload_one(user, project, name, content, capture, **fields) -> Document:
    """Upload one file and return its document (expects exactly one new row)."""
    before = set(Document.objects.filter(project=project).values_list("pk", flat=True))
    response = post_upload(user, project, [(name, content)], capture, **fields)
    assert response.status_code == 200
    new = Document.objects.filter(project=project).exclude(pk__in=before)
    assert new.count() == 1, [str(m) for m in response.context["messages"]]
    return new.get()


def page_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]
