"""Exporting the retrieved excerpts of a long, heavily coded document (CSV and XLSX): the
whole download, streamed, with the memory the export allocates."""

from __future__ import annotations

from types import SimpleNamespace

from bench import web
from bench.core import Context, Row, scenario, timed
from bench.scenarios.coding_view import heavy_document


@scenario("exports", "Export retrieved excerpts (CSV, XLSX) and the project (JSON backup)")
def exports(ctx: Context) -> list[Row]:
    heavy = heavy_document(ctx)
    row = ctx.rows("exports")
    client = web.client_for(heavy.team.owner)
    path = web.url("coding:retrieval-export", project=heavy.team.project.code)
    describe = f"{heavy.excerpts:,} excerpts from {len(heavy.document.text) / 1e6:.2f} M characters"
    rows = []
    for fmt in ("csv", "xlsx"):

        def download(fmt: str = fmt) -> SimpleNamespace:
            # The body is streamed: reading it all is part of the export's time.
            response = web.checked(client.get(path, {"format": fmt}))
            return SimpleNamespace(content=response.getvalue())

        samples, queries, body = web.server_times(download, repeats=ctx.repeats)
        _, peak = timed(download, repeats=0, memory=True)
        rows.append(
            row(
                f"export to {fmt.upper()}, {describe} (download)",
                samples=samples,
                peak_memory_mb=peak,
                target=ctx.target(0.5, "under 0.5 s and 100 MB peak (issue 21)"),
                note=f"{queries} queries; {body / 1e6:.2f} MB file; memory: "
                "Python allocations, body included",
            )
        )
    rows.append(project_export(ctx, heavy, row))
    return rows


def project_export(ctx: Context, heavy, row) -> Row:
    """The whole project as the backup JSON (Settings → Backup), built and serialised."""
    from study.export import project_export_data, render

    project = heavy.team.project
    samples, peak = timed(
        lambda: render(project_export_data(project=project)), repeats=ctx.repeats, memory=True
    )
    size = len(render(project_export_data(project=project)))
    return row(
        f"project export (JSON backup), {heavy.excerpts:,} excerpts, "
        f"{len(heavy.document.text) / 1e6:.2f} M characters",
        samples=samples,
        peak_memory_mb=peak,
        target=ctx.target(5.0, "project export under 5 s at full size (issue 21)"),
        note=f"{size / 1e6:.1f} MB of JSON; memory: Python allocations",
    )
