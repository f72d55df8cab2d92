"""The project page's "at a glance": counts, each coder's progress, and the blind rule."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coding.models import Assignment, AssignmentStatus, DocumentStatus
from tests.conftest import client_for
from tests.factories import DocumentFactory, ExcerptFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(project, coder, coder2):
    first, second = DocumentFactory(project=project), DocumentFactory(project=project)
    DocumentFactory(project=project, status=DocumentStatus.PROCESSING)
    ExcerptFactory(document=first, coder=coder)
    ExcerptFactory(document=second, coder=coder)
    ExcerptFactory(document=first, coder=coder2)
    Assignment.objects.create(document=first, coder=coder, status=AssignmentStatus.DONE)
    Assignment.objects.create(document=second, coder=coder)
    return reverse("research:project-detail", args=[project.code])


def test_lead_sees_documents_and_every_coders_progress(page, lead, coder, coder2):
    html = client_for(lead).get(page).content.decode()
    assert "3 documents, 2 ready to code" in html
    assert f'{coder.name}</dt><dd class="col-sm-9">coded in 2 of 2 documents' in html
    assert "1 of 2 assigned documents done" in html
    assert f'{coder2.name}</dt><dd class="col-sm-9">coded in 1 of 2 documents' in html
    assert "0 finished runs" in html and "0 documents reconciled" in html


def test_blind_coder_sees_only_their_own_progress(page, project, coder, coder2):
    assert project.blind_coding
    html = client_for(coder).get(page).content.decode()
    assert "coded in 2 of 2 documents" in html
    assert coder2.name not in html
