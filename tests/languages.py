"""Exports in a language: a client for a person who reads it, and translations a test needs
before the catalogues have them.

The exports' tests ask "does a Norwegian request change this header (the workbook) or not (the
CSV)?". Strings that the translators fill outside this branch would read English in both, and
the test would prove nothing; `translated` lends the catalogue those entries for the length of a
test (whatever the real catalogue says, it is back afterwards).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from django.test import Client
from django.utils.translation import trans_real

from tests.conftest import client_for


def client_speaking(user, language: str) -> Client:
    """A signed-in client for `user`, who chose `language` for the interface."""
    user.language = language
    user.save(update_fields=["language"])
    return client_for(user)


@contextmanager
def translated(language: str, entries: dict[str, str]) -> Iterator[None]:
    catalogue = trans_real.translation(language)._catalog
    with mock.patch.dict(catalogue._catalogs[0], entries):
        yield
