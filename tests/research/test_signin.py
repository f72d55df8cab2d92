"""Signing in through allauth: password, authenticator app (TOTP), security key (WebAuthn),
recovery codes, projects that ask for a second factor, signed-in devices and invitations."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from allauth.usersessions.models import UserSession
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from research import services
from research.models import Role
from tests.conftest import PASSWORD
from tests.factories import MembershipFactory, ProjectFactory, UserFactory
from tests.research.webauthn_authenticator import SoftwareKey

pytestmark = pytest.mark.django_db

EMAIL = "kari@kommune.no"


@pytest.fixture(autouse=True)
def _clear_cache(settings):
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True  # the test client speaks http
    cache.clear()


@pytest.fixture
def kari():
    return UserFactory(email=EMAIL)


def _log_in(client: Client, email: str = EMAIL, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def _signed_in(client: Client) -> bool:
    return client.get(reverse("research:project-list")).status_code == 200


def _totp_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def _confirm_password(client: Client) -> None:
    """allauth asks for the password again before a sign-in method is added."""
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


def _activate_totp(client: Client) -> str:
    _confirm_password(client)
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    secret = response.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": _totp_code(secret)})
    assert response.status_code == 302
    cache.clear()  # the code was spent; the next sign-in may use the same one
    return secret


def _add_security_key(client: Client) -> SoftwareKey:
    key = SoftwareKey()
    _confirm_password(client)
    response = client.get(reverse("mfa_add_webauthn"))
    assert response.status_code == 200
    credential = key.register(response.context["js_data"]["creation_options"])
    response = client.post(
        reverse("mfa_add_webauthn"), {"name": "Yubikey", "credential": credential}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return key


# --- password --------------------------------------------------------------------------------


def test_the_log_in_page_asks_for_the_email_and_password(client):
    page = client.get(reverse("account_login")).content.decode()
    assert "E-mail" in page and "Password" in page
    assert 'src="/static/mfa/js/webauthn.js"' in page  # passkeys: a file, never inline code


def test_sign_in_with_email_and_password(client, kari):
    response = _log_in(client)
    assert response.status_code == 302
    assert _signed_in(client)


def test_the_email_is_matched_whatever_its_case(client, kari):
    assert _log_in(client, email="KARI@Kommune.no").status_code == 302


def test_a_wrong_password_signs_nobody_in(client, kari):
    response = _log_in(client, password="guess")
    assert response.status_code == 200
    assert not _signed_in(client)


# --- authenticator app -----------------------------------------------------------------------


def test_an_authenticator_app_is_asked_for_after_the_password(client, kari):
    _log_in(client)
    secret = _activate_totp(client)
    assert Authenticator.objects.filter(user=kari, type=Authenticator.Type.TOTP).exists()
    client.post(reverse("account_logout"))

    response = _log_in(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert not _signed_in(client)  # the password alone is not enough

    response = client.post(reverse("mfa_authenticate"), {"code": _totp_code(secret)})
    assert response.status_code == 302
    assert _signed_in(client)


def test_a_wrong_code_is_refused(client, kari):
    _log_in(client)
    secret = _activate_totp(client)
    client.post(reverse("account_logout"))
    _log_in(client)
    wrong = f"{(int(_totp_code(secret)) + 1) % 1000000:06d}"
    response = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert not _signed_in(client)


def test_a_code_is_good_only_once(client, kari):
    _log_in(client)
    secret = _activate_totp(client)
    client.post(reverse("account_logout"))
    _log_in(client)
    code = _totp_code(secret)
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    client.post(reverse("account_logout"))
    _log_in(client)
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 200
    assert not _signed_in(client)


def test_a_recovery_code_signs_in_once(client, kari):
    _log_in(client)
    _activate_totp(client)
    codes = Authenticator.objects.get(user=kari, type=Authenticator.Type.RECOVERY_CODES)
    code = codes.wrap().get_unused_codes()[0]
    client.post(reverse("account_logout"))
    _log_in(client)
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    assert _signed_in(client)
    client.post(reverse("account_logout"))
    _log_in(client)
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 200


def test_guessing_codes_is_throttled(client, kari, settings):
    _log_in(client)
    secret = _activate_totp(client)
    client.post(reverse("account_logout"))
    _log_in(client)
    wrong = f"{(int(_totp_code(secret)) + 1) % 1000000:06d}"
    for _ in range(5):
        client.post(reverse("mfa_authenticate"), {"code": wrong})
    response = client.post(reverse("mfa_authenticate"), {"code": _totp_code(secret)})
    assert response.status_code == 200
    assert not _signed_in(client)


# --- security keys and passkeys --------------------------------------------------------------


def test_a_security_key_is_added_and_signs_in(client, kari):
    _log_in(client)
    key = _add_security_key(client)
    assert Authenticator.objects.filter(user=kari, type=Authenticator.Type.WEBAUTHN).exists()
    client.post(reverse("account_logout"))

    _log_in(client)
    page = client.get(reverse("mfa_authenticate"))
    credential = key.sign(page.context["js_data"]["request_options"])
    response = client.post(reverse("mfa_authenticate"), {"credential": credential})
    assert response.status_code == 302
    assert _signed_in(client)


def test_another_key_is_refused(client, kari):
    _log_in(client)
    _add_security_key(client)
    client.post(reverse("account_logout"))
    _log_in(client)
    page = client.get(reverse("mfa_authenticate"))
    credential = SoftwareKey().sign(page.context["js_data"]["request_options"])
    response = client.post(reverse("mfa_authenticate"), {"credential": credential})
    assert response.status_code == 200
    assert not _signed_in(client)


# --- projects that ask for a second factor ---------------------------------------------------


@pytest.fixture
def guarded_project(kari):
    project = ProjectFactory(title="Interviews", require_second_factor=True)
    MembershipFactory(project=project, user=kari, role=Role.CODER)
    return project


def test_a_member_without_a_second_factor_is_sent_to_set_one_up(client, kari, guarded_project):
    _log_in(client)
    url = reverse("research:project-detail", args=[guarded_project.code])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("second-factor-required"))
    page = client.get(response["Location"]).content.decode()
    assert "transcripts or other personal data" in page
    assert reverse("mfa_activate_totp") in page
    assert f'href="{url}"' in page  # back to the project once it is set up


def test_with_a_second_factor_the_project_opens(client, kari, guarded_project):
    _log_in(client)
    _activate_totp(client)
    url = reverse("research:project-detail", args=[guarded_project.code])
    assert client.get(url).status_code == 200


def test_outsiders_still_get_a_404_not_the_second_factor_page(client, guarded_project):
    UserFactory(email="else@kommune.no")
    _log_in(client, email="else@kommune.no")
    url = reverse("research:project-detail", args=[guarded_project.code])
    assert client.get(url).status_code == 404


def test_projects_that_do_not_ask_stay_open(client, kari):
    project = ProjectFactory(title="Survey")
    MembershipFactory(project=project, user=kari, role=Role.CODER)
    _log_in(client)
    assert client.get(reverse("research:project-detail", args=[project.code])).status_code == 200


def test_the_site_setting_asks_in_every_project(client, kari, settings):
    settings.REQUIRE_SECOND_FACTOR = True
    project = ProjectFactory(title="Survey")
    MembershipFactory(project=project, user=kari, role=Role.CODER)
    _log_in(client)
    response = client.get(reverse("research:project-detail", args=[project.code]))
    assert response["Location"].startswith(reverse("second-factor-required"))
    page = client.get(response["Location"]).content.decode()
    assert "This Concord server asks everyone" in page


def test_the_project_setting_is_on_the_settings_page(client, project, lead):
    _log_in(client, email=lead.email)
    page = client.get(reverse("research:project-settings", args=[project.code]))
    assert "require_second_factor" in page.content.decode()


def test_the_setup_page_ignores_a_foreign_next(client, kari):
    _log_in(client)
    page = client.get(reverse("second-factor-required") + "?next=https://evil.example/")
    assert "evil.example" not in page.content.decode()


# --- signed-in devices -----------------------------------------------------------------------


def test_signed_in_devices_are_listed_and_others_signed_out(kari):
    laptop, phone = Client(HTTP_USER_AGENT="Laptop"), Client(HTTP_USER_AGENT="Phone")
    _log_in(laptop)
    _log_in(phone)
    assert UserSession.objects.filter(user=kari).count() == 2
    page = laptop.get(reverse("usersessions_list"))
    assert page.status_code == 200
    assert "Laptop" in page.content.decode() and "Phone" in page.content.decode()

    response = laptop.post(reverse("usersessions_list"))
    assert response.status_code == 302
    assert _signed_in(laptop)
    assert not _signed_in(phone)
    assert UserSession.objects.filter(user=kari).count() == 1


# --- invitations -----------------------------------------------------------------------------


def test_an_invitation_is_accepted_and_the_member_signed_in(client, project, owner):
    added = services.member_add(
        project=project, email="new@kommune.no", role=Role.CODER, invited_by=owner
    )
    url = reverse("invitation-accept", args=[added.invitation.token])
    response = client.post(
        url,
        {
            "display_name": "Nora",
            "new_password1": "fjord and mountain 42",
            "new_password2": "fjord and mountain 42",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("research:project-detail", args=[project.code])
    assert client.get(response["Location"]).status_code == 200
    # The e-mailed link proved the address: single sign-on may match the account by it.
    assert added.membership.user.emailaddress_set.get().verified
    client.post(reverse("account_logout"))
    assert (
        _log_in(client, email="new@kommune.no", password="fjord and mountain 42").status_code == 302
    )


def test_the_admin_signs_in_through_the_same_page(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    staff = UserFactory(email="admin@kommune.no", is_staff=True, is_superuser=True)
    _log_in(client, email=staff.email)
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize(
    "name",
    [
        "mfa_index",
        "mfa_activate_totp",
        "mfa_add_webauthn",
        "mfa_list_webauthn",
        "mfa_generate_recovery_codes",
        "usersessions_list",
        "socialaccount_connections",
        "account_email",
        "account_change_password",
        "account_reauthenticate",
        "account_reset_password",
        "account_signup",
    ],
)
def test_the_account_pages_render_in_concords_frame(client, kari, name):
    _log_in(client)
    _confirm_password(client)
    response = client.get(reverse(name), follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="navbar-brand' in page  # templates/base.html around allauth's page
    assert "<script>" not in page  # no inline code for the CSP to refuse


def test_the_migration_records_addresses_proven_by_accepted_invitations(project, owner):
    from importlib import import_module

    from allauth.account.models import EmailAddress
    from django.apps import apps

    migration = import_module("research.migrations.0005_project_require_second_factor")
    accepted = services.member_add(
        project=project, email="a@kommune.no", role=Role.CODER, invited_by=owner
    ).invitation
    services.member_add(project=project, email="b@kommune.no", role=Role.CODER, invited_by=owner)
    accepted.accepted_at = accepted.created_at
    accepted.save()
    migration.verified_addresses(apps, None)
    assert list(EmailAddress.objects.values_list("email", "verified")) == [("a@kommune.no", True)]


def test_nobody_moves_their_account_to_another_address(client, kari):
    from allauth.account.models import EmailAddress

    _log_in(client)
    _confirm_password(client)
    response = client.post(reverse("account_email"), {"action_add": "", "email": "per@kommune.no"})
    assert response.status_code == 302
    assert response["Location"] == reverse("profile")
    assert not EmailAddress.objects.filter(email="per@kommune.no").exists()
