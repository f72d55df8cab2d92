"""A write answers only what it changed: the text chunks it touched, exactly as a full render
would draw them, plus the excerpts shown there and the code counts (blind rule included)."""

import random
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coding.excerpts import patches, workspace
from coding.excerpts.rendering import Span, chunk_bounds, render_chunks, render_text
from coding.excerpts.texts import StoredText
from coding.models import Assignment
from tests.coding.excerpts.conftest import coding_text
from tests.conftest import client_for
from tests.factories import DocumentFactory, ExcerptFactory

JSON = {"HTTP_ACCEPT": "application/json"}
LINE = "Kommunen på Øvre Eiker vil samarbeide med næringslivet om smarte løsninger 🚲.\n"


# --- the renderer ----------------------------------------------------------------------------


def test_any_run_of_chunks_renders_exactly_as_in_the_whole_text(monkeypatch):
    """Random texts, excerpts, paragraphs, pages and speaker turns: chunks `first`..`last`
    rendered from only the excerpts that overlap them equal the same chunks of a full render."""
    monkeypatch.setattr("coding.excerpts.rendering.CHUNK_CHARS", 40)
    rng = random.Random(7)
    for _trial in range(1500):
        n = rng.randint(0, 300)
        text = "".join(rng.choice("ab\nc🚲é <") for _ in range(n))
        spans = []
        for i in range(rng.randint(0, 10)):
            a, b = rng.randint(-2, n + 2), rng.randint(-2, n + 2)
            spans.append(
                Span(
                    i + 1,
                    min(a, b),
                    max(a, b),
                    anchor=f"x{i}",
                    mine=rng.random() < 0.6,
                    layer=rng.randint(0, 3),
                    colour=rng.choice([None, 1, 2]),
                )
            )
        layout = {
            "paragraphs": sorted([rng.randint(0, n), 0] for _ in range(rng.randint(0, 5))),
            "pages": [[k + 1, rng.randint(0, n), 0] for k in range(rng.randint(0, 3))],
            "turns": [
                {"start": s, "speaker": "A", "body_start": s + rng.randint(0, 60)}
                for s in (rng.randint(0, n) for _ in range(rng.randint(0, 4)))
            ],
        }
        whole = render_chunks(text, spans=spans, **layout)
        assert "".join(whole) == render_text(text, spans=spans, **layout)
        first = rng.randrange(len(whole))
        last = rng.randrange(first, len(whole))
        bounds = chunk_bounds(text)
        low, high = bounds[first][0], bounds[last][1]
        near = [s for s in spans if s.end > low and s.start < high]
        part = render_chunks(text, spans=near, first=first, last=last, **layout)
        assert part == whole[first : last + 1]
        # What a write's patch does: only the paragraphs starting in the chunks, found by
        # bisection when they are in text order (all of them when they are not).
        if rng.random() < 0.2:
            rng.shuffle(layout["paragraphs"])
            whole = render_chunks(text, spans=spans, **layout)
        stored = StoredText(text, layout["paragraphs"], layout["pages"], layout["turns"])
        paragraphs, number = stored.paragraphs_between(low, high)
        sliced = render_chunks(
            text,
            spans=near,
            first=first,
            last=last,
            bounds=stored.bounds,
            first_paragraph=number,
            **{**layout, "paragraphs": paragraphs},
        )
        assert sliced == whole[first : last + 1]


# --- the write endpoints ---------------------------------------------------------------------


@pytest.fixture
def long_document(project, coder):
    """About 200,000 characters: some 65 chunks."""
    document = DocumentFactory(project=project, title="Lang", text=LINE * 2500, paragraphs=[])
    Assignment.objects.create(document=document, coder=coder)
    return document


def _view_chunks(client, project, document, query=""):
    html = coding_text(client, project, document, query).html
    return re.findall(r'<div class="chunk".*?</div>', html, flags=re.S)


def _create_url(project, document, query=""):
    kwargs = {"project": project.code, "document": document.code}
    return reverse("coding:excerpt-create", kwargs=kwargs) + query


