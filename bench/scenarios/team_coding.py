"""A team coding one document at once while the codebook changes under it, over real HTTP.

Coders log in through the login form (no forced sessions) against gunicorn on PostgreSQL (with
REDIS_URL set, the cache, sessions' throttle and the broker are Redis, and a Celery worker runs,
as in production). Each coder then makes about 50 writes through the coding view's own JSON
endpoints, in rounds that start together (a barrier), so many writes hit the same span at the
same moment: create with a code (every coder on the same hot span), add or remove a code, memo,
move a boundary, delete and "Undo delete" (some excerpts stay deleted), two tabs saving the same
excerpt at once, a stale tab (an edit carrying an older version), and an edit of an excerpt
deleted meanwhile (410, then restored). A third of the way in, at one moment, a lead merges code
S into T and moves code M under another parent (two requests at once) and the owner renames R.

What counts (the ledger). An *acknowledged write* is a coding write answered 200 with
`"ok": true`; its answer carries the excerpt as the write left it (version, span, memo, codes),
except a delete, acknowledged at the version it carried. Per excerpt, the acknowledged writes
are ordered by version (a delete sits just after the version it deleted). An acknowledged write
is **lost** when the final state contradicts it and no later acknowledged write explains it:
1. two acknowledged creates/updates/restores claim the same resulting version (one overwrote the
   other): each extra one counts;
2. an acknowledged update whose resulting version is not the version it carried plus one (it
   was applied over versions it had not seen, so it overwrote an acknowledged write): one each;
3. two acknowledged updates or deletes carried the same version (both accepted on one base):
   each extra one counts;
4. the last acknowledged write of the excerpt disagrees with the database at the end: a delete
   whose excerpt exists, or a create/update/restore whose excerpt is missing or differs in
   version, span, memo or codes. Codes are compared after following the codebook's merges (an
   acknowledged S is T once S was merged into T): one each.
Everything else acknowledged is **kept**. 409s (stale versions, two tabs, codes deleted), 410s
(excerpt deleted meanwhile), 5xx and transport failures are counted apart; the merge, move and
rename must each succeed on the first try. The smoke run fails unless 0 are lost and 0 are 5xx.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

from bench import build, web
from bench.core import Context, Row, scenario
from bench.processes import WEB_THREADS, WEB_WORKERS, celery_worker, gunicorn_server

# Per size: coders, writes per coder, characters in the document. The web server is the one
# docker-compose.yml ships (bench.processes.WEB_WORKERS × WEB_THREADS).
LOAD = {"tiny": (4, 20, 4_000), "small": (20, 50, 20_000), "full": (20, 50, 40_000)}
HOT_SPANS = 4  # creates rotate over these spans: every coder creates on the same one at once
BARRIER_SECONDS = 120  # a round that does not start by then is a harness failure, not a wait


@dataclass
class Ack:
    excerpt: str
    kind: str  # create | update | delete | restore
    base: int | None  # the version the request carried (None for create and restore)
    version: int  # the version after the write (a delete: the version it deleted)
    state: dict | None  # the excerpt as the answer gave it (None for a delete)

    @property
    def key(self) -> float:
        return self.version + 0.5 if self.kind == "delete" else self.version


@dataclass
class Tally:
    acks: list[Ack] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, status: int, elapsed: float) -> None:
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1
            self.latencies.append(elapsed)

    def acknowledge(self, ack: Ack) -> None:
        with self.lock:
            self.acks.append(ack)

    def count(self, low: int, high: int) -> int:
        return sum(n for status, n in self.statuses.items() if low <= status < high)


class Browser:
    """One logged-in browser: its cookies, and requests without following redirects."""

    def __init__(self, base: str, tally: Tally):
        self.connection = web.Connection(base)  # kept open between requests, as a browser does
        self.cookies: dict[str, str] = {}
        self.tally = tally

    def send(self, method: str, path: str, fields=None, *, as_json=True, timed=True):
        """(status, parsed JSON or None, Location header). Transport errors count as failures."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        if as_json:
            headers["Accept"] = "application/json"
        began = time.perf_counter()
        try:
            response, raw = self.connection.request(method, path, body, headers)
        except (OSError, http.client.HTTPException) as exc:
            with self.tally.lock:
                self.tally.failures.append(f"{method} {path}: {exc}")
            return 0, None, ""
        if timed:
            self.tally.answer(response.status, time.perf_counter() - began)
        for header in response.msg.get_all("Set-Cookie") or []:
            name, _sep, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        payload = None
        if response.headers.get("Content-Type", "").startswith("application/json"):
            payload = json.loads(raw)
        return response.status, payload, response.headers.get("Location", "")

    def log_in(self, email: str) -> None:
        """Through the login form, as a person would: its page sets the CSRF cookie."""
        login = web.url("account_login")
        self.send("GET", login, as_json=False, timed=False)
        fields = {
            "login": email,
            "password": build.PASSWORD,
            "csrfmiddlewaretoken": self.cookies.get("csrftoken", ""),
        }
        status, _payload, _where = self.send("POST", login, fields, as_json=False, timed=False)
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"{email} could not log in through the form (answer {status})")


