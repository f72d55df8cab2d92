"""A small, hand-built agreement scenario: two coders, three documents, a two-level codebook."""

from __future__ import annotations

from coding.models import Assignment
from tests.factories import CodeFactory, DocumentFactory, ExcerptFactory

TEXT = (
    "Kommunen skal samarbeide med næringslivet. Vi vil bruke sensorer i vann og avløp.\n\n"
    "Åpne data skal gjøres tilgjengelig for innbyggerne. Dette krever kompetanse."
)


def sentences(text: str = TEXT) -> list[tuple[int, int]]:
    from coding.agreement.natural_units import split_sentences

    return split_sentences(text)


def build_world(project, coders, *, documents: int = 3, assign=None):
    """Codes: Collaboration (a1 Industry, a2 University) and Technology (b1 Sensors).

    Returns a dict with the codes, the documents and a helper `code(coder, doc, span, codes)`.
    ``assign`` maps document index → coders assigned (default: every coder, every document).
    """
    collab = CodeFactory(project=project, name="Collaboration")
    industry = CodeFactory(project=project, name="Industry", parent=collab)
    university = CodeFactory(project=project, name="University", parent=collab)
    tech = CodeFactory(project=project, name="Technology")
    sensors = CodeFactory(project=project, name="Sensors", parent=tech)
    docs = [
        DocumentFactory(project=project, title=f"Strategi {i + 1}", text=TEXT)
        for i in range(documents)
    ]
    for i, doc in enumerate(docs):
        for coder in (assign or {}).get(i, coders):
            Assignment.objects.create(document=doc, coder=coder)

    def code(coder, doc, span, codes):
        start, end = span
        return ExcerptFactory(document=doc, coder=coder, start=start, end=end, codes=codes)

    return {
        "collab": collab,
        "industry": industry,
        "university": university,
        "tech": tech,
        "sensors": sensors,
        "docs": docs,
        "code": code,
    }