def test_coding_a_passage_answers_only_the_chunk_it_touched(project, long_document, coder, codes):
    text = long_document.text
    start = len(text) // 2 + 5
    client = client_for(coder)
    page_chunks = _view_chunks(client, project, long_document)
    fields = {"start": start, "end": start + 20, "text": text[start : start + 20]}
    response = client.post(
        _create_url(project, long_document), {**fields, "codes": [codes["data"].code]}, **JSON
    )
    patch = response.json()["patch"]
    assert len(page_chunks) > 50
    assert [chunk["index"] for chunk in patch["chunks"]] == [
        i for i, (low, high) in enumerate(chunk_bounds(text)) if low <= start < high
    ]
    # A few kilobytes instead of the whole 200,000-character text.
    assert len(response.content) < 12_000
    # The chunk is exactly what the full view now renders there.
    after = _view_chunks(client, project, long_document)
    chunk = patch["chunks"][0]
    assert chunk["html"] == after[chunk["index"]]
    assert chunk["html"] != page_chunks[chunk["index"]]
    assert f'data-start="{start}"' in chunk["html"]
    assert [e["start"] for e in patch["excerpts"]] == [start]
    assert patch["counts"] == {str(codes["data"].pk): 1}
    assert patch["document"] == str(long_document.code)


def test_moving_an_excerpt_answers_its_old_and_new_chunks(project, long_document, coder, codes):
    text = long_document.text
    excerpt = ExcerptFactory(document=long_document, coder=coder, start=10, end=30)
    start = len(text) - 100
    url = reverse(
        "coding:excerpt-update", kwargs={"project": project.code, "excerpt": excerpt.code}
    )
    fields = {"version": excerpt.version, "start": start, "end": start + 9}
    response = client_for(coder).post(url, {**fields, "text": text[start : start + 9]}, **JSON)
    patch = response.json()["patch"]
    last = len(chunk_bounds(text)) - 1
    assert [chunk["index"] for chunk in patch["chunks"]] == [0, last]
    assert 'data-ex="' not in patch["chunks"][0]["html"]
    assert f'data-start="{start}" data-ex="{excerpt.pk}"' in patch["chunks"][1]["html"]


def test_deleting_answers_the_chunk_without_the_excerpt(project, long_document, coder, codes):
    excerpt = ExcerptFactory(
        document=long_document, coder=coder, start=100, end=120, codes=[codes["data"]]
    )
    url = reverse(
        "coding:excerpt-delete", kwargs={"project": project.code, "excerpt": excerpt.code}
    )
    patch = client_for(coder).post(url, {"version": excerpt.version}, **JSON).json()["patch"]
    assert [chunk["index"] for chunk in patch["chunks"]] == [0]
    assert "data-ex" not in patch["chunks"][0]["html"]
    assert (patch["excerpts"], patch["counts"]) == ([], {})


def test_a_write_spanning_many_chunks_asks_for_a_full_reload(project, long_document, coder, codes):
    text = long_document.text
    response = client_for(coder).post(
        _create_url(project, long_document),
        {
            "start": 0,
            "end": 60_000,
            "text": text[:60_000],
            "codes": [codes["data"].code],
            "long_ok": "on",  # confirmed: longer than the project's limit
        },
        **JSON,
    )
    assert response.json()["ok"] and response.json()["patch"] is None


def test_a_new_code_asks_for_a_full_reload(project, long_document, lead):
    fields = {"start": 0, "end": 8, "text": "Kommunen", "new_code_name": "Kommune"}
    response = client_for(lead).post(_create_url(project, long_document), fields, **JSON)
    assert response.json()["ok"] and "patch" not in response.json()


