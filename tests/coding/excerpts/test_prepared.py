"""The statements every coding write runs go through research.rows.cursor(), which on
PostgreSQL binds their parameters on the server and prepares them on the connection. Through
HTTP, as the coding view sends them: the answers are those of any other cursor, a rollback
(psycopg then forgets the connection's prepared statements) costs nothing but preparing them
again, Django's query log shows them with their values, and an address overlaying more coders
than PostgreSQL takes parameters still answers, as does any statement with that many."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coding.models import Assignment, Excerpt
from research import rows
from tests.coding.excerpts.conftest import TEXT, span
from tests.conftest import client_for
from tests.factories import ExcerptFactory

JSON = {"HTTP_ACCEPT": "application/json"}
FIRST = "Kommunen skal samarbeide med næringslivet"
SECOND = "Vi vil bruke sensorer i vann og avløp"


def postgres_only(test):
    # Each write its own transaction, as in a web process (rolled back when refused).
    test = pytest.mark.django_db(transaction=True)(test)
    return pytest.mark.skipif(connection.vendor != "postgresql", reason="prepares on PostgreSQL")(
        test
    )


def _post(client, project, document, query: str = "", **fields):
    url = reverse(
        "coding:excerpt-create", kwargs={"project": project.code, "document": document.code}
    )
    return client.post(url + query, fields, **JSON)


def _prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [statement for (statement,) in cursor.fetchall()]


@postgres_only
def test_a_write_prepares_its_statements(project, assigned, coder, codes):
    client = client_for(coder)
    response = _post(client, project, assigned, **span(TEXT, FIRST), codes=[codes["value"].code])
    assert response.status_code == 200 and response.json()["patch"]["chunks"]
    prepared = _prepared()
    for read in ('FROM "django_session" s', 'FROM "research_user" u', 'JOIN "research_project" p'):
        assert any(read in statement for statement in prepared), read
    assert any(statement.startswith("WITH new_excerpt AS") for statement in prepared)
    assert any("FOR SHARE" in statement for statement in prepared)


@postgres_only
def test_writes_after_a_rollback_prepare_again_and_answer_alike(project, assigned, coder, codes):
    client = client_for(coder)
    code = codes["value"].code
    first = _post(client, project, assigned, **span(TEXT, FIRST), codes=[code])
    assert first.status_code == 200
    # A near-duplicate: its savepoint is rolled back, and psycopg deallocates everything.
    again = _post(client, project, assigned, **span(TEXT, FIRST + " om"), codes=[code])
    assert again.status_code == 409 and again.json()["error"] == "duplicate"
    second = _post(client, project, assigned, **span(TEXT, SECOND), codes=[code])
    assert second.status_code == 200
    assert any(statement.startswith("WITH new_excerpt AS") for statement in _prepared())
    assert Excerpt.objects.count() == 2
    assert second.json()["patch"]["counts"] == first.json()["patch"]["counts"] | {
        str(codes["value"].pk): 2
    }


def test_the_query_log_shows_the_statements_with_their_values(project, assigned, coder, codes):
    client = client_for(coder)
    with CaptureQueriesContext(connection) as queries:
        response = _post(
            client, project, assigned, **span(TEXT, FIRST), codes=[codes["value"].code]
        )
    assert response.status_code == 200
    logged = [query["sql"] for query in queries]
    membership = [sql for sql in logged if " m.user_id = " in sql]
    assert len(membership) == 1 and str(coder.pk) in membership[0].split(" m.user_id = ")[1]
    assert "%s" not in membership[0]


def test_an_overlay_of_more_coders_than_postgresql_takes_parameters_answers(
    project, assigned, lead, coder2, codes
):
    # Each overlaid coder was a parameter of the patch's read; 70,000 of them pass the 65,535
    # that PostgreSQL takes under server-side binding.
    Assignment.objects.create(document=assigned, coder=lead)
    theirs = ExcerptFactory(document=assigned, coder=coder2, **span(TEXT, FIRST))
    many = ",".join(str(coder2.pk + n) for n in range(70_000))
    client = client_for(lead)
    fields = span(TEXT, FIRST) | {"codes": [codes["value"].code]}
    response = _post(client, project, assigned, f"?coders={many}", **fields)
    assert response.status_code == 200
    assert str(theirs.code) in str(response.json()["patch"])  # coder2's layer is shown


@pytest.mark.skipif(connection.vendor != "postgresql", reason="binds on PostgreSQL")
def test_a_statement_with_more_parameters_than_postgresql_binds_runs(db):
    values = list(range(70_000))
    rows_sql = ", ".join(["(%s)"] * len(values))
    with rows.cursor() as cursor:
        cursor.execute(f"SELECT count(*), sum(v) FROM (VALUES {rows_sql}) t(v)", values)  # noqa: S608
        assert cursor.fetchone() == (len(values), sum(values))
