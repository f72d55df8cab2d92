"""Regenerates the documentation screenshots from the demo project: `pytest -m screenshots`.

The coding view, the agreement run and the matrix are taken during the guide's own walk
(test_guide_journey.walk_the_guide); the other pages as the lead sees them. The English guide's
pictures are in docs/screenshots/, the Norwegian (Bokmål) guide's in docs/screenshots/nb/,
taken with the interface in nb.
"""

from pathlib import Path

import pytest
from django.urls import reverse

from cases.models import Case
from study.demo import DEMO_PASSWORD, demo_load
from tests.browser.conftest import log_in
from tests.browser.test_guide_journey import walk_the_guide

pytestmark = [pytest.mark.screenshots, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
FOLDERS = {"en": SHOTS, "nb": SHOTS / "nb"}


@pytest.mark.parametrize("language", FOLDERS)
def test_screenshots_of_the_demo(page, settings, tmp_path, language):
    settings.MEDIA_ROOT = tmp_path
    project = demo_load()
    shots = FOLDERS[language]
    shots.mkdir(parents=True, exist_ok=True)
    walk_the_guide(page, project, shots=shots, language=language)

    page.context.clear_cookies()
    log_in(page, "lead@demo.concord", DEMO_PASSWORD, language)
    page.wait_for_url("**/")
    delta = Case.objects.get(project=project, pseudonym="Delta")
    pages = {
        "project.png": reverse("research:project-detail", kwargs={"project": project.code}),
        "members.png": reverse("research:member-list", kwargs={"project": project.code}),
        "documents.png": reverse("coding:document-list", kwargs={"project": project.code}),
        "codebook.png": reverse("coding:codebook", kwargs={"project": project.code}),
        "case.png": reverse(
            "cases:case-detail", kwargs={"project": project.code, "case": delta.code}
        ),
    }
    for name, url in pages.items():
        page.goto(url)
        page.wait_for_load_state("networkidle")
        assert page.locator("html").get_attribute("lang") == language
        page.screenshot(path=shots / name, full_page=name != "codebook.png")
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
