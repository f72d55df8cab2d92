"""The project navigation (study's template tag): every entry exists, each role sees its own."""

import pytest
from django.urls import reverse

from study.templatetags.study import PROJECT_NAV
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_every_navigation_entry_is_a_url(project):
    for name, _label, _need in PROJECT_NAV:
        reverse(name, kwargs={"project": project.code})  # NoReverseMatch fails the test


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        ("owner", ["Settings", "Assignments", "Documents"], []),
        ("coder", ["My documents", "Documents", "Agreement"], ["Settings", "Assignments"]),
        ("viewer", ["Documents", "Matrix"], ["My documents", "Settings"]),
    ],
)
def test_each_role_sees_its_entries(role, shown, hidden, cast, project):
    page = client_for(cast[role]).get(reverse("research:project-detail", args=[project.code]))
    labels = [item["label"] for item in page.context["items"]]
    assert all(label in labels for label in shown)
    assert not any(label in labels for label in hidden)
