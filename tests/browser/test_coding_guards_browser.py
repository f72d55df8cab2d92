"""The coding view's guards in Chromium: a near-duplicate of the coder's own excerpt is offered
as an extension of it (E extends, K keeps both), and a long passage asks first (Enter codes it,
Escape cancels). The keyboard answers the question, as a coder mid-flow would."""

import pytest
from playwright.sync_api import expect

from coding.models import Excerpt
from tests.browser.test_coding_browser import TEXT, _and_refresh, _drag, _open, _wait_for
from tests.browser.test_coding_browser import setup as setup  # noqa: F401  (the fixture)
from tests.factories import ExcerptFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST = "Kommunen på Øvre Eiker vil samarbeide"


@pytest.fixture
def existing(setup, coder):  # noqa: F811
    return ExcerptFactory(
        document=setup["document"],
        coder=coder,
        start=0,
        end=len(FIRST),
        codes=[setup["value"]],
    )


def _code_longer_passage(page):
    # Two words more than the coder's excerpt, with the same code (shortcut 1).
    wanted = FIRST + " med næringslivet"
    _drag(page, 0, len(wanted) - 1)
    page.keyboard.press("1")
    dialog = page.locator("#coding-offer")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("already coded most of this passage")
    return wanted


def test_a_near_duplicate_is_offered_and_e_extends_it(page, project, coder, setup, existing):  # noqa: F811
    _open(page, project, setup["document"], coder)
    wanted = _code_longer_passage(page)
    _and_refresh(page, lambda: page.keyboard.press("e"))
    excerpt = _wait_for(lambda: Excerpt.objects.filter(end=len(wanted)).first())
    assert excerpt.code == existing.code and Excerpt.objects.count() == 1
    assert excerpt.text == TEXT[: len(wanted)]
    expect(page.locator("#coding-offer")).to_be_hidden()
    expect(page.locator("#coding-status")).to_contain_text("extended")


def test_k_keeps_both_and_escape_codes_nothing(page, project, coder, setup, existing):  # noqa: F811
    _open(page, project, setup["document"], coder)
    _code_longer_passage(page)
    page.keyboard.press("Escape")
    expect(page.locator("#coding-status")).to_contain_text("Nothing was coded")
    assert Excerpt.objects.count() == 1
    _code_longer_passage(page)
    _and_refresh(page, lambda: page.keyboard.press("k"))
    _wait_for(lambda: Excerpt.objects.count() == 2)


def test_a_long_passage_asks_before_it_is_coded(page, project, coder, setup):  # noqa: F811
    project.long_excerpt = 30
    project.save()
    _open(page, project, setup["document"], coder)
    _drag(page, 0, 45)
    page.keyboard.press("1")
    dialog = page.locator("#coding-offer")
    expect(dialog).to_contain_text("46 characters long")
    expect(dialog.get_by_role("button", name="Keep both")).to_be_hidden()
    _and_refresh(page, lambda: page.keyboard.press("Enter"))
    excerpt = _wait_for(lambda: Excerpt.objects.first())
    assert (excerpt.start, excerpt.end) == (0, 46)