@dataclass
class Setup:
    project: object
    document: object
    text: str
    coders: list
    lead: object
    owner: object
    codes: dict  # name -> Code


def _setup(label: str, size: str, coders: int) -> Setup:
    from coding.codebook import services as codebook_services
    from coding.models import Assignment
    from research.models import Membership, Role

    team = build.team_create(label=f"team-{label}", coders=coders + 1)
    lead_user = team.coders[-1]
    Membership.objects.filter(project=team.project, user=lead_user).update(role=Role.LEAD)
    chars = LOAD[size][2]
    (document,) = build.documents_create(
        project=team.project, count=1, chars=chars, owner=team.owner, seed=13
    )
    Assignment.objects.bulk_create(
        Assignment(document=document, coder=coder) for coder in team.coders[:-1]
    )
    make = codebook_services.code_create
    owner = team.owner
    parents = {name: make(project=team.project, name=name, user=owner) for name in ("P1", "P2")}
    codes = dict(parents)
    for name in ("S", "T", "M", "R", "A", "B", "C"):
        codes[name] = make(project=team.project, name=name, user=owner, parent=parents["P1"])
    return Setup(
        project=team.project,
        document=document,
        text=document.text,
        coders=team.coders[:-1],
        lead=lead_user,
        owner=owner,
        codes=codes,
    )


