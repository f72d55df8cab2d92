"""Small HTTP answers shared by every app's views."""

from collections.abc import Iterable

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
