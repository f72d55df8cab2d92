"""Opening the coding view of a long, heavily coded document: server, queries, and browser."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

from bench import build, web
from bench.core import Context, Row, scenario
from bench.processes import gunicorn_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class HeavyDocument:
    team: build.Team
    document: object
    codes: list
    excerpts: int


def heavy_document(ctx: Context) -> HeavyDocument:
    """One long document coded by three coders (non-blind, so one can overlay the others);
    every member of the team is assigned to it, so each may add excerpts."""

    def make() -> HeavyDocument:
        size = ctx.size
        team = build.team_create(label="view", coders=max(3, size.concurrent_users), blind=False)
        codes = build.codebook_create(project=team.project, codes=min(150, size.codebook_codes))
        (document,) = build.documents_create(
            project=team.project, count=1, chars=size.view_chars, owner=team.owner
        )
        excerpts = build.excerpts_create(
            documents=[document],
            coders=team.coders[:3],
            codes=codes,
            total=size.view_excerpts,
            assign=False,
        )
        from coding.models import Assignment

        Assignment.objects.bulk_create(
            [Assignment(document=document, coder=c) for c in team.coders]
        )
        return HeavyDocument(team, document, codes, len(excerpts))

    return build.shared("heavy-document", make)


def view_url(heavy: HeavyDocument, *, overlay: bool) -> str:
    path = web.url(
        "coding:coding-view", project=heavy.team.project.code, document=heavy.document.code
    )
    if overlay:
        path += "?coders=" + ",".join(str(c.pk) for c in heavy.team.coders[1:3])
    return path


@scenario("coding-view", "Open the coding view")
def coding_view(ctx: Context) -> list[Row]:
    web.url("coding:coding-view", project=build.uuid_zero(), document=build.uuid_zero())
    heavy = heavy_document(ctx)
    row = ctx.rows("coding-view")
    coder = heavy.team.coders[0]
    client = web.client_for(coder)
    describe = f"{len(heavy.document.text) / 1e6:.2f} M characters"
    rows = []
    for overlay in (True, False):
        path = view_url(heavy, overlay=overlay)
        samples, queries, body = web.server_times(
            lambda p=path: web.checked(client.get(p)), repeats=ctx.repeats
        )
        shown = (
            f"all {heavy.excerpts:,} excerpts (3 coders overlaid)"
            if overlay
            else "own excerpts only"
        )
        rows.append(
            row(
                f"server time, {describe}, {shown}",
                samples=samples,
                target=ctx.target(0.1, "server time under 100 ms (issue 21)"),
                note=f"{queries} queries; {body / 1e6:.1f} MB of HTML",
            )
        )
        rows.append(row(f"queries, {shown}", samples=[float(queries)], unit="queries"))
    rows.append(browser_row(ctx, heavy, row, describe))
    return rows


def browser_row(ctx: Context, heavy: HeavyDocument, row, describe: str) -> Row:
    label = f"time to usable in Chromium, {describe}, all {heavy.excerpts:,} excerpts"
    target = ctx.target(0.5, "time to usable under 0.5 s (issue 21)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return row(label, status="not measured", reason="Playwright is not installed")
    if not os.path.exists(CHROMIUM):
        return row(label, status="not measured", reason=f"no {CHROMIUM}")
    session = web.HttpSession.for_user(heavy.team.coders[0])
    path = view_url(heavy, overlay=True)
    repeats = max(1, min(ctx.repeats, 5))
    samples: list[float] = []
    loads: list[float] = []
    # Playwright's sync API runs an event loop in this thread: no ORM calls happen inside.
    with (
        gunicorn_server(workers=2, log=ctx.work / "gunicorn-view.log") as base,
        sync_playwright() as p,
    ):
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            context.add_cookies([{"name": "sessionid", "value": session.sessionid, "url": base}])
            page = context.new_page()
            page.goto(base + path, wait_until="load")  # warm-up: static files cached
            for _ in range(repeats):
                began = time.perf_counter()
                page.goto(base + path, wait_until="commit")
                page.wait_for_selector(
                    '#coding-text[data-ready="1"]', state="attached", timeout=120_000
                )
                samples.append(time.perf_counter() - began)
                page.wait_for_load_state("load")
                loads.append(
                    page.evaluate(
                        "() => { const t = performance.getEntriesByType('navigation')[0];"
                        " return t.loadEventEnd / 1000; }"
                    )
                )
        finally:
            browser.close()
    load_median = sorted(loads)[len(loads) // 2]
    return row(
        label,
        samples=samples,
        target=target,
        note=f"until the page's script marks the text ready; gunicorn 2 workers; "
        f"load event at {load_median:.2f} s (median)",
    )
