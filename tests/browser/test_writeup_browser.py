"""A lead cites an excerpt in a case's write-up with the picker, and reads it as a quote."""

import pytest

from cases.models import CaseWriteup, Dimension
from cases.services import cases as case_services
from research.models import Membership, Role
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.factories import (
    CodeFactory,
    DocumentFactory,
    ExcerptFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_excerpt_picker_cites_an_excerpt_of_the_case(page):
    lead = UserFactory(email="lead@kommune.no")
    project = ProjectFactory(title="Smart villages")
    Membership.objects.create(project=project, user=lead, role=Role.LEAD)
    document = DocumentFactory(project=project, title="Alpha strategy")
    other = DocumentFactory(project=project, title="Beta strategy")
    case = case_services.case_create(project=project, name="Alpha kommune")
    case_services.case_set_documents(case=case, documents=[document])
    code = CodeFactory(project=project, name="Industry")
    cited = ExcerptFactory(document=document, coder=lead, start=0, end=30, codes=[code])
    ExcerptFactory(document=other, coder=lead, start=0, end=30, codes=[code])
    dimension = Dimension.objects.get(project=project, name="Challenges")  # a default one

    log_in(page, "lead@kommune.no", PASSWORD)
    page.goto(f"/p/{project.code}/cases/{case.code}/writeup/{dimension.code}/")
    picker = page.locator("#excerpt-picker li")
    assert picker.count() == 1  # only the case's document
    page.get_by_label("Write-up").fill("Broadband comes first.")
    page.get_by_role("button", name="Cite").click()
    assert page.get_by_label("Write-up").input_value() == (
        f"Broadband comes first.\n[[excerpt:{cited.code}]]\n"
    )
    page.get_by_placeholder("Find an excerpt…").fill("no such words")
    assert picker.first.is_hidden()
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    assert f"[[excerpt:{cited.code}]]" in CaseWriteup.objects.get(case=case).text
    assert page.locator("blockquote, q").filter(has_text=cited.text[:10]).count() >= 1
    assert not [e for e in page.console_errors if "Content Security Policy" in e]


def test_a_lead_links_cases_from_the_document_page(page):
    lead = UserFactory(email="lead@kommune.no")
    project = ProjectFactory(title="Smart villages")
    Membership.objects.create(project=project, user=lead, role=Role.LEAD)
    document = DocumentFactory(project=project, title="Joint regional strategy")
    alpha = case_services.case_create(project=project, name="Alpha kommune")
    case_services.case_create(project=project, name="Beta kommune")

    log_in(page, "lead@kommune.no", PASSWORD)
    page.goto(f"/p/{project.code}/documents/{document.code}/")
    page.get_by_role("link", name="Link cases…").click()
    page.get_by_label("Alpha kommune").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    assert page.url.endswith(f"/documents/{document.code}/")
    assert "Alpha kommune" in page.locator(".document-cases").inner_text()
    assert list(document.cases.all()) == [alpha]
