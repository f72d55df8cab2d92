"""A lead pseudonymises a transcript in the browser: adds a suggestion with one click, applies
the list on the document's page and sees the replacement in the text; the page passes axe."""

import pytest
from django.urls import reverse

from tests.browser.conftest import log_in
from tests.browser.test_accessibility_browser import AXE, RUN
from tests.conftest import PASSWORD
from tests.factories import DocumentFactory, ExcerptFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = (
    "Interviewer: Hvordan jobber dere?\n\n"
    "Kari Nordmann: Vi samarbeider med Ola Hansen, og Ola Hansen leder teamet.\n\n"
    "Kari Nordmann: Det fungerer."
)


def test_a_lead_adds_a_suggestion_and_applies_the_list(page, project, lead):
    turns = []
    start = 0
    for block in TEXT.split("\n\n"):
        turns.append({"start": start, "end": start + len(block), "speaker": block.split(":")[0]})
        start += len(block) + 2
    document = DocumentFactory(project=project, title="Intervju", text=TEXT, turns=turns)
    ExcerptFactory(document=document, coder=lead, start=TEXT.index("Ola"), end=TEXT.index(","))
    log_in(page, lead.email, PASSWORD)
    page.wait_for_url("**/")
    page.goto(reverse("coding:pseudonym-list", kwargs={"project": project.code}))
    page.evaluate(AXE.read_text(encoding="utf-8"))
    assert page.evaluate(RUN) == []
    row = page.locator(".pseudonym-suggestions tr", has_text="Ola Hansen")
    row.get_by_role("button", name="Add").click()
    page.wait_for_selector(".pseudonym-table >> text=Ola Hansen")
    page.goto(
        reverse(
            "coding:document-detail", kwargs={"project": project.code, "document": document.code}
        )
    )
    page.get_by_role("button", name="Apply the pseudonym list").click()
    page.wait_for_selector("text=Pseudonymised:")
    body = page.content()
    i = body.find("Ola Hansen")
    assert i == -1, body[i - 300 : i + 100]
    assert "Name 2 leder teamet" in body
