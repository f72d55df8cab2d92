"""The user guide's main path on the demo project, in Chromium.

A coder codes a passage; the lead starts an agreement run, opens the cross-case matrix and
exports it as XLSX. `walk_the_guide` is shared with test_screenshots.py, so the guide's
screenshots come from this very walk.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from coding.labels import labels_for
from coding.models import AgreementRun, Document, Excerpt
from research.models import JobStatus, Membership, User
from study.demo import DEMO_PASSWORD, demo_load
from tests.browser.conftest import CHAR_RECT, log_in, said

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHRASE = "During the tourist season the ferry queue is shown on screens and online."


SCROLL_TO = """([cp]) => {
  const segs = [...document.querySelectorAll('#coding-text [data-start]')];
  const seg = segs.filter(s => Number(s.dataset.start) <= cp).pop();
  seg.scrollIntoView({block: 'center', behavior: 'instant'});
}"""


def _wait_for(condition, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out waiting for the server")


def _shot(page, shots: Path | None, name: str, *, full_page: bool = True) -> None:
    if shots is not None:
        page.screenshot(path=shots / name, full_page=full_page)


def _select(page, first: int, last: int) -> None:
    """Select code points first..last (inclusive) with the mouse, as a person would."""
    page.evaluate(SCROLL_TO, [first])
    page.wait_for_timeout(100)
    a = page.evaluate(CHAR_RECT, [first])
    b = page.evaluate(CHAR_RECT, [last])
    page.mouse.move(a["left"] + 1, (a["top"] + a["bottom"]) / 2)
    page.mouse.down()
    page.mouse.move(b["right"] - 1, (b["top"] + b["bottom"]) / 2, steps=8)
    page.mouse.up()


def walk_the_guide(page, project, shots: Path | None = None, language: str = "en") -> dict:
    """Log in as a coder, code a passage; as the lead start a run, open the matrix, export it.
    In `language` (the Norwegian guide's screenshots are taken in nb)."""
    kari = User.objects.get(email="coder1@demo.concord")
    document = Document.objects.get(project=project, original_name="beta-smart-city-plan.md")
    before = Excerpt.objects.filter(coder=kari, document=document).count()

    # A coder opens an assigned document from "My documents" and codes a passage.
    log_in(page, kari.email, DEMO_PASSWORD, language)
    page.wait_for_url("**/")
    page.goto(reverse("coding:my-documents", kwargs={"project": project.code}))
    # The demo anonymizes: a coder sees the document by its kind and number, not its title.
    with translation.override(language):  # the label as the page shows it, in its language
        shown = labels_for(Membership.objects.get(project=project, user=kari)).document(document)
    page.get_by_role("link", name=shown).first.click()
    page.wait_for_selector("#coding-text[data-ready='1']")
    start = document.text.index(PHRASE)
    _select(page, start, start + len(PHRASE) - 1)
    assert page.evaluate("() => window.getSelection().toString()") == PHRASE
    page.locator(".code-button", has_text="Traffic").first.click()
    # Settled once the server's excerpt editor is in the panel (and before reading SQLite,
    # which the live server's requests lock).
    page.wait_for_selector("#excerpt-editor:not([aria-busy]) [data-editor-for]")
    excerpt = _wait_for(
        lambda: Excerpt.objects.filter(coder=kari, document=document, start=start).first()
    )
    assert excerpt.text == PHRASE
    assert [c.name for c in excerpt.codes.all()] == ["Traffic"]
    assert Excerpt.objects.filter(coder=kari, document=document).count() == before + 1
    page.mouse.click(5, 5)  # close the selection toolbar before the picture
    _shot(page, shots, "coding-view.png")

    # The lead starts an agreement run over the two coders.
    page.context.clear_cookies()
    log_in(page, "lead@demo.concord", DEMO_PASSWORD, language)
    page.wait_for_url("**/")
    runs_before = AgreementRun.objects.filter(project=project).count()
    page.goto(reverse("study:agreement-new", kwargs={"project": project.code}))
    page.get_by_label("Kari Coder").check()
    page.get_by_label("Anders Coder").check()
    page.get_by_label(said(language, "Name"), exact=True).fill("Round 1 after the guide")
    page.locator("select[name=codes_mode]").select_option("level")  # categories
    page.locator("input[name=level]").fill("2")
    page.get_by_role("button", name=said(language, "Start run")).click()
    page.wait_for_url("**/agreement/*/")
    run = _wait_for(
        lambda: (
            AgreementRun.objects.filter(project=project).count() > runs_before
            and AgreementRun.objects.filter(project=project, name="Round 1 after the guide").first()
        )
    )
    _wait_for(lambda: AgreementRun.objects.get(pk=run.pk).job.status == JobStatus.SUCCEEDED)
    page.reload()
    page.get_by_text(said(language, "All codes pooled")).first.wait_for()
    _shot(page, shots, "agreement-run.png", full_page=False)

    # The lead opens the cross-case matrix and exports it for the paper.
    page.goto(reverse("cases:matrix-list", kwargs={"project": project.code}))
    page.get_by_role("link", name="Cross-case comparison (Table 3)").first.click()
    page.get_by_text("Helix model").first.wait_for()
    _shot(page, shots, "matrix.png")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="XLSX").click()
    download = download_info.value
    path = download.path()
    data = Path(path).read_bytes()
    assert data[:2] == b"PK"  # an Office Open XML (zip) workbook
    return {"run": run, "excerpt": excerpt, "xlsx": data, "filename": download.suggested_filename}


def test_the_guides_main_path_on_the_demo(page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    project = demo_load()
    walked = walk_the_guide(page, project)
    assert walked["filename"].endswith(".xlsx")
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