def test_the_patch_reads_a_fixed_number_of_queries(
    project, long_document, coder, codes, django_assert_num_queries
):
    for n in range(40):
        with_codes = [codes["data"], codes["value"]][: n % 3]  # none, one or two codings
        ExcerptFactory(
            document=long_document, coder=coder, start=n * 50, end=n * 50 + 70, codes=with_codes
        )
    membership = project.memberships.get(user=coder)
    with django_assert_num_queries(1):  # the excerpts with their codings and the code counts
        patch = patches.coding_view_patch(
            membership=membership, document=long_document, overlay_ids=[], ranges=[(0, 10)]
        )
    assert len(patch["excerpts"]) > 20
    # One entry per excerpt, with all its codes (read in the same query as the excerpt).
    assert len({e["id"] for e in patch["excerpts"]}) == len(patch["excerpts"])
    assert {tuple(e["codes"]) for e in patch["excerpts"]} == {
        (),
        (codes["data"].pk,),
        tuple(sorted([codes["data"].pk, codes["value"].pk])),
    }


def test_the_patch_keeps_the_blind_rule(project, long_document, coder, coder2, lead, codes):
    """Asking for coder2's layer in a blind project shows a coder nothing of coder2's, while a
    lead gets the same layer the full view shows."""
    assert project.blind_coding
    Assignment.objects.create(document=long_document, coder=coder2)
    theirs = ExcerptFactory(document=long_document, coder=coder2, start=200, end=260, memo="skjult")
    ExcerptFactory(document=long_document, coder=lead, start=300, end=320)
    code = codes["data"].code
    fields = {"start": 210, "end": 230, "text": long_document.text[210:230], "codes": [code]}
    query = f"?coders={coder2.pk}"
    body = client_for(coder).post(_create_url(project, long_document, query), fields, **JSON)
    patch = body.json()["patch"]
    assert [e["coder"] for e in patch["excerpts"]] == [coder.pk]
    shown_ids = re.findall(r'data-ex="([^"]*)"', patch["chunks"][0]["html"])
    assert shown_ids and all(str(theirs.pk) not in ids.split() for ids in shown_ids)
    assert "skjult" not in body.content.decode()

    client = client_for(lead)
    fields = {"start": 400, "end": 410, "text": long_document.text[400:410], "codes": [code]}
    patch = client.post(_create_url(project, long_document, query), fields, **JSON).json()["patch"]
    # The lead's own excerpts and coder2's layer; coder's excerpt is not overlaid.
    shown = sorted((e["start"], e["coder"], e["layer"]) for e in patch["excerpts"])
    assert shown == [(200, coder2.pk, 1), (300, lead.pk, 0), (400, lead.pk, 0)]
    chunk = patch["chunks"][0]
    assert chunk["html"] == _view_chunks(client, project, long_document, query)[chunk["index"]]


def test_the_view_renders_a_text_once_and_never_shows_stale_highlights(
    project, long_document, coder, codes, monkeypatch
):
    """The highlighted text comes from the cache while nothing it shows has changed; a write
    changes what is drawn, so the next open renders (and shows) it."""
    cache.clear()
    renders = []
    real = workspace.render_text
    monkeypatch.setattr(
        workspace, "render_text", lambda *a, **k: renders.append(1) or real(*a, **k)
    )
    client = client_for(coder)
    first = _view_chunks(client, project, long_document)
    again = _view_chunks(client, project, long_document)
    assert again == first and len(renders) == 1
    text = long_document.text
    fields = {"start": 7, "end": 27, "text": text[7:27], "codes": [codes["data"].code]}
    client.post(_create_url(project, long_document), fields, **JSON)
    after = _view_chunks(client, project, long_document)
    assert len(renders) == 2
    assert 'data-start="7"' in after[0] and 'data-start="7"' not in first[0]


def test_a_new_excerpt_answers_the_counts_of_its_own_codes_only(
    project, long_document, coder, coder2, codes
):
    """Coding a passage changes only its codes' counts: the answer counts those (the coder's
    own excerpts in this document, as the full recount would) and says the rest stand."""
    data, other = codes["data"], next(c for c in codes.values() if c.pk != codes["data"].pk)
    for n in range(3):
        ExcerptFactory(
            document=long_document, coder=coder, start=n * 90, end=n * 90 + 20, codes=[data]
        )
    ExcerptFactory(document=long_document, coder=coder, start=400, end=420, codes=[other])
    Assignment.objects.create(document=long_document, coder=coder2)
    ExcerptFactory(document=long_document, coder=coder2, start=500, end=520, codes=[data])
    text = long_document.text
    fields = {"start": 1000, "end": 1030, "text": text[1000:1030], "codes": [data.code]}
    patch = (
        client_for(coder).post(_create_url(project, long_document), fields, **JSON).json()["patch"]
    )
    assert patch["counts"] == {str(data.pk): 4} and patch["counts_partial"] is True
    full = patches.coding_view_patch(
        membership=project.memberships.get(user=coder),
        document=long_document,
        overlay_ids=[],
        ranges=[(1000, 1030)],
    )
    assert full["counts"] == {str(data.pk): 4, str(other.pk): 1} and "counts_partial" not in full


