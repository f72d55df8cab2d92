"""The Celery worker and the gunicorn server a scenario starts, always stopped again.

Both are children of the harness with its environment (bench settings, the bench database, the
bench media folder), listen on 127.0.0.1 only, and are stopped by their own process id.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _stop(process: subprocess.Popen, *, grace: float = 15.0) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _tail(path: Path, lines: int = 30) -> str:
    with contextlib.suppress(OSError):
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    return ""


def celery_purge() -> None:
    subprocess.run(
        [
            str(BIN / "celery"),
            "-A",
            "config",
            "purge",
            "-f",
            "-Q",
            settings.CELERY_TASK_DEFAULT_QUEUE,
        ],
        cwd=ROOT,
        env=os.environ.copy(),
        capture_output=True,
        timeout=60,
        check=False,
    )


@contextlib.contextmanager
def celery_worker(*, concurrency: int, log: Path) -> Iterator[subprocess.Popen]:
    """A real worker on the bench queue; yields once it says it is ready."""
    celery_purge()
    handle = log.open("w")
    process = subprocess.Popen(
        [
            str(BIN / "celery"),
            "-A",
            "config",
            "worker",
            "-Q",
            settings.CELERY_TASK_DEFAULT_QUEUE,
            f"--concurrency={concurrency}",
            "--pool=prefork",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=info",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=handle,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 90
        while "ready." not in log.read_text(errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"The Celery worker did not start:\n{_tail(log)}")
            time.sleep(0.2)
        yield process
    finally:
        _stop(process)
        handle.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn_server(*, workers: int, log: Path, threads: int = 1) -> Iterator[str]:
    """gunicorn on 127.0.0.1 with the bench settings; yields its base URL once it answers.

    Its processes keep their database connections between requests, as a deployment does
    (config/settings.py: DJANGO_CONN_MAX_AGE, 60 s unless set): the harness's own setting of 0
    would make every request open one, a new PostgreSQL backend with cold caches each time,
    which is no server's cost. They are closed when the server stops, before the harness drops
    its database."""
    port = free_port()
    env = {**os.environ, "DJANGO_CONN_MAX_AGE": "60"}
    handle = log.open("w")
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start:\n{_tail(log)}")
            try:
                with urllib.request.urlopen(f"{base}/healthz/", timeout=2):  # noqa: S310
                    break
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        _stop(process)
        handle.close()
