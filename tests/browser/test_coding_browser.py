"""Coding in Chromium: real mouse and keyboard selections become exact code-point offsets.

The texts mix æøå, a combining accent (e + U+0301, two code points), an astral emoji (🚲, two
UTF-16 units but one code point) and a CRLF source ingested through coding.ingest.extract, so a
UTF-16/code-point mix-up anywhere shows up as a wrong offset or a refused text.
"""

import time

import pytest
from django.db import OperationalError
from django.urls import reverse
from playwright.sync_api import expect

from coding.excerpts import services
from coding.ingest import extract
from coding.models import Assignment, Code, CodeStatus, Excerpt
from tests.browser.conftest import CHAR_RECT, log_in
from tests.conftest import PASSWORD
from tests.factories import CodeFactory, DocumentFactory, ExcerptFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = (
    "Kommunen på Øvre Eiker vil samarbeide med næringslivet.\n\n"
    "Vi sykler 🚲 til e\u0301n kafé og møter innbyggerne der.\n\n"
    "Åpne data er målet."
)


# Select code points [a, b) with a DOM range (what a mouse selection produces).
SELECT = """([a, b]) => {
  const segs = [...document.querySelectorAll('#coding-text [data-start]')];
  const at = (cp) => {
    const seg = segs.filter((s) => Number(s.dataset.start) <= cp).pop();
    const local = cp - Number(seg.dataset.start);
    return [seg.firstChild, Array.from(seg.firstChild.data).slice(0, local).join('').length];
  };
  const range = document.createRange();
  range.setStart(...at(a));
  range.setEnd(...at(b));
  window.getSelection().removeAllRanges();
  window.getSelection().addRange(range);
}"""

# Indexes of the chunk nodes that are not the tagged originals.
UNMARKED = """() => [...document.querySelectorAll('#coding-text > .chunk')]
  .map((chunk, i) => (chunk.mark ? null : i)).filter((i) => i !== null)"""

# Tag every chunk node, and remember the one holding code point cp.
MARK_CHUNKS = """([cp]) => {
  for (const chunk of document.querySelectorAll('#coding-text > .chunk')) chunk.mark = 1;
  const segs = [...document.querySelectorAll('#coding-text [data-start]')];
  window.changed = segs.filter((s) => Number(s.dataset.start) <= cp).pop().closest('.chunk');
}"""


