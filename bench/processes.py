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
# The web server as docker-compose.yml ships it: 2 processes of 4 threads each (gunicorn's
# gthread workers). On this 2-core machine it wrote 20 coders' excerpts with 9–10 ms of
# gunicorn CPU a write where 5 single-threaded processes took 11–16 ms, and at 1.4–9 times
# their writes per second, in three back-to-back pairs (issue 21, round six): fewer processes
# share the CPU caches, the text each process keeps, and the database connections.
WEB_WORKERS, WEB_THREADS = 2, 4


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


def celery_purge(queue: str | None = None) -> None:
    subprocess.run(
        [
            str(BIN / "celery"),
            "-A",
            "config",
            "purge",
            "-f",
            "-Q",
            queue or settings.CELERY_TASK_DEFAULT_QUEUE,
        ],
        cwd=ROOT,
        env=os.environ.copy(),
        capture_output=True,
        timeout=60,
        check=False,
    )


@contextlib.contextmanager
def celery_worker(
    *, concurrency: int, log: Path, queue: str | None = None
) -> Iterator[subprocess.Popen]:
    """A real worker on the bench queue, or on ``queue`` (which is then also the queue the
    worker sends its own tasks to, see bench/settings.py); yields once it says it is ready. Its
    processes keep their database connections between tasks, as a deployed worker does (see
    `gunicorn_server`); they are closed when it stops, before the harness drops its database."""
    queue = queue or settings.CELERY_TASK_DEFAULT_QUEUE
    celery_purge(queue)
    handle = log.open("w")
    process = subprocess.Popen(
        [
            str(BIN / "celery"),
            "-A",
            "config",
            "worker",
            "-Q",
            queue,
            f"--concurrency={concurrency}",
            "--pool=prefork",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=info",
        ],
        cwd=ROOT,
        env={**os.environ, "DJANGO_CONN_MAX_AGE": "60", "BENCH_JOB_QUEUE": queue},
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
def gunicorn_server(
    *, workers: int, log: Path, threads: int = 1, access_log: Path | None = None
) -> Iterator[str]:
    """gunicorn on 127.0.0.1 with the bench settings; yields its base URL once it answers.
    With ``access_log``, each answer is logged there as "process id, status, path"
    (:func:`answered_by`).

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
            *(
                ["--access-logfile", str(access_log), "--access-logformat", "%(p)s %(s)s %(U)s"]
                if access_log
                else []
            ),
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


def answered_by(access_log: Path, *, path: str, status: str = "200") -> set[str]:
    """The gunicorn worker processes (their ids) that answered ``path`` with ``status``."""
    answered = set()
    with contextlib.suppress(OSError):
        for line in access_log.read_text(errors="replace").splitlines():
            pid, code, logged = (line.split(" ", 2) + ["", ""])[:3]
            if code == status and logged == path:
                answered.add(pid)
    return answered


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return 0


def server_cpu_seconds() -> dict[str, float]:
    """CPU time used so far by this harness's gunicorn processes (its children and theirs:
    other harness runs on the machine have their own) and by the PostgreSQL backends connected
    to its database, from /proc (Linux). Taken before and after a load test, it gives the CPU a
    write costs whatever else runs on the machine: wall times follow the machine's load."""
    from django.db import connection

    me = os.getpid()
    pids = [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]
    masters = {pid for pid in pids if _parent(pid) == me and _is_gunicorn(pid)}
    web = [pid for pid in pids if pid in masters or _parent(pid) in masters]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        database = [row[0] for row in cursor.fetchall()]
    return {
        "web": sum(_cpu_seconds(pid) for pid in web),
        "database": sum(_cpu_seconds(pid) for pid in database),
    }


def _is_gunicorn(pid: int) -> bool:
    try:
        return b"gunicorn" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
