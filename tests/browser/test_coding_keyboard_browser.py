"""Keyboard-only coding in Chromium: from page load, the skip link reaches the text, "/" finds a
phrase, S selects the sentence under the caret, a code's key codes it, Alt+↓ goes to the next
sentence; three sentences in the middle of a long document take well under 40 key presses. The
same run on the seed thesis when the shared material is present."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from coding.ingest import extract
from coding.models import Assignment, Excerpt
from tests.browser.conftest import log_in
from tests.browser.test_coding_browser import _wait_for
from tests.conftest import PASSWORD
from tests.factories import CodeFactory, DocumentFactory
from tests.shared import shared_path

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUDGET = 40


def _document(project, coder, source: bytes, name: str):
    extraction = extract(source, name)
    document = DocumentFactory(
        project=project,
        title=name,
        text=extraction.text,
        paragraphs=[list(p) for p in extraction.paragraphs],
        pages=[list(p) for p in extraction.pages],
        turns=[
            {"start": t.start, "end": t.end, "speaker": t.speaker, "body_start": t.body_start}
            for t in extraction.turns
        ],
    )
    Assignment.objects.create(document=document, coder=coder)
    return document


class Keys:
    """The keyboard, counting every key pressed."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def press(self, *keys):
        for key in keys:
            self.page.keyboard.press(key)
            self.count += 1

    def type(self, text):
        self.page.keyboard.type(text)
        self.count += len(text)


def _code_three_sentences(page, project, document, coder, phrase, sentences):
    code = CodeFactory(project=project, name="Verdi", shortcut="1")
    log_in(page, coder.email, PASSWORD)
    page.wait_for_url("**/")
    url = reverse("coding:coding-view", kwargs={"project": project.code, "document": document.code})
    page.goto(url)
    page.wait_for_selector("#coding-text[data-ready='1']")
    keys = Keys(page)
    keys.press("Tab", "Tab")
    expect(page.get_by_role("link", name="Skip to the document text")).to_be_focused()
    keys.press("Enter")
    expect(page.locator("#coding-text")).to_be_focused()
    expect(page.locator("#reading-caret")).to_be_visible()
    keys.press("/")
    keys.type(phrase)
    keys.press("Enter")
    for n, sentence in enumerate(sentences):
        if n:
            keys.press("Alt+ArrowDown")
        keys.press("s")
        assert page.evaluate("() => window.getSelection().toString().trim()") == sentence
        # The write's patch sets data-ready again once it is in the page: the next keys must
        # not race it (the row is stored before the answer reaches the page).
        page.evaluate("() => { document.getElementById('coding-text').dataset.ready = '0'; }")
        keys.press("1")
        _wait_for(lambda n=n: Excerpt.objects.count() == n + 1)
        page.wait_for_selector("#coding-text[data-ready='1']")
    assert keys.count < BUDGET, keys.count
    coded = Excerpt.objects.order_by("start")
    assert [e.text for e in coded] == sentences
    assert all(list(e.codes.all()) == [code] for e in coded)
    assert all(document.text[e.start : e.end] == e.text for e in coded)
    assert not page.console_errors
    return keys.count


def _long_source() -> tuple[bytes, list[str]]:
    """Four hundred paragraphs, hard-wrapped like a PDF's text, with æøå, an emoji and a
    combining tilde; the three sentences to code open paragraph 200."""
    paragraphs = []
    for n in range(400):
        paragraphs.append(
            f"Avsnitt {n} handler om kommunen på Øvre Eiker og q\u0303 plattform.\n"
            "Næringslivet 🚲 samarbeider med kommunen om\nsmarte løsninger i vann og avløp. "
            "Det er målet for år 2030!"
        )
    wanted = [
        "Avsnitt 200 handler om kommunen på Øvre Eiker og q\u0303 plattform.",
        "Næringslivet 🚲 samarbeider med kommunen om\nsmarte løsninger i vann og avløp.",
        "Det er målet for år 2030!",
    ]
    return "\r\n\r\n".join(paragraphs).encode(), wanted


