"""Every page of the demo project, as every role, in Chromium (issue #19, "walk it yourself").

Each role's browser starts on the project page and follows the links it is shown (GET only),
one or two pages of each kind (URL name and query keys), and every link it meets is fetched to
prove it does not lead to a missing page. Every visited page must: not fail (500), explain a
refusal (a 403 or 404 with words, never a bare status), log no console error, load every asset,
fit a 1440 px window without a horizontal scrollbar, and show no template leftovers ("None",
"nan", "[[excerpt:", "{{", "1 members").

Logs in by session cookie (force_login), not the login form, so a new login page does not
break it. `CONCORD_WALK_SHOTS=/tmp/w19 pytest -m browser -k walk` also saves a screenshot of
every page at 1280, 1440 and 390 px for a person to look at.

The same walk in Bokmål and Nynorsk (`-k nb`, `-k nn`; issue #22) also fails on any English
word of the interface on a page, found by tests/browser/language_leaks.py. The demo's content
is English research material, so the templates mark user content with HTML's `translate="no"`;
words inside such marks still count when the project's stored content does not have them, so
a mark cannot hide the interface. The signed-in people get their language on their account,
visitors (the sign-in pages) the language cookie.
"""

from __future__ import annotations

import os
import re
from collections import Counter, deque
from http import HTTPStatus
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.translation import gettext

from coding.models import AgreementRun, Document, DocumentStatus
from research.models import Project, User
from study.demo import demo_load
from tests import samples
from tests.browser.language_leaks import content_words, page_leaks
from tests.factories import UserFactory
from tests.shared import shared_dir

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = {
    "owner": "owner@demo.concord",
    "lead": "lead@demo.concord",
    "coder": "coder1@demo.concord",
    "viewer": "viewer@demo.concord",
}
# Pages of one kind visited per role, and links of one kind fetched to check they resolve.
VISITS_PER_KIND = 1
CHECKS_PER_KIND = 3
# Never followed: they end the session or leave the project.
SKIP_NAMES = {"logout", "research:project-list", "research:project-create", "admin:index"}
LEFTOVERS = [
    (re.compile(r"(?<![\w-])None(?![\w-]| of)"), "None"),
    (re.compile(r"(?<![\w.-])nan(?![\w-])"), "nan"),
    (re.compile(r"\[\[\w+:(?![A-Z]+\]\]|[0-9a-f-]{36}\]\])"), "[[markup:"),
    (re.compile(r"\{\{|\{%|%\}|\}\}"), "template tag"),
    (re.compile(r"(?<![\d.,])1 (members|documents|excerpts|codes|coders|cases|pages)\b"), "plural"),
    (re.compile(r"%\(\w+\)s"), "untranslated placeholder"),
]
# The source of a page opened by address rather than by a link (a refusal there is expected).
TYPED = "the address bar"
# Pages a role may not open, typed into the address bar: each must say why (templates/403.html).
REFUSED = {
    "lead": ["research:project-delete"],
    "coder": ["research:project-settings", "study:document-upload", "cases:matrix-create", "run"],
    "viewer": ["coding:my-documents", "research:project-settings", "study:memo-create"],
}
# The query keys that make one export link a different file (format, part, what).
FILE_KEYS = {"format", "part", "what"}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
# The nearest element wider than the window, for the failure message.
WIDEST = """() => {
  const w = document.documentElement.clientWidth;
  const clipped = e => {
    for (let p = e.parentElement; p; p = p.parentElement) {
      if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(p).overflowX)) return true;
    }
    return false;
  };
  const bad = [...document.querySelectorAll('body *')].filter(
    e => e.getBoundingClientRect().right > w + 1 && !clipped(e));
  const e = bad[bad.length - 1];
  return e ? e.tagName + '.' + e.className + ' ' + (e.textContent || '').trim().slice(0, 40) : '';
}"""


def _kind(path: str, query: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    keys = sorted({k for k, _ in parse_qsl(query)})
    return f"{match.view_name}?{'&'.join(keys)}"


def _logged_in_context(browser, base_url: str, email: str, width: int = 1440):
    client = Client()
    client.force_login(User.objects.get(email=email))
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    context = browser.new_context(base_url=base_url, viewport={"width": width, "height": 900})
    context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": session, "url": base_url}]
    )
    return context


