"""The service moves stored excerpts exactly as the pure map says: random excerpts on a
transcript, the list applied, every excerpt's text is its slice of the new text, holds no
identifying string, and is the old text with the replacements applied (widened at names)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coding.models import Excerpt, Pseudonym
from coding.pseudonyms.mapping import Replacement, find, pseudonymise
from coding.pseudonyms.services import document_pseudonymise
from tests.factories import DocumentFactory, UserFactory

TEXT = (
    "Kari Nordmann: Vi i Nordhavn kommune samarbeider med Ola Hansen.\n\n"
    "Interviewer: Hva sier Ola?\n\n"
    "Kari Nordmann: Ola Hansen og Kari Nordmann startet i Nordhavn i fjor."
)
LIST = [
    Replacement("Kari Nordmann", "Informant 1"),
    Replacement("Nordhavn kommune", "Municipality A"),
    Replacement("Nordhavn", "Municipality A"),
    Replacement("Ola Hansen", "Person B"),
    Replacement("Ola", "Person B"),
]
spans = st.lists(
    st.tuples(st.integers(0, len(TEXT) - 1), st.integers(1, 40)).map(
        lambda p: (p[0], min(len(TEXT), p[0] + p[1]))
    ),
    min_size=1,
    max_size=8,
)


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(chosen=spans)
def test_stored_excerpts_move_with_their_words(project, chosen):
    coder = UserFactory()
    document = DocumentFactory(project=project, text=TEXT)
    Pseudonym.objects.filter(project=project).delete()
    for r in LIST:
        Pseudonym.objects.create(project=project, original=r.original, replacement=r.replacement)
    rows = [
        Excerpt.objects.create(
            document=document, coder=coder, start=start, end=end, text=TEXT[start:end]
        )
        for start, end in chosen
    ]
    document_pseudonymise(document_id=document.pk, user=coder)
    document.refresh_from_db()
    expected = pseudonymise(TEXT, LIST)
    assert document.text == expected.text and not find(document.text, LIST)
    for row, (start, end) in zip(rows, chosen, strict=True):
        row.refresh_from_db()
        assert (row.start, row.end) == expected.move(start, end)
        assert row.text == document.text[row.start : row.end]
        assert all(name.original not in row.text for name in LIST[:2])
        # The old words with the replacements applied, once widened over cut names.
        widened = TEXT[_widen(start, end)[0] : _widen(start, end)[1]]
        assert pseudonymise(widened, LIST).text == row.text


def _widen(start: int, end: int) -> tuple[int, int]:
    for a, b in _spans():
        if a < start < b:
            start = a
        if a < end < b:
            end = b
    return start, end


def _spans() -> list[tuple[int, int]]:
    return find(TEXT, LIST)
