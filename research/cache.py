"""A Redis cache that keeps answering while Redis is down.

Sign-in (django-allauth) counts attempts and spent one-time codes in the default cache and lets
a cache error through as a 500. With this backend an unreachable Redis logs a warning and the
call is answered from a per-process memory instead: rate limits and the one-time-code replay
guard keep working on each process (a little looser across several), and nobody is locked out
of signing in by an outage.

`strict` is the same cache without the fallback, for code that has a better fallback of its
own (the password throttle in research/auth.py counts in the database).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

_METHODS = (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "set_many",
    "delete_many",
    "clear",
)


class FailSafeRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self.strict = RedisCache(server, params)
        self._fallback = LocMemCache(
            f"concord-fallback-{server}", {"TIMEOUT": self.default_timeout}
        )

    def _guarded(self, name: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return getattr(self.strict, name)(*args, **kwargs)
        except ValueError:  # incr of a missing key: the caller's to handle, not an outage
            raise
        except Exception as error:  # each Redis client raises its own connection errors
            logger.warning("Cache unavailable, using this process's memory (%s)", error)
            return getattr(self._fallback, name)(*args, **kwargs)


def _make(name: str):
    def method(self: FailSafeRedisCache, *args: Any, **kwargs: Any) -> Any:
        return self._guarded(name, *args, **kwargs)

    method.__name__ = name
    return method


for _name in _METHODS:
    setattr(FailSafeRedisCache, _name, _make(_name))
