import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from research.models import User
from tests.conftest import PASSWORD, client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_throttle():
    cache.clear()


def test_login_with_email_and_logout(client):
    UserFactory(email="kari@kommune.no")
    response = client.post(
        reverse("account_login"), {"login": "kari@kommune.no", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("research:project-list")).status_code == 200
    client.post(reverse("account_logout"))
    assert client.get(reverse("research:project-list")).status_code == 302


def test_wrong_password_is_refused(client):
    UserFactory(email="kari@kommune.no")
    response = client.post(
        reverse("account_login"), {"login": "kari@kommune.no", "password": "nope"}
    )
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


def test_failed_logins_are_throttled_even_with_the_right_password(client, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    UserFactory(email="kari@kommune.no")
    for _ in range(3):
        client.post(reverse("account_login"), {"login": "kari@kommune.no", "password": "guess"})
    response = client.post(
        reverse("account_login"), {"login": "kari@kommune.no", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "Too many failed log-in attempts" in response.content.decode()


def test_there_is_no_open_sign_up(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new@kommune.no",
            "password1": "fjord and mountain 42",
            "password2": "fjord and mountain 42",
        },
    )
    assert response.status_code == 200
    assert "Sign Up Closed" in response.content.decode()
    assert not User.objects.filter(email="new@kommune.no").exists()


def test_password_reset_sends_a_link_by_email(client):
    UserFactory(email="kari@kommune.no")
    response = client.post(reverse("account_reset_password"), {"email": "kari@kommune.no"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_password_change(client):
    user = UserFactory(email="kari@kommune.no")
    client.force_login(user)
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "fjord and mountain 42",
            "password2": "fjord and mountain 42",
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
