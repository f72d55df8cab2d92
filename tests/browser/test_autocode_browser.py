"""Auto-coding in Chromium: search, preview the excerpts, confirm, find the excerpt in the
coding view with the search it came from, and undo the whole auto-coding in one step."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from coding.models import Excerpt
from tests.browser.test_coding_browser import TEXT, _open, _open_editor, _wait_for
from tests.browser.test_coding_browser import setup as setup  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_preview_confirm_provenance_and_undo(page, project, coder, setup):  # noqa: F811
    _open(page, project, setup["document"], coder)  # logs in
    page.goto(reverse("study:search", kwargs={"project": project.code}) + "?q=næringslivet")
    expect(page.get_by_text("1 document matches.")).to_be_visible()
    page.locator("select[name=code]").select_option(label="Verdi")
    page.locator("select[name=unit]").select_option(label="Its sentence")
    page.get_by_role("button", name="Preview the excerpts").click()

    # The preview shows the excerpt that would be created, and writes nothing.
    sentence = TEXT.split("\n\n")[0]
    expect(page.locator("[data-planned]")).to_have_count(1)
    expect(page.locator("[data-planned] blockquote")).to_have_text(sentence)
    assert not Excerpt.objects.exists()
    page.get_by_role("button", name="Create 1 excerpt").click()
    expect(page.get_by_text("Coded 1 passage with “Verdi”")).to_be_visible()
    excerpt = _wait_for(lambda: Excerpt.objects.first())
    assert (excerpt.text, excerpt.from_search) == (sentence, "næringslivet")

    # The coding view's excerpt panel says where the excerpt came from.
    _open_in_coding_view(page, project, setup["document"])
    _open_editor(page, "næringslivet")
    expect(page.locator("[data-excerpt-origin]")).to_contain_text(
        "Auto-coded from search “næringslivet”"
    )

    # One undo takes the whole auto-coding back.
    page.goto(reverse("study:search", kwargs={"project": project.code}) + "?q=næringslivet")
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_text("Removed 1 auto-coded passage")).to_be_visible()
    _wait_for(lambda: not Excerpt.objects.exists())
    assert not page.console_errors


def _open_in_coding_view(page, project, document):
    url = reverse("coding:coding-view", kwargs={"project": project.code, "document": document.code})
    page.goto(url)
    page.wait_for_selector("#coding-text[data-ready='1']")
