"""The Celery application. Tasks are thin: they take a Job row's id (see research/jobs.py)."""

import gc
import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("concord")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _freeze_what_was_loaded(**kwargs) -> None:
    """Everything a worker process has loaded when it starts (Django, Celery, the apps: some
    200,000 objects) lives as long as the process: out of the collector's way, so that a full
    collection walks only what tasks made since. Unfrozen, each full collection in an agreement
    run walked them all again: a quarter of the run's handler's time (config/wsgi.py does the
    same for web processes)."""
    gc.freeze()
