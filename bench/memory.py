"""Peak resident memory (RSS) per kind of process while a scenario runs: the harness itself
(which also serves the Django test client's requests), gunicorn's web processes and the Celery
worker's processes, sampled from /proc by a background thread (Linux only)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

KINDS = ("bench", "web", "celery")
INTERVAL = 0.25  # seconds between samples: a peak shorter than that may go unseen


def _children() -> dict[int, int]:
    """pid -> parent pid of every process on the machine that can be read."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces and brackets: the fields follow the last ")".
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    return parents


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _kind(pid: int) -> str | None:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return None
    if "gunicorn" in command:
        return "web"
    if "celery" in command:
        return "celery"
    return None


class PeakRss:
    """`with PeakRss() as peaks:` ... then `peaks.figures`: for each kind seen, the largest
    single process's peak and the largest sum over the kind's processes at one moment, in MB."""

    def __init__(self) -> None:
        self.figures: dict[str, dict[str, float]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        me = os.getpid()
        parents = _children()
        ours = {me}
        grew = True
        while grew:  # every descendant of the harness, however deep
            new = {pid for pid, parent in parents.items() if parent in ours} - ours
            ours |= new
            grew = bool(new)
        totals: dict[str, float] = {}
        for pid in ours:
            kind = "bench" if pid == me else _kind(pid)
            if kind is None:
                continue
            rss = _rss_mb(pid)
            figure = self.figures.setdefault(kind, {"process": 0.0, "all": 0.0})
            figure["process"] = max(figure["process"], rss)
            totals[kind] = totals.get(kind, 0.0) + rss
        for kind, total in totals.items():
            self.figures[kind]["all"] = max(self.figures[kind]["all"], total)

    def _run(self) -> None:
        while True:
            self._sample()
            if self._stop.wait(INTERVAL):
                return

    def text(self) -> str:
        names = {"bench": "bench process", "web": "gunicorn (web)", "celery": "Celery worker"}
        parts = []
        for kind in KINDS:
            if kind in self.figures:
                figure = self.figures[kind]
                part = f"{names[kind]} {figure['process']:.0f} MB"
                if kind != "bench":
                    part += f" per process, {figure['all']:.0f} MB all together"
                parts.append(part)
        return "; ".join(parts)
