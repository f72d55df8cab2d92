"""The cross-case matrix counting only the documents of a document set (hand counts on the
`study` fixture: Alpha holds the plan and the joint strategy, Beta the joint one; e1 plan
Suppliers (below Industry), e2 joint Academia, e3 joint Industry)."""

import csv
import io

import pytest
from django.urls import reverse

from coding.models import DocumentSet
from tests.conftest import client_for, unmarked
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def url(name, project, **kwargs):
    return reverse(f"cases:{name}", kwargs={"project": project.code, **kwargs})


def _set(project, name, documents):
    document_set = DocumentSet.objects.create(project=project, name=name)
    document_set.documents.set(documents)
    return document_set


def _evidence(study, project, row, case, document_set):
    address = url(
        "cell-evidence",
        project,
        matrix=study.matrix.code,
        row=study.rows[row].code,
        column=case.code,
    )
    return address + f"?document_set={document_set.code}"


def test_a_set_limits_the_cells_and_their_evidence(study, project, lead):
    plan_only = _set(project, "Plans", [study.plan])
    client = client_for(lead)
    detail = client.get(
        url("matrix-detail", project, matrix=study.matrix.code), {"document_set": plan_only.code}
    )
    page = detail.content.decode()
    plans = '“<span translate="no">Plans</span>”'  # the set's name is the project's words
    assert f"Cells count only the codings of documents in the set {plans}" in page
    industry = study.rows["Industry"].code
    query = f"?document_set={plan_only.code}"
    cell = f'<a href="rows/{industry}/cells/{study.alpha.code}/{query}" translate="no">X</a>'
    assert cell in page
    # Beta holds only the joint strategy, which is not in the set: nothing counts.
    assert f'<a href="rows/{industry}/cells/{study.beta.code}/{query}" aria-label' in page
    assert f"?format=csv&amp;document_set={plan_only.code}" in page  # the exports keep it
    alpha = client.get(
        _evidence(study, project, "Industry", study.alpha, plan_only)
    ).content.decode()
    assert "1 excerpt behind this cell" in alpha and study.e1.text in alpha
    assert "Only documents in the set “Plans” count" in unmarked(alpha)
    joint_only = _set(project, "Joint", [study.joint])
    both = client.get(
        _evidence(study, project, "Industry", study.alpha, joint_only)
    ).content.decode()
    assert "1 excerpt behind this cell" in both
    academia = client.get(
        _evidence(study, project, "Academia", study.beta, joint_only)
    ).content.decode()
    assert "1 excerpt behind this cell" in academia and study.e2.text in academia
    # Without a set, Alpha's Industry cell has both e1 and e3.
    plain = client.get(
        url(
            "cell-evidence",
            project,
            matrix=study.matrix.code,
            row=industry,
            column=study.alpha.code,
        )
    )
    assert "2 excerpts behind this cell" in plain.content.decode()


def test_the_exports_count_the_set_and_say_so(study, project, lead):
    plan_only = _set(project, "Plans", [study.plan])
    client = client_for(lead)
    export = url("matrix-export", project, matrix=study.matrix.code)
    response = client.get(export, {"format": "csv", "document_set": plan_only.code})
    assert response["Content-Disposition"] == 'attachment; filename="table-3-plans.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[2][0] == "Industry" and rows[2][1] == "X" and rows[2][2] == ""
    markdown = client.get(export, {"format": "md", "document_set": plan_only.code}).content.decode()
    assert markdown.startswith("**Table 3 (document set: Plans)**")
    unfiltered = list(
        csv.reader(io.StringIO(client.get(export, {"format": "csv"}).content.decode("utf-8-sig")))
    )
    assert unfiltered[2][:3] == ["Industry", "X", "X"]


def test_an_unknown_or_foreign_set_is_not_found(study, project, lead, viewer):
    theirs = DocumentSet.objects.create(project=ProjectFactory(), name="Theirs")
    detail = url("matrix-detail", project, matrix=study.matrix.code)
    for code in (theirs.code, "7b1f4c1e-0000-4000-8000-000000000000", "nonsense"):
        assert client_for(lead).get(detail, {"document_set": code}).status_code == 404
    mine = _set(project, "Plans", [study.plan])
    assert client_for(viewer).get(detail, {"document_set": mine.code}).status_code == 200
    evidence = _evidence(study, project, "Industry", study.alpha, theirs)
    assert client_for(lead).get(evidence).status_code == 404


def test_a_set_costs_the_matrix_one_query(study, project, lead, django_assert_num_queries):
    from cases.selectors import matrices as matrix_selectors
    from research.models import Membership

    membership = Membership.objects.select_related("project", "user").get(
        project=project, user=lead
    )
    plan_only = _set(project, "Plans", [study.plan])
    # the 9 of every matrix (tests/cases/test_selectors.py), and the set's documents
    with django_assert_num_queries(10):
        view = matrix_selectors.matrix_compute(
            matrix=study.matrix, membership=membership, document_set=plan_only
        )
    assert view.cell(study.rows["Industry"], str(study.beta.code)).display == ""
