"""Auto-coding search hits: the preview of 500 hits, and confirming it (issue 18: under 2 s)."""

from __future__ import annotations

from bench import build, web
from bench.core import Context, NotAvailable, Row, scenario, timed

HITS = 500
WORD = "kommunen"  # a word the synthetic prose uses often


@scenario("autocode", "Auto-code search hits")
def autocode(ctx: Context) -> list[Row]:
    try:
        from study.search.services import autocode_confirm, autocode_plan, autocode_undo
    except ImportError as exc:
        raise NotAvailable(f"study.search.services.autocode_confirm missing ({exc})") from exc
    from coding.excerpts.batch import excerpts_create_many, excerpts_delete_many
    from coding.models import Code
    from research.models import Membership

    web.url("study:autocode-preview", project=build.uuid_zero())
    row = ctx.rows("autocode")
    team = build.team_create(label="autocode", coders=1)
    build.documents_create(project=team.project, count=12, chars=60_000, owner=team.owner, seed=7)
    code = Code.objects.create(project=team.project, name="Kommunen", path="", depth=0)
    code.path = f"/{code.pk}/"
    code.save(update_fields=["path"])
    membership = Membership.objects.get(project=team.project, user=team.coders[0])
    search = {"query": WORD, "documents": None, "code": code, "unit": "hit"}
    plan = autocode_plan(membership=membership, **search)
    if len(plan.excerpts) < HITS:
        raise NotAvailable(f"only {len(plan.excerpts)} hits of {WORD!r} in the synthetic text")
    # Exactly HITS hits: the first ones, checked as on the search page.
    chosen = {
        f"{p.document.code}:{p.start}:{p.end}" for p in sorted(plan.excerpts, key=_order)[:HITS]
    }
    search["chosen"] = chosen
    previewed = autocode_plan(membership=membership, **search)
    # What the preview page posts back: the plan's fingerprint and its spans.
    posted = {"fingerprint": previewed.fingerprint, "planned": " ".join(previewed.keys)}
    batches = []
    repeats = max(1, min(ctx.repeats, 5))

    def undo_last() -> None:
        if batches:
            autocode_undo(batch=batches.pop(), user=team.coders[0])

    preview, _ = timed(lambda: autocode_plan(membership=membership, **search), repeats=repeats)
    confirm, _ = timed(
        lambda: batches.append(autocode_confirm(membership=membership, **posted, **search)),
        repeats=repeats,
        setup=undo_last,
    )
    created = len(batches[-1].excerpts) if batches else 0
    undo, _ = timed(undo_last, repeats=1)
    # The writing alone, without the plan's search (which confirming runs again, to notice
    # a preview gone stale).
    spans = [
        (p.document, p.start, p.end) for p in autocode_plan(membership=membership, **search).new
    ]
    made: list = []
    write, _ = timed(
        lambda: made.append(
            excerpts_create_many(coder=team.coders[0], code=code, spans=spans, from_search=WORD)
        ),
        repeats=repeats,
        setup=lambda: (
            made
            and excerpts_delete_many(
                versions={str(e.code): e.version for e in made.pop()}, user=team.coders[0]
            )
        ),
    )
    note = f"{created} excerpts; as the preview page posts them (no second search)"
    return [
        row(f"preview auto-coding {HITS} hits (search + plan)", samples=preview),
        row(
            f"confirm auto-coding {HITS} hits (one batch)",
            samples=confirm,
            target=ctx.target(2.0, "under 2 s (issue 18)"),
            note=note,
        ),
        row(f"write {HITS} excerpts alone (excerpts_create_many)", samples=write),
        row(f"undo an auto-coding of {HITS} excerpts", samples=undo),
    ]


def _order(planned) -> tuple:
    return (planned.document.title, planned.start)
