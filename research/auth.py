"""Sign-in: django-allauth adapted to Concord, and the failed-login throttle.

allauth does the pages and flows (e-mail and password, second factors, single sign-on,
sessions); the adapters here say what is Concord's: no open sign-up (project owners add people
by e-mail), a single sign-on account is matched to a Concord account by a VERIFIED e-mail
address only, and password failures go through the throttle below.

Throttling is a few lines over Django's cache: a counter per e-mail address and per client
address, so a guessing attack on one account or from one machine stops after
LOGIN_FAILURE_LIMIT failures within LOGIN_FAILURE_WINDOW_SECONDS. When the cache (Redis) is
unreachable, failures are counted in the database (`LoginFailure`) instead: logging in keeps
working (never a 500), and the throttle does not fail open. A lock is read from both places, so
failures counted during an outage still count once the cache is back.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.core.cache import cache as default_cache
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from research.access import SecondFactorRequired
from research.models import LoginFailure

logger = logging.getLogger(__name__)

T = TypeVar("T")


# The fail-safe cache (research/cache.py) hides outages; the throttle wants to see them, since
# it has a better fallback (the database) than one process's memory.
def _cache():
    return getattr(default_cache, "strict", default_cache)


def _keys(email: str, client: str) -> list[str]:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return [f"login-fail:email:{digest}", f"login-fail:ip:{client}"]


def _cache_call(operation: Callable[[], T]) -> T | None:
    """The operation's result, or None when the cache is unreachable."""
    # Cache backends raise their own client's errors (redis.ConnectionError, TimeoutError, ...);
    # whatever the backend, an unreachable cache sends the throttle to the database.
    try:
        return operation()
    except Exception as error:
        logger.warning("Login throttle: cache unavailable, counting in the database (%s)", error)
        return None


def _window_start():
    return timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def _database_counts(keys: list[str]) -> dict[str, int]:
    rows = (
        LoginFailure.objects.filter(key__in=keys, created_at__gte=_window_start())
        .values("key")
        .annotate(n=Count("id"))
    )
    return {row["key"]: row["n"] for row in rows}


def login_is_locked(email: str, client: str) -> bool:
    keys, limit = _keys(email, client), settings.LOGIN_FAILURE_LIMIT
    cached = _cache_call(lambda: _cache().get_many(keys)) or {}
    stored = _database_counts(keys)
    return any(max(cached.get(key) or 0, stored.get(key, 0)) >= limit for key in keys)


def _count_in_cache(key: str) -> int:
    _cache().add(key, 0, settings.LOGIN_FAILURE_WINDOW_SECONDS)
    try:
        return _cache().incr(key)
    except ValueError:  # expired between add and incr
        _cache().set(key, 1, settings.LOGIN_FAILURE_WINDOW_SECONDS)
        return 1


def login_failed(email: str, client: str) -> None:
    for key in _keys(email, client):
        if _cache_call(functools.partial(_count_in_cache, key)) is None:
            LoginFailure.objects.filter(created_at__lt=_window_start()).delete()
            LoginFailure.objects.create(key=key)


def login_succeeded(email: str, client: str) -> None:
    # Only the account's counter: a guesser must not reset the client counter by logging in to
    # an account of their own.
    keys = _keys(email, client)[:1]
    LoginFailure.objects.filter(key__in=keys).delete()
    _cache_call(lambda: _cache().delete_many(keys))


def _client(request: HttpRequest | None) -> str:
    return (request.META.get("REMOTE_ADDR") or "unknown") if request else "unknown"


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": _(
            "Too many failed log-in attempts. Wait a few minutes and try again, or reset "
            "your password."
        ),
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False  # a project owner adds people by e-mail

    def populate_username(self, request: HttpRequest, user) -> None:
        user.username = user.email  # research.User: the username mirrors the e-mail address

    def pre_authenticate(self, request: HttpRequest, **credentials) -> None:
        if login_is_locked(credentials.get("email") or "", _client(request)):
            raise self.validation_error("too_many_login_attempts")

    def authenticate(self, request: HttpRequest, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None:
            login_succeeded(credentials.get("email") or "", _client(request))
        return user

    def authentication_failed(self, request: HttpRequest, **credentials) -> None:
        login_failed(credentials.get("email") or "", _client(request))


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin) -> bool:
        return False  # single sign-on finds an existing account; it never makes one

    def authenticate_by_email(self, sociallogin):
        # allauth already keeps to the addresses the provider marks verified; an identity
        # provider that sends the claim as the string "true" is not taken at its word either.
        for address in sociallogin.email_addresses:
            address.verified = address.verified is True
        return super().authenticate_by_email(sociallogin)


class SecondFactorMiddleware:
    """Turns research.access's "this project needs a second factor" into a page that says
    why and where to set one up, instead of a bare 403."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not isinstance(exception, SecondFactorRequired):
            return None
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('second-factor-required')}?{query}")
