"""The coding view at 390 px: the project's pages fold behind one button, the text starts near
the top, and the codebook is a drawer over the text (its button, or the C key) where a code is
applied to the selection; opening an excerpt opens the drawer; Escape closes it."""

import pytest
from playwright.sync_api import expect

from coding.models import Excerpt
from tests.browser.test_coding_browser import TEXT, _and_refresh, _open, _wait_for
from tests.browser.test_coding_browser import setup as setup  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SELECT = """([a, b]) => {
  const segs = [...document.querySelectorAll('#coding-text [data-start]')];
  const at = (cp) => {
    const seg = segs.filter((s) => Number(s.dataset.start) <= cp).pop();
    const local = cp - Number(seg.dataset.start);
    return [seg.firstChild, Array.from(seg.firstChild.data).slice(0, local).join('').length];
  };
  window.getSelection().setBaseAndExtent(...at(a), ...at(b));
}"""


def test_the_codebook_is_a_drawer_at_390_px(page, project, coder, setup):  # noqa: F811
    page.set_viewport_size({"width": 390, "height": 844})
    _open(page, project, setup["document"], coder)
    nav = page.locator(".project-bar").bounding_box()
    assert nav["height"] < 100
    assert page.locator("#coding-text").bounding_box()["y"] < 400
    code = page.locator(".code-button", has_text="Verdi")
    expect(code).to_be_hidden()
    toggle = page.get_by_role("button", name="Codebook")
    expect(toggle).to_be_visible()
    wanted = "sykler 🚲 til"
    start = TEXT.index(wanted)
    page.evaluate(SELECT, [start, start + len(wanted)])
    toggle.click()
    expect(code).to_be_visible()
    expect(page.locator("#code-search")).to_be_focused()
    _and_refresh(page, lambda: code.click())
    excerpt = _wait_for(lambda: Excerpt.objects.first())
    assert excerpt.text == wanted
    # The editor opened on the new excerpt, in the drawer; Escape closes the drawer.
    expect(page.locator("#excerpt-editor")).to_contain_text("Verdi")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    expect(code).to_be_hidden()
    # The pages of the project are one tap away.
    page.get_by_role("button", name="Pages").click()
    expect(
        page.get_by_role("navigation", name="Project").get_by_role("link", name="Codebook")
    ).to_be_visible()
