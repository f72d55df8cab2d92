from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from research import jobs
from research.exports import PROJECT_EXPORT
from research.models import Job, JobStatus
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@jobs.job_handler("test.fails")
def _failing(job, report):
    report(10, "Reading")
    raise jobs.JobError("The file is encrypted; remove the password and upload it again.")


@jobs.job_handler("test.crashes")
def _crashing(job, report):
    raise RuntimeError("boom")


def test_export_job_is_dispatched_on_commit_and_runs(
    cast, project, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_for(cast["lead"]).post(
            reverse("research:project-export", args=[project.code])
        )
    assert len(callbacks) == 1
    job = Job.objects.get(kind=PROJECT_EXPORT)
    assert response["Location"] == reverse("research:job-detail", args=[project.code, job.code])
    assert job.status == JobStatus.SUCCEEDED
    assert job.progress == 100
    assert job.requested_by == cast["lead"]
    download = client_for(cast["lead"]).get(
        reverse("research:job-download", args=[project.code, job.code])
    )
    body = b"".join(download.streaming_content).decode()
    assert '"title": "Digital municipalities"' in body
    assert "coder@example.org" in body


def test_a_job_runs_only_once_even_if_delivered_twice(project):
    job = Job.objects.create(project=project, kind=PROJECT_EXPORT)
    jobs.job_run(job.pk)
    finished = Job.objects.get(pk=job.pk).finished_at
    jobs.job_run(job.pk)  # a redelivered message
    assert Job.objects.get(pk=job.pk).finished_at == finished


def test_a_job_error_is_recorded_for_the_researcher(project):
    job = Job.objects.create(project=project, kind="test.fails")
    jobs.job_run(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error.startswith("The file is encrypted")
    assert job.finished_at is not None


def test_a_crash_never_leaves_the_job_running(project):
    job = Job.objects.create(project=project, kind="test.crashes")
    jobs.job_run(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "Unexpected error: boom" in job.error


def test_cancelled_job_is_not_run(project):
    job = Job.objects.create(project=project, kind=PROJECT_EXPORT)
    assert jobs.job_cancel(job=job)
    jobs.job_run(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    assert not jobs.job_cancel(job=job)


def test_sweep_fails_jobs_stuck_running(project, settings):
    settings.JOB_TIME_LIMIT_SECONDS = 600
    stuck = Job.objects.create(
        project=project,
        kind=PROJECT_EXPORT,
        status=JobStatus.RUNNING,
        started_at=timezone.now() - timedelta(minutes=11),
    )
    fresh = Job.objects.create(
        project=project, kind=PROJECT_EXPORT, status=JobStatus.RUNNING, started_at=timezone.now()
    )
    assert jobs.jobs_sweep() == 1
    stuck.refresh_from_db()
    fresh.refresh_from_db()
    assert stuck.status == JobStatus.FAILED
    assert "10-minute limit" in stuck.error
    assert fresh.status == JobStatus.RUNNING


def test_job_page_polls_while_running_and_fragment_is_partial(cast, project):
    job = Job.objects.create(project=project, kind=PROJECT_EXPORT, status=JobStatus.RUNNING)
    url = reverse("research:job-detail", args=[project.code, job.code])
    page = client_for(cast["viewer"]).get(url).content.decode()
    assert 'hx-trigger="every 2s"' in page
    fragment = client_for(cast["viewer"]).get(url, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.strip().startswith('<div id="job-status"')
    assert "<html" not in fragment


def test_job_of_another_project_is_404(cast, project):
    from research.models import Project

    other = Project.objects.create(title="Other")
    job = Job.objects.create(project=other, kind=PROJECT_EXPORT)
    url = reverse("research:job-detail", args=[project.code, job.code])
    assert client_for(cast["owner"]).get(url).status_code == 404


def test_job_pages_show_the_job_by_its_label_not_its_key(cast, project):
    job = Job.objects.create(project=project, kind=PROJECT_EXPORT)
    page = client_for(cast["viewer"]).get(
        reverse("research:job-detail", args=[project.code, job.code])
    )
    assert "Project export" in page.content.decode()
    assert "project.export" not in page.content.decode()
