"""The job lifecycle (research/jobs.py): claim, run, finish, cancel, and the sweep that keeps
every committed job moving when the broker loses messages or a worker dies."""

import threading
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from research import jobs
from research.models import Job, JobStatus
from research.tasks import job_run_task
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

RAN: list[int] = []


@jobs.job_handler("test.ok", label="Counting sheep", retry_safe=True)
def _ok(job, report):
    report(50, "Halfway")
    RAN.append(job.pk)
    return {"sheep": 3}


@jobs.job_handler("test.once")
def _once(job, report):  # not declared safe to repeat
    return {}


@jobs.job_handler("test.fails")
def _failing(job, report):
    report(10, "Reading")
    raise jobs.JobError("The file is encrypted; remove the password and upload it again.")


@jobs.job_handler("test.crashes")
def _crashing(job, report):
    raise RuntimeError("boom")


@jobs.job_handler("test.slow")
def _slow(job, report):
    time.sleep(0.5)
    return {}


def _job(project, kind="test.ok", **fields):
    return Job.objects.create(project=project, kind=kind, **fields)


def _ago(seconds):
    return timezone.now() - timedelta(seconds=seconds)


@pytest.fixture
def broker_down():
    """Every attempt to send a task fails as it does when Redis is unreachable."""
    with mock.patch.object(
        job_run_task, "apply_async", side_effect=OperationalError("Connection refused")
    ) as send:
        yield send


@pytest.fixture
def broker_silent():
    """The broker takes messages but no worker runs them (so the test sees the row queued)."""
    with mock.patch.object(job_run_task, "apply_async") as send:
        yield send


