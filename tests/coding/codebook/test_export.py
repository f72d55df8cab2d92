"""The codebook section of the project's JSON export: tree, versions, change log."""

import json

import pytest
from django.urls import reverse

from coding.codebook import selectors, services
from research.models import Job, JobStatus
from study.export import project_export_data
from study.jobs import PROJECT_EXPORT
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(project, lead, coder):
    actors = services.code_create(
        project=project, name="Actors", user=lead, definition="Who takes part."
    )
    academia = services.code_create(project=project, name="Academia", user=lead, parent=actors)
    services.code_create(project=project, name="Idea", user=coder, status="proposed")
    services.codebook_version_create(project=project, name="Round 1", user=lead)
    services.code_delete(code=academia, user=lead, confirm_codings=0)
    return {"actors": actors, "academia": academia}


def test_export_has_the_tree_versions_and_change_log(project, lead, coder, book):
    section = project_export_data(project=project)["codebook"]
    actors, idea = section["tree"]
    assert (actors["name"], actors["code"], actors["definition"]) == (
        "Actors",
        str(book["actors"].code),
        "Who takes part.",
    )
    assert actors["children"] == []  # Academia was deleted after the version was frozen
    assert (idea["name"], idea["status"]) == ("Idea", "proposed")
    (version,) = section["versions"]
    assert version["name"] == "Round 1" and version["created_by"] == lead.email
    assert version["snapshot"][0]["children"][0]["name"] == "Academia"
    actions = [(c["action"], c["code_name"], c["user"]) for c in section["changes"]]
    assert actions == [
        ("create", "Actors", lead.email),
        ("create", "Academia", lead.email),
        ("create", "Idea", coder.email),
        ("version", "", lead.email),
        ("delete", "Academia", lead.email),
    ]
    assert section["changes"][0]["code"] == str(book["actors"].code)
    assert section["changes"][-1]["code"] is None  # the code is gone; its name stays
    json.dumps(section)  # the export writes plain JSON


def test_export_of_an_empty_codebook(project):
    assert project_export_data(project=project)["codebook"] == {
        "tree": [],
        "versions": [],
        "changes": [],
    }


def test_export_reads_in_three_queries(project, book, django_assert_num_queries):
    with django_assert_num_queries(3):  # codes, versions (with author), changes (user, code)
        selectors.codebook_export_data(project=project)


def test_export_job_file_carries_the_codebook(
    project, lead, book, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(lead).post(reverse("study:project-export", args=[project.code]))
    job = Job.objects.get(kind=PROJECT_EXPORT)
    assert job.status == JobStatus.SUCCEEDED
    download = client_for(lead).get(
        reverse("study:project-export-download", args=[project.code, job.code])
    )
    data = json.loads(b"".join(download.streaming_content))
    assert [c["name"] for c in data["codebook"]["tree"]] == ["Actors", "Idea"]
