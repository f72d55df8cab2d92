"""The service moves stored excerpts exactly as the pure map says: random excerpts on a
transcript, the list applied, every excerpt's text is its slice of the new text, holds no
identifying string, and is the old text with the replacements applied (widened at names)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coding.models import (
    AgreementCodeResult,
    AgreementRun,
    Candidate,
    Excerpt,
    Pseudonym,
    Reconciliation,
    ReconciliationDocument,
)
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


def _expected_text(start: int, end: int) -> str:
    widened = _widen(start, end)
    return pseudonymise(TEXT[widened[0] : widened[1]], LIST).text


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(chosen=spans, open_=st.booleans())
def test_candidates_and_stored_disagreements_move_with_their_words(project, chosen, open_):
    """Reconciliation candidates (open or closed) and a run's stored disagreements point at
    the old text: after pseudonymisation each covers the same words, replaced."""
    coder = UserFactory()
    document = DocumentFactory(project=project, text=TEXT, title="Kari Nordmann i Nordhavn")
    Pseudonym.objects.filter(project=project).delete()
    for r in LIST:
        Pseudonym.objects.create(project=project, original=r.original, replacement=r.replacement)
    excerpts = [
        Excerpt.objects.create(
            document=document, coder=coder, start=start, end=end, text=TEXT[start:end]
        )
        for start, end in chosen
    ]
    reconciliation = Reconciliation.objects.create(project=project, opened_by=coder)
    item = ReconciliationDocument.objects.create(
        reconciliation=reconciliation, document=document, active=open_
    )
    candidates = [
        Candidate.objects.create(
            item=item,
            position=n,
            kind="only_some",
            start=start,
            end=end,
            sources=[
                {
                    "excerpt": str(e.code),
                    "version": e.version,
                    "coder": coder.pk,
                    "start": start,
                    "end": end,
                    "text": TEXT[start:end],
                    "codes": [],
                }
            ],
        )
        for n, (e, (start, end)) in enumerate(zip(excerpts, chosen, strict=True))
    ]
    run = AgreementRun.objects.create(
        project=project,
        unit="segment",
        params={"spec": {"documents": [document.pk]}},
        disagreement_excerpts={
            str(e.pk): [str(e.code), start, end, []]
            for e, (start, end) in zip(excerpts, chosen, strict=True)
        },
    )
    stored = AgreementCodeResult.objects.create(
        run=run,
        code_name="x",
        disagreements={
            "items": [
                [document.pk, start, end, 1, [1, 0], [[e.pk], []]]
                for e, (start, end) in zip(excerpts, chosen, strict=True)
            ],
            "documents": {str(document.pk): [str(document.code), document.title]},
        },
    )
    document_pseudonymise(document_id=document.pk, user=coder)
    document.refresh_from_db()
    new = document.text
    for candidate, excerpt, (start, end) in zip(candidates, excerpts, chosen, strict=True):
        candidate.refresh_from_db()
        excerpt.refresh_from_db()
        assert new[candidate.start : candidate.end] == _expected_text(start, end)
        (source,) = candidate.sources
        assert new[source["start"] : source["end"]] == source["text"] == excerpt.text
        assert source["version"] == excerpt.version  # found again when the document reopens
    stored.refresh_from_db()
    run.refresh_from_db()
    assert "Kari" not in str(stored.disagreements) and "Nordhavn" not in str(stored.disagreements)
    for item, (start, end) in zip(stored.disagreements["items"], chosen, strict=True):
        assert new[item[1] : item[2]] == _expected_text(start, end)
        (excerpt_id,) = item[5][0]
        _uuid, e_start, e_end, _codes = run.disagreement_excerpts[str(excerpt_id)]
        assert new[e_start:e_end] == _expected_text(start, end)
