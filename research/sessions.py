"""Sessions kept in the database as Django keeps them, and their signed-in user, each read with
a written-out statement.

Every request of a signed-in member reads its session and its user; through the ORM each read
costs more Python than the database spends on it (research/rows.py). The rules are Django's own:
for the session (``django.contrib.sessions.backends.db``) the row with this key that has not
expired, else no session; everything else (saving, rotating, deleting, clearing expired rows) is
Django's. For the user see :func:`signed_in_user`; once a process has signed a session's user in,
it reads that user with the session, in the same statement (:class:`SessionStore`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

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

#: Session key -> the user id this process last signed in with it (a hint, never trusted: the
#: session's own data still names its user). A session's key does not change hands between
#: users (Django's login() gives the session a new key), so the hint is right but for a session
#: edited by hand, which then costs the separate user read it always did.
_signed_in: OrderedDict[str, int] = OrderedDict()
_signed_in_lock = threading.Lock()  # gunicorn may run a process's requests in threads
_SIGNED_IN_KEPT = 10_000  # about 0.2 kB each


def _remember_user(session_key: str, user_id: int) -> None:
    with _signed_in_lock:
        _signed_in[session_key] = user_id
        _signed_in.move_to_end(session_key)
        while len(_signed_in) > _SIGNED_IN_KEPT:
            _signed_in.popitem(last=False)


class SessionStore(DatabaseSessionStore):
    """Django's database store; the row is read with a written-out statement, and with the
    user this process last signed in with the session (``read_user``: that user's id and row,
    or None when the row has gone), so that a request reads both in one round trip."""

    read_user: tuple[int, User | None] | None = None

    def _get_session_from_db(self):
        model = self.get_model_class()
        read = rows.columns(model, "s")
        params = [self.session_key, rows.param(model, "expire_date", timezone.now())]
        user_id = _signed_in.get(self.session_key) if self.session_key else None
        user = rows.columns(User, "u")
        joined = f", {user.sql}" if user_id is not None else ""
        join = f" LEFT JOIN {rows.table(User)} u ON u.id = %s" if user_id is not None else ""
        with rows.cursor() as cursor:
            cursor.execute(
                f"SELECT {read.sql}{joined} FROM {rows.table(model)} s{join}"  # noqa: S608
                " WHERE s.session_key = %s AND s.expire_date > %s",
                [user_id, *params] if user_id is not None else params,
            )
            found = cursor.fetchone()
        if found is None:
            self._session_key = None
            return None
        if user_id is not None:
            user_row = found[len(read) :]
            self.read_user = (user_id, None if user_row[0] is None else user.build(user_row))
        return read.build(found[: len(read)])


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
            user_id = User._meta.pk.to_python(user_id)
            read = getattr(session, "read_user", None)
            user = read[1] if read is not None and read[0] == user_id else _user(user_id)
            if (
                user is not None
                and backend.user_can_authenticate(user)
                and constant_time_compare(session_hash, user.get_session_auth_hash())
            ):
                _remember_user(session.session_key, user_id)
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
