"""The interface language: a person's own choice, else the language cookie, else the browser.

LocaleMiddleware has already picked cookie or Accept-Language; a signed-in person who chose a
language on their profile (or in the switcher) gets it everywhere, on every device.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from research.models import User

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


class UserLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = getattr(request.user, "language", "")
        if chosen in LANGUAGE_CODES:
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen  # type: ignore[attr-defined]
        return self.get_response(request)


def language_choose(*, user: User | AnonymousUser, language: str) -> str:
    """Keep the choice on the account (empty: follow the browser); answer the code to apply."""
    language = language if language in LANGUAGE_CODES else ""
    if isinstance(user, User) and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return language


def language_cookie(response: HttpResponse, language: str) -> HttpResponse:
    """The cookie carries the choice for visitors not signed in (the login page, invitations)."""
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        )
    else:
        response.delete_cookie(
            settings.LANGUAGE_COOKIE_NAME, samesite=settings.LANGUAGE_COOKIE_SAMESITE
        )
    return response