class Coder:
    """One coder's session: what the coding view would hold (each excerpt's last known state)."""

    def __init__(self, index: int, browser: Browser, setup: Setup, tally: Tally, pace: float = 0.0):
        self.index, self.browser, self.setup, self.tally = index, browser, setup, tally
        self.pace = pace  # seconds between the end of one write and the next (0: none)
        self.last_write = 0.0
        self.known: dict[str, dict] = {}  # excerpt code -> state from the last answer
        self.deleted: dict[str, str] = {}  # excerpt code -> restore URL
        project, document = setup.project.code, setup.document.code
        self.create_url = web.url("coding:excerpt-create", project=project, document=document)
        self.project = project
        self.pick = [str(setup.codes[n].code) for n in ("S", "T", "M", "R", "A", "B", "C")]

    def _update_url(self, code: str) -> str:
        return web.url("coding:excerpt-update", project=self.project, excerpt=code)

    def _delete_url(self, code: str) -> str:
        return web.url("coding:excerpt-delete", project=self.project, excerpt=code)

    def _write(self, method_path: str, fields: dict, *, kind: str, code: str | None, base):
        if self.pace:  # a person reads the answer before the next write (two tabs: both wait)
            time.sleep(max(0.0, self.last_write + self.pace - time.perf_counter()))
        status, payload, _where = self.browser.send("POST", method_path, fields)
        self.last_write = time.perf_counter()
        payload = payload or {}
        if status == 200 and payload.get("ok"):
            excerpt = payload.get("excerpt")
            if kind == "delete":
                self.tally.acknowledge(Ack(code, kind, base, base, None))
                self.known.pop(code, None)
                self.deleted[code] = payload.get("restore_url", "")
            else:
                state = _state(excerpt)
                self.tally.acknowledge(Ack(excerpt["code"], kind, base, state["version"], state))
                self.known[excerpt["code"]] = state
                self.deleted.pop(excerpt["code"], None)
        elif status == 409 and payload.get("excerpt"):
            # What the coding view does with a stale answer: show the excerpt as it is now.
            self.known[payload["excerpt"]["code"]] = _state(payload["excerpt"])
        elif status == 410 and code is not None:
            self.known.pop(code, None)
            self.deleted[code] = payload.get("restore_url", "")
        return status, payload

    def create(self, round_index: int) -> None:
        hot = (round_index // 5) % HOT_SPANS
        start = 50 + hot * 113
        end = start + 40 + hot
        codes = [self.pick[(round_index + self.index) % len(self.pick)]]
        fields = {"start": start, "end": end, "text": self.setup.text[start:end], "codes": codes}
        self._write(self.create_url, fields, kind="create", code=None, base=None)

    def update(self, code: str, extra: dict, *, version: int | None = None):
        base = self.known[code]["version"] if version is None else version
        fields = {"version": base, **extra}
        return self._write(self._update_url(code), fields, kind="update", code=code, base=base)

    def delete(self, code: str):
        base = self.known[code]["version"]
        fields = {"version": base}
        return self._write(self._delete_url(code), fields, kind="delete", code=code, base=base)

    def restore(self, code: str) -> None:
        url = self.deleted.get(code)  # the restore link of the delete's answer
        if url:
            self._write(url, {}, kind="restore", code=code, base=None)

    def act(self, round_index: int) -> None:
        if round_index % 5 == 0 or not self.known:
            self.create(round_index)
            return
        alive = sorted(self.known)
        code = alive[round_index % len(alive)]
        state = self.known[code]
        action = (round_index + self.index) % 8
        if action == 0:  # add a code (S may have been merged away meanwhile: T is used)
            self.update(code, {"add_codes": self.pick[(round_index * 3) % len(self.pick)]})
        elif action == 1:  # memo
            self.update(code, {"set_memo": "on", "memo": f"memo {self.index}.{round_index}"})
        elif action == 2:  # move the end boundary by one character
            end = state["end"] + (1 if round_index % 2 else -1)
            if end <= state["start"]:
                end = state["end"] + 1
            text = self.setup.text[state["start"] : end]
            self.update(code, {"start": state["start"], "end": end, "text": text})
        elif action == 3:  # delete, and "Undo delete" two times in three
            self.delete(code)
            if (round_index + self.index) % 3:
                self.restore(code)
        elif action == 4:  # two tabs save the same excerpt at the same moment
            self.two_tabs(code, round_index)
        elif action == 5:  # a stale tab: another tab saved since this one loaded
            old = state["version"]
            self.update(code, {"set_memo": "on", "memo": f"tab A {round_index}"})
            self.update(code, {"set_memo": "on", "memo": f"tab B {round_index}"}, version=old)
        elif action == 6 and state["codes"]:  # remove a code
            self.update(code, {"remove_codes": state["codes"][0]})
        else:  # deleted in one tab, edited in another (410), then brought back
            version = state["version"]
            self.delete(code)
            self.known[code] = state
            self.update(code, {"set_memo": "on", "memo": "late"}, version=version)
            self.known.pop(code, None)
            self.restore(code)

    def two_tabs(self, code: str, round_index: int) -> None:
        version = self.known[code]["version"]
        together = threading.Barrier(2)

        def tab(name: str) -> None:
            together.wait(timeout=BARRIER_SECONDS)
            self.update(code, {"set_memo": "on", "memo": f"{name} {round_index}"}, version=version)

        threads = [threading.Thread(target=tab, args=(name,)) for name in ("left", "right")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()


def _state(excerpt: dict) -> dict:
    return {key: excerpt[key] for key in ("code", "version", "start", "end", "memo", "codes")}


def _codebook_changes(setup: Setup, base: str, tally: Tally) -> list[str]:
    """The lead merges S into T and moves M under P2 at the same moment, the owner renames R.
    Returns what went wrong (each must succeed on the first try)."""
    codes, project = setup.codes, setup.project.code
    lead, owner = Browser(base, tally), Browser(base, tally)
    lead.log_in(setup.lead.email)
    owner.log_in(setup.owner.email)
    rename = {
        "name": "R renamed",
        "definition": codes["R"].definition,
        "colour": codes["R"].colour or "",
        "shortcut": "",
        "memo": "",
    }
    moves = [
        (lead, "coding:code-merge", "S", {"target": str(codes["T"].code)}),
        (lead, "coding:code-move", "M", {"parent": str(codes["P2"].code), "position": ""}),
        (owner, "coding:code-edit", "R", rename),
    ]
    problems: list[str] = []
    together = threading.Barrier(len(moves))

    def change(browser, name, code, fields):
        path = web.url(name, project=project, code=codes[code].code)
        together.wait(timeout=BARRIER_SECONDS)
        status, _payload, _where = browser.send("POST", path, fields, as_json=False)
        if status != 302:
            problems.append(f"{name} of {code} answered {status}")

    threads = [threading.Thread(target=change, args=move) for move in moves]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return problems


def ledger_lost(acks: list[Ack], *, project_id: int) -> tuple[int, list[str]]:
    """The lost acknowledged writes by the module docstring's rules, with a line per loss."""
    from coding.excerpts.selectors import code_fates
    from coding.models import Code, Excerpt

    by_excerpt: dict[str, list[Ack]] = {}
    for ack in acks:
        by_excerpt.setdefault(ack.excerpt, []).append(ack)
    rows = {
        str(e.code): e
        for e in Excerpt.objects.filter(code__in=list(by_excerpt)).prefetch_related("codes")
    }
    named = {str(c) for ack in acks if ack.state for c in ack.state["codes"]}
    present = {str(c) for c in Code.objects.filter(code__in=named).values_list("code", flat=True)}
    fates = code_fates(project_id=project_id, uuids=sorted(named - present))
    follow = {u: str(f.target.code) for u, f in fates.items() if f.target is not None}
    lost: list[str] = []
    for code, items in by_excerpt.items():
        items.sort(key=lambda a: a.key)
        results = [a.version for a in items if a.kind != "delete"]
        lost += [f"{code}: version {v} acknowledged twice" for v in _extra(results)]
        lost += [
            f"{code}: update acknowledged at {a.version} on base {a.base}"
            for a in items
            if a.kind == "update" and a.version != (a.base or 0) + 1
        ]
        bases = [a.base for a in items if a.kind in ("update", "delete")]
        lost += [f"{code}: two writes accepted on version {v}" for v in _extra(bases)]
        last, row = items[-1], rows.get(code)
        if last.kind == "delete":
            if row is not None:
                lost.append(f"{code}: acknowledged delete, but the excerpt is there")
            continue
        if row is None:
            lost.append(f"{code}: acknowledged {last.kind} at {last.version}, excerpt missing")
            continue
        want = last.state
        codes = sorted({follow.get(c, c) for c in want["codes"]})
        have = (
            row.version,
            row.start,
            row.end,
            row.memo,
            sorted(str(c.code) for c in row.codes.all()),
        )
        if have != (want["version"], want["start"], want["end"], want["memo"], codes):
            lost.append(f"{code}: last acknowledged {last.kind} {want} but the database has {have}")
    return len(lost), lost


def _extra(values: list) -> list:
    seen, extra = set(), []
    for value in values:
        if value in seen:
            extra.append(value)
        seen.add(value)
    return extra


PACE_SECONDS = 1.0  # the paced run: a fast human's pause between two writes
PACED_ROUNDS = {"tiny": 6, "small": 12, "full": 12}  # ~1.5 writes a round: ~18 writes a coder


@dataclass
class Run:
    """One run of the team on its own project: what the ledger and the codebook say."""

    coders: int
    rounds: int
    tally: Tally
    problems: list[str]
    wall: float
    lost: int
    why: list[str]


def _run(ctx: Context, base: str, *, label: str, rounds: int, pace: float) -> Run:
    """The team's writes on a project of its own (the merge happens once per project). Without
    `pace`, rounds start together at a barrier (the most writes at one moment); with it, each
    coder goes through its rounds alone, pausing `pace` seconds between writes, the starts
    spread over the first `pace` seconds, and the codebook changes a third of the way in."""
    from coding.models import Code

    setup = _setup(label, ctx.size.name, LOAD[ctx.size.name][0])
    tally = Tally()
    problems: list[str] = []
    coders = []
    for index, user in enumerate(setup.coders):
        browser = Browser(base, tally)
        browser.log_in(user.email)
        coders.append(Coder(index, browser, setup, tally, pace=pace))
    start_round = threading.Barrier(len(coders) + 1)
    codebook_at = rounds // 3

    def coder_run(coder: Coder) -> None:
        try:
            if pace:
                time.sleep(pace * coder.index / len(coders))
            for round_index in range(rounds):
                if not pace:
                    start_round.wait(timeout=BARRIER_SECONDS)
                coder.act(round_index)
        except Exception as exc:
            start_round.abort()  # everyone else stops at the next round, not at a timeout
            with tally.lock:
                tally.failures.append(f"coder {coder.index}: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=coder_run, args=(c,)) for c in coders]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    try:
        if pace:
            # A third of the writes in (about 1.5 a round), bounded in time all the same.
            expected = len(coders) * rounds * 1.5
            deadline = time.monotonic() + BARRIER_SECONDS
            while sum(tally.statuses.values()) < expected / 3 and time.monotonic() < deadline:
                time.sleep(0.05)
            problems += _codebook_changes(setup, base, tally)
        else:
            for round_index in range(rounds):
                start_round.wait(timeout=BARRIER_SECONDS)
                if round_index == codebook_at:  # at the same moment as this round's writes
                    problems += _codebook_changes(setup, base, tally)
    except threading.BrokenBarrierError:
        problems.append("a coder stopped early (see the transport failures)")
    finally:
        for thread in threads:
            thread.join()
        for coder in coders:
            coder.browser.connection.close()
    wall = time.perf_counter() - began
    codes = setup.codes
    if Code.objects.filter(pk=codes["S"].pk).exists():
        problems.append("S was not merged")
    if Code.objects.get(pk=codes["M"].pk).parent_id != codes["P2"].pk:
        problems.append("M was not moved")
    if Code.objects.get(pk=codes["R"].pk).name != "R renamed":
        problems.append("R was not renamed")
    lost, why = ledger_lost(tally.acks, project_id=setup.project.pk)
    return Run(len(coders), rounds, tally, problems, wall, lost, why)


def _summary(run: Run) -> str:
    tally = run.tally
    acknowledged = len(tally.acks)
    conflicts, gone = tally.statuses.get(409, 0), tally.statuses.get(410, 0)
    refused = tally.count(400, 500) - conflicts - gone
    return (
        f"{run.coders} coders logged in through the form, {run.rounds} rounds; "
        f"{sum(tally.statuses.values())} requests in {run.wall:.1f} s; "
        f"acknowledged {acknowledged}, kept {acknowledged - run.lost}, lost {run.lost}; "
        f"409: {conflicts}, 410: {gone}, other 4xx: {refused}, "
        f"5xx: {tally.count(500, 600)}, transport failures: {len(tally.failures)}; "
        f"merge + move + rename: {'; '.join(run.problems) or 'all done first time'}"
    )


@scenario("team-coding", "A team coding at once while the codebook changes")
def team_coding(ctx: Context) -> list[Row]:
    coders_count, writes, _chars = LOAD[ctx.size.name]
    rounds = writes * 2 // 3  # an average round is about 1.5 writes
    # With Redis, a worker runs as in production (the pages' jobs); without, jobs run eagerly.
    worker = (
        celery_worker(concurrency=1, log=ctx.work / "worker-team.log")
        if ctx.redis_url
        else contextlib.nullcontext()
    )
    server = gunicorn_server(
        workers=WEB_WORKERS, threads=WEB_THREADS, log=ctx.work / "gunicorn-team.log"
    )
    with worker, server as base:
        runs = {
            "barrier": _run(ctx, base, label=ctx.size.name, rounds=rounds, pace=0.0),
            "paced": _run(
                ctx,
                base,
                label=f"{ctx.size.name}-paced",
                rounds=PACED_ROUNDS[ctx.size.name],
                pace=PACE_SECONDS,
            ),
        }
    failed = []
    for name, run in runs.items():
        summary = _summary(run)
        ctx.notes.append(f"team-coding ({name}): {summary}.")
        for line in run.why[:10] + run.tally.failures[:5]:
            print(f"   {line}", flush=True)
        if run.lost or run.tally.count(500, 600) or run.tally.failures or run.problems:
            failed.append(f"{name}: {summary}")
    if ctx.smoke and failed:
        raise RuntimeError(" | ".join(failed))
    exact = ctx.target(1, "0", at_scale=True)
    barrier, paced = runs["barrier"], runs["paced"]
    lost = sum(run.lost for run in runs.values())
    acknowledged = sum(len(run.tally.acks) for run in runs.values())
    server_errors = sum(run.tally.count(500, 600) for run in runs.values())
    answers = sum(sum(run.tally.statuses.values()) for run in runs.values())
    return [
        Row(
            scenario="team-coding",
            label=f"{barrier.coders} coders × ~{writes} writes with a merge, a move and a rename: "
            "HTTP latency of every write",
            samples=barrier.tally.latencies,
            note=_summary(barrier),
        ),
        Row(
            scenario="team-coding",
            label=f"{paced.coders} coders × ~{paced.rounds * 3 // 2} writes, each pausing "
            f"{PACE_SECONDS:g} s between writes, with a merge, a move and a rename: "
            "HTTP latency of every write, as the client sees it",
            samples=paced.tally.latencies,
            target=ctx.target(0.100, "p95 < 100 ms (issue 21)"),
            note=_summary(paced),
        ),
        Row(
            scenario="team-coding",
            label="acknowledged writes lost (both runs)",
            samples=[lost],
            unit="",
            target=exact,
            note=f"of {acknowledged} acknowledged",
        ),
        Row(
            scenario="team-coding",
            label="answers of 500 or more (both runs)",
            samples=[server_errors],
            unit="",
            target=exact,
            note=f"of {answers} answers",
        ),
    ]
