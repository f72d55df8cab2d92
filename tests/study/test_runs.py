"""The list of agreement runs and the form that starts one, including the documents of some
cases (resolved here, outside coding)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.models import Case
from coding.models import AgreementRun
from tests.coding.runs.factories import build_world, sentences
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

FORM = {
    "unit": "document",
    "segment": "sentence",
    "threshold": 50,
    "overlap": 90,
    "documents_mode": "all",
    "codes_mode": "all",
    "coefficients": ["percent", "kappa", "alpha"],
}


@pytest.fixture
def world(project, coder, coder2):
    return build_world(project, [coder, coder2])


def _url(name, project):
    return reverse(f"study:{name}", kwargs={"project": project.code})


def _start(client, project, **data):
    return client.post(_url("agreement-new", project), {**FORM, **data})


def test_start_a_run_from_the_form(
    world, project, lead, coder, coder2, django_capture_on_commit_callbacks
):
    data = {"coders": [coder.pk, coder2.pk], "codes_mode": "level", "level": 1}
    with django_capture_on_commit_callbacks(execute=True):
        response = _start(client_for(lead), project, **data)
    run = AgreementRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "coding:agreement-run", kwargs={"project": project.code, "run": run.code}
    )
    run.refresh_from_db()
    assert run.is_finished and run.params["choices"]["level"] == 1
    assert set(run.code_results.first().values) == {"percent", "cohen", "alpha"}


def test_a_run_on_the_documents_of_some_cases(
    world, project, lead, coder, coder2, django_capture_on_commit_callbacks
):
    first, second, third = world["docs"]
    alpha = Case.objects.create(project=project, name="Alpha kommune")
    beta = Case.objects.create(project=project, name="Beta kommune")
    alpha.documents.set([first, second])
    beta.documents.set([second, third])
    world["code"](coder, third, sentences()[0], [world["industry"]])
    data = {"coders": [coder.pk, coder2.pk], "documents_mode": "case", "cases": [alpha.pk]}
    with django_capture_on_commit_callbacks(execute=True):
        assert _start(client_for(lead), project, **data).status_code == 302
    run = AgreementRun.objects.get()
    assert sorted(run.params["spec"]["documents"]) == [first.pk, second.pk]
    assert run.params["choices"]["cases"] == [str(alpha.pk)]


def test_the_case_choice_needs_a_case(world, project, lead, coder, coder2):
    data = {"coders": [coder.pk, coder2.pk], "documents_mode": "case"}
    response = _start(client_for(lead), project, **data)
    assert response.status_code == 400
    assert "Pick at least one case" in response.content.decode()
    assert not AgreementRun.objects.exists()


def test_another_projects_case_cannot_be_chosen(world, project, lead, coder, coder2):
    from tests.factories import ProjectFactory

    elsewhere = Case.objects.create(project=ProjectFactory(), name="Elsewhere")
    data = {"coders": [coder.pk, coder2.pk], "documents_mode": "case", "cases": [elsewhere.pk]}
    assert _start(client_for(lead), project, **data).status_code == 400
    assert not AgreementRun.objects.exists()


def test_bad_input_is_refused_with_a_message(world, project, lead, coder):
    data = {"coders": [coder.pk], "documents_mode": "picked", "coefficients": ["alpha"]}
    response = _start(client_for(lead), project, **data)
    assert response.status_code == 400
    assert "at least two coders" in response.content.decode()
    assert "Pick at least one document" in response.content.decode()
    assert not AgreementRun.objects.exists()


@pytest.mark.parametrize("role", ["coder", "viewer"])
def test_only_leads_and_owners_start_runs(world, project, cast, role):
    assert client_for(cast[role]).post(_url("agreement-new", project), {}).status_code == 403


def test_outsider_gets_404(project, outsider):
    for name in ("agreement-list", "agreement-new"):
        assert client_for(outsider).get(_url(name, project)).status_code == 404


def test_wrong_method(project, lead):
    assert client_for(lead).put(_url("agreement-new", project)).status_code == 405
    assert client_for(lead).post(_url("agreement-list", project)).status_code == 405


def test_list_page_shows_runs_and_the_form_to_leads(
    world, project, lead, viewer, coder, coder2, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _start(client_for(lead), project, coders=[coder.pk, coder2.pk], name="Round 1")
    html = client_for(lead).get(_url("agreement-list", project)).content.decode()
    assert "Round 1" in html and "Start run" in html and "Documents of some cases" in html
    assert (
        "Start run" not in client_for(viewer).get(_url("agreement-list", project)).content.decode()
    )


def test_a_coder_of_a_blind_project_sees_runs_but_no_results_link(
    world, project, lead, coder, coder2, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _start(client_for(lead), project, coders=[coder.pk, coder2.pk], name="Round 1")
    html = client_for(coder).get(_url("agreement-list", project)).content.decode()
    assert "Round 1" in html and "coders see agreement results once a lead unblinds" in html
    assert "Compare two runs" not in html
