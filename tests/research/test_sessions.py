"""The session read (research/sessions.py) keeps Django's rule: a session row that has expired
or been deleted signs nobody in."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_a_live_session_signs_its_user_in(coder):
    assert client_for(coder).get(reverse("research:project-list")).status_code == 200


def test_an_expired_session_signs_nobody_in(coder):
    client = client_for(coder)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get(reverse("research:project-list")).status_code == 302


def test_a_deleted_session_signs_nobody_in(coder):
    client = client_for(coder)
    Session.objects.all().delete()
    assert client.get(reverse("research:project-list")).status_code == 302