def test_three_sentences_in_the_middle_of_a_long_document_by_keyboard(page, project, coder):
    source, wanted = _long_source()
    document = _document(project, coder, source, "lang.txt")
    assert len(document.text) > 60_000
    _code_three_sentences(page, project, document, coder, "Avsnitt 200 ", wanted)


def test_three_sentences_in_the_middle_of_the_seed_thesis_by_keyboard(page, project, coder):
    path = shared_path("seed", "thesis-municipal-digitalization.txt")
    document = _document(project, coder, path.read_bytes(), path.name)
    start = document.text.index("According to Claesson")
    assert len(document.text) * 0.4 < start < len(document.text) * 0.6  # the middle
    wanted = [
        "According to Claesson ef all (200T9), a majority of their researched municipalities\n"
        "cooperated with other municipalities, and had been doing so for numerous years.",
        "Between the municipalities, there are opportunities to utilize common IT strategies\n"
        "and coordinate procurement.",
        "There is often cooperation and coordination between\nmunicipal enterprises and the "
        "municipality itself, while it is more unusual between\nprivate firms and the "
        "municipality.",
    ]
    _code_three_sentences(page, project, document, coder, "according to cl", wanted)


SELECTED = "() => window.getSelection().toString()"


def test_extend_by_word_and_character_select_paragraph_and_turn_and_the_help(page, project, coder):
    source = (
        "Intervjuer: Hva betyr smarte byer for Ås?\r\n"
        "Informant: Vi bruker sensorer 🚲 i Bø. Og q\u0303 er et tegn.\r\n\r\n"
        "Intervjuer: Takk.\r\n"
    ).encode()
    document = _document(project, coder, source, "intervju.txt")
    log_in(page, coder.email, PASSWORD)
    page.wait_for_url("**/")
    url = reverse("coding:coding-view", kwargs={"project": project.code, "document": document.code})
    page.goto(url)
    page.wait_for_selector("#coding-text[data-ready='1']")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("Control+Shift+ArrowRight")
    page.keyboard.press("Control+Shift+ArrowRight")
    assert page.evaluate(SELECTED) == "Intervjuer: Hva"
    page.keyboard.press("Shift+ArrowRight")
    assert page.evaluate(SELECTED) == "Intervjuer: Hva "
    page.keyboard.press("Shift+ArrowLeft")
    page.keyboard.press("Control+Shift+ArrowLeft")
    assert page.evaluate(SELECTED) == "Intervjuer: "
    # The turn under the caret, then the next turn's sentences.
    page.keyboard.press("Escape")
    page.keyboard.press("Control+Alt+ArrowDown")
    page.keyboard.press("t")
    assert page.evaluate(SELECTED).startswith("Informant: Vi bruker sensorer 🚲 i Bø.")
    assert page.evaluate(SELECTED).endswith("q\u0303 er et tegn.")
    page.keyboard.press("s")  # the sentence the caret has just left: the turn's last
    assert page.evaluate(SELECTED) == "Og q\u0303 er et tegn."
    # Back two sentences, then extend by sentence.
    page.keyboard.press("Escape")
    page.keyboard.press("Alt+ArrowUp")
    page.keyboard.press("Alt+ArrowUp")
    page.keyboard.press("Alt+Shift+ArrowDown")
    assert page.evaluate(SELECTED) == "Informant: Vi bruker sensorer 🚲 i Bø."
    page.keyboard.press("Alt+Shift+ArrowDown")
    assert (
        page.evaluate(SELECTED) == "Informant: Vi bruker sensorer 🚲 i Bø. Og q\u0303 er et tegn."
    )
    page.keyboard.press("?")
    help_list = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(help_list).to_be_visible()
    expect(help_list).to_contain_text("By sentence")
    page.keyboard.press("Escape")
    expect(help_list).to_be_hidden()
