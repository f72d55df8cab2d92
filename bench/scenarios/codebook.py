"""A large codebook: rendering its page, and merging a heavily used code."""

from __future__ import annotations

from bench import build, web
from bench.core import Context, NotAvailable, Row, scenario, timed


@scenario("codebook", "Codebook page and merge")
def codebook(ctx: Context) -> list[Row]:
    size = ctx.size
    row = ctx.rows("codebook")
    web.url("coding:codebook", project=build.uuid_zero())
    team = build.team_create(label="codebook", coders=3, blind=False)
    codes = build.codebook_create(project=team.project, codes=size.codebook_codes, seed=41)
    documents = build.documents_create(
        project=team.project, count=5, chars=20_000, owner=team.owner, seed=42
    )
    build.excerpts_create(
        documents=documents, coders=team.coders, codes=codes, total=size.codebook_codes * 5
    )
    client = web.client_for(team.owner)
    path = web.url("coding:codebook", project=team.project.code)
    samples, queries, body = web.server_times(
        lambda: web.checked(client.get(path)), repeats=ctx.repeats
    )
    rows = [
        row(
            f"render the codebook page, {size.codebook_codes:,} codes (3 levels)",
            samples=samples,
            note=f"{queries} queries; {body / 1e6:.1f} MB of HTML",
        ),
        row(
            f"queries, codebook page with {size.codebook_codes:,} codes",
            samples=[float(queries)],
            unit="queries",
        ),
    ]
    export = web.url("coding:codebook-export", project=team.project.code)
    for fmt in ("csv", "qdc"):
        samples, queries, body = web.server_times(
            lambda fmt=fmt: web.checked(client.get(export, {"format": fmt})), repeats=ctx.repeats
        )
        rows.append(
            row(
                f"export the codebook as {fmt.upper()}, {size.codebook_codes:,} codes",
                samples=samples,
                target=ctx.target(1.0, "codebook export under 1 s at full size (issue 21)"),
                note=f"{queries} queries; {body / 1e6:.2f} MB file",
            )
        )
    rows.append(merge(ctx, team, documents, codes, row))
    return rows


def merge(ctx: Context, team, documents, codes, row) -> Row:
    try:
        from coding.codebook.services import code_merge
    except ImportError as exc:
        raise NotAvailable(f"coding.codebook.services.code_merge missing ({exc})") from exc
    from coding.models import Code, Coding

    size = ctx.size
    excerpts = build.excerpts_create(
        documents=documents,
        coders=team.coders,
        codes=codes[:5],
        total=size.merge_codings,
        seed=43,
        assign=False,
    )
    target = codes[-1]
    counter = iter(range(1000))
    state: dict[str, Code] = {}

    def setup() -> None:
        # A fresh source code on every excerpt; one in ten already carries the target.
        source = Code.objects.create(
            project=team.project, name=f"Flettes {next(counter)}", path="", depth=0
        )
        source.path = f"/{source.pk}/"
        source.save(update_fields=["path"])
        Coding.objects.bulk_create(
            [Coding(excerpt=x, code=source) for x in excerpts], batch_size=5_000
        )
        Coding.objects.bulk_create(
            [Coding(excerpt=x, code=target) for x in excerpts[::10]],
            batch_size=5_000,
            ignore_conflicts=True,
        )
        state["source"] = source

    samples, _ = timed(
        lambda: code_merge(source=state["source"], target=target, user=team.owner),
        repeats=max(1, min(ctx.repeats, 5)),
        setup=setup,
    )
    return row(f"merge a code with {len(excerpts):,} codings into another", samples=samples)
