"""An agreement run on a project at research-team scale, at each unit, with one and two workers."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

from bench import build
from bench.core import Context, NotAvailable, Row, scenario, timed
from bench.processes import celery_worker

# The three units the target names, each with all coders; excerpt matching compares two.
UNITS = ("document", "segment", "character")


def _available():
    try:
        from coding.runs.services import agreement_run_start
    except ImportError as exc:
        raise NotAvailable(f"coding.runs.services.agreement_run_start missing ({exc})") from exc
    return agreement_run_start


def team_project(ctx: Context) -> build.Team:
    def make() -> build.Team:
        size = ctx.size
        team = build.team_create(label="agreement", coders=size.run_coders, blind=True)
        codes = build.codebook_create(project=team.project, codes=size.run_codes)
        documents = build.documents_create(
            project=team.project,
            count=size.run_documents,
            chars=size.run_chars,
            owner=team.owner,
        )
        build.excerpts_create(
            documents=documents, coders=team.coders, codes=codes, total=size.run_excerpts
        )
        return team

    return build.shared("agreement-team", make)


def wait_job(job_id: int, *, timeout: float = 600) -> None:
    from research.models import Job, JobStatus

    deadline = time.monotonic() + timeout
    while True:
        status, error = Job.objects.filter(pk=job_id).values_list("status", "error").get()
        if status == JobStatus.SUCCEEDED:
            return
        if status in (JobStatus.FAILED, JobStatus.CANCELLED):
            raise RuntimeError(f"the agreement run's job {status}: {error}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"the agreement run did not finish within {timeout:.0f} s")
        time.sleep(0.02)


@contextlib.contextmanager
def workers(ctx: Context, count: int) -> Iterator[str]:
    if ctx.redis_url:
        with celery_worker(concurrency=count, log=ctx.work / f"worker-agreement-{count}.log"):
            yield f"Celery worker, concurrency {count}"
    else:
        yield "no REDIS_URL: ran eagerly in the harness process"


@scenario("agreement-run", "Agreement run")
def agreement_run(ctx: Context) -> list[Row]:
    start = _available()
    from django.db import transaction

    size = ctx.size
    team = team_project(ctx)
    row = ctx.rows("agreement-run")
    scale = (
        f"{size.run_documents} documents × {size.run_coders} coders × {size.run_codes} codes "
        f"× {size.run_excerpts:,} excerpts"
    )
    at_scale = size.run_excerpts >= 15_000
    repeats = max(1, min(ctx.repeats, 5))
    plans = [(unit, team.coders) for unit in UNITS] + [("excerpt", team.coders[:2])]
    counts = (1, 2) if ctx.redis_url else (1,)
    rows = []
    totals: dict[int, list[float]] = {}
    for count in counts:
        with workers(ctx, count) as how:
            for unit, coders in plans:

                def run_once(unit=unit, coders=coders) -> None:
                    with transaction.atomic():
                        run = start(
                            project=team.project,
                            requested_by=team.owner,
                            coders=coders,
                            unit=unit,
                        )
                    wait_job(run.job_id)

                run_once()  # warm-up: imports and caches in the worker processes
                samples, _ = timed(run_once, repeats=repeats)
                label = f"unit {unit}, {len(coders)} coders, {count} worker process(es)"
                rows.append(row(label, samples=samples, note=f"{scale}; {how}"))
                if unit in UNITS:
                    totals.setdefault(count, [0.0] * repeats)
                    totals[count] = [a + b for a, b in zip(totals[count], samples, strict=True)]
    rows.extend(in_process(ctx, team, start, scale))
    for count, samples in totals.items():
        rows.append(
            row(
                f"all three units (document + segment + character), {count} worker process(es)",
                samples=samples,
                target=ctx.target(
                    10, "< 10 s" + (" and faster with two" if count == 2 else ""), at_scale=at_scale
                ),
                note=scale,
            )
        )
    if len(totals) == 2:
        one, two = (sorted(totals[c])[len(totals[c]) // 2] for c in (1, 2))
        rows[-1].note += f"; two workers take {two / one:.0%} of one worker's time"
    return rows


class _Rollback(Exception):
    pass


def in_process(ctx: Context, team: build.Team, start, scale: str) -> list[Row]:
    """The same computation without Celery (one process, no queue, no polling), so the report
    separates the arithmetic and its queries from the job machinery. Nothing is kept: the run
    is rolled back, so its job is never dispatched."""
    from django.db import transaction

    from coding.runs.services import run_compute_document, run_store

    row = ctx.rows("agreement-run")
    rows = []
    for unit in UNITS:

        def compute(unit=unit) -> None:
            try:
                with transaction.atomic():
                    run = start(
                        project=team.project,
                        requested_by=team.owner,
                        coders=team.coders,
                        unit=unit,
                    )
                    partials = [
                        run_compute_document(run=run, document_id=document_id)
                        for document_id in run.params["spec"]["documents"]
                    ]
                    run_store(run=run, partials=partials)
                    raise _Rollback
            except _Rollback:
                pass

        samples, peak = timed(
            compute, repeats=max(1, min(ctx.repeats, 3)), memory=unit == "character"
        )
        rows.append(
            row(
                f"unit {unit}, {len(team.coders)} coders, in-process (no Celery)",
                samples=samples,
                peak_memory_mb=peak,
                note=scale,
            )
        )
    return rows
