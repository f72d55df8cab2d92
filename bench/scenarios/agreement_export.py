"""Exporting a finished agreement run at full size: its results table (CSV and workbook), its
disagreements (CSV) and its methods paragraph, as a lead downloads them from the run's page."""

from __future__ import annotations

import statistics
import time

from bench import web
from bench.core import Context, Row, scenario
from bench.scenarios.agreement_run import team_project, wait_job, workers

#: (format, part, what the report calls it)
EXPORTS = (
    ("csv", "table", "results table as CSV"),
    ("xlsx", "table", "results workbook (XLSX)"),
    ("csv", "disagreements", "disagreements as CSV"),
    ("methods", "table", "methods paragraph"),
)


def finished_run(ctx: Context, team):
    """The newest finished run at unit character on the agreement project (the agreement-run
    scenario leaves several); one is computed on a worker when there is none."""
    from django.db import transaction

    from coding.models import AgreementRun

    runs = AgreementRun.objects.filter(
        project=team.project, unit="character", finished_at__isnull=False
    )
    run = runs.order_by("-finished_at").first()
    if run is None:
        from coding.runs.services import agreement_run_start

        with workers(ctx, 1):
            with transaction.atomic():
                job_id = agreement_run_start(
                    project=team.project,
                    requested_by=team.owner,
                    coders=team.coders,
                    unit="character",
                ).job_id
            wait_job(job_id)
        run = runs.order_by("-finished_at").first()
    return run


@scenario("agreement-export", "Export an agreement run")
def agreement_export(ctx: Context) -> list[Row]:
    size = ctx.size
    team = team_project(ctx)
    run = finished_run(ctx, team)
    row = ctx.rows("agreement-export")
    scale = (
        f"unit character, {size.run_documents} documents × {size.run_coders} coders × "
        f"{size.run_codes} codes × {size.run_excerpts:,} excerpts"
    )
    client = web.client_for(team.owner)
    path = web.url("coding:agreement-export", project=team.project.code, run=run.code)
    rows = []
    for fmt, part, label in EXPORTS:
        cpu: list[float] = []

        def export(fmt=fmt, part=part, cpu=cpu):
            # The process's CPU time too: the wall time moves with the machine's other work.
            began = time.process_time()
            response = web.checked(client.get(path, {"format": fmt, "what": part}))
            cpu.append(time.process_time() - began)
            return response

        samples, queries, body = web.server_times(export, repeats=ctx.repeats)
        rows.append(
            row(
                f"export the run's {label}",
                samples=samples,
                target=ctx.target(
                    1.0,
                    "agreement export under 1 s at full size (issue 21)",
                    at_scale=size.run_excerpts >= 15_000,
                ),
                note=f"{scale}; {queries} queries; {body / 1e6:.2f} MB; CPU "
                f"{statistics.median(cpu[1:]) * 1000:.0f} ms (median; the bench process, which "
                "serves the request, without PostgreSQL's)",
            )
        )
    return rows