def test_a_job_is_dispatched_on_commit_and_runs(project, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = jobs.job_enqueue(kind="test.ok", project=project, requested_by=owner)
        assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED
    assert len(callbacks) == 1
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert (job.progress, job.result, job.attempts) == (100, {"sheep": 3}, 1)
    assert job.heartbeat_at is not None and job.finished_at is not None


def test_an_unknown_kind_is_refused_at_enqueue(project, owner):
    with pytest.raises(ValueError, match="No job handler"):
        jobs.job_enqueue(kind="test.nothing", project=project, requested_by=owner)


def test_a_job_runs_only_once_even_if_delivered_twice(project):
    job = _job(project)
    RAN.clear()
    jobs.job_run(job.pk)
    finished = Job.objects.get(pk=job.pk).finished_at
    jobs.job_run(job.pk)  # a redelivered message
    assert [job.pk] == RAN
    assert Job.objects.get(pk=job.pk).finished_at == finished


def test_a_job_error_is_recorded_for_the_researcher(project):
    job = _job(project, "test.fails")
    jobs.job_run(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error.startswith("The file is encrypted")
    assert job.finished_at is not None


def test_a_crash_never_leaves_the_job_running(project):
    job = _job(project, "test.crashes")
    jobs.job_run(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "Unexpected error: boom" in job.error


def test_cancelled_job_is_not_run_and_a_running_one_stops_at_its_next_report(project):
    job = _job(project)
    assert jobs.job_cancel(job=job)
    jobs.job_run(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    assert not jobs.job_cancel(job=job)
    with pytest.raises(jobs.JobCancelled):
        jobs.job_progress(job=job, percent=10)
    with pytest.raises(jobs.JobCancelled):
        jobs.job_check_cancelled(job=job)
    assert not jobs.job_finish(job=job, result={"late": True})
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and job.result == {}


def test_finish_and_fail_touch_only_a_running_job(project):
    running = _job(project, status=JobStatus.RUNNING, started_at=timezone.now())
    assert jobs.job_fail(job=running, error="The input is empty.")
    assert not jobs.job_finish(job=running, result={})  # a second ending changes nothing
    running.refresh_from_db()
    assert (running.status, running.error) == (JobStatus.FAILED, "The input is empty.")


def test_a_redelivered_message_of_an_inline_run_is_skipped(project):
    job = _job(project)
    jobs.job_run_inline(job)
    assert job.status == JobStatus.SUCCEEDED and not jobs.job_runs_inline()


# --- the broker as a doorbell -----------------------------------------------------------------


def test_a_broker_that_is_down_leaves_the_job_queued_and_the_sweep_sends_it_later(
    project, owner, broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.job_enqueue(kind="test.ok", project=project, requested_by=owner)
    job.refresh_from_db()
    assert broker_down.called
    assert (job.status, job.dispatched_at) == (JobStatus.QUEUED, None)
    assert jobs.jobs_sweep()["resent"] == 0  # too young: its first ring may still arrive
    Job.objects.filter(pk=job.pk).update(created_at=_ago(120))
    assert jobs.jobs_sweep()["resent"] == 0  # still down: nothing sent, nothing raised
    broker_down.side_effect = None
    broker_down.reset_mock()
    assert jobs.jobs_sweep()["resent"] == 1
    broker_down.assert_called_once()
    assert broker_down.call_args.args == ((job.pk,),)
    assert broker_down.call_args.kwargs["retry"] is False


@pytest.mark.parametrize(
    ("created", "dispatched", "resent"),
    [
        (100, 50, True),  # sent once 50 s after it was queued: due after 45 s
        (400, 100, False),  # it had waited 300 s when last sent: next send after 300 s
        (700, 350, True),
        (5000, 500, False),  # the wait is capped at 600 s ...
        (5000, 650, True),  # ... so a lost message is never more than that from a new send
    ],
)
def test_the_sweep_resends_a_long_waiting_job_at_doubling_intervals(
    project, created, dispatched, resent
):
    _job(project, created_at=_ago(created), dispatched_at=_ago(dispatched), kind="test.ok")
    assert jobs.jobs_sweep()["resent"] == int(resent)


def test_the_sweep_resends_queued_jobs_nobody_picked_up_and_runs_them_once(project):
    lost = _job(project, created_at=_ago(300), dispatched_at=_ago(200))
    fresh = _job(project, created_at=_ago(300), dispatched_at=_ago(5))
    RAN.clear()
    counts = jobs.jobs_sweep()  # eager: sending runs the job here
    assert counts["resent"] == 1
    assert [lost.pk] == RAN
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert lost.status == JobStatus.SUCCEEDED
    assert fresh.status == JobStatus.QUEUED
    jobs.job_run(lost.pk)  # the original message turns up after all: nothing runs twice
    assert [lost.pk] == RAN


def test_broker_available_in_eager_mode():
    assert jobs.jobs_broker_available()


# --- workers that die -------------------------------------------------------------------------


def test_a_running_job_whose_heartbeat_stopped_is_queued_again_and_sent(project, broker_silent):
    dead = _job(
        project, status=JobStatus.RUNNING, started_at=_ago(100), heartbeat_at=_ago(90), attempts=1
    )
    alive = _job(
        project, status=JobStatus.RUNNING, started_at=_ago(100), heartbeat_at=_ago(5), attempts=1
    )
    assert jobs.jobs_sweep()["retried"] == 1
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == JobStatus.QUEUED
    assert "worker stopped after 10 seconds" in dead.message
    broker_silent.assert_called_once()
    assert broker_silent.call_args.args == ((dead.pk,),)
    assert broker_silent.call_args.kwargs["retry"] is False
    assert alive.status == JobStatus.RUNNING
    jobs.job_run(dead.pk)  # the re-sent message
    dead.refresh_from_db()
    assert (dead.status, dead.attempts) == (JobStatus.SUCCEEDED, 2)


def test_a_dead_job_not_safe_to_repeat_fails_with_what_happened(project, broker_silent):
    job = _job(
        project,
        "test.once",
        status=JobStatus.RUNNING,
        started_at=_ago(100),
        heartbeat_at=_ago(88),
        attempts=1,
    )
    assert jobs.jobs_sweep()["failed"] == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "the worker running this job stopped after 12 seconds" in job.error
    assert "not repeated by itself" in job.error
    assert not broker_silent.called


def test_retries_are_bounded(project, settings, broker_silent):
    settings.JOB_MAX_ATTEMPTS = 3
    job = _job(
        project, status=JobStatus.RUNNING, started_at=_ago(100), heartbeat_at=_ago(70), attempts=3
    )
    assert jobs.jobs_sweep() == {"resent": 0, "retried": 0, "failed": 1}
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "on each of 3 attempts" in job.error


def test_a_redelivered_message_takes_over_a_job_whose_worker_died(project):
    """Only the pool child died: its message comes back, and must not find the job "already
    claimed" and skip it forever."""
    job = _job(
        project, status=JobStatus.RUNNING, started_at=_ago(100), heartbeat_at=_ago(80), attempts=1
    )
    RAN.clear()
    jobs.job_run(job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempts, RAN) == (JobStatus.SUCCEEDED, 2, [job.pk])


def test_a_redelivered_message_leaves_a_live_job_alone(project):
    job = _job(
        project, status=JobStatus.RUNNING, started_at=_ago(100), heartbeat_at=_ago(3), attempts=1
    )
    RAN.clear()
    jobs.job_run(job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempts, RAN) == (JobStatus.RUNNING, 1, [])


def test_the_sweep_fails_jobs_past_their_time_limit(project, settings):
    settings.JOB_TIME_LIMIT_SECONDS = 600
    stuck = _job(project, status=JobStatus.RUNNING, started_at=_ago(11 * 60), heartbeat_at=_ago(1))
    fresh = _job(project, status=JobStatus.RUNNING, started_at=timezone.now())
    assert jobs.jobs_sweep()["failed"] == 1
    stuck.refresh_from_db()
    fresh.refresh_from_db()
    assert stuck.status == JobStatus.FAILED
    assert "10-minute limit" in stuck.error
    assert fresh.status == JobStatus.RUNNING


@pytest.mark.django_db(transaction=True)
def test_a_running_job_beats_while_its_handler_works(project, settings):
    settings.JOB_HEARTBEAT_SECONDS = 0.05
    job = _job(project, "test.slow")
    seen = []

    def watch():
        while not seen or seen[-1] != JobStatus.SUCCEEDED:
            row = Job.objects.filter(pk=job.pk).values("status", "heartbeat_at").get()
            seen.append(row["status"])
            if row["status"] == JobStatus.RUNNING:
                beats.add(row["heartbeat_at"])
            time.sleep(0.02)
        connection.close()

    beats: set = set()
    watcher = threading.Thread(target=watch)
    watcher.start()
    jobs.job_run(job.pk, heartbeat=True)
    watcher.join(5)
    assert len(beats) >= 3  # the claim's beat and the ticker's


# --- registration -----------------------------------------------------------------------------


def test_handlers_are_found_in_every_apps_jobs_modules():
    found = jobs.jobs_autodiscover()
    assert {"coding.documents.jobs", "coding.runs.jobs"} <= set(found)
    assert {"documents.ingest", "agreement.run"} <= set(jobs._HANDLERS)
    assert jobs._HANDLERS["agreement.run"].retry_safe
    assert jobs._HANDLERS["documents.ingest"].retry_safe


def test_two_handlers_for_one_kind_are_refused():
    with pytest.raises(ValueError, match="Two job handlers"):
        jobs.job_handler("test.ok")(lambda job, report: {})


# --- pages ------------------------------------------------------------------------------------


def test_job_page_polls_while_running_and_fragment_is_partial(cast, project):

    job = _job(project, status=JobStatus.RUNNING)
    url = reverse("research:job-detail", args=[project.code, job.code])
    page = client_for(cast["viewer"]).get(url).content.decode()
    assert 'hx-trigger="every 2s"' in page
    fragment = client_for(cast["viewer"]).get(url, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.strip().startswith('<div id="job-status"')
    assert "<html" not in fragment


def test_job_of_another_project_is_404(cast, project):
    from research.models import Project

    other = Project.objects.create(title="Other")
    job = _job(other)
    url = reverse("research:job-detail", args=[project.code, job.code])
    assert client_for(cast["owner"]).get(url).status_code == 404


def test_job_pages_show_the_job_by_its_label_not_its_key(cast, project):

    job = _job(project)
    page = client_for(cast["viewer"]).get(
        reverse("research:job-detail", args=[project.code, job.code])
    )
    assert "Counting sheep" in page.content.decode()
    assert "test.ok" not in page.content.decode()
