"""REFI-QDA project exchange: exporting and importing a project of the size issue 15 names
(26 documents, 1.5 M characters, 15,000 selections)."""

from __future__ import annotations

from bench import build
from bench.core import Context, NotAvailable, Row, scenario, timed

# (documents, characters per document, selections) per size: full is the project.
SCALE = {"full": (26, 57_700, 15_000), "tiny": (3, 8_000, 600)}


@scenario("refi", "REFI-QDA project export and import (.qdpx)")
def refi(ctx: Context) -> list[Row]:
    try:
        from study.refi.gather import refi_project
        from study.refi.services import NEW_CODER, qdpx_import
        from study.refi.write import write_qdpx
    except ImportError as exc:
        raise NotAvailable(f"study.refi missing ({exc})") from exc
    from research.models import Project

    row = ctx.rows("refi")
    count, chars, selections = SCALE.get(ctx.size.name, SCALE["full"])
    team = build.team_create(label="refi", coders=2, blind=False)
    codes = build.codebook_create(project=team.project, codes=150, seed=51)
    documents = build.documents_create(
        project=team.project, count=count, chars=chars, owner=team.owner, seed=52
    )
    build.excerpts_create(
        documents=documents, coders=team.coders, codes=codes, total=selections, seed=53
    )
    archive: dict[str, bytes] = {}

    def export() -> None:
        archive["data"] = write_qdpx(refi_project(project=team.project))

    repeats = max(1, min(ctx.repeats, 3))
    export_samples, _ = timed(export, repeats=repeats)
    label = f"{count} documents, {count * chars / 1e6:.1f} M characters, {selections:,} selections"
    rows = [
        row(
            f"export a project as .qdpx: {label}",
            samples=export_samples,
            target=ctx.target(5.0, "issue 15: under 5 s"),
            note=f"{len(archive['data']) / 1e6:.1f} MB archive",
        )
    ]
    targets: list[Project] = []

    def setup() -> None:
        targets.append(Project.objects.create(title=f"REFI import {len(targets)}"))

    def run() -> None:
        qdpx_import(project=targets[-1], data=archive["data"], mapping={}, user=team.owner)

    import_samples, _ = timed(run, repeats=repeats, setup=setup)
    rows.append(
        row(
            f"import a .qdpx (new coders for every user): {label}",
            samples=import_samples,
            target=ctx.target(10.0, "issue 15: under 10 s on one worker"),
            note=f"mapping: every user {NEW_CODER}",
        )
    )
    return rows