class Walk:
    """One role's walk: the pages visited and what was wrong on each."""

    def __init__(self, context, role: str, shots: Path | None, language: str = "en"):
        self.context, self.role, self.shots = context, role, shots
        # In Norwegian, the English words of each page are problems too.
        self.language = language
        self.content = content_words() if language != "en" else frozenset()
        self.page = context.new_page()
        self.problems: list[str] = []
        self.console: list[str] = []
        self.failed: list[str] = []
        self.page.on("console", lambda m: self.console.append(m.text) if m.type == "error" else 0)
        self.page.on("pageerror", lambda e: self.console.append(str(e)))
        self.page.on("requestfailed", self.on_request_failed)
        self.page.on("response", self.on_response)
        self.visited: Counter[str] = Counter()
        self.checked: Counter[str] = Counter()
        self.seen: set[str] = set()
        self.statuses: dict[str, int] = {}

    def on_request_failed(self, request) -> None:
        # A request the browser cancelled (a favicon still loading when the walk navigates on)
        # is no fault of the page; a missing or broken file answers a status, seen below.
        if request.failure != "net::ERR_ABORTED":
            self.failed.append(f"{request.url} {request.failure}")

    def on_response(self, response) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.url} {response.status}")

    def note(self, url: str, problem: str) -> None:
        self.problems.append(f"{self.role} {url}: {problem}")

    def run(self, start: str) -> None:
        queue = deque([(start, "start")])
        self.seen.add(start)
        while queue:
            url, source = queue.popleft()
            for link in self.visit(url, source):
                queue.append((link, url))

    def visit(self, url: str, source: str) -> list[str]:
        self.console.clear()
        self.failed.clear()
        response = self.page.goto(url)
        status = response.status if response else 0
        self.statuses[url] = status
        self.inspect(url, status, source)
        return self.links(url)

    def inspect(self, url: str, status: int, source: str) -> None:
        text = self.page.locator("body").inner_text()
        if status >= 500:
            self.note(url, f"{status} (linked from {source})")
        elif status >= 400:
            if source != TYPED:
                self.note(url, f"{status} behind a link on {source}")
            if len(text.split()) < 8:
                self.note(url, f"bare {status}: {text[:80]!r}")
        main = self.page.locator("main").first
        shown = main.inner_text() if main.count() else text
        for pattern, name in LEFTOVERS:
            found = pattern.search(shown)
            if found:
                around = shown[max(0, found.start() - 40) : found.end() + 40].replace("\n", " ")
                self.note(url, f"{name} in the text: …{around}…")
        if self.language != "en":
            for leak in page_leaks(self.page, self.language, self.content):
                self.note(url, f"English in {self.language}: {leak}")
        for error in self.console:
            if source == TYPED and error.endswith(
                f"status of {status} ({HTTPStatus(status).phrase})"
            ):
                continue  # the browser's own line for the page's expected refusal
            self.note(url, f"console error: {error[:200]}")
        for failure in self.failed:
            if urlsplit(failure.split()[0]).path != urlsplit(url).path:
                self.note(url, f"failed request: {failure[:200]}")
        overflow = self.page.evaluate(OVERFLOW)
        if overflow > 0:
            self.note(url, f"{overflow}px wider than 1440: {self.page.evaluate(WIDEST)}")
        if self.shots is not None:
            self.screenshot(url)

    def screenshot(self, url: str) -> None:
        name = re.sub(r"[^\w]+", "_", urlsplit(url).path + "_" + urlsplit(url).query).strip("_")
        for width in (1440, 1280, 390):
            self.page.set_viewport_size({"width": width, "height": 900})
            self.page.wait_for_timeout(400)  # the phone layout's drawers finish sliding
            overflow = self.page.evaluate(OVERFLOW)
            if overflow > 0 and width != 1440:
                self.note(url, f"{overflow}px wider than {width}: {self.page.evaluate(WIDEST)}")
            self.page.screenshot(path=self.shots / f"{self.role}_{name[:120]}_{width}.png")
        self.page.set_viewport_size({"width": 1440, "height": 900})

    def links(self, url: str) -> list[str]:
        hrefs = self.page.eval_on_selector_all(
            "a[href]", "as => as.map(a => [a.getAttribute('href'), a.hasAttribute('download')])"
        )
        follow = []
        for href, download in hrefs:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue  # fragments, mailto: and other sites
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            kind = _kind(parts.path, parts.query)
            if kind is None:
                self.note(url, f"link to a page that does not exist: {href}")
                continue
            if target in self.seen or kind.split("?")[0] in SKIP_NAMES:
                continue
            self.seen.add(target)
            if self.is_file(target):  # every format of every export
                fmt = sorted((k, v) for k, v in parse_qsl(parts.query) if k in FILE_KEYS)
                self.check(url, target, f"{kind}{fmt}", file=True)
                continue
            if download or self.visited[kind] >= VISITS_PER_KIND:
                self.check(url, target, kind)
                continue
            self.visited[kind] += 1
            follow.append(target)
        return follow

    def is_file(self, target: str) -> bool:
        name = resolve(urlsplit(target).path).url_name or ""
        return any(word in name for word in ("export", "download", "csv")) or "format=" in target

    def check(self, url: str, target: str, kind: str, file: bool = False) -> None:
        if self.checked[kind] >= CHECKS_PER_KIND:
            return
        self.checked[kind] += 1
        response = self.context.request.get(target, max_redirects=0)
        self.statuses[target] = response.status
        if response.status >= 400 and response.status != 405:
            self.note(url, f"link {target} answers {response.status}")
        elif file and not (response.status == 200 and response.body()):
            self.note(url, f"export {target} gave {response.status} and no file")


