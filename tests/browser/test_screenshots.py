"""Regenerates the documentation screenshots from the demo project: `pytest -m screenshots`."""

from pathlib import Path

import pytest

from research.demo import DEMO_PASSWORD, demo_load
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.screenshots, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_screenshots_of_the_demo(page):
    project = demo_load()
    SHOTS.mkdir(parents=True, exist_ok=True)
    log_in(page, "lead@demo.concord", DEMO_PASSWORD)
    page.goto(f"/p/{project.code}/")
    page.screenshot(path=SHOTS / "project.png", full_page=True)
    page.goto(f"/p/{project.code}/members/")
    page.screenshot(path=SHOTS / "members.png", full_page=True)
