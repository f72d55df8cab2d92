"""Shared set-up for the coding tests: a document assigned to `coder` and a small codebook."""

import json
import threading
from dataclasses import dataclass

import pytest
from django.db import connection
from django.urls import reverse

from coding.excerpts import workspace
from coding.excerpts.workspace import EXCERPT_FIELDS
from coding.models import Assignment
from tests.factories import CodeFactory, DocumentFactory

TEXT = (
    "Kommunen skal samarbeide med næringslivet om smarte løsninger.\n\n"
    "Vi vil bruke sensorer i vann og avløp 🚲 og e\u0301n plattform."
)


@pytest.fixture(autouse=True)
def _no_kept_renderings():
    """Each test starts without the renderings a web process keeps (workspace.KEPT_BYTES):
    a test's ids come again in the next, so a rendering could outlive its test's cache."""
    workspace._kept.clear()


@pytest.fixture
def document(project):
    return DocumentFactory(project=project, title="Strategi for Øvre Eiker", text=TEXT)


@pytest.fixture
def assigned(document, coder, coder2):
    Assignment.objects.create(document=document, coder=coder)
    Assignment.objects.create(document=document, coder=coder2)
    return document


@pytest.fixture
def codes(project):
    value = CodeFactory(project=project, name="Value", colour="#1f77b4", shortcut="1")
    cooperation = CodeFactory(project=project, name="Cooperation", parent=value, shortcut="2")
    business = CodeFactory(project=project, name="Business", parent=cooperation)
    data = CodeFactory(project=project, name="Open data", colour="#2ca02c")
    return {"value": value, "cooperation": cooperation, "business": business, "data": data}


def span(text: str, needle: str) -> dict:
    """Form fields for the first occurrence of `needle` (code points, as Python slices)."""
    start = text.index(needle)
    return {"start": start, "end": start + len(needle), "text": needle}


def run_together(*jobs, timeout: float = 60):
    """Start the callables at the same moment, each in its own thread (and so its own database
    connection, closed at the end); return what each returned or raised. A thread still
    running after `timeout` seconds fails the test: that is a deadlock or a lost wake-up."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def work(index, job):
        try:
            barrier.wait()
            results[index] = job()
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a thread never finished"
    return results


postgres_only = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


@dataclass
class TextAnswer:
    """The coding view's text answer as the page's script reads it."""

    response: object
    html: str  # the text's chunks
    excerpts: list[dict]  # the excerpts shown, as the script makes them (with "mine")


def coding_text(client, project, document, query: str = "", **headers) -> TextAnswer:
    """GET the coding view's text (`coding:coding-text`, with the page's ?coders= and ?only=)."""
    kwargs = {"project": project.code, "document": document.code}
    response = client.get(reverse("coding:coding-text", kwargs=kwargs) + query, **headers)
    body = response.content.decode()
    data, _, html = body.partition("</script>")
    rows = json.loads(data.partition(">")[2]) if response.status_code == 200 else []
    excerpts = [dict(zip(EXCERPT_FIELDS, row, strict=True), mine=row[3] == 0) for row in rows]
    return TextAnswer(response, html, excerpts)