def _said(walk: Walk, message: str) -> str:
    """What the page says for `message` in the walk's language."""
    with translation.override(walk.language):
        return gettext(message)


def _project_exports(walk: Walk, project) -> None:
    """The two exports behind buttons (Settings → Backup): each runs as a job whose page offers
    the file."""
    for button in ("Export the project as JSON", "Export the project as REFI-QDA (.qdpx)"):
        walk.console.clear()
        walk.failed.clear()
        walk.page.goto(reverse("research:project-settings", args=[project.code]))
        walk.page.get_by_role("button", name=_said(walk, button)).click()
        walk.page.wait_for_url("**/jobs/*/")
        if walk.language != "en":
            walk.inspect(walk.page.url, 200, "the export button")
        download = walk.page.get_by_role("link", name=_said(walk, "Download"))
        download.wait_for(timeout=30_000)
        response = walk.context.request.get(download.get_attribute("href"))
        assert response.status == 200 and len(response.body()) > 1000, (button, response.status)


def _refused(walk: Walk, project, names: list[str]) -> None:
    """A refused page explains itself in words and offers a way back, at 1440 px like the rest."""
    run = AgreementRun.objects.filter(project=project).first()
    for name in names:
        if name == "run":  # a blind project's agreement results, while the coder is blind
            url = reverse("coding:agreement-run", args=[project.code, run.code])
        else:
            url = reverse(name, args=[project.code])
        walk.console.clear()
        walk.failed.clear()
        response = walk.page.goto(url)
        assert response is not None and response.status == 403, (walk.role, url)
        refusal = "Your role in this project does not include this. A project owner can change "
        assert _said(walk, refusal + "your role under Members.") in walk.page.inner_text("main")
        back = _said(walk, "Back to your projects")
        assert walk.page.get_by_role("link", name=back).count() == 1
        if walk.language != "en":
            walk.inspect(url, 403, TYPED)


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return demo_load()


