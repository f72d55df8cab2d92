"""Reconciliation (issue 14): the document page at 1,000 candidates and a decision's answer.

Two coders code the same 1,000 passages of one long document, the second agreeing on every
other one and choosing another code elsewhere; opening the reconciliation (the service users
call) stores one candidate per passage. The page shows a window of the candidates with the
next undecided one a link away; a decision is an htmx POST answered with its candidate alone.
"""

from __future__ import annotations

import time

from bench import build, web
from bench.core import Context, NotAvailable, Row, scenario

CANDIDATES = 1_000
STRIDE = 120  # characters per passage, 60 of them coded


def _project(ctx: Context):
    try:
        from coding.models import Assignment, Coding, Excerpt
        from coding.reconcile.services import reconciliation_open
    except ImportError as exc:
        raise NotAvailable(f"no reconciliation yet ({exc})") from exc
    team = build.team_create(label="reconcile", coders=2, blind=True)
    codes = build.codebook_create(project=team.project, codes=40, seed=71)
    (document,) = build.documents_create(
        project=team.project, count=1, chars=CANDIDATES * STRIDE + 1_000, owner=team.owner, seed=72
    )
    excerpts, chosen = [], []
    for n in range(CANDIDATES):
        start, end = n * STRIDE, n * STRIDE + 60
        for i, coder in enumerate(team.coders):
            excerpts.append(
                Excerpt(
                    document=document,
                    coder=coder,
                    start=start,
                    end=end,
                    text=document.text[start:end],
                )
            )
            chosen.append(codes[n % 40] if i == 0 or n % 2 == 0 else codes[(n + 1) % 40])
    Excerpt.objects.bulk_create(excerpts, batch_size=2_000)
    Coding.objects.bulk_create(
        (Coding(excerpt=x, code=c) for x, c in zip(excerpts, chosen, strict=True)),
        batch_size=5_000,
    )
    Assignment.objects.bulk_create([Assignment(document=document, coder=c) for c in team.coders])
    reconciliation = reconciliation_open(
        project=team.project, documents=[document], coders=team.coders, user=team.owner
    )
    return team, reconciliation, document


@scenario("reconciliation", "Reconciliation")
def reconciliation(ctx: Context) -> list[Row]:
    from coding.models import Candidate

    row = ctx.rows("reconciliation")
    team, target, document = _project(ctx)
    client = web.client_for(team.owner)
    page = web.url(
        "coding:reconciliation-document",
        project=team.project.code,
        reconciliation=target.code,
        reconciled_document=document.code,
    )
    total = Candidate.objects.filter(item__reconciliation=target).count()
    samples, queries, body = web.server_times(
        lambda: web.checked(client.get(page)), repeats=max(ctx.repeats, 5)
    )
    rows = [
        row(
            f"render the reconciliation page of a document with {total:,} candidates",
            samples=samples,
            target=ctx.target(0.3, "issue 14: under 300 ms", at_scale=True),
            note=f"{queries} queries; {body / 1e6:.2f} MB of HTML (a window of the candidates)",
        ),
        row(
            f"queries, reconciliation page of {total:,} candidates",
            samples=[float(queries)],
            unit="queries",
        ),
    ]
    keep = f"keep:{team.coders[0].pk}"
    decided = []
    for candidate in Candidate.objects.filter(item__reconciliation=target).order_by("position")[
        : max(ctx.repeats * 4, 20)
    ]:
        url = web.url(
            "coding:candidate-decide", project=team.project.code, candidate=candidate.code
        )
        began = time.perf_counter()
        web.checked(
            client.post(
                url,
                {"version": candidate.version, "decision": keep},
                headers={"HX-Request": "true"},
            )
        )
        decided.append(time.perf_counter() - began)
    rows.append(
        row(
            f"decide one candidate (htmx answer, {total:,} candidates in the document)",
            samples=decided,
            target=ctx.target(0.05, "issue 14: p95 under 50 ms", at_scale=True),
            note=f"{len(decided)} decisions, each on its own candidate",
        )
    )
    return rows
