"""`python -m bench`: build synthetic projects on PostgreSQL, run the scenarios, write a report.

    python -m bench                          # every scenario, full size, 10 repeats
    python -m bench --size small --repeats 3
    python -m bench --scenario alpha --scenario coding-view
    python -m bench --size tiny --smoke      # CI: every scenario once; exit 1 on any error
    python -m bench --list

The harness uses its own database (default concord_bench on the server of DATABASE_URL, or
postgres://postgres@127.0.0.1:5432/concord_bench), dropped and recreated at every run. With
REDIS_URL set, jobs run on a real Celery worker the harness starts; without it they run eagerly.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import shutil
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/concord_bench"


def bench_database_url() -> str:
    """BENCH_DATABASE_URL as given, else DATABASE_URL's server with the database concord_bench,
    so the harness never touches the database the app or the test suite uses."""
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return DEFAULT_DATABASE_URL
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/concord_bench", parts.query, ""))


def parse(argv: list[str]) -> argparse.Namespace:
    from bench.core import SIZES

    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--size", choices=list(SIZES), default="full")
    parser.add_argument(
        "--scenario",
        action="append",
        default=[],
        metavar="NAME",
        help="run only this scenario (repeatable); --list shows the names",
    )
    parser.add_argument("--repeats", type=int, help="runs per measurement (default by size)")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="every scenario once; exit non-zero if any scenario errors",
    )
    parser.add_argument(
        "--docs", action="store_true", help="also write the table into docs/performance.md"
    )
    parser.add_argument(
        "--keep-db",
        action="store_true",
        help="leave the bench database in place afterwards, for a look",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="run each scenario under cProfile; the top functions by cumulative "
        "time go to bench/results/<timestamp>-<scenario>.profile.txt (in-process "
        "work only: workers and servers are other processes)",
    )
    parser.add_argument("--list", action="store_true", help="list the scenarios and exit")
    return parser.parse_args(argv)


def peak_rows(name: str, peaks, ctx) -> list:
    """One row per kind of process the scenario ran: its largest process's peak RSS."""
    from bench.core import Row
    from bench.memory import KINDS

    labels = {
        "bench": "peak RSS, bench process (test client requests; holds earlier scenarios' data)",
        "web": "peak RSS, largest gunicorn web process",
        "celery": "peak RSS, largest Celery worker process",
    }
    rows = []
    for kind in KINDS:
        if kind not in peaks.figures:
            continue
        figure = peaks.figures[kind]
        rows.append(
            Row(
                scenario=name,
                label=labels[kind],
                samples=[figure["process"]],
                unit="MB",
                target=ctx.target(200, "every web process under 200 MB (issue 21)")
                if kind == "web"
                else None,
                note=f"{figure['all']:.0f} MB all processes of the kind together"
                if kind != "bench"
                else "",
            )
        )
    return rows


def main(argv: list[str]) -> int:
    args = parse(argv)
    work = Path(tempfile.mkdtemp(prefix="concord-bench-"))
    media = work / "media"
    media.mkdir()
    (work / "static").mkdir()
    database_url = bench_database_url()
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=database_url,
        DJANGO_MEDIA_ROOT=str(media),
        DJANGO_STATIC_ROOT=str(work / "static"),  # collected below, as a deployment does
        # Workers and servers are separate processes: each request and job opens and closes
        # its own connection, so the database can be dropped cleanly at the end.
        DJANGO_CONN_MAX_AGE="0",
    )
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("collectstatic", interactive=False, verbosity=0)

    from bench import report
    from bench.core import REGISTRY, SIZES, Context, NotAvailable, Row
    from bench.memory import PeakRss
    from bench.scenarios import __name__ as _loaded  # noqa: F401  (registers every scenario)

    if args.list:
        for name, item in REGISTRY.items():
            print(f"{name:18} {item.title}")
        return 0
    unknown = [name for name in args.scenario if name not in REGISTRY]
    if unknown:
        print(f"Unknown scenario(s): {', '.join(unknown)}. Known: {', '.join(REGISTRY)}")
        return 2

    size = SIZES[args.size]
    repeats = 1 if args.smoke else (args.repeats or size.repeats)
    redis_url = os.environ.get("REDIS_URL", "")
    ctx = Context(
        size=size,
        repeats=repeats,
        smoke=args.smoke,
        database_url=database_url,
        redis_url=redis_url,
        media_root=media,
        work=work,
    )
    notes = [
        f"Database: {urlsplit(database_url).path.lstrip('/')} on "
        f"{urlsplit(database_url).hostname}, created fresh for this run (tables from the models).",
        "Jobs: "
        + (
            "a real Celery worker started by the harness (Redis)."
            if redis_url
            else "no REDIS_URL, so jobs ran eagerly in the harness process."
        ),
        "Verdicts compare the p95 with the target; times are wall-clock seconds.",
    ]
    started = datetime.now(UTC)
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    notes.append(
        f"Load average at the start: {load} (1/5/15 min); other work on the machine "
        "slows every figure."
    )
    print(f"Creating the bench database ({urlsplit(database_url).path.lstrip('/')}) …", flush=True)
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    # Tables come from the models, not the migrations: apply the column storage a migration sets.
    from django.apps import apps

    from coding.runs.storage import runs_column_storage

    runs_column_storage(connection, apps.get_model)

    rows: list[Row] = []
    errors = 0
    names = args.scenario or list(REGISTRY)
    try:
        for name in names:
            item = REGISTRY[name]
            print(f"== {name}: {item.title}", flush=True)
            began = time.monotonic()
            profiler = cProfile.Profile() if args.profile else None
            peaks = PeakRss()
            try:
                if profiler:
                    profiler.enable()
                try:
                    with peaks:
                        produced = item.run(ctx)
                finally:
                    if profiler:
                        profiler.disable()
                        report.write_profile(profiler, started=started, scenario=name)
            except NotAvailable as exc:
                produced = [
                    Row(scenario=name, label=item.title, status="not measured", reason=str(exc))
                ]
            except Exception as exc:
                errors += 1
                traceback.print_exc()
                produced = [
                    Row(
                        scenario=name,
                        label=item.title,
                        status="error",
                        reason=f"{type(exc).__name__}: {exc}".replace("\n", " ")[:300],
                    )
                ]
            produced += peak_rows(name, peaks, ctx)
            for row in produced:
                figure = (
                    f"median {row.median:.4f} p95 {row.p95:.4f} {row.unit}"
                    if row.status == "measured"
                    else f"{row.status}: {row.reason}"
                )
                print(f"   {row.label}: {figure} {row.verdict}", flush=True)
            print(f"   ({time.monotonic() - began:.1f} s)", flush=True)
            rows.extend(produced)
        json_path, md_path = report.write(
            rows=rows,
            size=size.name,
            repeats=repeats,
            notes=notes + ctx.notes,
            started=started,
            docs=args.docs,
        )
        print(f"\nReport: {md_path}\n        {json_path}")
        stamp = started.strftime("%Y%m%d-%H%M%S")
        print(report.markdown_table(rows, report.previous_figures(size=size.name, before=stamp)))
    finally:
        connection.close()
        if not args.keep_db:
            connection.creation.destroy_test_db(
                connection.settings_dict["NAME"], verbosity=0, keepdb=False
            )
        shutil.rmtree(work, ignore_errors=True)
    if args.smoke and errors:
        print(f"\n{errors} scenario(s) failed.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
