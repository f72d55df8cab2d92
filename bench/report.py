"""The machine a run happened on, and the run written as JSON and as a Markdown table."""

from __future__ import annotations

import json
import os
import platform
import re
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.core import Row

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DOCS = ROOT / "docs" / "performance.md"


def reference_cpu_seconds(rounds: int = 3) -> float:
    """CPU seconds of a fixed pure-Python workload (the fastest of `rounds`): the machine's
    speed, written beside every run. Two machines of the same name and core count have run the
    same code at 2.5 times the time (docs/performance.md, round seven); set against this figure,
    a run on a slower machine is not mistaken for code that got slower, nor the reverse."""
    best = float("inf")
    for _ in range(rounds):
        began = time.process_time()
        words: dict[str, int] = {}
        for i in range(600_000):
            key = f"w{i % 5_000}"
            words[key] = words.get(key, 0) + i
        sorted(words.items(), key=lambda item: item[1])
        best = min(best, time.process_time() - began)
    return round(best, 3)


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        match = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
        cpu = match.group(1).strip() if match else platform.processor()
    except OSError:
        cpu = platform.processor()
    ram_gb = None
    try:
        match = re.search(r"^MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
        ram_gb = round(int(match.group(1)) / 1_048_576, 1) if match else None
    except OSError:
        pass
    postgres = ""
    try:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            postgres = cursor.fetchone()[0]
    except Exception:  # the report must still be written when the database is gone
        postgres = "unknown"
    return {
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": ram_gb,
        "python": platform.python_version(),
        "postgresql": postgres,
        "os": platform.platform(),
        "reference_cpu_s": reference_cpu_seconds(),
    }


def _figure(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "s":
        if value < 0.01:
            return f"{value * 1000:.2f} ms"
        if value < 1:
            return f"{value * 1000:.0f} ms"
        return f"{value:.2f} s"
    if unit == "queries":
        return f"{value:.0f}"
    return f"{value:.3g} {unit}"


def previous_figures(*, size: str, before: str) -> dict[tuple[str, str], dict[str, Any]]:
    """For each (scenario, label): its p95 and run stamp in the newest earlier run of this size
    that measured it (runs often cover a few scenarios, so "previous" is per row)."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    if not RESULTS.is_dir():
        return found
    for path in sorted(RESULTS.glob("*.json"), reverse=True):
        stamp = path.stem
        if stamp >= before:
            continue
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if data.get("size") != size:
            continue
        for item in data.get("rows", []):
            key = (item["scenario"], item["label"])
            if item.get("status") == "measured" and key not in found:
                found[key] = {"p95": item.get("p95"), "unit": item.get("unit"), "stamp": stamp}
    return found


def _previous(row: Row, previous: dict[tuple[str, str], dict[str, Any]]) -> str:
    before = previous.get((row.scenario, row.label))
    if not before or before["p95"] is None or row.p95 is None:
        return "–"
    text = f"{_figure(before['p95'], before['unit'])} ({before['stamp']})"
    if before["p95"]:
        change = (row.p95 - before["p95"]) / before["p95"] * 100
        text += f", {change:+.0f} %"
    return text


def markdown_table(
    rows: list[Row], previous: dict[tuple[str, str], dict[str, Any]] | None = None
) -> str:
    previous = previous or {}
    lines = [
        "| Scenario | Measurement | Median | p95 | Previous p95, change | Runs | Peak memory "
        "| Target | Verdict | Notes |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        if row.status != "measured":
            lines.append(
                f"| {row.scenario} | {row.label} | {row.status}: {row.reason} | | | | | "
                f"{row.target.text if row.target else ''} | | |"
            )
            continue
        memory = f"{row.peak_memory_mb:.1f} MB" if row.peak_memory_mb is not None else ""
        lines.append(
            f"| {row.scenario} | {row.label} | {_figure(row.median, row.unit)} | "
            f"{_figure(row.p95, row.unit)} | {_previous(row, previous)} | "
            f"{len(row.samples)} | {memory} | "
            f"{row.target.text if row.target else 'no target set'} | {row.verdict} | "
            f"{row.note} |"
        )
    return "\n".join(lines)


def machine_text(info: dict[str, Any]) -> str:
    # Runs written before the reference workload existed do not have it.
    speed = info.get("reference_cpu_s")
    reference = (
        f"; a fixed pure-Python workload took {speed:.3f} s of CPU (bench.report."
        "reference_cpu_seconds: compare runs' speeds by it)"
        if speed
        else ""
    )
    return (
        f"{info['cpu']}, {info['cores']} cores, {info['ram_gb']} GB RAM; Python "
        f"{info['python']}; PostgreSQL {info['postgresql']}; {info['os']}; load average "
        f"{' / '.join(map(str, info['load_average']))} (1/5/15 min) when the report was "
        f"written{reference}"
    )


def write(
    *, rows: list[Row], size: str, repeats: int, notes: list[str], started: datetime, docs: bool
) -> tuple[Path, Path]:
    info = machine()
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = started.strftime("%Y%m%d-%H%M%S")
    data = {
        "started": started.isoformat(),
        "finished": datetime.now(UTC).isoformat(),
        "size": size,
        "repeats": repeats,
        "machine": info,
        "notes": notes,
        "command": " ".join(["python -m bench", *sys.argv[1:]]),
        "rows": [row.as_dict() for row in rows],
    }
    previous = previous_figures(size=size, before=stamp)
    table = markdown_table(rows, previous)
    json_path = RESULTS / f"{stamp}.json"
    json_path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    body = (
        f"# Benchmark run {stamp} (size {size}, {repeats} repeat(s) per scenario)\n\n"
        f"Machine: {machine_text(info)}\n\n"
        + "".join(f"- {note}\n" for note in notes)
        + "\n"
        + table
        + "\n"
    )
    md_path = RESULTS / f"{stamp}.md"
    md_path.write_text(body)
    if docs:
        write_docs(
            table=table,
            info=info,
            size=size,
            repeats=repeats,
            notes=notes,
            stamp=stamp,
        )
    return json_path, md_path


def write_docs(
    *, table: str, info: dict[str, Any], size: str, repeats: int, notes: list[str], stamp: str
) -> None:
    """Replace the generated part of docs/performance.md, keeping the hand-written rest."""
    start, end = "<!-- bench:begin -->", "<!-- bench:end -->"
    generated = (
        f"{start}\n"
        f"Latest run: {stamp} UTC, size **{size}**, {repeats} repeat(s) per scenario.\n\n"
        f"Machine: {machine_text(info)}.\n\n"
        + "".join(f"- {note}\n" for note in notes)
        + "\n"
        + table
        + f"\n{end}"
    )
    text = DOCS.read_text() if DOCS.exists() else f"# Performance\n\n{start}\n{end}\n"
    if start in text and end in text:
        before = text.split(start)[0]
        after = text.split(end, 1)[1]
        text = before + generated + after
    else:
        text = text.rstrip() + "\n\n" + generated + "\n"
    DOCS.write_text(text)


def write_profile(profiler, *, started: datetime, scenario: str) -> Path:
    import io
    import pstats

    RESULTS.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    stats = pstats.Stats(profiler, stream=buffer)
    stats.sort_stats("cumulative").print_stats(60)
    stats.sort_stats("tottime").print_stats(40)  # where the time is spent, not just through
    path = RESULTS / f"{started.strftime('%Y%m%d-%H%M%S')}-{scenario}.profile.txt"
    path.write_text(buffer.getvalue())
    return path


def docs_from_json(path: Path) -> None:
    """Rewrite docs/performance.md's table from a saved run (python -m bench.report FILE)."""
    from bench.core import Target

    data = json.loads(path.read_text())
    rows = []
    for item in data["rows"]:
        target = Target(**item["target"]) if item["target"] else None
        fields = {
            k: item[k]
            for k in (
                "scenario",
                "label",
                "samples",
                "unit",
                "peak_memory_mb",
                "note",
                "status",
                "reason",
            )
        }
        rows.append(Row(target=target, **fields))
    info = data["machine"]
    info.setdefault("load_average", ["?"])
    stamp = datetime.fromisoformat(data["started"]).strftime("%Y%m%d-%H%M%S")
    write_docs(
        table=markdown_table(rows, previous_figures(size=data["size"], before=stamp)),
        info=info,
        size=data["size"],
        repeats=data["repeats"],
        notes=data["notes"],
        stamp=stamp,
    )


if __name__ == "__main__":
    docs_from_json(Path(sys.argv[1]))
