"""Single sign-on over OpenID Connect against a small provider on loopback: a Concord account
is found by the e-mail address the provider says it VERIFIED, and by nothing else."""

from __future__ import annotations

import urllib.request
from urllib.parse import parse_qs, urlparse

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.socialaccount.models import SocialAccount
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from research import services
from research.models import Role, User
from tests.conftest import PASSWORD
from tests.factories import UserFactory
from tests.research.oidc_provider import CLIENT_ID, CLIENT_SECRET, LocalProvider

pytestmark = pytest.mark.django_db

PROVIDER_ID = "feide"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def provider(settings, monkeypatch):
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    idp = LocalProvider().start()
    # What config/settings.py builds from CONCORD_OIDC_* (see docs/admin-guide.md).
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": PROVIDER_ID,
                    "name": "Feide",
                    "client_id": CLIENT_ID,
                    "secret": CLIENT_SECRET,
                    "settings": {"server_url": idp.url, "token_auth_method": "client_secret_basic"},
                }
            ],
        }
    }
    cache.clear()
    yield idp
    idp.stop()


def _sign_on(client: Client, provider: LocalProvider, **person):
    """The browser's round trip: Concord -> the provider's sign-in -> back to Concord."""
    provider.person = {"sub": "feide-1234", "name": "Kari Nordmann", **person}
    response = client.post(reverse("openid_connect_login", args=[PROVIDER_ID]))
    assert response.status_code == 302, response.content.decode()[:500]
    authorize = response["Location"]
    assert authorize.startswith(f"{provider.url}/authorize?")
    query = parse_qs(urlparse(authorize).query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["redirect_uri"] == [
        f"http://testserver/accounts/oidc/{PROVIDER_ID}/login/callback/"
    ]
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        opener.open(authorize)
        raise AssertionError("the provider should redirect back")
    except urllib.error.HTTPError as redirect:
        back = redirect.headers["Location"]
    parsed = urlparse(back)
    return client.get(parsed.path, {k: v[0] for k, v in parse_qs(parsed.query).items()})


def _signed_in_as(client: Client) -> str | None:
    response = client.get(reverse("profile"))
    return response.context["user"].email if response.status_code == 200 else None


def test_the_log_in_page_offers_the_provider_by_its_name(client, provider):
    page = client.get(reverse("account_login")).content.decode()
    assert "Feide" in page


def test_a_verified_email_signs_in_to_the_matching_account(client, provider):
    kari = UserFactory(email="kari@uio.no")
    response = _sign_on(client, provider, email="kari@uio.no", email_verified=True)
    assert response.status_code == 302
    assert _signed_in_as(client) == "kari@uio.no"
    # Connected: the next sign-on finds the account by the provider's id, not only the address.
    assert SocialAccount.objects.get(user=kari).uid == "feide-1234"
    assert provider.token_requests[0]["auth"].startswith("Basic ")
    assert "code_verifier" in provider.token_requests[0]  # PKCE


def test_the_match_ignores_the_case_of_the_address(client, provider):
    UserFactory(email="kari@uio.no")
    _sign_on(client, provider, email="Kari@UiO.no", email_verified=True)
    assert _signed_in_as(client) == "kari@uio.no"


def test_an_unverified_email_signs_nobody_in(client, provider):
    kari = UserFactory(email="kari@uio.no")
    response = _sign_on(client, provider, email="kari@uio.no", email_verified=False)
    assert _signed_in_as(client) is None
    assert response.status_code in {200, 302}
    assert not SocialAccount.objects.filter(user=kari).exists()
    kari.refresh_from_db()
    assert kari.check_password(PASSWORD)  # and the account is left as it was


def test_a_verified_claim_sent_as_a_string_is_not_trusted(client, provider):
    UserFactory(email="kari@uio.no")
    _sign_on(client, provider, email="kari@uio.no", email_verified="true")
    assert _signed_in_as(client) is None


def test_a_domain_the_provider_vouches_for_counts_as_verified(client, provider, settings):
    # Feide sends no `email_verified`: the administrator names the institutions' domains.
    app = settings.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"][0]
    app["settings"]["verified_email"] = ["uio.no"]
    UserFactory(email="kari@uio.no")
    UserFactory(email="per@gmail.com")
    _sign_on(client, provider, email="kari@uio.no")
    assert _signed_in_as(client) == "kari@uio.no"
    client.post(reverse("account_logout"))
    _sign_on(client, provider, sub="other", email="per@gmail.com")
    assert _signed_in_as(client) is None


def test_an_unknown_person_gets_no_account(client, provider):
    count = User.objects.count()
    response = _sign_on(client, provider, email="stranger@uio.no", email_verified=True)
    assert _signed_in_as(client) is None
    if response.status_code == 302:
        response = client.get(response["Location"])
    assert "Sign Up Closed" in response.content.decode()
    assert User.objects.count() == count


def test_an_invited_person_signs_on_instead_of_choosing_a_password(
    client, provider, project, owner
):

    added = services.member_add(
        project=project, email="nora@uio.no", role=Role.CODER, invited_by=owner
    )
    page = client.get(reverse("invitation-accept", args=[added.invitation.token]))
    assert "Sign in with Feide instead" in page.content.decode()
    _sign_on(client, provider, email="nora@uio.no", email_verified=True)
    assert _signed_in_as(client) == "nora@uio.no"
    assert client.get(reverse("research:project-detail", args=[project.code])).status_code == 200


def test_a_second_factor_is_still_asked_after_single_sign_on(client, provider):
    kari = UserFactory(email="kari@uio.no")
    TOTP.activate(kari, generate_totp_secret())
    assert Authenticator.objects.filter(user=kari).exists()
    response = _sign_on(client, provider, email="kari@uio.no", email_verified=True)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert _signed_in_as(client) is None


def test_a_password_set_without_a_proven_address_is_wiped_on_the_first_sign_on(client, provider):
    # allauth's guard: someone who set up an account under another's address (never proven)
    # must not keep a way in once the owner of the address signs on.
    kari = UserFactory(email="kari@uio.no")
    _sign_on(client, provider, email="kari@uio.no", email_verified=True)
    kari.refresh_from_db()
    assert not kari.has_usable_password()


def test_a_proven_address_keeps_its_password(client, provider):
    kari = UserFactory(email="kari@uio.no")
    EmailAddress.objects.create(user=kari, email=kari.email, verified=True, primary=True)
    _sign_on(client, provider, email="kari@uio.no", email_verified=True)
    kari.refresh_from_db()
    assert kari.check_password(PASSWORD)


def test_single_sign_on_is_configured_from_the_environment():
    import json
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CONCORD_"))}
    env.update(
        CONCORD_OIDC_SERVER_URL="https://auth.dataporten.no",
        CONCORD_OIDC_NAME="Feide",
        CONCORD_OIDC_PROVIDER_ID="feide",
        CONCORD_OIDC_CLIENT_ID="client",
        CONCORD_OIDC_CLIENT_SECRET="secret",
    )
    code = "import json, config.settings as s; print(json.dumps(s.SOCIALACCOUNT_PROVIDERS))"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    app = json.loads(result.stdout)["openid_connect"]["APPS"][0]
    assert app["provider_id"] == "feide" and app["name"] == "Feide"
    assert app["client_id"] == "client" and app["secret"] == "secret"
    assert app["settings"]["server_url"] == "https://auth.dataporten.no"
