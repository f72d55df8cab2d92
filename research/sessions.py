"""Sessions kept in the database as Django keeps them, read with a written-out statement.

Every request of a signed-in member reads its session; through the ORM that read costs more
Python than the database spends on it (research/rows.py). The rule is Django's own
(``django.contrib.sessions.backends.db``): the row with this key that has not expired, else no
session. Everything else (saving, rotating, deleting, clearing expired rows) is Django's.
"""

from __future__ import annotations

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connection
from django.utils import timezone

from research import rows


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self):
        model = self.get_model_class()
        read = rows.columns(model, "s")
        with connection.cursor() as cursor:
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
