"""Playwright with Debian's Chromium against pytest-django's live server.

Never downloads a browser: it launches /usr/bin/chromium (apt-get install chromium).
"""

import os
import shutil
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.utils import translation

# Playwright's sync API runs an event loop in the test thread; the ORM calls in these tests
# are still synchronous and single-threaded, so Django's async guard can be relaxed here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CONCORD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.console_errors = errors
    yield page
    context.close()


def said(language: str, message: str) -> str:
    """What the interface says for `message` in `language` (the tests find buttons by it)."""
    with translation.override(language):
        return translation.gettext(message)


def log_in(page, email: str, password: str, language: str = "en") -> None:
    """The login form, in `language` (its cookie is set first: the form is a visitor's)."""
    page.goto("/accounts/login/")
    if language != "en":
        site = urlsplit(page.url)._replace(path="/", query="").geturl()  # every page's cookie
        page.context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": site}]
        )
        page.reload()
    page.get_by_label(said(language, "E-mail")).fill(email)
    page.get_by_label(said(language, "Password")).fill(password)
    page.get_by_role("button", name=said(language, "Log in")).click()


# The viewport rectangle of a code point of the coding view's text, computed in the page
# (evaluate bypasses the CSP); the coding and guide tests drag the mouse between such points.
CHAR_RECT = """([cp]) => {
  const segs = [...document.querySelectorAll('#coding-text [data-start]')];
  let seg = segs[0];
  for (const s of segs) { if (Number(s.dataset.start) <= cp) seg = s; else break; }
  const node = seg.firstChild;
  const chars = Array.from(node.data);
  const local = cp - Number(seg.dataset.start);
  const from = chars.slice(0, local).join('').length;
  const range = document.createRange();
  range.setStart(node, from);
  range.setEnd(node, from + chars[local].length);
  const r = range.getBoundingClientRect();
  return {left: r.left, right: r.right, top: r.top, bottom: r.bottom};
}"""
