"""Creating an excerpt in the heavily coded document: one coder, then many at once over HTTP."""

from __future__ import annotations

import gc
import http.client
import json
import random
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

from bench import build, web
from bench.core import Context, Row, scenario
from bench.processes import WEB_THREADS, WEB_WORKERS, gunicorn_server, server_cpu_seconds
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


def huge_document(ctx: Context, heavy) -> object:
    """The longest document writes are measured on (5 M characters at full size), coded as
    heavily as the coding view's, in the same project (every coder assigned)."""

    def make():
        from coding.models import Assignment

        size = ctx.size
        (document,) = build.documents_create(
            project=heavy.team.project, count=1, chars=size.huge_chars, owner=heavy.team.owner
        )
        build.excerpts_create(
            documents=[document],
            coders=heavy.team.coders[:3],
            codes=heavy.codes,
            total=size.view_excerpts,
            assign=False,
        )
        Assignment.objects.bulk_create(
            [Assignment(document=document, coder=c) for c in heavy.team.coders]
        )
        return document

    return build.shared("huge-document", make)


@scenario("excerpt-create", "Create an excerpt")
def excerpt_create(ctx: Context) -> list[Row]:
    build_check = web.url  # fail early (not measured) when the URL does not exist yet
    build_check("coding:excerpt-create", project=build.uuid_zero(), document=build.uuid_zero())
    heavy = heavy_document(ctx)
    huge = huge_document(ctx, heavy)
    row = ctx.rows("excerpt-create")
    coder = heavy.team.coders[0]
    client = web.client_for(coder)
    code = str(heavy.codes[0].code)
    repeats = max(ctx.repeats, 3 if ctx.smoke else 10)
    target = ctx.target(0.015, "p95 under 15 ms server time (issue 21)")
    # The page sends its overlays (?coders=) with the POST, so that the patch shows them.
    overlays = "?" + view_url(heavy, overlay=True).split("?", 1)[1]
    rows = []
    for document in (heavy.document, huge):
        text = document.text
        post_url = web.url(
            "coding:excerpt-create", project=heavy.team.project.code, document=document.code
        )
        spans = iter(_spans(text, 2 * repeats + 1, seed=31))
        patch_sizes: list[int] = []

        def create(url: str, text=text, spans=spans, patch_sizes=patch_sizes) -> None:
            start, end = next(spans)
            # keep_both: a random span may overlap the coder's own excerpt (the "duplicate"
            # question); the coder answers it up front, as after the page's prompt.
            fields = {
                "start": start,
                "end": end,
                "text": text[start:end],
                "codes": [code],
                "keep_both": "on",
            }
            response = client.post(
                url,
                # urlencoded, as the page (static/js/coding/state.js) sends it
                urllib.parse.urlencode(fields, doseq=True),
                content_type="application/x-www-form-urlencoded",
                headers={"Accept": "application/json"},
            )
            web.checked(response)
            answer = response.json()
            if not answer.get("ok") or "patch" not in answer:
                raise RuntimeError(f"excerpt not created, or no patch: {answer}")
            patch_sizes.append(len(response.content))

        create(post_url)  # warm-up (this process reads the text once)
        samples: dict[str, list[float]] = {post_url: [], post_url + overlays: []}
        # Out of the collector's way, as in web.server_times: what this process holds (the
        # scenarios' data), which a web process does not.
        gc.freeze()
        try:
            for _ in range(repeats):
                for url, times in samples.items():
                    began = time.perf_counter()
                    create(url)
                    times.append(time.perf_counter() - began)
        finally:
            gc.unfreeze()
        size = sorted(patch_sizes)[len(patch_sizes) // 2] / 1000
        chars = f"{len(text) / 1e6:.2f} M characters"
        rows += [
            row(
                f"one coder: POST, JSON answer with the text patch, own layer, server time, "
                f"{chars}",
                samples=samples[post_url],
                target=target,
            ),
            row(
                "one coder: POST, JSON answer with the text patch, 3 coders overlaid "
                f"(what the page does; it swaps the patch in, no refresh), {chars}",
                samples=samples[post_url + overlays],
                target=target,
                note=f"{heavy.excerpts:,}+ excerpts; answer ~{size:.1f} kB (median)",
            ),
        ]
    post_url = web.url(
        "coding:excerpt-create", project=heavy.team.project.code, document=heavy.document.code
    )
    rows += concurrent(ctx, heavy, post_url, row)
    return rows


PACE_SECONDS = 1.0  # a fast human: one write, a second to read the answer, the next write
PACED_WRITES = {"tiny": 3, "small": 5, "full": 10}  # per coder, in the paced run


def concurrent(ctx: Context, heavy, post_url: str, row) -> list[Row]:
    """20 coders (3 when tiny) on gunicorn: first each writing with a pause of PACE_SECONDS
    after every answer (what a team does; their starts spread over the first second so they
    do not fire in lockstep), then all writing without pauses (what the server can take)."""
    size = ctx.size
    users = heavy.team.coders[: size.concurrent_users]
    sessions = [web.HttpSession.for_user(user) for user in users]
    code = str(heavy.codes[1].code)
    text = heavy.document.text
    workers, threads = WEB_WORKERS, WEB_THREADS  # as docker-compose.yml ships it

    with gunicorn_server(
        workers=workers, threads=threads, log=ctx.work / "gunicorn-load.log"
    ) as base:

        def run(per_user: int, *, seed: int, pace: float) -> tuple[list[float], int, float]:
            """Latencies of every POST, excerpts written, wall time."""
            latencies: list[float] = []
            written = 0
            failures: list[str] = []
            lock = threading.Lock()
            deadline = time.monotonic() + MAX_SECONDS

            def post(browser: web.Connection, session, fields: dict) -> tuple[int, dict]:
                headers = {
                    **session.headers(),
                    "Accept": "application/json",
                    "Content-Type": "application/x-www-form-urlencoded",
                }
                began = time.perf_counter()
                response, raw = browser.request(
                    "POST", post_url, urllib.parse.urlencode(fields), headers
                )
                with lock:
                    latencies.append(time.perf_counter() - began)
                return response.status, json.loads(raw or b"{}")  # a 409 question is an answer

            def user_session(index: int) -> None:
                nonlocal written
                session = sessions[index]
                browser = web.Connection(base)  # kept open between writes, as a browser does
                try:
                    if pace:
                        time.sleep(pace * index / len(users))
                    for number, (start, end) in enumerate(
                        _spans(text, per_user, seed=seed + index)
                    ):
                        if time.monotonic() > deadline:
                            return
                        if pace and number:
                            time.sleep(pace)
                        fields = {
                            "start": start,
                            "end": end,
                            "text": text[start:end],
                            "codes": code,
                        }
                        try:
                            status, payload = post(browser, session, fields)
                            if status == 409 and payload.get("error") == "duplicate":
                                # A random span near one of the coder's own excerpts with this
                                # code: the coder answers "keep both", as on the page.
                                status, payload = post(
                                    browser, session, {**fields, "keep_both": "on"}
                                )
                        except (OSError, http.client.HTTPException, ValueError) as exc:
                            status, payload = 0, {"error": str(exc)}
                        with lock:
                            if payload.get("ok"):
                                written += 1
                            else:
                                failures.append(f"{status}: {payload.get('error', payload)}")
                finally:
                    browser.close()

            began = time.perf_counter()
            with ThreadPoolExecutor(max_workers=len(users)) as pool:
                list(pool.map(user_session, range(len(users))))
            wall = time.perf_counter() - began
            if failures:
                raise RuntimeError(f"{len(failures)} of the requests failed: {failures[0]}")
            return latencies, written, wall

        paced_writes = PACED_WRITES[size.name]
        paced, paced_written, paced_wall = run(paced_writes, seed=200, pace=PACE_SECONDS)
        per_user = min(size.requests_per_user, MAX_REQUESTS // len(users))
        before, client_before = server_cpu_seconds(), time.process_time()
        latencies, written, wall = run(per_user, seed=100, pace=0)
        after, client = server_cpu_seconds(), time.process_time() - client_before
    writes = max(1, written)
    cpu = {kind: (after[kind] - before[kind]) / writes for kind in after}
    server = f"gunicorn {workers} workers × {threads} threads (gthread) on 127.0.0.1"
    # A duplicate question (409) and the coder's "keep both" are two requests for one excerpt.
    how = f"{server}; {len(latencies)} requests for {written} excerpts in {wall:.1f} s"
    return [
        row(
            f"{len(users)} coders at once, each pausing {PACE_SECONDS:g} s between writes "
            "(HTTP POST latency, as the client sees it)",
            samples=paced,
            target=ctx.target(0.100, "p95 < 100 ms (issue 21)"),
            note=f"{server}; {len(paced)} requests for {paced_written} excerpts in "
            f"{paced_wall:.1f} s, "
            f"{paced_writes} per coder, starts spread over the first second",
        ),
        row(
            f"{len(users)} coders at once, {per_user} excerpts each (HTTP POST latency)",
            samples=latencies,
            note=how,
        ),
        row(
            f"{len(users)} coders at once without pauses: excerpts written per second",
            samples=[written / wall],
            unit="writes/s",
            target=ctx.target(150, "at least 150 writes/s (issue 21)", at_least=True),
            note=how,
        ),
        row(
            f"{len(users)} coders at once without pauses: server CPU per write (gunicorn and "
            "PostgreSQL processes, from /proc; other work on the machine moves it less than "
            "wall times)",
            samples=[cpu["web"] + cpu["database"]],
            note=f"{server}; gunicorn {cpu['web'] * 1000:.1f} ms + PostgreSQL "
            f"{cpu['database'] * 1000:.1f} ms a write; the {len(users)} client threads (the "
            f"harness) {client / writes * 1000:.1f} ms",
        ),
    ]
