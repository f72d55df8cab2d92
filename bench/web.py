"""Measuring pages: server time through django.test.Client, queries, and real HTTP sessions."""

from __future__ import annotations

import gc
import http.client
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

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


class Connection:
    """One client's HTTP/1.1 connection to the live server, kept open between its requests as
    a browser keeps it (the load scenarios once opened a TCP connection per request, which a
    browser does not: its cost, on both sides, counted as the server's and the harness's). A
    request sent while another is under way goes on a connection of its own, as a browser
    opens a second one."""

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port
        self._kept: http.client.HTTPConnection | None = None
        self._busy = threading.Lock()

    def request(
        self, method: str, path: str, body: str | bytes | None = None, headers=None
    ) -> tuple[http.client.HTTPResponse, bytes]:
        """The answer and its whole body; transport errors are raised."""
        if not self._busy.acquire(blocking=False):
            extra = self._open()
            try:
                return self._send(extra, method, path, body, headers or {})
            finally:
                extra.close()
        try:
            for attempt in range(2):
                reused = self._kept is not None
                self._kept = self._kept or self._open()
                try:
                    answer = self._send(self._kept, method, path, body, headers or {})
                except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                    self._drop()
                    # The server closed the kept connection meanwhile (its keep-alive timeout)
                    # without reading the request: sent again on a new one, as browsers do.
                    if reused and attempt == 0:
                        continue
                    raise
                except BaseException:
                    self._drop()
                    raise
                if answer[0].will_close:
                    self._drop()
                return answer
            raise AssertionError("unreachable")  # the loop returns or raises
        finally:
            self._busy.release()

    def close(self) -> None:
        with self._busy:
            self._drop()

    def _open(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, self.port, timeout=60)

    @staticmethod
    def _send(connection, method, path, body, headers) -> tuple[http.client.HTTPResponse, bytes]:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response, response.read()

    def _drop(self) -> None:
        if self._kept is not None:
            self._kept.close()
            self._kept = None
