"""Retrieval and its exports filtered by a document set, counted by hand."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from coding.models import DocumentSet
from tests.conftest import client_for
from tests.factories import DocumentFactory, ExcerptFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sets(project, coder, coder2, codes):
    """Three documents; "Round 2" holds two of them. Excerpts: A 1 (coder), B 2 (coder,
    coder2), C 3 (coder2, coder2, coder)."""
    a, b, c = (DocumentFactory(project=project, title=t) for t in "ABC")
    for document, coders in ((a, [coder]), (b, [coder, coder2]), (c, [coder2, coder2, coder])):
        for i, who in enumerate(coders):
            ExcerptFactory(
                document=document, coder=who, start=i * 10, end=i * 10 + 5, codes=[codes["data"]]
            )
    round2 = DocumentSet.objects.create(project=project, name="Round 2 (pilot)")
    round2.documents.set([b, c])
    DocumentSet.objects.create(project=project, name="Empty")
    return {"round2": round2}


def _get(user, project, name="coding:retrieval", **query):
    return client_for(user).get(reverse(name, kwargs={"project": project.code}), query)


def test_a_set_limits_retrieval_to_its_documents(project, sets, lead, coder):
    set_code = str(sets["round2"].code)
    assert _get(lead, project).context["page"].paginator.count == 6
    page = _get(lead, project, document_set=set_code).context["page"]
    assert page.paginator.count == 5
    assert {e.document.title for e in page} == {"B", "C"}
    empty = DocumentSet.objects.get(name="Empty")
    assert _get(lead, project, document_set=str(empty.code)).context["page"].paginator.count == 0
    # The blind rule still holds: a coder sees their own excerpts of the set's documents.
    mine = _get(coder, project, document_set=set_code).context["page"]
    assert mine.paginator.count == 2 and {e.coder_id for e in mine} == {coder.pk}
    html = _get(lead, project, document_set=set_code).content.decode()
    assert f"document_set={set_code}" in html  # the export links keep the filter


def test_the_exports_hold_the_sets_excerpts_and_name_the_set(project, sets, lead):
    set_code = str(sets["round2"].code)
    response = _get(lead, project, "coding:retrieval-export", document_set=set_code, format="csv")
    assert 'filename="excerpts-round-2-pilot.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert len(rows) == 1 + 5 and {row[0] for row in rows[1:]} == {"B", "C"}
    xlsx = _get(lead, project, "coding:retrieval-export", document_set=set_code, format="xlsx")
    assert 'filename="excerpts-round-2-pilot.xlsx"' in xlsx["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    assert workbook.properties.description == "Document set: Round 2 (pilot)"
    assert workbook.active.max_row == 1 + 5
    plain = _get(lead, project, "coding:retrieval-export", format="csv")
    assert 'filename="excerpts.csv"' in plain["Content-Disposition"]
    assert len(plain.getvalue().decode("utf-8-sig").splitlines()) == 1 + 6


def test_a_set_of_another_project_or_unknown_is_refused(project, sets, lead):
    elsewhere = DocumentSet.objects.create(project=ProjectFactory(), name="Theirs")
    for code in (str(elsewhere.code), "7b1f4c1e-0000-4000-8000-000000000000", "nonsense"):
        response = _get(lead, project, document_set=code)
        assert response.status_code == 200 and response.context["page"] is None
        assert "document_set" in response.context["form"].errors
        export = _get(lead, project, "coding:retrieval-export", document_set=code, format="csv")
        assert export.status_code == 302
