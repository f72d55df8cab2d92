"""Creating an excerpt in the heavily coded document: one coder, then many at once over HTTP."""

from __future__ import annotations

import json
import random
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from bench import build, web
from bench.core import Context, Row, scenario
from bench.processes import gunicorn_server
from bench.scenarios.coding_view import heavy_document, view_url

# Hard bounds on the load test, whatever the size: it stops by itself.
MAX_REQUESTS = 400
MAX_SECONDS = 120


def _spans(text: str, count: int, seed: int) -> list[tuple[int, int]]:
    rng = random.Random(seed)
    spans = []
    for _ in range(count):
        start = rng.randrange(0, len(text) - 300)
        spans.append((start, start + rng.randint(20, 300)))
    return spans


@scenario("excerpt-create", "Create an excerpt")
def excerpt_create(ctx: Context) -> list[Row]:
    build_check = web.url  # fail early (not measured) when the URL does not exist yet
    build_check("coding:excerpt-create", project=build.uuid_zero(), document=build.uuid_zero())
    heavy = heavy_document(ctx)
    text = heavy.document.text
    row = ctx.rows("excerpt-create")
    coder = heavy.team.coders[0]
    post_url = web.url(
        "coding:excerpt-create", project=heavy.team.project.code, document=heavy.document.code
    )
    # The page sends its overlays (?coders=) with the POST, so that the patch shows them.
    overlay_url = post_url + "?" + view_url(heavy, overlay=True).split("?", 1)[1]
    client = web.client_for(coder)
    code = str(heavy.codes[0].code)
    repeats = max(ctx.repeats, 3 if ctx.smoke else 10)
    spans = iter(_spans(text, 2 * repeats + 1, seed=31))
    patch_sizes: list[int] = []

    def create(url: str) -> None:
        start, end = next(spans)
        response = client.post(
            url,
            # keep_both: a random span may overlap the coder's own excerpt (the "duplicate"
            # question); the coder answers it up front, as after the page's prompt.
            {
                "start": start,
                "end": end,
                "text": text[start:end],
                "codes": [code],
                "keep_both": "on",
            },
            headers={"Accept": "application/json"},
        )
        web.checked(response)
        answer = response.json()
        if not answer.get("ok") or "patch" not in answer:
            raise RuntimeError(f"excerpt not created, or no patch: {answer}")
        patch_sizes.append(len(response.content))

    create(post_url)  # warm-up
    samples: dict[str, list[float]] = {post_url: [], overlay_url: []}
    for _ in range(repeats):
        for url, times in samples.items():
            began = time.perf_counter()
            create(url)
            times.append(time.perf_counter() - began)
    size = sorted(patch_sizes)[len(patch_sizes) // 2] / 1000
    rows = [
        row(
            "one coder: POST, JSON answer with the text patch, own layer, server time",
            samples=samples[post_url],
        ),
        row(
            "one coder: POST, JSON answer with the text patch, 3 coders overlaid "
            "(what the page does; it swaps the patch in, no refresh)",
            samples=samples[overlay_url],
            note=f"document with {heavy.excerpts:,}+ excerpts; answer ~{size:.1f} kB (median)",
        ),
    ]
    rows.append(concurrent(ctx, heavy, post_url, row))
    return rows


def concurrent(ctx: Context, heavy, post_url: str, row) -> Row:
    size = ctx.size
    users = heavy.team.coders[: size.concurrent_users]
    sessions = [web.HttpSession.for_user(user) for user in users]
    code = str(heavy.codes[1].code)
    text = heavy.document.text
    per_user = min(size.requests_per_user, MAX_REQUESTS // len(users))
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    workers = 5 if size.name != "tiny" else 2

    with gunicorn_server(workers=workers, log=ctx.work / "gunicorn-load.log") as base:
        deadline = time.monotonic() + MAX_SECONDS

        def user_session(index: int) -> None:
            session = sessions[index]
            for start, end in _spans(text, per_user, seed=100 + index):
                if time.monotonic() > deadline:
                    return
                body = urllib.parse.urlencode(
                    {"start": start, "end": end, "text": text[start:end], "codes": code}
                ).encode()
                request = urllib.request.Request(  # noqa: S310 (127.0.0.1 only)
                    base + post_url,
                    data=body,
                    headers={**session.headers(), "Accept": "application/json"},
                    method="POST",
                )
                began = time.perf_counter()
                try:
                    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                        ok = json.loads(response.read()).get("ok")
                except (urllib.error.URLError, TimeoutError, ValueError) as exc:
                    ok, reason = False, str(exc)
                else:
                    reason = "" if ok else "answer without ok"
                elapsed = time.perf_counter() - began
                with lock:
                    if ok:
                        latencies.append(elapsed)
                    else:
                        failures.append(reason)

        began = time.perf_counter()
        with ThreadPoolExecutor(max_workers=len(users)) as pool:
            list(pool.map(user_session, range(len(users))))
        wall = time.perf_counter() - began
    if failures:
        raise RuntimeError(f"{len(failures)} of the concurrent requests failed: {failures[0]}")
    return row(
        f"{len(users)} coders at once, {per_user} excerpts each (HTTP POST latency)",
        samples=latencies,
        note=f"gunicorn {workers} sync workers on 127.0.0.1; {len(latencies)} requests in "
        f"{wall:.1f} s = {len(latencies) / wall:.0f} excerpts/s",
    )
