"""The coding view's navigation menus (Bootstrap's script, which the page loads async beside
its own modules and its text) work once the text is shown, and also when the text could not be
had."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from coding.models import Assignment
from tests.browser.conftest import log_in
from tests.browser.test_coding_browser import _open
from tests.conftest import PASSWORD
from tests.factories import DocumentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def document(project, coder):
    document = DocumentFactory(
        project=project, title="Strategi", text="Kommunen vil samarbeide.\n\nÅpne data er målet."
    )
    Assignment.objects.create(document=document, coder=coder)
    return document


def _menu_opens(page):
    page.locator("#topnav .dropdown-toggle").click()
    expect(page.get_by_role("link", name="Profile")).to_be_visible()


def test_the_navigation_menu_opens_once_the_text_is_usable(page, project, coder, document):
    _open(page, project, document, coder)
    expect(page.locator("script[src*='bootstrap.bundle']")).to_have_count(1)
    _menu_opens(page)


def test_the_navigation_menu_opens_when_the_text_could_not_be_had(page, project, coder, document):
    log_in(page, coder.email, PASSWORD)
    page.wait_for_url("**/")
    page.route("**/code/text/**", lambda route: route.abort())
    page.goto(
        reverse("coding:coding-view", kwargs={"project": project.code, "document": document.code})
    )
    expect(page.locator("#coding-status")).to_have_attribute("data-kind", "error")
    _menu_opens(page)
