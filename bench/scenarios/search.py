"""Full-text search: a two-word query over 26 documents of 1.5 M characters in all, answered
with keyword-in-context lines (issue 18: under 100 ms on PostgreSQL)."""

from __future__ import annotations

import random

from bench import build, web
from bench.core import Context, NotAvailable, Row, scenario, timed

DOCUMENTS = 26
# The two words of the query, planted in some paragraphs; the synthetic prose never has them.
PLANTED = "Pilotprosjektet med medisinrobotene ga nyttige erfaringer."
QUERY = "pilotprosjekt* medisinrobot"
PLANTINGS = 100  # sentences, so 200 hits (each sentence holds both words)
SHOWN = 50  # hits answered with their context


def search_project(ctx: Context):
    """The documents, with the planted sentences, indexed (untimed: ingestion does it)."""
    from coding.models import Document
    from study.search.index import document_index

    total = 1_500_000 if ctx.size.name != "tiny" else 150_000
    team = build.team_create(label="search", coders=1, blind=False)
    documents = build.documents_create(
        project=team.project, count=DOCUMENTS, chars=total // DOCUMENTS, owner=team.owner, seed=81
    )
    rng = random.Random(82)
    for i, document in enumerate(documents):
        paragraphs = document.text.split("\n\n")
        chosen = rng.sample(
            range(len(paragraphs)), k=PLANTINGS // DOCUMENTS + (i < PLANTINGS % DOCUMENTS)
        )
        for n in chosen:
            paragraphs[n] += " " + PLANTED
        document.text = "\n\n".join(paragraphs)
    Document.objects.bulk_update(documents, ["text"])
    for document in documents:
        document_index(document)
    return team, sum(len(d.text) for d in documents)


@scenario("search", "Full-text search")
def search(ctx: Context) -> list[Row]:
    try:
        from study.search.selectors import search_documents
    except ImportError as exc:
        raise NotAvailable(f"no search index yet ({exc})") from exc
    web.url("study:search", project=build.uuid_zero())
    from research.models import Membership

    row = ctx.rows("search")
    team, chars = search_project(ctx)
    membership = Membership.objects.select_related("project").get(
        project=team.project, user=team.coders[0]
    )
    shape = f"{DOCUMENTS} documents, {chars / 1e6:.2f} M characters"
    found = search_documents(membership=membership, query=QUERY, limit=SHOWN)
    hits = sum(result.count for result in found)
    shown = sum(len(result.hits) for result in found)
    samples, _ = timed(
        lambda: search_documents(membership=membership, query=QUERY, limit=SHOWN),
        repeats=ctx.repeats,
    )
    client = web.client_for(team.coders[0])
    page = web.url("study:search", project=team.project.code)
    page_samples, queries, body = web.server_times(
        lambda: web.checked(client.get(page, {"q": QUERY})), repeats=ctx.repeats
    )
    return [
        row(
            f"two-word query, {shape}: {hits} hits, the first {shown} in context (selector)",
            samples=samples,
            target=ctx.target(0.1, "under 100 ms on PostgreSQL (issue 18)"),
        ),
        row(
            f"the search page for it, {shape} (up to 20 hits per document)",
            samples=page_samples,
            note=f"{queries} queries; {body / 1e3:.0f} KB of HTML",
        ),
    ]
