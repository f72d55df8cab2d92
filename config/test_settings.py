"""Test settings: the real settings with fast hashing, in-process Celery, throw-away media.

DATABASE_URL and REDIS_URL still come from the environment, so CI runs the same suite on
PostgreSQL and Redis. Tests that need a real Celery worker (marker `worker`) switch eager mode
off for themselves.
"""

import os
import tempfile
from pathlib import Path

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tasks run in-process in the test suite. The real workers of the `worker` tests load these
# settings too but set CONCORD_CELERY_EAGER=0: there, a task sent from the worker (the sweep
# re-sending a job, an agreement run's document tasks) must go through the broker as in
# production, not run inside the sender (beat would otherwise run re-sent jobs itself).
CELERY_TASK_ALWAYS_EAGER = os.environ.get("CONCORD_CELERY_EAGER", "1") != "0"
CELERY_TASK_EAGER_PROPAGATES = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# A real worker (marker `worker`) must share the media folder: .ci/run sets DJANGO_MEDIA_ROOT.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT") or tempfile.mkdtemp(prefix="concord-media-"))
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
MIDDLEWARE = [m for m in MIDDLEWARE if "whitenoise" not in m]  # noqa: F405
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Every test signs in from 127.0.0.1: allauth's 30 log-ins a minute per address would trip a
# browser test run; the limits themselves are tested with their own numbers.
ACCOUNT_RATE_LIMITS = {"login": "1000/m/ip"}
