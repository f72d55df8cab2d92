"""The Celery app of the workers that tests/research/test_jobs_recovery_worker.py starts itself.

It is the project's app, plus a hook to make a job last until the test is ready: while the file
named by ``CONCORD_TEST_HOLD`` exists, reading a document waits before it starts, and an
agreement run waits before each document once one of its parts is stored. The test kills the
worker while a job waits there (mid-job, deterministically), removes the file and starts a new
worker, which then runs at full speed.
"""

import os
import time
from functools import wraps
from pathlib import Path

import django

from config.celery import app

django.setup()

from coding.documents import services as document_services  # noqa: E402
from coding.models import AgreementRunPart  # noqa: E402
from coding.runs import services as run_services  # noqa: E402

HOLD = Path(os.environ["CONCORD_TEST_HOLD"])


def _hold() -> None:
    while HOLD.exists():
        time.sleep(0.1)


def _held_ingest(ingest):
    @wraps(ingest)
    def held(**kwargs):
        _hold()
        return ingest(**kwargs)

    return held


def _held_compute(compute):
    @wraps(compute)
    def held(*, run, **kwargs):
        if AgreementRunPart.objects.filter(run=run).exists():
            _hold()
        return compute(run=run, **kwargs)

    return held


# The job handlers call these through their modules, so the wrapped versions are the ones run.
document_services.document_ingest = _held_ingest(document_services.document_ingest)
run_services.run_compute_document = _held_compute(run_services.run_compute_document)

__all__ = ["app"]
