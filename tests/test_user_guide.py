"""The user guide names what the app shows: every page it tells a reader to open is in the
project navigation, and the buttons and links its steps name are on the pages it names.
(The guide's main path is walked in Chromium by tests/browser/test_guide_journey.py.)"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from coding.models import DocumentSet
from study.templatetags.study import PROJECT_NAV
from tests.conftest import client_for
from tests.factories import DocumentFactory
from tests.shared import CHECKOUT

GUIDE = (CHECKOUT / "docs" / "user-guide.md").read_text(encoding="utf-8")


def test_every_page_the_guide_opens_is_in_the_navigation():
    opened = re.findall(r"Open \*\*([^*]+)\*\*", GUIDE)
    labels = {str(label) for _name, label, _need in PROJECT_NAV}
    assert opened and not set(opened) - labels, set(opened) - labels


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("claim", "page", "text"),
    [
        ("**Settings → Backup**", "research:project-settings", "Backup"),
        ("**at a glance**", "research:project-detail", "At a glance"),
        ("**Link cases…**", "document", "Link cases…"),
        ("**Edit set**", "document sets", "Edit set"),
    ],
)
def test_what_the_guide_says_a_page_has_is_there(project, lead, claim, page, text):
    assert claim in GUIDE
    if page == "document":
        document = DocumentFactory(project=project)
        address = reverse("coding:document-detail", args=[project.code, document.code])
    elif page == "document sets":
        DocumentSet.objects.create(project=project, name="Pilot")
        address = reverse("study:document-set-list", args=[project.code])
    else:
        address = reverse(page, args=[project.code])
    assert text in client_for(lead).get(address).content.decode()
