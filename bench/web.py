"""Measuring pages: server time through django.test.Client, queries, and real HTTP sessions."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.test import Client
from django.urls import NoReverseMatch, reverse

from bench.core import NotAvailable


def url(name: str, **kwargs) -> str:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch as exc:
        raise NotAvailable(f"no URL {name!r} yet") from exc


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def checked(response, *, expect: tuple[int, ...] = (200,)):
    if response.status_code not in expect:
        raise RuntimeError(f"{response.request.get('PATH_INFO')} answered {response.status_code}")
    return response


def server_times(request: Callable[[], object], *, repeats: int) -> tuple[list[float], int, int]:
    """Wall time of `repeats` requests, the query count of one, and the response size."""
    queries: list[str] = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    # An execute wrapper, not CaptureQueriesContext: each request clears the query log.
    with connection.execute_wrapper(count):
        size = len(_body(request()))
    samples = []
    # What this process holds (the scenarios' data, besides Django) out of the collector's way,
    # as a web process does with what it loaded at start (config/wsgi.py): otherwise the request
    # that happens to trigger a full collection walks it all, a pause of 100-300 ms here.
    gc.freeze()
    try:
        for _ in range(repeats):
            began = time.perf_counter()
            _body(request())
            samples.append(time.perf_counter() - began)
    finally:
        gc.unfreeze()
    return samples, len(queries), size


def _body(response) -> bytes:
    """The whole body: a streamed response is read to its end, as a client would, so its
    time and size count what is written while streaming."""
    read = getattr(response, "getvalue", None)
    return read() if read is not None else getattr(response, "content", b"")


@dataclass(frozen=True)
class HttpSession:
    """What a browser holds after logging in: a session cookie and a CSRF token."""

    sessionid: str
    csrftoken: str

    @classmethod
    def for_user(cls, user) -> HttpSession:
        from django.middleware.csrf import _get_new_csrf_string

        client = client_for(user)  # saves a real session row the live server can read
        return cls(client.cookies["sessionid"].value, _get_new_csrf_string())

    def headers(self) -> dict[str, str]:
        return {
            "Cookie": f"sessionid={self.sessionid}; csrftoken={self.csrftoken}",
            "X-CSRFToken": self.csrftoken,
        }