def test_every_page_as_every_role(browser, live_server, demo):
    """One demo, four walks (loading the demo once keeps the test near a minute)."""
    shots = os.environ.get("CONCORD_WALK_SHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
    problems = []
    for role, email in ROLES.items():
        context = _logged_in_context(browser, live_server.url, email)
        walk = Walk(context, role, Path(shots) if shots else None)
        try:
            walk.run(f"/p/{demo.code}/")
            _refused(walk, demo, REFUSED.get(role, []))
            if role == "lead":
                _project_exports(walk, demo)
        finally:
            context.close()
        if shots:
            pages = "\n".join(f"{s} {u}" for u, s in walk.statuses.items())
            Path(shots, f"walk_{role}.txt").write_text(pages + "\n\n" + "\n".join(walk.problems))
        assert len(walk.statuses) > 20, (role, walk.statuses)
        problems += walk.problems
    assert not problems, "\n".join(problems)


# Pages outside the project, in Norwegian too: the signed-in person's own pages (the walk
# reaches the account pages from the menu) and what a visitor sees before signing in.
OWN_PAGES = ["/", "/projects/new/", "/p/00000000-0000-0000-0000-000000000000/"]
VISITOR_PAGES = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/password/reset/key/1-no-such-key/",
    "/invitations/no-such-invitation/",
]


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_every_page_in_norwegian(browser, live_server, demo, language):
    """The demo walked as every role with the account's language set: no English on any page
    but proper nouns and user content; and a visitor's pages with the language cookie."""
    User.objects.filter(email__in=ROLES.values()).update(language=language)
    shots = os.environ.get("CONCORD_WALK_SHOTS")
    problems = []
    for role, email in ROLES.items():
        context = _logged_in_context(browser, live_server.url, email)
        walk = Walk(context, role, None, language)
        try:
            walk.run(f"/p/{demo.code}/")
            _refused(walk, demo, REFUSED.get(role, []))
            if role == "lead":
                _project_exports(walk, demo)
            if role == "owner":
                for url in OWN_PAGES:
                    walk.visit(url, TYPED)
        finally:
            context.close()
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            pages = "\n".join(f"{s} {u}" for u, s in walk.statuses.items())
            report = pages + "\n\n" + "\n".join(walk.problems)
            Path(shots, f"walk_{language}_{role}.txt").write_text(report)
        assert len(walk.statuses) > 20, (role, walk.statuses)
        problems += walk.problems
    context = browser.new_context(base_url=live_server.url)
    context.add_cookies(
        [{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    visitor = Walk(context, "visitor", None, language)
    try:
        for url in VISITOR_PAGES:
            visitor.visit(url, TYPED)
    finally:
        context.close()
    problems += visitor.problems
    assert not problems, "\n".join(problems)


def test_the_norwegian_walk_finds_english_words(browser):
    """The detector on a made-up page: English outside the marks, English under a mark that
    the project's content does not have, English in an attribute; not a key name, literal
    computer text, a choice declared English, or the project's own words."""
    page = browser.new_page()
    page.set_content(
        '<html lang="nb"><head><title>Dokumenter · Concord</title></head><body>'
        "<p>Last opp dokumenter</p><p>Recent uploads appear here</p>"
        '<span translate="no">Kari Coder</span>'
        '<div translate="no"><button>Delete everything</button></div>'
        '<button title="Remove it">x</button><select><option lang="en">English</option></select>'
        "<kbd>Shift</kbd> <code>path</code></body></html>"
    )
    found = {leak.split("'")[1] for leak in page_leaks(page, "nb", frozenset({"kari", "coder"}))}
    page.close()
    assert found == {"recent", "uploads", "appear", "here", "delete", "everything", "remove", "it"}


def _upload(page, project_code: str, files: list[dict]) -> None:
    page.goto(f"/p/{project_code}/documents/upload/")
    page.locator("#id_files").set_input_files(files)
    page.get_by_role("button", name="Upload", exact=True).click()
    page.wait_for_url(f"**/p/{project_code}/documents/**")


def test_a_new_project_from_scratch_as_every_role(browser, live_server, settings, tmp_path):
    """The owner creates a blind project, adds a lead, two coders and a viewer, uploads the seed
    thesis (or a text when the shared material is absent), a DOCX and a PDF; then every role
    walks the young project, whose pages are mostly empty states."""
    settings.MEDIA_ROOT = tmp_path
    team = {"lead": "lead", "coder": "coder", "coder2": "coder", "viewer": "viewer"}
    users = {name: UserFactory(email=f"{name}@first.use") for name in ("owner", *team)}
    seed = shared_dir()
    thesis = seed / "seed" / "thesis-municipal-digitalization.txt" if seed else None
    pdf = samples.norwegian_strategy_pdf(pages=3)
    files = [
        {
            "name": "thesis.txt",
            "mimeType": "text/plain",
            "buffer": thesis.read_bytes() if thesis else samples.norwegian_txt(),
        },
        {"name": "strategi.docx", "mimeType": DOCX, "buffer": samples.norwegian_docx()},
        {"name": "strategi.pdf", "mimeType": "application/pdf", "buffer": pdf},
    ]
    context = _logged_in_context(browser, live_server.url, "owner@first.use")
    page = context.new_page()
    page.goto("/projects/new/")
    page.get_by_label("Title").fill("First use")
    page.get_by_label("Blind coding").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/p/*/")
    project = Project.objects.get(title="First use")
    for name, role in team.items():
        page.goto(f"/p/{project.code}/members/")
        page.get_by_label("E-mail").fill(f"{name}@first.use")
        page.locator("#id_role").select_option(role)
        page.get_by_role("button", name="Add member").click()
        page.wait_for_url("**/members/")
    _upload(page, str(project.code), files)
    context.close()
    assert project.memberships.count() == 5 and project.blind_coding
    assert Document.objects.filter(project=project, status=DocumentStatus.READY).count() == 3

    problems = []
    for role, user in users.items():
        if role == "coder2":  # walks what the first coder walks
            continue
        context = _logged_in_context(browser, live_server.url, user.email)
        walk = Walk(context, role, None)
        try:
            walk.run(f"/p/{project.code}/")
        finally:
            context.close()
        assert len(walk.statuses) > 10, (role, walk.statuses)
        problems += walk.problems
    assert not problems, "\n".join(problems)
