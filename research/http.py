"""Small HTTP answers shared by every app's views."""

import csv
import io
from collections.abc import Iterable, Iterator

from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _


def bad_request(message: str) -> HttpResponseBadRequest:
    # Plain text, not HTML: messages may echo a query value, which must not become markup.
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


def unknown_format(fmt: str, choices: Iterable[str]) -> HttpResponseBadRequest:
    """A bad `?format=` is a bad request (400), not a missing page (404)."""
    return bad_request(
        _("Unknown export format “%(format)s”: choose %(choices)s.")
        % {"format": fmt, "choices": ", ".join(choices)}
    )


def _csv_safe(value: str) -> str:
    # A cell starting with = + - @ is a formula to spreadsheet programs: quote it.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def csv_lines(rows: Iterable[list[str]]) -> Iterator[str]:
    """CSV text for a streaming response, one line at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([_csv_safe(str(value)) for value in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
