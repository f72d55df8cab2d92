"""The cast: one project and a person for each role, reused by every test."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from research.models import Role
from tests.factories import MembershipFactory, ProjectFactory, UserFactory


@pytest.fixture(autouse=True)
def _language_reset():
    """A request in Norwegian leaves its language active in the thread (LocaleMiddleware
    activates per request and never resets); the next test starts in the default language."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


PASSWORD = "correct horse battery"


@pytest.fixture
def project(db):
    return ProjectFactory(title="Digital municipalities")


def _member(project, email: str, role: str):
    user = UserFactory(email=email)
    MembershipFactory(project=project, user=user, role=role)
    return user


@pytest.fixture
def owner(project):
    # Created the project: everything, including members and deletion.
    return _member(project, "owner@example.org", Role.OWNER)


@pytest.fixture
def lead(project):
    # Runs the study: codebook, documents, cases, agreement runs, matrices.
    return _member(project, "lead@example.org", Role.LEAD)


@pytest.fixture
def coder(project):
    # Codes assigned documents; in a blind project sees only their own excerpts.
    return _member(project, "coder@example.org", Role.CODER)


@pytest.fixture
def coder2(project):
    # A second independent coder, for agreement and blind-mode tests.
    return _member(project, "coder2@example.org", Role.CODER)


@pytest.fixture
def viewer(project):
    # Reads results, not the raw codings of a blind round.
    return _member(project, "viewer@example.org", Role.VIEWER)


@pytest.fixture
def outsider(db):
    # Has an account but no membership: every project URL is a 404 for them.
    return UserFactory(email="outsider@example.org")


@pytest.fixture
def cast(owner, lead, coder, coder2, viewer, outsider):
    return {
        "owner": owner,
        "lead": lead,
        "coder": coder,
        "coder2": coder2,
        "viewer": viewer,
        "outsider": outsider,
    }


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def unmarked(html: str) -> str:
    """A page without the translate="no" marks around the project's own words
    (`<span translate="no">Kari</span>` → `Kari`), for tests that look for a sentence."""
    return re.sub(r'<span translate="no">(.*?)</span>', r"\1", html)