def _wait_for(condition, timeout: float = 8.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = condition()
        except OperationalError:  # the live server holds SQLite's shared-cache lock
            value = None
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out waiting for the server")


def _open(page, project, document, user):
    """Open the coding view and wait until it is usable and every chunk of its text is parsed
    (a long text's later chunks are parsed just after the page is usable: see `waiting`)."""
    log_in(page, user.email, PASSWORD)
    page.wait_for_url("**/")
    url = reverse("coding:coding-view", kwargs={"project": project.code, "document": document.code})
    page.goto(url)
    page.wait_for_selector("#coding-text[data-ready='1'][data-complete='1']")


def _and_refresh(page, action):
    """Do `action` and wait until the server has re-rendered the workspace."""
    page.evaluate("() => { document.getElementById('coding-text').dataset.ready = '0'; }")
    action()
    page.wait_for_selector("#coding-text[data-ready='1'][data-complete='1']")


def _drag(page, first: int, last: int):
    """Select code points first..last (inclusive) with the mouse."""
    a = page.evaluate(CHAR_RECT, [first])
    b = page.evaluate(CHAR_RECT, [last])
    page.mouse.move(a["left"] + 1, (a["top"] + a["bottom"]) / 2)
    page.mouse.down()
    page.mouse.move(b["right"] - 1, (b["top"] + b["bottom"]) / 2, steps=8)
    page.mouse.up()


def _posted(page) -> list[str]:
    """The Content-Type of every POST the page sends from now on."""
    types: list[str] = []
    page.on(
        "request",
        lambda r: types.append(r.headers.get("content-type", "")) if r.method == "POST" else None,
    )
    return types


@pytest.fixture
def setup(project, coder, lead):
    document = DocumentFactory(project=project, title="Strategi", text=TEXT)
    Assignment.objects.create(document=document, coder=coder)
    value = CodeFactory(project=project, name="Verdi", colour="#d62728", shortcut="1")
    data = CodeFactory(project=project, name="Åpne data", colour="#2ca02c", shortcut="2")
    return {"document": document, "value": value, "data": data}


def test_mouse_selection_over_emoji_and_combining_accent(page, project, coder, setup):
    _open(page, project, setup["document"], coder)
    posted = _posted(page)
    wanted = "sykler 🚲 til e\u0301n"
    start = TEXT.index(wanted)
    _drag(page, start, start + len(wanted) - 1)
    _and_refresh(page, lambda: page.locator(".code-button", has_text="Verdi").click())
    excerpt = _wait_for(lambda: Excerpt.objects.first())
    # Sent urlencoded (no files: the server parses it for less than multipart).
    assert posted == ["application/x-www-form-urlencoded;charset=UTF-8"]
    assert (excerpt.start, excerpt.end) == (start, start + len(wanted))
    assert excerpt.text == wanted == TEXT[excerpt.start : excerpt.end]
    assert list(excerpt.codes.all()) == [setup["value"]]
    assert excerpt.coder == coder
    # The highlight is painted in the code's colour from a data attribute (no inline style).
    page.wait_for_selector(".seg.mine")
    colour = page.eval_on_selector(".seg.mine", "e => getComputedStyle(e).getPropertyValue('--hl')")
    assert colour.strip() == "#d62728"
    assert Assignment.objects.get(coder=coder).status == "in_progress"
    assert not [e for e in page.console_errors if "Content Security Policy" in e]


def test_keyboard_selection_with_shift_arrows_and_a_shortcut(page, project, coder, setup):
    _open(page, project, setup["document"], coder)
    start = TEXT.index("Øvre")
    rect = page.evaluate(CHAR_RECT, [start])
    page.mouse.click(rect["left"] + 1, (rect["top"] + rect["bottom"]) / 2)
    for _ in range(len("Øvre Eiker")):
        page.keyboard.press("Shift+ArrowRight")
    _and_refresh(page, lambda: page.keyboard.press("2"))
    excerpt = _wait_for(lambda: Excerpt.objects.first())
    assert (excerpt.start, excerpt.end, excerpt.text) == (start, start + 10, "Øvre Eiker")
    assert list(excerpt.codes.all()) == [setup["data"]]


def test_keyboard_selection_across_the_emoji(page, project, coder, setup):
    _open(page, project, setup["document"], coder)
    start = TEXT.index("sykler")
    rect = page.evaluate(CHAR_RECT, [start])
    page.mouse.click(rect["left"] + 1, (rect["top"] + rect["bottom"]) / 2)
    for _ in range(len("sykler 🚲")):  # the emoji is one keypress and one code point
        page.keyboard.press("Shift+ArrowRight")
    _and_refresh(page, lambda: page.keyboard.press("1"))
    excerpt = _wait_for(lambda: Excerpt.objects.first())
    assert excerpt.text == "sykler 🚲"
    assert (excerpt.start, excerpt.end) == (start, start + len("sykler 🚲"))


def test_triple_click_a_paragraph_and_apply_with_the_palette(page, project, coder, setup):
    _open(page, project, setup["document"], coder)
    paragraph = "Vi sykler 🚲 til e\u0301n kafé og møter innbyggerne der."
    rect = page.evaluate(CHAR_RECT, [TEXT.index("kafé")])
    page.mouse.click(rect["left"] + 2, (rect["top"] + rect["bottom"]) / 2, click_count=3)
    page.keyboard.press("Control+k")
    page.locator("#palette-input").fill("åpne")
    _and_refresh(page, lambda: page.keyboard.press("Enter"))
    excerpt = _wait_for(lambda: Excerpt.objects.first())
    assert excerpt.text == paragraph
    assert excerpt.start == TEXT.index(paragraph)
    assert list(excerpt.codes.all()) == [setup["data"]]


def test_crlf_source_ingested_then_coded(page, project, coder):
    source = (
        "Intervjuer: Hva betyr smarte byer?\r\n"
        "Informant: Vi bruker sensorer i Ås og Bø 🚲 og q\u0303 er et tegn.\r\n\r\n"
        "Intervjuer: Takk.\r\n"
    ).encode()
    extraction = extract(source, "intervju.txt")
    assert "\r" not in extraction.text
    document = DocumentFactory(
        project=project,
        title="Intervju",
        text=extraction.text,
        paragraphs=[list(p) for p in extraction.paragraphs],
        pages=[list(p) for p in extraction.pages],
        turns=[
            {"start": t.start, "end": t.end, "speaker": t.speaker, "body_start": t.body_start}
            for t in extraction.turns
        ],
    )
    Assignment.objects.create(document=document, coder=coder)
    code = CodeFactory(project=project, name="Sensorer")
    _open(page, project, document, coder)
    # Across the line break between two turns, ending after the combining tilde.
    wanted = "byer?\nInformant: Vi bruker sensorer i Ås og Bø 🚲 og q\u0303"
    start = extraction.text.index(wanted)
    _drag(page, start, start + len(wanted) - 1)
    _and_refresh(page, lambda: page.locator(".code-button", has_text="Sensorer").click())
    excerpt = _wait_for(lambda: Excerpt.objects.first())
    assert (excerpt.start, excerpt.end) == (start, start + len(wanted))
    assert excerpt.text == wanted
    assert list(excerpt.codes.all()) == [code]


def test_add_and_remove_codes_memo_delete_and_undo(page, project, coder, setup):
    start = TEXT.index("næringslivet")
    excerpt = ExcerptFactory(
        document=setup["document"], coder=coder, start=start, end=start + 12, codes=[setup["value"]]
    )
    _open(page, project, setup["document"], coder)
    posted = _posted(page)
    page.locator(".seg.mine").first.click()
    editor = page.locator("#excerpt-editor")
    _and_refresh(page, lambda: editor.get_by_role("button", name="Remove").click())
    assert not excerpt.codings.exists()
    # With no text selected, clicking a code adds it to the open excerpt.
    _and_refresh(page, lambda: page.locator(".code-button", has_text="Åpne data").click())
    assert list(excerpt.codes.all()) == [setup["data"]]
    assert "Åpne data" in editor.text_content()
    page.locator("#excerpt-memo").fill("Typisk for strategiene")
    _and_refresh(page, lambda: page.get_by_role("button", name="Save memo").click())
    assert Excerpt.objects.get(pk=excerpt.pk).memo == "Typisk for strategiene"
    # Hovering shows the codes and the memo.
    page.locator(".seg.mine").first.hover()
    assert "Typisk for strategiene" in page.locator("#coding-tip").text_content()
    _and_refresh(page, lambda: page.get_by_role("button", name="Delete excerpt").click())
    assert not Excerpt.objects.exists()
    page.get_by_role("button", name="Undo delete").click()
    restored = _wait_for(lambda: Excerpt.objects.first())
    assert (restored.code, restored.text) == (excerpt.code, "næringslivet")
    assert restored.memo == "Typisk for strategiene"
    # The forms' writes (FormData) go urlencoded too.
    assert set(posted) == {"application/x-www-form-urlencoded;charset=UTF-8"}


def test_in_vivo_code_from_the_selection(page, project, coder, setup):
    project.coders_may_create_codes = True
    project.save()
    _open(page, project, setup["document"], coder)
    wanted = "møter innbyggerne"
    start = TEXT.index(wanted)
    _drag(page, start, start + len(wanted) - 1)
    name = page.locator("#in-vivo-name")
    assert name.input_value() == wanted  # the name defaults to the selected words
    page.locator("#in-vivo-parent").select_option(label="Verdi")
    _and_refresh(page, lambda: page.get_by_role("button", name="Create code and apply").click())
    excerpt = _wait_for(lambda: Excerpt.objects.first())
    code = Code.objects.get(name=wanted)
    assert (code.status, code.parent) == (CodeStatus.PROPOSED, setup["value"])
    assert (excerpt.start, excerpt.end, excerpt.text) == (start, start + len(wanted), wanted)
    assert list(excerpt.codes.all()) == [code]


def test_jump_between_excerpts_and_link_to_the_spot(page, project, coder, setup):
    first = ExcerptFactory(
        document=setup["document"], coder=coder, start=0, end=8, codes=[setup["value"]]
    )
    second_start = TEXT.index("Åpne")
    second = ExcerptFactory(
        document=setup["document"],
        coder=coder,
        start=second_start,
        end=second_start + 4,
        codes=[setup["data"]],
    )
    _open(page, project, setup["document"], coder)
    page.get_by_role("button", name="Next excerpt ▶").click()
    assert page.locator("#excerpt-editor").get_attribute("data-excerpt") == str(first.code)
    page.get_by_role("button", name="Next excerpt ▶").click()
    assert page.locator("#excerpt-editor").get_attribute("data-excerpt") == str(second.code)
    selected = page.evaluate("() => window.getSelection().toString()")
    assert selected == "Åpne"
    # Stripes: one bar per code along the text.
    assert page.locator("#coding-text .stripe").count() == 2


def _open_overlay(page, project, document, user, others):
    log_in(page, user.email, PASSWORD)
    page.wait_for_url("**/")
    url = reverse("coding:coding-view", kwargs={"project": project.code, "document": document.code})
    page.goto(url + "?coders=" + ",".join(str(other.pk) for other in others))
    page.wait_for_selector("#coding-text[data-ready='1']")


def test_lead_corrects_another_coders_codes_and_memo(page, project, lead, coder, setup):
    start = TEXT.index("næringslivet")
    excerpt = ExcerptFactory(
        document=setup["document"], coder=coder, start=start, end=start + 12, codes=[setup["value"]]
    )
    _open_overlay(page, project, setup["document"], lead, [coder])
    # The overlaid coder's excerpt has a stripe of its own pattern in the margin.
    stripe = page.locator("#coding-text .stripe.o1")
    stripe.wait_for()
    assert coder.name in stripe.get_attribute("title")
    stripe.click()
    editor = page.locator("#excerpt-editor")
    # The server renders the editor; the page fetches it when an excerpt is opened.
    expect(editor).to_contain_text(f"Coded by {coder.name}")
    _and_refresh(page, lambda: editor.get_by_role("button", name="Remove").click())
    assert not excerpt.codings.exists()
    _and_refresh(page, lambda: page.locator(".code-button", has_text="Åpne data").click())
    assert list(excerpt.codes.all()) == [setup["data"]]
    page.locator("#excerpt-memo").fill("Retta av prosjektleder")
    _and_refresh(page, lambda: page.get_by_role("button", name="Save memo").click())
    excerpt.refresh_from_db()
    assert (excerpt.memo, excerpt.coder) == ("Retta av prosjektleder", coder)
    assert not Excerpt.objects.filter(coder=lead).exists()  # nothing was coded as the lead
    assert not [e for e in page.console_errors if "Content Security Policy" in e]


def test_coder_sees_other_coders_excerpts_read_only(page, project, coder, coder2, setup):
    project.blind_coding = False
    project.save()
    start = TEXT.index("Åpne")
    ExcerptFactory(
        document=setup["document"], coder=coder2, start=start, end=start + 4, codes=[setup["data"]]
    )
    _open_overlay(page, project, setup["document"], coder, [coder2])
    page.locator("#coding-text .stripe.o1").click()
    editor = page.locator("#excerpt-editor")
    expect(editor).to_contain_text("Åpne data")  # the server's editor, fetched on opening
    assert editor.get_by_role("button", name="Remove").count() == 0
    assert page.locator("#excerpt-memo").count() == 0
    page.locator(".code-button", has_text="Verdi").click()  # no selection, not theirs to change
    assert page.locator("#coding-status").text_content() == "Select a passage first."
    assert not Excerpt.objects.filter(coder=coder).exists()


def test_selection_across_chunks_keeps_exact_offsets(page, project, coder, setup, monkeypatch):
    # Tiny chunks, so the text below is cut after each paragraph's line breaks.
    monkeypatch.setattr("coding.excerpts.rendering.CHUNK_CHARS", 20)
    _open(page, project, setup["document"], coder)
    assert page.locator("#coding-text > .chunk").count() == 3
    wanted = "næringslivet.\n\nVi sykler 🚲"
    start = TEXT.index(wanted)
    _drag(page, start, start + len(wanted) - 1)
    _and_refresh(page, lambda: page.locator(".code-button", has_text="Verdi").click())
    excerpt = _wait_for(lambda: Excerpt.objects.first())
    assert (excerpt.start, excerpt.end, excerpt.text) == (start, start + len(wanted), wanted)
    # The excerpt's stripe is drawn piecewise, in each chunk it touches.
    page.wait_for_function("() => document.querySelectorAll('#coding-text .stripe').length === 2")
    paragraph = "Vi sykler 🚲 til e\u0301n kafé og møter innbyggerne der."
    rect = page.evaluate(CHAR_RECT, [TEXT.index("kafé")])
    page.mouse.click(rect["left"] + 2, (rect["top"] + rect["bottom"]) / 2, click_count=3)
    page.keyboard.press("Control+k")
    page.locator("#palette-input").fill("åpne")
    _and_refresh(page, lambda: page.keyboard.press("Enter"))
    second = _wait_for(lambda: Excerpt.objects.exclude(pk=excerpt.pk).first())
    assert (second.start, second.text) == (TEXT.index(paragraph), paragraph)


def test_long_document_draws_stripes_only_near_the_viewport(page, project, coder):
    line = "Kommunen på Øvre Eiker vil samarbeide med næringslivet om smarte løsninger.\n"
    text = line * 2000 + "\n" + line * 2000  # about 300,000 characters
    document = DocumentFactory(project=project, title="Lang", text=text, paragraphs=[])
    Assignment.objects.create(document=document, coder=coder)
    code = CodeFactory(project=project, name="Samarbeid", colour="#1f77b4")
    step = len(text) // 300
    for n in range(300):
        start = n * step
        last_excerpt = ExcerptFactory(
            document=document, coder=coder, start=start, end=start + 30, codes=[code]
        )
    _open(page, project, document, coder)
    chunks = page.locator("#coding-text > .chunk").count()
    assert chunks > 50
    drawn = page.evaluate("() => document.querySelectorAll('#coding-text .stripes').length")
    assert 0 < drawn < chunks / 4
    # Jumping to the last excerpt (far below) selects exactly its text and draws its stripe.
    page.get_by_role("button", name="◀ Previous excerpt").click()
    last = text[299 * step : 299 * step + 30]
    assert page.evaluate("() => window.getSelection().toString()") == last
    page.wait_for_function(
        "() => [...document.querySelectorAll('#coding-text .chunk:last-child .stripe')].length > 0"
    )
    # ...and the view ends up showing it, although the blocks above had estimated heights.
    page.wait_for_function(
        """code => {
            const box = document.getElementById('excerpt-' + code).getBoundingClientRect();
            return box.top >= 0 && box.bottom <= window.innerHeight;
        }""",
        arg=str(last_excerpt.code),
        timeout=3000,
    )
    assert not [e for e in page.console_errors if "Content Security Policy" in e]


# Hold back the background parsing of a long text's later chunks (static/js/coding/text.js)
# until the test lets it go, so the test acts while they still wait.
HOLD_CHUNKS = """{
  const idle = window.requestIdleCallback;
  window.requestIdleCallback = (fn, options) =>
    fn && fn.name === "completeLater" && !window.releaseChunks
      ? setTimeout(() => window.requestIdleCallback(fn, options), 20)
      : idle(fn, options);
}"""
WAITING = """() => [...document.querySelectorAll('#coding-text > .chunk')]
  .filter((chunk) => !chunk.querySelector('[data-start]')).length"""


def test_a_long_text_is_usable_before_its_later_chunks_are_parsed(page, project, coder):
    line = "Kommunen på Øvre Eiker vil samarbeide med næringslivet om smarte løsninger 🚲.\n"
    text = line * 2600  # about 200,000 characters: some 65 chunks
    document = DocumentFactory(project=project, title="Lang", text=text, paragraphs=[])
    Assignment.objects.create(document=document, coder=coder)
    code = CodeFactory(project=project, name="Samarbeid", colour="#1f77b4")
    start = text.index("Øvre Eiker", len(text) - 500)
    last = ExcerptFactory(document=document, coder=coder, start=start, end=start + 10, codes=[code])
    page.add_init_script(HOLD_CHUNKS)
    log_in(page, coder.email, PASSWORD)
    page.wait_for_url("**/")
    kwargs = {"project": project.code, "document": document.code}
    page.goto(reverse("coding:coding-view", kwargs=kwargs))
    page.wait_for_selector("#coding-text[data-ready='1']")
    # Usable with the first chunks parsed; the others wait, empty, at their estimated height.
    chunks = page.locator("#coding-text > .chunk").count()
    assert chunks > 50 and page.evaluate(WAITING) > 40
    assert page.get_attribute("#coding-text", "data-complete") is None
    # A waiting chunk takes the height of its estimated lines, in view or not.
    page.locator("#coding-text > .chunk:last-child").scroll_into_view_if_needed()
    heights = page.evaluate(
        """() => [...document.querySelectorAll('#coding-text > .chunk:empty')].map((chunk) => [
            chunk.getBoundingClientRect().height,
            Number(chunk.dataset.lines) * parseFloat(getComputedStyle(chunk).lineHeight),
        ])"""
    )
    assert len(heights) > 40
    assert all(abs(height - estimate) < 1 for height, estimate in heights)
    # Going to an excerpt in a waiting chunk parses the rest at once: it is found, selected,
    # shown in its editor, and its stripe is drawn.
    page.get_by_role("button", name="◀ Previous excerpt").click()
    assert page.evaluate("() => window.getSelection().toString()") == "Øvre Eiker"
    assert page.evaluate(WAITING) == 0
    assert page.get_attribute("#coding-text", "data-complete") == "1"
    assert page.locator("#coding-text > .chunk").count() == chunks
    expect(page.locator("#excerpt-editor")).to_contain_text("Samarbeid")
    page.wait_for_function(
        "code => document.getElementById('excerpt-' + code).closest('.chunk')"
        ".querySelector('.stripe')",
        arg=str(last.code),
    )
    page.evaluate("() => { window.releaseChunks = true; }")
    assert not page.console_errors


def test_a_long_text_parses_its_later_chunks_after_the_page_is_usable(page, project, coder):
    line = "Kommunen på Øvre Eiker vil samarbeide med næringslivet om smarte løsninger 🚲.\n"
    text = line * 2600
    document = DocumentFactory(project=project, title="Lang", text=text, paragraphs=[])
    Assignment.objects.create(document=document, coder=coder)
    _open(page, project, document, coder)  # waits for data-complete
    assert page.evaluate(WAITING) == 0
    # Every character is in the text, once, at its offset.
    rendered = page.evaluate(
        "() => [...document.querySelectorAll('#coding-text [data-start]')]"
        ".map((s) => s.textContent).join('')"
    )
    assert rendered == text
    assert not page.console_errors


def test_code_filter_survives_coding_a_passage(page, project, coder, setup):
    start = TEXT.index("Kommunen")
    ExcerptFactory(document=setup["document"], coder=coder, start=start, end=start + 8)
    _open(page, project, setup["document"], coder)
    assert page.locator(".seg.mine").count() == 1
    # The filter is part of the address (?only=); the server re-renders the workspace with it.
    _and_refresh(page, lambda: page.locator("#code-filter").select_option(label="Verdi"))
    assert page.url.endswith(f"?only={setup['value'].pk}")
    assert page.locator(".seg.mine").count() == 0  # the uncoded excerpt is filtered out
    wanted = "Øvre Eiker"
    first = TEXT.index(wanted)
    _drag(page, first, first + len(wanted) - 1)
    _and_refresh(page, lambda: page.locator(".code-button", has_text="Verdi").click())
    assert page.locator("#code-filter").input_value() == str(setup["value"].pk)
    assert page.locator(".seg.mine").all_text_contents() == [wanted]
    assert page.locator("#coding-text .stripe").count() == 1
    assert not page.console_errors


def test_a_write_in_a_long_document_replaces_only_the_changed_chunk(page, project, coder, setup):
    line = "Kommunen på Øvre Eiker vil samarbeide med næringslivet om smarte løsninger 🚲.\n"
    text = line * 2600  # about 200,000 characters
    document = DocumentFactory(project=project, title="Lang", text=text, paragraphs=[])
    Assignment.objects.create(document=document, coder=coder)
    _open(page, project, document, coder)
    assert page.locator("#coding-text > .chunk").count() > 50
    # Select a passage in the middle of the document. Mouse coordinates are unreliable this far
    # down (chunks get their real height as they are laid out), so the range is set directly;
    # the page still maps the DOM selection to offsets itself.
    wanted = "Øvre Eiker"
    first = text.index(wanted, len(text) // 2)
    page.evaluate(MARK_CHUNKS, [first])
    page.evaluate(SELECT, [first, first + len(wanted)])
    _and_refresh(page, lambda: page.locator(".code-button", has_text="Verdi").click())
    excerpt = _wait_for(lambda: Excerpt.objects.first())
    assert (excerpt.start, excerpt.end, excerpt.text) == (first, first + len(wanted), wanted)
    # Every other chunk is still the very same DOM node; only the changed one is new.
    assert len(page.evaluate(UNMARKED)) == 1
    assert page.evaluate("() => !window.changed.isConnected")
    assert page.locator(".seg.mine").all_text_contents() == [wanted]
    verdi = page.locator(".code-button", has_text="Verdi")
    assert verdi.locator(".code-count").text_content() == "1"
    assert "Verdi" in page.locator("#excerpt-editor").text_content()
    # A new selection in the replaced chunk, across the excerpt's end and an astral emoji,
    # still maps to exact offsets.
    again = "Eiker vil samarbeide med næringslivet om smarte løsninger 🚲"
    second = text.index(again, first)
    assert second < first + len(wanted)
    page.evaluate(SELECT, [second, second + len(again)])
    _and_refresh(page, lambda: page.locator(".code-button", has_text="Åpne data").click())
    later = _wait_for(lambda: Excerpt.objects.exclude(pk=excerpt.pk).first())
    assert (later.start, later.end, later.text) == (second, second + len(again), again)
    assert len(page.evaluate(UNMARKED)) == 1  # again only that chunk was swapped
    assert not page.console_errors


def _open_editor(page, excerpt_text: str):
    """Click the excerpt and wait for the server's editor to be in the panel."""
    page.locator(".seg.mine", has_text=excerpt_text).first.click()
    expect(page.locator("#excerpt-editor:not([aria-busy]) [data-editor-for]")).to_be_attached()


def test_boundaries_move_from_the_editor_and_to_the_selection(page, project, coder, setup):
    start = TEXT.index("næringslivet")
    excerpt = ExcerptFactory(
        document=setup["document"], coder=coder, start=start, end=start + 12, codes=[setup["value"]]
    )
    _open(page, project, setup["document"], coder)
    _open_editor(page, "næringslivet")
    editor = page.locator("#excerpt-editor")
    _and_refresh(page, lambda: editor.get_by_role("button", name="End ◀").click())
    excerpt.refresh_from_db()
    assert (excerpt.start, excerpt.end, excerpt.text) == (start, start + 11, "næringslive")
    expect(editor).to_contain_text(f"Excerpt {start}–{start + 11}")
    wanted = "samarbeide med"
    first = TEXT.index(wanted)
    _drag(page, first, first + len(wanted) - 1)
    button = editor.get_by_role("button", name="Set boundaries to the selection")
    _and_refresh(page, button.click)
    excerpt.refresh_from_db()
    assert (excerpt.start, excerpt.end, excerpt.text) == (first, first + len(wanted), wanted)
    assert page.locator(".seg.mine").all_text_contents() == [wanted]


def test_a_stale_editor_is_refused_and_shows_what_is_stored(page, project, coder, setup):
    start = TEXT.index("næringslivet")
    excerpt = ExcerptFactory(
        document=setup["document"], coder=coder, start=start, end=start + 12, memo="Først"
    )
    _open(page, project, setup["document"], coder)
    _open_editor(page, "næringslivet")
    # Another tab saves a memo meanwhile.
    services.excerpt_update(excerpt=excerpt, version=excerpt.version, memo="Fra en annen fane")
    page.locator("#excerpt-memo").fill("Min endring")
    _and_refresh(page, lambda: page.get_by_role("button", name="Save memo").click())
    assert Excerpt.objects.get(pk=excerpt.pk).memo == "Fra en annen fane"
    assert page.locator("#coding-status").get_attribute("data-kind") == "error"
    expect(page.locator("#excerpt-memo")).to_have_value("Fra en annen fane")


def test_an_excerpt_deleted_meanwhile_is_restored_or_discarded(page, project, coder, setup):
    start = TEXT.index("næringslivet")
    excerpt = ExcerptFactory(
        document=setup["document"], coder=coder, start=start, end=start + 12, codes=[setup["value"]]
    )
    _open(page, project, setup["document"], coder)
    _open_editor(page, "næringslivet")
    services.excerpt_delete(excerpt=excerpt, user=coder)  # in another tab
    page.locator("#excerpt-memo").fill("Sent")
    page.get_by_role("button", name="Save memo").click()
    gone = page.locator("#excerpt-gone")
    expect(gone).to_contain_text("deleted")
    expect(page.locator("#excerpt-editor")).to_be_hidden()
    _and_refresh(page, lambda: gone.get_by_role("button", name="Restore").click())
    restored = _wait_for(lambda: Excerpt.objects.first())
    assert (restored.code, restored.text) == (excerpt.code, "næringslivet")
    expect(gone).to_be_hidden()
    # Deleted again elsewhere; this time the change is let go and the highlight leaves the text.
    _open_editor(page, "næringslivet")
    services.excerpt_delete(excerpt=restored, user=coder)
    page.get_by_role("button", name="Save memo").click()
    expect(gone).to_be_visible()
    _and_refresh(page, lambda: gone.get_by_role("button", name="Discard").click())
    expect(gone).to_be_hidden()
    assert page.locator(".seg.mine").count() == 0
    assert not Excerpt.objects.exists()


def test_opening_an_excerpt_deleted_meanwhile_says_who_deleted_it(
    page, project, coder, lead, setup
):
    start = TEXT.index("næringslivet")
    excerpt = ExcerptFactory(
        document=setup["document"], coder=coder, start=start, end=start + 12, codes=[setup["value"]]
    )
    _open(page, project, setup["document"], coder)
    services.excerpt_delete(excerpt=excerpt, user=lead)  # the lead, while the page is open
    page.locator(".seg.mine", has_text="næringslivet").first.click()
    gone = page.locator("#excerpt-gone")
    expect(gone).to_contain_text(f"deleted by {lead.name}")
    expect(page.locator("#excerpt-editor")).to_be_hidden()
    _and_refresh(page, lambda: gone.get_by_role("button", name="Restore").click())
    assert _wait_for(lambda: Excerpt.objects.filter(code=excerpt.code).first()) is not None
