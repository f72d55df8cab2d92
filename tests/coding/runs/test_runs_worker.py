"""An agreement run through a real Celery worker over Redis (run by .ci/run).

The job handler sends stretches of documents to other tasks, which store each document's part
in the database; the handler pools the parts and the job ends like any other.
"""

import time

import pytest
from django.conf import settings

from coding.models import AgreementRun
from coding.runs import services
from config.celery import app as celery_app
from research.models import JobStatus
from tests.coding.runs.factories import build_world, sentences

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def real_worker():
    if not settings.REDIS_URL:
        pytest.fail("worker tests need REDIS_URL and a running worker (see .ci/run)")
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = True


def test_stretches_of_documents_run_in_a_real_worker(real_worker, project, lead, coder, coder2):
    world = build_world(project, [coder, coder2])
    s = sentences()
    d = world["docs"]
    world["code"](coder, d[0], s[0], [world["industry"]])
    world["code"](coder2, d[0], s[0], [world["industry"]])
    world["code"](coder, d[1], s[0], [world["industry"]])
    run = services.agreement_run_start(
        project=project, requested_by=lead, coders=[coder, coder2], unit="document"
    )  # transaction=True: on_commit fires at once, the worker gets the job
    deadline = time.monotonic() + 60
    job = run.job
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            break
        time.sleep(0.2)
    assert job.status == JobStatus.SUCCEEDED, job.error or job.status
    assert job.progress == 100
    run = AgreementRun.objects.get(pk=run.pk)
    assert run.is_finished
    assert run.code_results.get(code_name="Industry").values["alpha"] == pytest.approx(4 / 9)
