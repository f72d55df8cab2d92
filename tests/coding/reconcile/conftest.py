"""A blind project where `coder` and `coder2` coded one document independently, with one
place of each candidate kind, and a second document nobody reconciles."""

import pytest

from coding.excerpts import services as excerpts
from coding.models import Assignment, CandidateKind
from coding.reconcile import services
from tests.factories import CodeFactory, DocumentFactory

TEXT = (
    "Kommunen skal samarbeide med næringslivet om smarte løsninger.\n\n"
    "Vi vil bruke sensorer i vann og avløp 🚲 og åpne data for innbyggerne."
)


def at(needle: str) -> tuple[int, int]:
    start = TEXT.index(needle)
    return start, start + len(needle)


def code(document, coder, needle: str, *codes):
    start, end = at(needle)
    return excerpts.excerpt_create(
        document=document, coder=coder, start=start, end=end, text=needle, codes=codes
    )


@pytest.fixture
def codes(project):
    return {name: CodeFactory(project=project, name=name) for name in ("x", "y", "z")}


@pytest.fixture
def coded(project, coder, coder2, codes):
    """Two documents both coders coded; candidates on the first: agree, code differs, only
    some, spans differ (in text order)."""
    x, y = codes["x"], codes["y"]
    first = DocumentFactory(project=project, title="A strategy", text=TEXT)
    other = DocumentFactory(project=project, title="B strategy", text=TEXT)
    for document in (first, other):
        for user in (coder, coder2):
            Assignment.objects.create(document=document, coder=user)
    code(first, coder, "Kommunen", x)
    code(first, coder2, "Kommunen", x)
    code(first, coder, "samarbeide", x)
    code(first, coder2, "samarbeide", y)
    code(first, coder, "næringslivet", x)
    code(first, coder, "sensorer i vann", y)
    code(first, coder2, "vann og avløp 🚲 og åpne data", y)
    code(other, coder, "Kommunen", x)
    code(other, coder2, "smarte", y)
    return first, other


@pytest.fixture
def opened(project, lead, coder, coder2, coded):
    first, _other = coded
    return services.reconciliation_open(
        project=project, documents=[first], coders=[coder, coder2], user=lead
    )


KINDS = [
    CandidateKind.AGREE,
    CandidateKind.CODE_DIFFERS,
    CandidateKind.ONLY_SOME,
    CandidateKind.SPAN_DIFFERS,
]
