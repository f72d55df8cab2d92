import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from tests.conftest import PASSWORD, client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_throttle():
    cache.clear()


def test_login_with_email_and_logout(client):
    UserFactory(email="kari@kommune.no")
    response = client.post(reverse("login"), {"username": "kari@kommune.no", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("research:project-list")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("research:project-list")).status_code == 302


def test_wrong_password_is_refused(client):
    UserFactory(email="kari@kommune.no")
    response = client.post(reverse("login"), {"username": "kari@kommune.no", "password": "nope"})
    assert response.status_code == 200
    assert "correct" in response.content.decode()


def test_failed_logins_are_throttled_even_with_the_right_password(client, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    UserFactory(email="kari@kommune.no")
    for _ in range(3):
        client.post(reverse("login"), {"username": "kari@kommune.no", "password": "guess"})
    response = client.post(reverse("login"), {"username": "kari@kommune.no", "password": PASSWORD})
    assert response.status_code == 200
    assert "Too many failed log-in attempts" in response.content.decode()


def test_there_is_no_open_sign_up():
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        reverse("signup")


def test_password_reset_sends_a_link_by_email(client):
    UserFactory(email="kari@kommune.no")
    response = client.post(reverse("password_reset"), {"email": "kari@kommune.no"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body


def test_password_change(client):
    user = UserFactory(email="kari@kommune.no")
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "fjord and mountain 42",
            "new_password2": "fjord and mountain 42",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("fjord and mountain 42")


def test_profile_sets_display_name():
    user = UserFactory(email="kari@kommune.no")
    client = client_for(user)
    client.post(reverse("profile"), {"display_name": "Kari N.", "first_name": "", "last_name": ""})
    user.refresh_from_db()
    assert user.name == "Kari N."


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
