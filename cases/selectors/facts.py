"""The project's codings, case links and classification rules as plain data, in a fixed
number of flat queries: what the matrix and the classifications are computed from."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from django.db import connection
from django.db.models import Prefetch, QuerySet, Value
from django.db.models.functions import Coalesce

from cases import matrix as engine
from cases.classify import ClassSpec
from cases.models import Case, ClassificationClass
from coding.models import Assignment, Code, Coding


def class_specs(rule_ids: set[int]) -> dict[int, tuple[ClassSpec, ...]]:
    """rule id -> its ordered classes (1 query for classes + 3 for their codes)."""
    if not rule_ids:
        return {}
    classes = ClassificationClass.objects.filter(rule_id__in=rule_ids).prefetch_related(
        Prefetch("all_of", queryset=Code.objects.only("pk")),
        Prefetch("any_of", queryset=Code.objects.only("pk")),
        Prefetch("none_of", queryset=Code.objects.only("pk")),
    )
    specs: dict[int, list[ClassSpec]] = defaultdict(list)
    for item in classes:
        specs[item.rule_id].append(
            ClassSpec(
                item.name,
                frozenset(c.pk for c in item.all_of.all()),
                frozenset(c.pk for c in item.any_of.all()),
                frozenset(c.pk for c in item.none_of.all()),
            )
        )
    return {rule_id: tuple(items) for rule_id, items in specs.items()}


def coding_facts(*, project, coder_scope: int | None) -> list[engine.CodingFact]:
    """Every coding of the project as plain data (1 query)."""
    codings = Coding.objects.filter(excerpt__document__project=project)
    if coder_scope is not None:
        codings = codings.filter(excerpt__coder_id=coder_scope)
    values = codings.values_list(
        "excerpt_id",
        "excerpt__document_id",
        "excerpt__coder_id",
        "excerpt__start",
        "excerpt__end",
        "code_id",
        "code__path",
    )
    return list(map(engine.CodingFact._make, values))


def coding_table(*, project, coder_scope: int | None) -> engine.CodingTable:
    """Every coding of the project as columns of numbers, and the paths of the project's
    codes (2 queries). Paths come once per code: read with every coding, they were a string
    per row, and the largest part of reading 50,000 codings."""
    codings = Coding.objects.filter(excerpt__document__project=project)
    if coder_scope is not None:
        codings = codings.filter(excerpt__coder_id=coder_scope)
    fields = (
        "excerpt_id",
        "excerpt__document_id",
        "coder",
        "excerpt__start",
        "excerpt__end",
        "code_id",
    )
    rows = codings.annotate(
        coder=Coalesce("excerpt__coder_id", Value(engine.CONSENSUS_CODER))
    ).values_list(*fields)
    numbers = _integers(rows, fields) if connection.vendor == "postgresql" else list(rows)
    paths = dict(Code.objects.filter(project=project).values_list("pk", "path"))
    return engine.CodingTable.from_rows(numbers, paths)


def _integers(rows: QuerySet, fields: tuple[str, ...]) -> np.ndarray:
    """The rows of a values_list of integer columns (none of them NULL) as a 2-D array, read
    as one string that PostgreSQL joins ("1 7 -1 0 40 3 2 7 …", 1 query).

    50,000 codings fetched as rows were 50,000 tuples of six Python integers made by the
    driver and then copied into arrays: most of the matrix page's own time, and enough new
    objects to set the garbage collector going. PostgreSQL spends about as long writing the
    text (concat_ws: one call per row) as sending the rows; numpy reads it at once."""
    quote = connection.ops.quote_name
    sql, params = rows.query.sql_with_params()
    # values_list names each selected column by its field name.
    columns = ", ".join(quote(name) for name in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*), string_agg(concat_ws(' ', {columns}), ' ') FROM ({sql}) AS found",  # noqa: S608
            params,
        )
        count, text = cursor.fetchone()
    if not count:  # string_agg of no rows is NULL
        return np.empty((0, len(fields)), np.int64)
    numbers = np.fromstring(text, dtype=np.int64, sep=" ")
    # concat_ws leaves a NULL out: a row short of a number would shift every one after it.
    if len(numbers) != count * len(fields):
        raise ValueError(f"expected {count} rows of {len(fields)} integers, none NULL")
    return numbers.reshape(count, len(fields))


def document_coders(*, project, table: engine.CodingTable) -> dict[int, set[int]]:
    """Each document's coders: those assigned to it and those who coded in it (1 query)."""
    coders: dict[int, set[int]] = defaultdict(set)
    for document_id, coder_id in Assignment.objects.filter(document__project=project).values_list(
        "document_id", "coder_id"
    ):
        coders[document_id].add(coder_id)
    for document_id, coded in table.document_coders().items():
        coders[document_id] |= coded
    return coders


def case_links(*, project) -> tuple[dict[int, set[int]], dict[int, int]]:
    """case id -> document ids, and document id -> character count (1 query)."""
    documents: dict[int, set[int]] = defaultdict(set)
    chars: dict[int, int] = {}
    through = Case.documents.through.objects.filter(case__project=project)
    for case_id, document_id, char_count in through.values_list(
        "case_id", "document_id", "document__char_count"
    ):
        documents[case_id].add(document_id)
        chars[document_id] = char_count
    return documents, chars
