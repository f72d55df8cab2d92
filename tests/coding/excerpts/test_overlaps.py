"""The overlap condition with its index-friendly bound (coding/excerpts/overlaps.py) finds
exactly the excerpts that `start < high AND end > low` finds."""

import random

from django.db import connection

from coding.excerpts.overlaps import overlapping
from coding.models import Excerpt
from tests.factories import DocumentFactory, ExcerptFactory


def _found(document, spans) -> set[int]:
    condition, params = overlapping("e", document_id=document.pk, spans=spans)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT e.id FROM {Excerpt._meta.db_table} e "  # noqa: S608 (the model's name)
            f"WHERE e.document_id = %s AND {condition}",
            [document.pk, *params],
        )
        return {row[0] for row in cursor.fetchall()}


def test_the_bounded_condition_finds_exactly_the_overlapping_excerpts(project, coder):
    document = DocumentFactory(project=project, text="x" * 2500 + "\n\n" + "x" * 2498)
    # Another document's long excerpt bounds nothing here.
    other = DocumentFactory(project=project, text="y" * 2500 + "\n\n" + "y" * 2498)
    rng = random.Random(5)
    spans = [(s, s + rng.randint(1, 60)) for s in (rng.randrange(0, 4900) for _ in range(80))]
    spans += [(0, 5000), (2000, 2001), (4999, 5000)]  # one long, the shortest, the last
    excerpts = [ExcerptFactory(document=document, coder=coder, start=s, end=e) for s, e in spans]
    ExcerptFactory(document=other, coder=coder, start=0, end=5000)
    probes = [(s, e) for s, e in spans[:20]] + [(100, 101), (0, 1), (4999, 5000), (3000, 3400)]
    probes += [(e, e + 5) for _s, e in spans[20:30]]  # starting where an excerpt ends
    for low, high in probes:
        naive = {x.pk for x in excerpts if x.start < high and x.end > low}
        assert _found(document, [(low, high)]) == naive, (low, high)
    together = [(10, 40), (2500, 2600)]
    naive = {x.pk for x in excerpts if any(x.start < h and x.end > lo for lo, h in together)}
    assert _found(document, together) == naive
    Excerpt.objects.filter(document=document, start=0, end=5000).delete()  # bounds tighter now
    for low, high in probes:
        naive = {
            x.pk for x in excerpts if x.start < high and x.end > low and x.end - x.start < 5000
        }
        assert _found(document, [(low, high)]) == naive, (low, high)


def test_a_document_without_excerpts_has_none_overlapping(project):
    assert _found(DocumentFactory(project=project, text="z\n\nz" * 20), [(0, 100)]) == set()
