"""A lead edits a document set in Chromium, then filters Retrieval by it."""

import pytest
from django.urls import reverse

from coding.models import DocumentSet
from research.models import Role
from study.docsets.services import document_set_create
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.factories import (
    CodeFactory,
    DocumentFactory,
    ExcerptFactory,
    MembershipFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_lead_edits_a_set_and_retrieves_its_excerpts(page):
    lead = UserFactory(email="lead@kommune.no")
    project = ProjectFactory(title="Smarte kommuner", blind_coding=False)
    MembershipFactory(project=project, user=lead, role=Role.LEAD)
    code = CodeFactory(project=project, name="Samarbeid")
    alpha = DocumentFactory(project=project, title="Alpha strategi")
    beta = DocumentFactory(project=project, title="Beta strategi")
    for document in (alpha, beta):
        ExcerptFactory(document=document, coder=lead, start=0, end=8, codes=[code])
    document_set_create(project=project, user=lead, name="Pilot", documents=[alpha])

    log_in(page, "lead@kommune.no", PASSWORD)
    page.goto(reverse("study:document-set-list", args=[project.code]))
    page.get_by_role("link", name="Edit set").click()
    page.get_by_label("Name").fill("Pilot, runde 2")
    page.get_by_label("Documents").select_option(label="Beta strategi")  # only Beta now
    page.get_by_role("button", name="Save the set").click()
    page.wait_for_url("**/sets/")
    page.get_by_text("Pilot, runde 2").wait_for()
    document_set = DocumentSet.objects.get(project=project)
    assert [d.title for d in document_set.documents.all()] == ["Beta strategi"]

    page.goto(reverse("coding:retrieval", args=[project.code]))
    page.get_by_label("Document set").select_option(label="Pilot, runde 2")
    page.get_by_role("button", name="Retrieve").click()
    page.get_by_text("1 excerpt", exact=True).wait_for()
    assert page.locator("article a", has_text="Beta strategi").count() == 1
    assert page.locator("article a", has_text="Alpha strategi").count() == 0
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
