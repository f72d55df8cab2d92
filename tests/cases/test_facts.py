"""The codings as the matrix reads them (cases.selectors.facts.coding_table): on PostgreSQL one
string of numbers, elsewhere rows; the same table either way."""

from django.db.models import Value
from django.db.models.functions import Coalesce

from cases import matrix as engine
from cases.selectors.facts import coding_table
from coding.models import Coding
from tests.factories import ExcerptFactory


def _rows(project, coder=None):
    codings = Coding.objects.filter(excerpt__document__project=project)
    if coder is not None:
        codings = codings.filter(excerpt__coder_id=coder.pk)
    found = codings.annotate(
        coder=Coalesce("excerpt__coder_id", Value(engine.CONSENSUS_CODER))
    ).values_list(
        "excerpt_id", "excerpt__document_id", "coder", "excerpt__start", "excerpt__end", "code_id"
    )
    return sorted(found)


def _table_rows(table):
    columns = [table.excerpt, table.document, table.coder, table.start, table.end, table.code]
    return sorted(zip(*(c.tolist() for c in columns), strict=True))


def test_every_coding_with_its_excerpt_and_code(study, project, coder):
    # A consensus excerpt (no coder) with two codes, beside the coders' excerpts.
    ExcerptFactory(document=study.joint, coder=None, start=3, end=30, codes=[study.industry])
    ExcerptFactory(
        document=study.plan, coder=None, start=1, end=4, codes=[study.actors, study.academia]
    )
    table = coding_table(project=project, coder_scope=None)
    assert _table_rows(table) == _rows(project) and len(table) == 6
    assert engine.CONSENSUS_CODER in table.coder.tolist()
    assert set(table.paths) >= set(table.code.tolist())
    own = coding_table(project=project, coder_scope=coder.pk)
    assert _table_rows(own) == _rows(project, coder) and len(own) == 2


def test_a_project_without_codings_has_an_empty_table(project):
    table = coding_table(project=project, coder_scope=None)
    assert len(table) == 0 and table.excerpt.dtype.kind == "i"
