"""Settings for benchmark runs: the real settings, production-like where it changes timings.

The harness sets DATABASE_URL (its own database), DJANGO_MEDIA_ROOT (a throw-away folder) and
REDIS_URL (when Redis is available) before Django starts; the Celery worker and the gunicorn
server it starts get the same environment, so all three see one database and one media folder.
"""

import os

from config.settings import *  # noqa: F403

# DEBUG off: template debugging and query logging would inflate every server-side figure.
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
# Static files as deployed: the harness collects them into its work folder first
# (bench/__main__.py), so pages name them by their hashed names, and whitenoise serves them
# compressed and kept a year, as in the Dockerfile's image. Served straight from static/
# instead, the coding view's preloads matched its modules' imports in the harness but not in a
# deployment, and a fresh visit there fetched its modules twice (issue 21, round ten).
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
}
# Building thousands of synthetic users must not cost seconds of password hashing each.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Our own queue, so a developer's `make worker` never picks up (or steals) benchmark jobs; named
# after the bench database, like the cache's keys, so two harness runs on databases of their own
# (BENCH_DATABASE_URL) share neither jobs nor cached pages. A worker the harness starts on a
# queue of its own (BENCH_JOB_QUEUE) sends its tasks there too, so two workers can stand side by
# side and each run stays on the worker it was sent to (bench/scenarios/agreement_run.py).
_BENCH_DB = DATABASES["default"]["NAME"]  # noqa: F405
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("BENCH_JOB_QUEUE") or (
    "concord-bench" if _BENCH_DB == "concord_bench" else f"concord-bench-{_BENCH_DB}"
)
CACHES["default"]["KEY_PREFIX"] = _BENCH_DB  # noqa: F405
# The harness creates its database with Django's test-database machinery. Tables are built
# straight from the models (no migration files), so a run measures the models as they are even
# while the migrations of a feature in progress are still being written.
DATABASES["default"]["TEST"] = {  # noqa: F405
    "NAME": DATABASES["default"]["NAME"],  # noqa: F405
    "MIGRATE": False,
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
# Every coder of the harness logs in from 127.0.0.1: team-coding's 40 log-ins within a minute
# would meet allauth's limit per client address (30 a minute) that a real team's addresses
# spread. The other limits stay as deployed.
ACCOUNT_RATE_LIMITS = {"login": "600/m/ip"}
