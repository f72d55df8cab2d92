"""Exploring codings: code co-occurrence (by excerpt and by paragraph), the document × code
matrix with coverage, and word frequencies, over the matrix scenario's scale of codings."""

from __future__ import annotations

from bench import build, web
from bench.core import Context, Row, scenario, timed


def explore_project(ctx: Context):
    from coding.models import Coding

    size = ctx.size
    team = build.team_create(label="explore", coders=3, blind=False)
    codes = build.codebook_create(project=team.project, codes=max(size.matrix_rows, 30), seed=61)
    documents = build.documents_create(
        project=team.project, count=size.matrix_columns, chars=5_000, owner=team.owner, seed=62
    )
    # About 1.15 codings per excerpt (some excerpts carry two codes).
    build.excerpts_create(
        documents=documents,
        coders=team.coders,
        codes=codes,
        total=round(size.matrix_codings / 1.15),
        seed=63,
        width=(40, 400),
    )
    codings = Coding.objects.filter(code__project=team.project).count()
    return team, codes, codings


@scenario("explore", "Co-occurrence, documents × codes, word frequencies")
def explore(ctx: Context) -> list[Row]:
    from research.models import Membership
    from study.explore.selectors import code_cooccurrence

    row = ctx.rows("explore")
    team, codes, codings = explore_project(ctx)
    shape = f"{len(codes)} codes over {codings:,} codings"
    client = web.client_for(team.owner)
    membership = Membership.objects.get(project=team.project, user=team.owner)
    rows = []
    for by in ("excerpt", "paragraph"):
        samples, _peak = timed(
            lambda by=by: code_cooccurrence(membership=membership, by=by), repeats=ctx.repeats
        )
        rows.append(
            row(
                f"count co-occurrence by {by}, {shape} (selector only)",
                samples=samples,
                target=ctx.target(0.5, "co-occurrence over 50,000 codings under 500 ms (issue 18)"),
            )
        )
    pages = [
        ("study:cooccurrence", {"view": "heatmap"}, "co-occurrence heat map page"),
        ("study:code-matrix", {"measure": "coverage"}, "documents × codes page, coverage"),
        ("study:code-matrix", {"format": "xlsx"}, "documents × codes XLSX download"),
        ("study:word-frequencies", {"stemmed": "yes"}, "word frequencies page, stemmed"),
    ]
    for name, params, label in pages:
        address = web.url(name, project=team.project.code)
        samples, queries, body = web.server_times(
            lambda a=address, p=params: web.checked(client.get(a, p)), repeats=ctx.repeats
        )
        rows.append(
            row(
                f"{label}, {shape}",
                samples=samples,
                note=f"{queries} queries; {body / 1e6:.2f} MB",
            )
        )
    return rows
