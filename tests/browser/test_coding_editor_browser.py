"""The excerpt editor opens where the user is looking: after scrolling a long codebook in the
panel, clicking an excerpt brings the editor into view; the focus stays in the editor across its
own writes; Escape closes it and gives the focus back to the text."""

import pytest
from playwright.sync_api import expect

from coding.models import Excerpt
from tests.browser.test_coding_browser import TEXT, _and_refresh, _open
from tests.browser.test_coding_browser import setup as setup  # noqa: F401  (the fixture)
from tests.factories import CodeFactory, ExcerptFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The editor's box lies within the window and within the panel's visible part.
IN_VIEW = """() => {
  const editor = document.getElementById('excerpt-editor').getBoundingClientRect();
  const panel = document.querySelector('.coding-panel').getBoundingClientRect();
  const top = Math.max(0, panel.top);
  const bottom = Math.min(window.innerHeight, panel.bottom);
  return editor.top >= top - 1 && editor.top < bottom - 40;
}"""


@pytest.fixture
def long_codebook(project, setup):  # noqa: F811
    for n in range(60):
        CodeFactory(project=project, name=f"Kode {n:02d} æøå")


def test_the_editor_scrolls_into_view_keeps_focus_and_closes_with_escape(
    page,
    project,
    coder,
    setup,  # noqa: F811
    long_codebook,
):
    start = TEXT.index("næringslivet")
    ExcerptFactory(
        document=setup["document"], coder=coder, start=start, end=start + 12, codes=[setup["value"]]
    )
    _open(page, project, setup["document"], coder)
    page.eval_on_selector(".coding-panel", "p => { p.scrollTop = p.scrollHeight; }")
    assert page.eval_on_selector(".coding-panel", "p => p.scrollTop") > 300
    page.locator(".seg.mine").first.click()
    editor = page.locator("#excerpt-editor")
    expect(editor.get_by_role("button", name="Save memo")).to_be_visible()
    page.wait_for_function(IN_VIEW)
    # Writing the memo re-renders the editor; the focus stays in it (on the same control).
    memo = page.locator("#excerpt-memo")
    memo.fill("Kommunen og næringslivet 🚲")
    page.get_by_role("button", name="Save memo").focus()
    _and_refresh(page, lambda: page.keyboard.press("Enter"))
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.textContent.includes('Save memo')"
    )
    assert Excerpt.objects.get().memo == "Kommunen og næringslivet 🚲"
    page.wait_for_function(IN_VIEW)
    # Escape closes it; the focus goes back to the text.
    page.keyboard.press("Escape")
    expect(editor).to_be_hidden()
    assert page.evaluate("() => document.activeElement.id") == "coding-text"


def test_escape_keeps_an_unsaved_memo(page, project, coder, setup):  # noqa: F811
    ExcerptFactory(document=setup["document"], coder=coder, start=0, end=8, codes=[setup["value"]])
    _open(page, project, setup["document"], coder)
    page.locator(".seg.mine").first.click()
    page.locator("#excerpt-memo").fill("ikke lagret ennå")
    page.keyboard.press("Escape")
    expect(page.locator("#excerpt-memo")).to_have_value("ikke lagret ennå")
