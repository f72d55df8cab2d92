"""A search hit opens the coding view with the hit's words selected, at code-point offsets
(an emoji and a combining accent come before it), ready to code with a shortcut."""

import pytest
from django.urls import reverse

from coding.models import Assignment, Excerpt
from tests.browser.conftest import log_in
from tests.browser.test_coding_browser import TEXT, _wait_for
from tests.conftest import PASSWORD
from tests.factories import CodeFactory, DocumentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_hit_opens_the_coding_view_with_its_words_selected(page, project, coder):
    document = DocumentFactory(project=project, title="Strategi", text=TEXT, language="nb")
    Assignment.objects.create(document=document, coder=coder)
    code = CodeFactory(project=project, name="Innbyggere", shortcut="1")
    log_in(page, coder.email, PASSWORD)
    page.wait_for_url("**/")
    page.goto(reverse("study:search", kwargs={"project": project.code}) + "?q=innbyggerne")
    page.locator("a.search-hit").first.click()
    page.wait_for_selector("#coding-text[data-ready='1']")
    assert page.evaluate("() => window.getSelection().toString()") == "innbyggerne"
    page.keyboard.press("1")
    excerpt = _wait_for(lambda: Excerpt.objects.first())
    start = TEXT.index("innbyggerne")
    assert (excerpt.start, excerpt.end, excerpt.text) == (start, start + 11, "innbyggerne")
    assert list(excerpt.codes.all()) == [code]
