"""The session and user reads (research/sessions.py) keep Django's rules: a session row that
has expired or been deleted signs nobody in; so does a session whose user was deleted, made
inactive, or changed their password elsewhere; a session signed under a retired secret key
(SECRET_KEY_FALLBACKS) still signs its user in."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from research.models import User
from tests.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db


def test_a_live_session_signs_its_user_in(coder):
    assert client_for(coder).get(reverse("research:project-list")).status_code == 200


def test_a_signed_in_request_reads_its_user_once_with_the_written_out_statement(coder):
    client = client_for(coder)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("research:project-list")).status_code == 200
    user_reads = [q["sql"] for q in queries if 'FROM "research_user"' in q["sql"]]
    # research/sessions.py's read (the table aliased u), not the backend's ORM read.
    assert len(user_reads) == 1
    assert " u WHERE u.id = " in user_reads[0]


def test_a_later_request_reads_its_session_and_user_in_one_statement(coder):
    client = client_for(coder)
    assert client.get(reverse("research:project-list")).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("research:project-list")).status_code == 200
    # The process signed this session's user in before: the user comes with the session.
    sessions = [q["sql"] for q in queries if '"django_session"' in q["sql"]]
    assert len(sessions) == 1
    assert 'FROM "django_session" s LEFT JOIN "research_user" u ON u.id = ' in sessions[0]
    assert not any(" u WHERE u.id = " in q["sql"] for q in queries)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda user: User.objects.filter(pk=user.pk).delete(), id="deleted"),
        pytest.param(
            lambda user: User.objects.filter(pk=user.pk).update(is_active=False), id="inactive"
        ),
        pytest.param(
            lambda user: User.objects.filter(pk=user.pk).update(password="changed elsewhere"),
            id="password changed",
        ),
    ],
)
def test_a_user_changed_after_signing_in_here_is_signed_out_with_the_joined_read(coder, change):
    client = client_for(coder)
    assert client.get(reverse("research:project-list")).status_code == 200
    change(coder)
    assert client.get(reverse("research:project-list")).status_code == 302
    assert client.get(reverse("research:project-list")).status_code == 302


def test_a_session_that_names_another_user_signs_that_user_in(coder, lead):
    # The process's hint (this session's user) is only a hint: the session's data decides.
    client = client_for(coder)
    assert client.get(reverse("research:project-list")).status_code == 200
    session = client.session
    other = client_for(lead).session
    for key in ("_auth_user_id", "_auth_user_backend", "_auth_user_hash"):
        session[key] = other[key]
    session.save()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("research:project-list")).status_code == 200
    assert any(" u WHERE u.id = " in q["sql"] for q in queries)  # read apart, as before
    assert client.get(reverse("research:project-list")).wsgi_request.user == lead


def test_an_expired_session_signs_nobody_in(coder):
    client = client_for(coder)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get(reverse("research:project-list")).status_code == 302


def test_a_deleted_session_signs_nobody_in(coder):
    client = client_for(coder)
    Session.objects.all().delete()
    assert client.get(reverse("research:project-list")).status_code == 302


def test_a_password_change_signs_the_other_sessions_out(coder):
    here, elsewhere = client_for(coder), client_for(coder)
    new = "fjord and mountain 42"
    changed = here.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": new, "password2": new},
    )
    assert changed.status_code == 302
    assert here.get(reverse("research:project-list")).status_code == 200
    assert elsewhere.get(reverse("research:project-list")).status_code == 302
    # The session is flushed, as Django does: signing in again is needed, not another password.
    assert elsewhere.get(reverse("research:project-list")).status_code == 302
    assert "sessionid" not in elsewhere.cookies or not elsewhere.cookies["sessionid"].value


def test_an_inactive_user_is_signed_out(coder):
    client = client_for(coder)
    User.objects.filter(pk=coder.pk).update(is_active=False)
    assert client.get(reverse("research:project-list")).status_code == 302


def test_a_deleted_user_is_signed_out(coder):
    client = client_for(coder)
    User.objects.filter(pk=coder.pk).delete()
    assert client.get(reverse("research:project-list")).status_code == 302


def test_a_session_under_a_retired_secret_key_still_signs_in(coder, settings):
    client = client_for(coder)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a new secret key, at least fifty characters long, 0123456789"
    assert client.get(reverse("research:project-list")).status_code == 200
    # Django re-signs the session under the new key: it keeps working once the old key goes.
    settings.SECRET_KEY_FALLBACKS = []
    assert client.get(reverse("research:project-list")).status_code == 200
