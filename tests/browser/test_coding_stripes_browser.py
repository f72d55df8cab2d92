"""Labelled coding stripes in Chromium: each bar carries its code's name (cut short, the full
path on hover), the coder's initials when another coder's excerpts are overlaid, bars never
overlap, a click opens the excerpt; a toggle switches to compact bars and is remembered."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_coding_browser import TEXT, _open_overlay
from tests.browser.test_coding_browser import setup as setup  # noqa: F401  (the fixture)
from tests.factories import CodeFactory, ExcerptFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BARS = """() => [...document.querySelectorAll('#coding-text .stripe')].map((bar) => {
  const r = bar.getBoundingClientRect();
  return {label: bar.dataset.label || '', title: bar.title, left: r.left, right: r.right,
          top: r.top, bottom: r.bottom, before: getComputedStyle(bar, '::before').content};
})"""


def _overlap(a, b) -> bool:
    return (
        a["left"] < b["right"]
        and b["left"] < a["right"]
        and (a["top"] < b["bottom"] and b["top"] < a["bottom"])
    )


def test_labelled_stripes_name_codes_and_coders_and_toggle_to_compact(
    page,
    project,
    coder,
    coder2,
    setup,  # noqa: F811
):
    project.blind_coding = False
    project.save()
    long_name = CodeFactory(
        project=project,
        name="Samarbeid med næringslivet om smarte løsninger",
        parent=setup["value"],
    )
    start = TEXT.index("Øvre")
    document = setup["document"]
    ExcerptFactory(document=document, coder=coder, start=start, end=start + 20, codes=[long_name])
    ExcerptFactory(
        document=document, coder=coder, start=start + 5, end=start + 30, codes=[setup["data"]]
    )
    coder2.display_name = "Anders Ås"
    coder2.save()
    ExcerptFactory(
        document=document, coder=coder2, start=start, end=start + 9, codes=[setup["data"]]
    )
    _open_overlay(page, project, document, coder, [coder2])
    page.wait_for_function("() => document.querySelectorAll('#coding-text .stripe').length === 3")
    bars = page.evaluate(BARS)
    labels = sorted(bar["label"] for bar in bars)
    assert labels == ["Samarbeid med næringsli…", "Åpne data", "Åpne data · AÅ"]
    titled = next(bar for bar in bars if bar["label"].startswith("Samarbeid"))
    assert titled["title"] == "Verdi/Samarbeid med næringslivet om smarte løsninger"
    assert all(bar["before"] == f'"{bar["label"]}"' for bar in bars)
    assert not any(_overlap(a, b) for i, a in enumerate(bars) for b in bars[i + 1 :])
    # A click on a bar opens its excerpt.
    page.locator("#coding-text .stripe[data-label='Åpne data · AÅ']").click()
    expect(page.locator("#excerpt-editor")).to_contain_text("Anders Ås")
    # Compact bars: no labels, narrow; the choice outlives a reload.
    toggle = page.get_by_role("button", name="Code names on the stripes")
    expect(toggle).to_have_attribute("aria-pressed", "true")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "false")
    page.reload()
    page.wait_for_selector("#coding-text[data-ready='1']")
    page.wait_for_function("() => document.querySelectorAll('#coding-text .stripe').length === 3")
    bars = page.evaluate(BARS)
    assert all(bar["label"] == "" and bar["right"] - bar["left"] <= 5 for bar in bars)
