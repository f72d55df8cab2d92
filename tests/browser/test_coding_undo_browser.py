"""Undo and redo in Chromium with the keyboard, across a reload: Ctrl+Z takes back the memo, then
the excerpt; Ctrl+Shift+Z brings the excerpt back (the stacks live in the excerpt history)."""

import pytest
from playwright.sync_api import expect

from coding.models import Excerpt
from tests.browser.test_coding_browser import TEXT, _and_refresh, _drag, _open, _wait_for
from tests.browser.test_coding_browser import setup as setup  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_undo_and_redo_with_the_keyboard_across_a_reload(page, project, coder, setup):  # noqa: F811
    _open(page, project, setup["document"], coder)
    wanted = "sykler 🚲 til e\u0301n"
    start = TEXT.index(wanted)
    _drag(page, start, start + len(wanted) - 1)
    _and_refresh(page, lambda: page.keyboard.press("1"))
    excerpt = _wait_for(lambda: Excerpt.objects.first())
    page.locator("#excerpt-memo").fill("før angre")
    _and_refresh(page, lambda: page.get_by_role("button", name="Save memo").click())
    _wait_for(lambda: Excerpt.objects.get().memo == "før angre")

    page.reload()
    page.wait_for_selector("#coding-text[data-ready='1']")
    page.locator("#coding-text").focus()
    _and_refresh(page, lambda: page.keyboard.press("Control+z"))
    _wait_for(lambda: Excerpt.objects.get().memo == "")
    _and_refresh(page, lambda: page.keyboard.press("Control+z"))
    _wait_for(lambda: not Excerpt.objects.exists())
    expect(page.locator(".seg.mine")).to_have_count(0)
    _and_refresh(page, lambda: page.keyboard.press("Control+Shift+Z"))
    back = _wait_for(lambda: Excerpt.objects.first())
    assert (back.code, back.text) == (excerpt.code, wanted)
    expect(page.locator(".seg.mine").first).to_be_visible()
    assert not page.console_errors
