"""Migrations 0017 and 0020 (PostgreSQL): the results' JSON read only whole moves from jsonb to
json to text and back, values and lz4 compression kept; a run's pages show the same either
way."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from coding.models import AgreementCodeResult
from tests.coding.runs.conftest import row
from tests.coding.runs.factories import sentences
from tests.conftest import client_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="column types of PostgreSQL"),
]

COLUMNS = [
    ("coding_agreementcoderesult", "disagreements"),
    ("coding_agreementrun", "disagreement_excerpts"),
    ("coding_agreementrun", "excerpt_versions"),
]


def _migrate(target: str) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([("coding", target)])
    executor.loader.build_graph()


def _columns() -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT format_type(atttypid, atttypmod), attcompression FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attname = %s"
            " UNION ALL SELECT format_type(atttypid, atttypmod), attcompression FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attname = %s"
            " UNION ALL SELECT format_type(atttypid, atttypmod), attcompression FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attname = %s",
            [x for column in COLUMNS for x in column],
        )
        return set(cursor.fetchall())


def test_results_json_converts_both_ways(world, project, lead, coder, coder2, start_run):
    s = sentences()
    world["code"](coder, world["docs"][0], s[1], [world["industry"], world["sensors"]])
    world["code"](coder2, world["docs"][0], s[1], [world["sensors"]])
    run = start_run(unit="segment")
    url = reverse(
        "coding:agreement-code",
        kwargs={"project": project.code, "run": run.code, "code": world["industry"].code},
    )
    client = client_for(lead)
    shown = client.get(url).context["items"]
    columns = _columns()  # lz4 where the server has it
    assert shown and columns <= {("text", "l"), ("text", "")}
    stored = (row(run, "Industry").disagreements, run.disagreement_excerpts, run.excerpt_versions)
    try:
        _migrate("0017_run_results_json")  # 0020 undone: json again
        assert {kind for kind, _ in _columns()} == {"json"}
        assert client.get(url).context["items"] == shown
        _migrate("0016_document_text_digest")
        assert {kind for kind, _ in _columns()} == {"jsonb"}
        assert client.get(url).context["items"] == shown
        # A run stored before the compact form, while the columns were jsonb.
        AgreementCodeResult.objects.filter(run=run, code=world["sensors"]).update(
            disagreements=[{"document": "d", "title": "Strategi 1", "start": 0, "end": 3}]
        )
    finally:
        _migrate("0020_run_results_text")
    assert _columns() == columns
    run.refresh_from_db()
    assert (
        row(run, "Industry").disagreements,
        run.disagreement_excerpts,
        run.excerpt_versions,
    ) == (stored)
    assert client.get(url).context["items"] == shown
    assert row(run, "Sensors").disagreements[0]["title"] == "Strategi 1"
