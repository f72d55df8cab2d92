"""Sessions kept in the database as Django keeps them, and their signed-in user, each read with
a written-out statement.

Every request of a signed-in member reads its session and its user; through the ORM each read
costs more Python than the database spends on it (research/rows.py). The rules are Django's own:
for the session (``django.contrib.sessions.backends.db``) the row with this key that has not
expired, else no session; everything else (saving, rotating, deleting, clearing expired rows) is
Django's. For the user see :func:`signed_in_user`.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import (
    AuthenticationMiddleware as DjangoAuthenticationMiddleware,
)
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from research import rows
from research.models import User


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self):
        model = self.get_model_class()
        read = rows.columns(model, "s")
        with rows.cursor() as cursor:
            cursor.execute(
                f"SELECT {read.sql} FROM {rows.table(model)} s"  # noqa: S608 (the model's names)
                " WHERE s.session_key = %s AND s.expire_date > %s",
                [self.session_key, rows.param(model, "expire_date", timezone.now())],
            )
            found = cursor.fetchone()
        if found is None:
            self._session_key = None
            return None
        return read.build(found)


def _user(user_id) -> User | None:
    read = rows.columns(User, "u")
    with rows.cursor() as cursor:
        cursor.execute(
            f"SELECT {read.sql} FROM {rows.table(User)} u WHERE u.id = %s",  # noqa: S608
            [rows.param(User, "id", user_id)],
        )
        found = cursor.fetchone()
    return None if found is None else read.build(found)


def signed_in_user(request: HttpRequest):
    """The session's user as ``django.contrib.auth.get_user`` answers it, read with one
    written-out statement (the session's backend, a ModelBackend, reads it with the ORM).

    Only the common case is answered here: a session signed in through a configured backend
    that reads users as ModelBackend does (allauth's; any other backend keeps its own read),
    whose user exists, may sign in (the backend's own rule: active) and carries the session hash
    of the user's current password under the current SECRET_KEY. Anything else (no session, a
    deleted or inactive user, a password changed since, a hash under a fallback secret that
    Django re-signs) goes to Django's get_user unchanged, which decides, flushes or rotates
    exactly as it always has; reading the user twice there is rare and harmless.
    """
    session = request.session
    user_id = session.get(auth.SESSION_KEY)
    backend_path = session.get(auth.BACKEND_SESSION_KEY)
    session_hash = session.get(auth.HASH_SESSION_KEY)
    if user_id is not None and backend_path in settings.AUTHENTICATION_BACKENDS and session_hash:
        backend = auth.load_backend(backend_path)
        if type(backend).get_user is ModelBackend.get_user:
            user = _user(User._meta.pk.to_python(user_id))
            if (
                user is not None
                and backend.user_can_authenticate(user)
                and constant_time_compare(session_hash, user.get_session_auth_hash())
            ):
                return user
    return auth.get_user(request)


def _cached_user(request: HttpRequest):
    # Kept where Django's middleware keeps it, so that what clears Django's cache clears ours.
    if not hasattr(request, "_cached_user"):
        request._cached_user = signed_in_user(request)  # type: ignore[attr-defined]
    return request._cached_user  # type: ignore[attr-defined]


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    """Django's, with the user read by :func:`signed_in_user` (still lazily, once)."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _cached_user(request))
