"""Security keys in a real browser: Chromium's virtual authenticator registers a key on allauth's
page and signs in with it, under Concord's strict Content-Security-Policy (allauth's WebAuthn
code is served as static files; its inline blocks are JSON data, never run)."""

import pytest
from allauth.mfa.models import Authenticator

from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "kari@kommune.no"


@pytest.fixture
def virtual_key(page, settings):
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True  # the live server speaks http
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "usb",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
        "automaticPresenceSimulation": True,
    }
    found = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})
    yield found["authenticatorId"]
    cdp.send("WebAuthn.disable")


def _add_key(page, live_server, *, passwordless: bool = False) -> None:
    log_in(page, EMAIL, PASSWORD)
    page.wait_for_url("**/")
    page.goto(f"{live_server.url}/accounts/2fa/webauthn/add/")
    page.get_by_label("Password").fill(PASSWORD)  # allauth asks for the password again
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/2fa/webauthn/add/")
    if passwordless:
        page.get_by_label("Passwordless").check()
    page.locator("#mfa_webauthn_add").click()
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)


def test_a_security_key_is_added_and_signs_in(page, live_server, virtual_key):
    kari = UserFactory(email=EMAIL)
    _add_key(page, live_server)
    assert Authenticator.objects.filter(user=kari, type=Authenticator.Type.WEBAUTHN).exists()

    page.context.clear_cookies()  # a new visit, signed out
    log_in(page, EMAIL, PASSWORD)
    page.wait_for_url("**/2fa/authenticate/")
    page.get_by_role("button", name="Use a security key").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("#topnav").count()  # signed in: the menu under one's name is there
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
    assert not page.console_errors, page.console_errors


def test_a_passkey_signs_in_without_the_password(page, live_server, virtual_key):
    UserFactory(email=EMAIL)
    _add_key(page, live_server, passwordless=True)
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="Use a passkey").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("#topnav").count()
    assert not page.console_errors, page.console_errors