@pytest.mark.django_db(transaction=True)
def test_creating_an_excerpt_makes_a_fixed_number_of_statements(
    project, long_document, coder, codes
):
    """A write's statements, each a round trip, with everything the answer needs (as in
    production: each request commits, the process keeps the text it read)."""
    url = _create_url(project, long_document)
    client = client_for(coder)
    text, code = long_document.text, codes["data"].code
    assert client.post(url, {"start": 0, "end": 8, "text": text[:8], "codes": [code]}, **JSON)
    with CaptureQueriesContext(connection) as queries:
        answer = client.post(
            url, {"start": 9, "end": 17, "text": text[9:17], "codes": [code]}, **JSON
        )
    assert answer.json()["ok"] and answer.json()["patch"]
    statements = [q["sql"].split()[0].upper() for q in queries]
    # session with its user (this process signed the session in on the first write),
    # membership, document (with the assignment), codes; BEGIN, document share lock with the
    # advisory lock before it (text version, its row version, whether the coder's work is
    # frozen, the assignment's status: in progress since the first excerpt, so no update),
    # duplicates, codes share lock (one code: no savepoint around it), the excerpt with its
    # coding and its history entry (one statement on PostgreSQL), COMMIT; the patch: the
    # excerpts with their codings and the counts. The text is kept by the process. (On SQLite
    # no advisory lock, the text is read each time, and the excerpt, coding and history entry
    # are three INSERTs.)
    listed = "\n".join(q["sql"][:60] for q in queries)
    assert not any(s == "UPDATE" for s in statements), listed
    if connection.vendor == "postgresql":
        assert len(statements) == 11, listed
        assert "SAVEPOINT" not in statements and "RELEASE" not in statements, listed
        assert statements.count("WITH") == 1 and "INSERT" not in statements, listed
    else:
        assert len(statements) == 15, listed


@pytest.mark.django_db(transaction=True)
def test_a_write_checks_the_text_stored_now_not_one_this_process_kept(
    project, long_document, coder, codes
):
    """The process keeps the text it read per row version (coding/excerpts/texts.py; each
    request here commits, as in production): the next write reads no text, and once the row
    changes (here a new text, before anything was coded) writes check the new text."""
    url = _create_url(project, long_document)
    client = client_for(coder)
    old = long_document.text
    code = codes["data"].code
    assert client.post(url, {"start": 0, "end": 8, "text": old[:8], "codes": [code]}, **JSON)
    with CaptureQueriesContext(connection) as queries:
        second = client.post(
            url, {"start": 9, "end": 17, "text": old[9:17], "codes": [code]}, **JSON
        )
    assert second.json()["ok"]
    read_text = [q["sql"] for q in queries if '"coding_document"."text"' in q["sql"]]
    assert read_text == [] or connection.vendor != "postgresql"
    long_document.excerpts.all().delete()
    new = "Fylkeskommunen " + old
    type(long_document).objects.filter(pk=long_document.pk).update(text=new)
    stale = client.post(url, {"start": 20, "end": 40, "text": old[20:40], "codes": [code]}, **JSON)
    assert stale.status_code == 400 and not stale.json()["ok"]
    fresh = client.post(url, {"start": 20, "end": 40, "text": new[20:40], "codes": [code]}, **JSON)
    assert fresh.json()["ok"]
    assert fresh.json()["patch"]["chunks"][0]["html"].count("Fylkeskommunen") == 1
