"""The coding view's codebook panel with a long codebook: what the first screens do not show
(most of the tree, the in-vivo code's parents, the checkboxes of the form without JavaScript)
comes as text the page's script puts in place once the text is usable (coding/text.js).
Every part of it works: after the page is idle, before it when something needs it, and without
JavaScript at all."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from coding.excerpts.panel import FIRST_CODES
from coding.models import Assignment, Code, Excerpt
from tests.browser.conftest import log_in
from tests.browser.test_coding_browser import SELECT, _and_refresh, _open, _wait_for
from tests.conftest import PASSWORD
from tests.factories import CodeFactory, DocumentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "Kommunen vil samarbeide med næringslivet.\n\nÅpne data er målet."
CODES = FIRST_CODES + 20
# The page never idle: what is deferred comes only when something asks for it.
NEVER_IDLE = "window.requestIdleCallback = () => 0;"


@pytest.fixture
def setup(project, coder):
    project.coders_may_create_codes = True
    project.save()
    document = DocumentFactory(project=project, title="Strategi", text=TEXT)
    Assignment.objects.create(document=document, coder=coder)
    codes = [CodeFactory(project=project, name=f"Kode {n:02}") for n in range(1, CODES + 1)]
    codes[-1].shortcut = "9"
    codes[-1].save()
    return {"document": document, "codes": codes}


def test_the_whole_codebook_is_in_place_once_the_page_is_idle(page, project, coder, setup):
    _open(page, project, setup["document"], coder)
    expect(page.locator("#in-vivo-parent option")).to_have_count(CODES + 1)  # and "(top level)"
    expect(page.locator("#code-tree .code-item")).to_have_count(CODES)
    page.get_by_text("Code a passage by position (without JavaScript)").click()
    expect(page.get_by_role("checkbox", name="Kode 55")).to_be_visible()
    wanted = "Åpne data"
    page.evaluate(SELECT, [TEXT.index(wanted), TEXT.index(wanted) + len(wanted)])
    _and_refresh(page, lambda: page.locator(".code-button", has_text="Kode 58").click())
    excerpt = _wait_for(lambda: Excerpt.objects.first())
    assert (excerpt.text, list(excerpt.codes.all())) == (wanted, [setup["codes"][57]])
    wanted = "næringslivet"
    page.evaluate(SELECT, [TEXT.index(wanted), TEXT.index(wanted) + len(wanted)])
    page.locator("#in-vivo-name").fill("Åpenhet")
    page.locator("#in-vivo-parent").select_option(label="Kode 50")
    _and_refresh(page, lambda: page.get_by_role("button", name="Create code and apply").click())
    created = _wait_for(lambda: Excerpt.objects.filter(text=wanted).first())
    assert Code.objects.get(name="Åpenhet").parent == setup["codes"][49]
    assert list(created.codes.values_list("name", flat=True)) == ["Åpenhet"]
    # The re-rendered workspace brings its listings again, and they come into place again.
    expect(page.locator("#in-vivo-parent option")).to_have_count(CODES + 2)
    expect(page.locator("#code-tree .code-item")).to_have_count(CODES + 1)


def test_a_shortcut_finds_its_code_before_the_page_is_idle(page, project, coder, setup):
    page.add_init_script(NEVER_IDLE)
    _open(page, project, setup["document"], coder)
    expect(page.locator("#code-tree .code-item")).to_have_count(FIRST_CODES)
    wanted = "næringslivet"
    page.locator("#coding-text").focus()
    page.evaluate(SELECT, [TEXT.index(wanted), TEXT.index(wanted) + len(wanted)])
    _and_refresh(page, lambda: page.keyboard.press("9"))  # the last code's shortcut
    excerpt = _wait_for(lambda: Excerpt.objects.first())
    assert (excerpt.text, list(excerpt.codes.all())) == (wanted, [setup["codes"][-1]])


def test_the_focus_entering_the_panel_brings_its_controls(page, project, coder, setup):
    page.add_init_script(NEVER_IDLE)
    _open(page, project, setup["document"], coder)
    assert page.locator("#in-vivo-parent").count() == 0
    page.locator("#code-search").fill("kode 55")  # the focus first, then the search
    shown = page.locator("#code-tree .code-item:not([hidden])")
    expect(shown).to_have_count(1)
    expect(shown).to_contain_text("Kode 55")
    expect(page.locator("#code-tree .code-item")).to_have_count(CODES)
    expect(page.get_by_label("Parent")).to_have_count(1)  # its label finds it
    expect(page.locator("#in-vivo-parent option")).to_have_count(CODES + 1)


def test_without_javascript_every_code_can_be_chosen(browser, live_server, project, coder, setup):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, coder.email, PASSWORD)
        page.wait_for_url("**/")
        document = setup["document"]
        page.goto(
            reverse(
                "coding:coding-view", kwargs={"project": project.code, "document": document.code}
            )
        )
        expect(page.locator("#code-tree .code-item")).to_have_count(CODES)
        expect(page.locator("#in-vivo-parent option")).to_have_count(CODES + 1)
        page.get_by_text("Code a passage by position (without JavaScript)").click()
        wanted = "Åpne data"
        page.get_by_label("From character").fill(str(TEXT.index(wanted)))
        page.get_by_label("To character (exclusive)").fill(str(TEXT.index(wanted) + len(wanted)))
        page.get_by_label("Selected text (exactly as in the document)").fill(wanted)
        page.get_by_role("checkbox", name=f"Kode {CODES}").check()
        with page.expect_navigation():
            page.get_by_role("button", name="Code", exact=True).click()
        excerpt = _wait_for(lambda: Excerpt.objects.first())
        assert (excerpt.text, list(excerpt.codes.all())) == (wanted, [setup["codes"][-1]])
    finally:
        context.close()
