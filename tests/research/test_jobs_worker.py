"""A job through a real Celery worker over Redis (run by .ci/run, which starts the worker)."""

import time

import pytest
from django.conf import settings

from config.celery import app as celery_app
from research import jobs
from research.models import Job, JobStatus
from study.jobs import PROJECT_EXPORT, export_file_path

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def real_worker():
    if not settings.REDIS_URL:
        pytest.fail("worker tests need REDIS_URL and a running worker (see .ci/run)")
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = True


def wait_for(job: Job, timeout: float = 60) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            return job
        time.sleep(0.2)
    pytest.fail(f"job {job.kind} still {job.status} after {timeout}s: is the worker running?")


def test_export_job_runs_in_a_real_worker(real_worker, project, owner):
    job = jobs.job_enqueue(kind=PROJECT_EXPORT, project=project, requested_by=owner)
    job = wait_for(job)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.progress == 100
    assert export_file_path(project=project, job=job.code) is not None


def test_redelivery_does_not_run_a_finished_job_again(real_worker, project, owner):
    job = wait_for(jobs.job_enqueue(kind=PROJECT_EXPORT, project=project, requested_by=owner))
    finished = job.finished_at
    from research.tasks import job_run_task

    job_run_task.delay(job.pk)
    time.sleep(2)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.finished_at == finished
