"""Jobs survive what happens to workers and to the broker (run by .ci/run, marker `worker`).

Each test starts its own Redis (port 6390, no persistence) and its own Celery worker with the
sweep (beat), on that Redis, so the CI worker never takes these tasks. The worker runs
tests/research/worker_app.py, which can hold a job mid-way until the test is ready.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from kombu import pools as kombu_pools

from coding.documents import services as document_services
from coding.models import AgreementRun, Document, DocumentKind, DocumentStatus
from coding.runs import services as run_services
from config.celery import app as celery_app
from research.models import Job, JobStatus
from tests import samples
from tests.coding.runs.factories import build_world, sentences

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

PORT = 6390
BROKER = f"redis://127.0.0.1:{PORT}/0"
#: Short intervals so that a dead worker is noticed in seconds, not minutes.
FAST = {
    "CONCORD_JOB_SWEEP_SECONDS": "1",
    "CONCORD_JOB_HEARTBEAT_SECONDS": "0.5",
    "CONCORD_JOB_HEARTBEAT_STALE_SECONDS": "4",
    "CONCORD_JOB_RESEND_AFTER_SECONDS": "3",
    "CONCORD_JOB_RESEND_MAX_SECONDS": "6",
}


def _redis(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["redis-cli", "-p", str(PORT), *args], capture_output=True, text=True, check=False
    )


def redis_start() -> None:
    subprocess.run(
        [
            "redis-server",
            "--port",
            str(PORT),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "yes",
        ],
        check=True,
        capture_output=True,
    )
    for _ in range(50):
        if _redis("ping").stdout.strip() == "PONG":
            return
        time.sleep(0.1)
    pytest.fail(f"redis-server on port {PORT} did not start")


def redis_stop() -> None:
    _redis("shutdown", "nosave")
    for _ in range(50):
        if _redis("ping").returncode != 0:
            return
        time.sleep(0.1)


def _use_broker(url: str) -> None:
    """Point this process's Celery app at another broker. Its connection pool is cached, and
    so are kombu's producer pools, globally, per connection: reset both, or a later test that
    goes back to the first broker is handed a producer pool whose connections were closed."""
    celery_app.conf.broker_url = url
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    kombu_pools.reset()


class Worker:
    """A Celery worker with beat in its own process group, so that it dies whole."""

    def __init__(self, tmp: Path, hold: Path, name: str) -> None:
        db = connection.settings_dict
        env = {
            **os.environ,
            **FAST,
            "DJANGO_SETTINGS_MODULE": "config.test_settings",
            "DATABASE_URL": (
                f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
                f"{db['PORT'] or 5432}/{db['NAME']}"
            ),
            "DJANGO_CONN_MAX_AGE": "0",
            "CONCORD_CELERY_EAGER": "0",  # the sweep must send re-sent jobs through Redis
            "REDIS_URL": BROKER,
            "CONCORD_TEST_HOLD": str(hold),
            "DJANGO_MEDIA_ROOT": str(django_settings.MEDIA_ROOT),  # the files the test stored
        }
        self.log = tmp / f"{name}.log"
        self._out = self.log.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "tests.research.worker_app",
                "worker",
                "--beat",
                "-s",
                str(tmp / f"{name}-beat"),
                "--concurrency=1",
                "--loglevel=info",
                "-n",
                f"{name}@%h",
            ],
            env=env,
            stdout=self._out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.started = time.monotonic()

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self._out.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()
        self._out.close()

    def tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-60:])


@pytest.fixture
def private(transactional_db, tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.fail("the worker tests need PostgreSQL (see .ci/run)")
    redis_start()
    _use_broker(BROKER)
    celery_app.conf.task_always_eager = False
    workers: list[Worker] = []
    hold = tmp_path / "hold"

    def start(name: str) -> Worker:
        workers.append(Worker(tmp_path, hold, name))
        return workers[-1]

    yield {"start": start, "hold": hold}
    for worker in workers:
        worker.stop()
    celery_app.conf.task_always_eager = True
    _use_broker(settings.CELERY_BROKER_URL)
    redis_stop()


def wait_until(predicate, timeout: float, what: str, worker: Worker | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    log = f"\n--- worker log\n{worker.tail()}" if worker else ""
    pytest.fail(f"{what} not within {timeout}s{log}")


def _status(job_id: int) -> str:
    return Job.objects.values_list("status", flat=True).get(pk=job_id)


def _upload(project, owner, name: str) -> Document:
    data = samples.norwegian_txt() + name.encode()
    return document_services.document_create(
        project=project,
        created_by=owner,
        name=name,
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        kind=DocumentKind.STRATEGY,
    )


def test_jobs_whose_worker_was_killed_mid_job_are_retried_to_success(
    private, project, owner, lead, coder, coder2
):
    world = build_world(project, [coder, coder2])
    s = sentences()
    world["code"](coder, world["docs"][0], s[0], [world["industry"]])
    world["code"](coder2, world["docs"][0], s[0], [world["industry"]])
    world["code"](coder, world["docs"][1], s[0], [world["industry"]])
    private["hold"].touch()
    first = private["start"]("killed")

    document = _upload(project, owner, "held.txt")
    ingest = document.job_id
    run = run_services.agreement_run_start(
        project=project, requested_by=lead, coders=[coder, coder2], unit="document"
    )
    wait_until(lambda: _status(ingest) == JobStatus.RUNNING, 60, "ingestion running", first)
    # The worker has one process: the ingestion waits in it; the run waits for its turn.
    first.kill()

    private["hold"].unlink()
    second = private["start"]("second")
    wait_until(lambda: _status(ingest) == JobStatus.SUCCEEDED, 30, "ingestion retried", second)
    assert Document.objects.get(pk=document.pk).status == DocumentStatus.READY
    assert Job.objects.get(pk=ingest).attempts == 2
    wait_until(lambda: _status(run.job_id) == JobStatus.SUCCEEDED, 30, "run done", second)
    second.stop()

    # Now the agreement run, killed once it stored a document's part.
    private["hold"].touch()
    third = private["start"]("third")
    run = run_services.agreement_run_start(
        project=project, requested_by=lead, coders=[coder, coder2], unit="document"
    )
    wait_until(lambda: run.parts.exists(), 60, "a part stored", third)
    assert _status(run.job_id) == JobStatus.RUNNING
    third.kill()
    stored = set(run.parts.values_list("document_id", flat=True))

    private["hold"].unlink()
    fourth = private["start"]("fourth")
    wait_until(lambda: _status(run.job_id) == JobStatus.SUCCEEDED, 30, "run retried", fourth)
    job = Job.objects.get(pk=run.job_id)
    assert job.attempts == 2 and stored
    run = AgreementRun.objects.get(pk=run.pk)
    assert run.is_finished
    assert run.code_results.get(code_name="Industry").values["alpha"] == pytest.approx(4 / 9)


def test_every_job_runs_though_redis_restarts_during_uploads(private, project, owner):
    private["hold"].touch()  # the worker will be busy with the first file
    worker = private["start"]("restart")
    busy = _upload(project, owner, "busy.txt")
    wait_until(lambda: _status(busy.job_id) == JobStatus.RUNNING, 60, "first job running", worker)
    waiting = _upload(project, owner, "waiting.txt")  # queued in Redis behind the first

    redis_stop()  # Redis restarts without persistence: the queued message is lost
    down = [_upload(project, owner, f"down-{i}.txt") for i in range(2)]  # no 500, rows kept
    assert {_status(d.job_id) for d in down} == {JobStatus.QUEUED}
    redis_start()
    private["hold"].unlink()

    documents = [busy, waiting, *down]
    wait_until(
        lambda: all(_status(d.job_id) == JobStatus.SUCCEEDED for d in documents),
        60,
        "every job done",
        worker,
    )
    statuses = set(
        Document.objects.filter(pk__in=[d.pk for d in documents]).values_list("status", flat=True)
    )
    assert statuses == {DocumentStatus.READY}
