"""The user guide names what the app shows: every page it tells a reader to open is in the
project navigation, and the buttons and links its steps name are on the pages it names.
(The guide's main path is walked in Chromium by tests/browser/test_guide_journey.py.)

The Norwegian (Bokmål) guide, docs/user-guide.nb.md, is held to the same in nb, and to the
English one: the same numbered sections, the same pictures, each from docs/screenshots/nb/
(taken by tests/browser/test_screenshots.py in nb)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from coding.models import DocumentSet
from study.templatetags.study import PROJECT_NAV
from tests.conftest import client_for
from tests.factories import DocumentFactory
from tests.shared import CHECKOUT

DOCS = CHECKOUT / "docs"
GUIDE = (DOCS / "user-guide.md").read_text(encoding="utf-8")
GUIDE_NB = (DOCS / "user-guide.nb.md").read_text(encoding="utf-8")
# How each guide tells a reader to open a page of the project navigation.
OPEN = {"en": r"Open \*\*([^*]+)\*\*", "nb": r"Åpne \*\*([^*]+)\*\*"}


@pytest.mark.parametrize(("language", "guide"), [("en", GUIDE), ("nb", GUIDE_NB)])
def test_every_page_the_guide_opens_is_in_the_navigation(language, guide):
    opened = re.findall(OPEN[language], guide)
    with translation.override(language):
        labels = {str(label) for _name, label, _need in PROJECT_NAV}
    assert opened and not set(opened) - labels, set(opened) - labels


def _sections(guide: str) -> list[str]:
    """The numbered headings' levels and numbers ("## 7", "### 7"), in order."""
    found, number = [], ""
    for hashes, title in re.findall(r"^(#{2,3}) (.+)$", guide, flags=re.M):
        number = title.split(".")[0] if hashes == "##" else number
        found.append(f"{hashes} {number}")
    return found


def _pictures(guide: str) -> list[str]:
    return re.findall(r"!\[[^]]*\]\(([^)]+)\)", guide)


def test_the_norwegian_guide_has_the_english_guides_sections_and_pictures():
    assert _sections(GUIDE_NB) == _sections(GUIDE)
    english = [Path(p).name for p in _pictures(GUIDE)]
    norwegian = _pictures(GUIDE_NB)
    assert [Path(p).name for p in norwegian] == english
    assert all(p.startswith("screenshots/nb/") for p in norwegian), norwegian
    missing = [p for p in norwegian if not (DOCS / p).is_file()]
    assert not missing, f"run `pytest -m screenshots -k nb`: {missing}"


def test_each_guide_links_the_other():
    assert "(user-guide.nb.md)" in GUIDE and "(user-guide.md)" in GUIDE_NB
    readme = (CHECKOUT / "README.md").read_text(encoding="utf-8")
    assert "(docs/user-guide.nb.md)" in readme


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "claim", "page", "text"),
    [
        ("en", "**Settings → Backup**", "research:project-settings", "Backup"),
        ("en", "**at a glance**", "research:project-detail", "At a glance"),
        ("en", "**Link cases…**", "document", "Link cases…"),
        ("en", "**Edit set**", "document sets", "Edit set"),
        ("nb", "**Innstillinger → Sikkerhetskopi**", "research:project-settings", "Sikkerhetskopi"),
        ("nb", "**Kort oppsummert**", "research:project-detail", "Kort oppsummert"),
        ("nb", "**Koble til caser…**", "document", "Koble til caser…"),
        ("nb", "**Rediger sett**", "document sets", "Rediger sett"),
    ],
)
def test_what_the_guide_says_a_page_has_is_there(project, lead, language, claim, page, text):
    assert claim in {"en": GUIDE, "nb": GUIDE_NB}[language]
    lead.language = language
    lead.save(update_fields=["language"])
    if page == "document":
        document = DocumentFactory(project=project)
        address = reverse("coding:document-detail", args=[project.code, document.code])
    elif page == "document sets":
        DocumentSet.objects.create(project=project, name="Pilot")
        address = reverse("study:document-set-list", args=[project.code])
    else:
        address = reverse(page, args=[project.code])
    assert text in client_for(lead).get(address).content.decode()
