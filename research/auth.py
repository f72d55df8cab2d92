"""E-mail login with failed-login throttling.

Throttling is a few lines over Django's cache rather than a dependency: a counter per e-mail
address and per client address, so a guessing attack on one account or from one machine stops
after LOGIN_FAILURE_LIMIT failures within LOGIN_FAILURE_WINDOW_SECONDS.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache


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


def login_is_locked(email: str, client: str) -> bool:
    limit = settings.LOGIN_FAILURE_LIMIT
    return any((cache.get(key) or 0) >= limit for key in _keys(email, client))


def login_failed(email: str, client: str) -> None:
    for key in _keys(email, client):
        cache.add(key, 0, settings.LOGIN_FAILURE_WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, settings.LOGIN_FAILURE_WINDOW_SECONDS)


def login_succeeded(email: str, client: str) -> None:
    cache.delete_many(_keys(email, client)[:1])
