"""E-mail login with failed-login throttling.

Throttling is a few lines over Django's cache rather than a dependency: a counter per e-mail
address and per client address, so a guessing attack on one account or from one machine stops
after LOGIN_FAILURE_LIMIT failures within LOGIN_FAILURE_WINDOW_SECONDS.

When the cache (Redis) is unreachable, failures are counted in the database (`LoginFailure`)
instead: logging in keeps working, and the throttle never fails open (second factors will rely
on it). A lock is read from both places, so failures counted during an outage still count once
the cache is back.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone

from research.models import LoginFailure

logger = logging.getLogger(__name__)

T = TypeVar("T")


class EmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        email = (username or kwargs.get("email") or "").strip()
        if not email or password is None:
            return None
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            get_user_model()().set_password(password)  # same work as a real check: no timing leak
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


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
    cached = _cache_call(lambda: cache.get_many(keys)) or {}
    stored = _database_counts(keys)
    return any(max(cached.get(key) or 0, stored.get(key, 0)) >= limit for key in keys)


def _count_in_cache(key: str) -> int:
    cache.add(key, 0, settings.LOGIN_FAILURE_WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, settings.LOGIN_FAILURE_WINDOW_SECONDS)
        return 1


def login_failed(email: str, client: str) -> None:
    for key in _keys(email, client):
        if _cache_call(lambda key=key: _count_in_cache(key)) is None:
            LoginFailure.objects.filter(created_at__lt=_window_start()).delete()
            LoginFailure.objects.create(key=key)


def login_succeeded(email: str, client: str) -> None:
    # Only the account's counter: a guesser must not reset the client counter by logging in to
    # an account of their own.
    keys = _keys(email, client)[:1]
    LoginFailure.objects.filter(key__in=keys).delete()
    _cache_call(lambda: cache.delete_many(keys))
