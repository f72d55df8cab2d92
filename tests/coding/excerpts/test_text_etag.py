"""The coding view's text answer and its ETag (coding.excerpts.workspace.coding_text_etag).

A browser keeps the text answer and revalidates it; the server answers "304 Not Modified"
while the ETag is the same. So every change of anything the answer shows must give a new
ETag — whoever made it, through the endpoints or behind their back — and the answer then sent
must show it. Runs on SQLite and on PostgreSQL (where the ETag is summed in the database).
"""

from __future__ import annotations

import gzip

import pytest
from django.core.cache import cache
from django.db.models import F
from django.urls import reverse

from coding.models import Code, Coding, Document, Excerpt
from tests.coding.excerpts.conftest import TEXT, coding_text, span
from tests.conftest import client_for
from tests.factories import ExcerptFactory


@pytest.fixture
def open_project(project):
    """Not blind: a coder may overlay the others' excerpts."""
    project.blind_coding = False
    project.save()
    return project


@pytest.fixture
def shown(open_project, assigned, coder, coder2, codes):
    """The coder's view with coder2 overlaid: an excerpt of each, coded."""
    mine = ExcerptFactory(document=assigned, coder=coder, start=0, end=8, codes=[codes["data"]])
    theirs = ExcerptFactory(
        document=assigned, coder=coder2, start=20, end=30, codes=[codes["value"]]
    )
    return mine, theirs


class Viewer:
    """The coder's browser: opens the text once, then revalidates it after each change."""

    def __init__(self, project, document, user, query: str = ""):
        self.client = client_for(user)
        self.project, self.document, self.query = project, document, query
        self.answer = coding_text(self.client, project, document, query)
        assert self.answer.response.status_code == 200

    def revalidate(self):
        """The answer to the browser's copy: 304 (None) or the new answer, kept."""
        etag = self.answer.response["ETag"]
        again = coding_text(
            self.client, self.project, self.document, self.query, HTTP_IF_NONE_MATCH=etag
        )
        if again.response.status_code == 304:
            assert again.response["ETag"] == etag
            return None
        assert again.response.status_code == 200 and again.response["ETag"] != etag
        self.answer = again
        return again

    def fresh(self):
        """What a browser without a copy gets now (no If-None-Match; from the server's cache
        of answers or not): the same as the revalidation sent."""
        return coding_text(self.client, self.project, self.document, self.query)


def of(answer, excerpt) -> dict:
    return next(e for e in answer.excerpts if e["id"] == excerpt.pk)


def overlaid(coder2) -> str:
    return f"?coders={coder2.pk}"


def test_unchanged_is_not_modified_and_the_cached_answer_is_the_same(
    shown, open_project, assigned, coder, coder2
):
    viewer = Viewer(open_project, assigned, coder, overlaid(coder2))
    assert viewer.revalidate() is None
    assert {e["id"] for e in viewer.answer.excerpts} == {e.pk for e in shown}
    # From the server's cache of the answer: byte for byte the answer built afresh.
    again = coding_text(viewer.client, open_project, assigned, overlaid(coder2))
    assert again.response.content == viewer.answer.response.content
    cache.clear()
    rebuilt = coding_text(viewer.client, open_project, assigned, overlaid(coder2))
    assert rebuilt.response.content == viewer.answer.response.content
    assert rebuilt.response["ETag"] == viewer.answer.response["ETag"]


def test_writes_through_the_endpoints_give_a_new_etag(
    shown, open_project, assigned, coder, coder2, codes
):
    mine, theirs = shown
    viewer = Viewer(open_project, assigned, coder, overlaid(coder2))
    own, other = client_for(coder), client_for(coder2)
    create = reverse(
        "coding:excerpt-create", kwargs={"project": open_project.code, "document": assigned.code}
    )

    def update(excerpt):
        return reverse(
            "coding:excerpt-update", kwargs={"project": open_project.code, "excerpt": excerpt.code}
        )

    # The overlaid coder adds an excerpt.
    other.post(create, {**span(TEXT, "Kommunen"), "codes": [codes["business"].code]})
    assert len(viewer.revalidate().excerpts) == 3
    # Their codes change.
    other.post(update(theirs), {"version": 1, "add_codes": [codes["data"].code]})
    assert sorted(of(viewer.revalidate(), theirs)["codes"]) == sorted(
        [codes["value"].pk, codes["data"].pk]
    )
    # The coder's own memo, then own span.
    own.post(update(mine), {"version": 1, "set_memo": "on", "memo": "Viktig"})
    assert of(viewer.revalidate(), mine)["memo"] == "Viktig"
    own.post(update(mine), {"version": 2, **span(TEXT, "Kommunen skal")})
    assert of(viewer.revalidate(), mine)["end"] == 13
    # The overlaid coder deletes theirs.
    delete = reverse(
        "coding:excerpt-delete", kwargs={"project": open_project.code, "excerpt": theirs.code}
    )
    other.post(delete, {"version": 2})
    assert theirs.pk not in {e["id"] for e in viewer.revalidate().excerpts}
    assert viewer.revalidate() is None


@pytest.mark.parametrize(
    "change",
    [
        "memo",  # without a new version: every field is in the ETag, not only the version
        "version",
        "start",
        "end",
        "coder",
        "code merged",  # a codebook merge moves codings to another code
        "coding removed",
        "coding added",
        "excerpt deleted",
        "excerpt added",
    ],
)
@pytest.mark.parametrize("whose", ["mine", "theirs"])
def test_any_change_of_an_excerpt_shown_gives_a_new_etag(
    change, whose, shown, open_project, assigned, coder, coder2, lead, codes
):
    mine, theirs = shown
    excerpt = mine if whose == "mine" else theirs
    viewer = Viewer(open_project, assigned, coder, overlaid(coder2))
    rows = Excerpt.objects.filter(pk=excerpt.pk)
    if change == "memo":
        rows.update(memo="Endret")
    elif change == "version":
        rows.update(version=7)
    elif change == "start":
        rows.update(start=F("start") + 1)
    elif change == "end":
        rows.update(end=F("end") + 1)
    elif change == "coder":  # to a coder still shown: the other of the two
        rows.update(coder=coder2 if whose == "mine" else coder)
    elif change == "code merged":
        Coding.objects.filter(excerpt=excerpt).update(code=codes["cooperation"])
    elif change == "coding removed":
        Coding.objects.filter(excerpt=excerpt).delete()
    elif change == "coding added":
        Coding.objects.create(excerpt=excerpt, code=codes["cooperation"])
    elif change == "excerpt deleted":
        excerpt.delete()
    else:
        ExcerptFactory(document=assigned, coder=excerpt.coder, start=40, end=50)
    answer = viewer.revalidate()
    assert answer is not None, change
    assert answer.response.content == viewer.fresh().response.content


def test_layers_and_the_text_give_their_own_etag(shown, open_project, assigned, coder, coder2):
    viewer = Viewer(open_project, assigned, coder, overlaid(coder2))
    etags = {viewer.answer.response["ETag"]}
    for query in ("", f"?coders={coder2.pk}&only={shown[0].codings.get().code_id}"):
        etags.add(coding_text(viewer.client, open_project, assigned, query).response["ETag"])
    assert len(etags) == 3
    # The text (and so its digest) changes: a new ETag, and the new text is sent.
    Document.objects.filter(pk=assigned.pk).update(text=TEXT.replace("Kommunen", "Fylket__"))
    assert "Fylket__" in viewer.revalidate().html


def test_other_coders_not_shown_leave_the_etag(shown, open_project, assigned, coder, coder2):
    """Only what the answer shows counts: coder2's excerpts are not overlaid here, and code
    names and colours are the page's (the answer has code ids only)."""
    viewer = Viewer(open_project, assigned, coder)
    ExcerptFactory(document=assigned, coder=coder2, start=40, end=50)
    Code.objects.filter(pk=shown[0].codings.get().code_id).update(name="Omdøpt", colour="#123456")
    assert viewer.revalidate() is None


def test_an_answer_written_to_while_it_is_read_goes_without_an_etag(
    monkeypatch, shown, open_project, assigned, coder
):
    """A write between the ETag and the answer: the answer may show it or not, so it goes
    without an ETag (never kept under the state before the write) and is not cached."""
    from coding.excerpts import workspace

    read = workspace.coding_view_text

    def written_meanwhile(**kwargs):
        text = read(**kwargs)
        ExcerptFactory(document=assigned, coder=coder, start=40, end=50)
        return text

    monkeypatch.setattr(workspace, "coding_view_text", written_meanwhile)
    cache.clear()
    answer = coding_text(client_for(coder), open_project, assigned)
    assert answer.response.status_code == 200 and "ETag" not in answer.response
    assert "no-store" in answer.response["Cache-Control"]
    monkeypatch.undo()
    again = coding_text(client_for(coder), open_project, assigned)
    assert len(again.excerpts) == 2 and again.response["ETag"]


def test_a_browser_that_takes_gzip_gets_the_same_answer_compressed_under_its_own_etag(
    shown, open_project, assigned, coder, coder2, django_assert_num_queries
):
    """The compressed answer is another representation of the same answer: its own ETag (a
    browser's copy of one is never taken for the other), Vary: Accept-Encoding, and a 304
    while unchanged. It is compressed once and kept: a second browser reads no excerpt."""
    client = client_for(coder)
    plain = coding_text(client, open_project, assigned, overlaid(coder2))
    gzipped = "gzip, deflate, br, zstd"
    kwargs = {"project": open_project.code, "document": assigned.code}
    url = reverse("coding:coding-text", kwargs=kwargs) + overlaid(coder2)
    cache.clear()
    first = client.get(url, HTTP_ACCEPT_ENCODING=gzipped)
    assert first["Content-Encoding"] == "gzip"
    assert gzip.decompress(first.content) == plain.response.content
    assert first["ETag"] != plain.response["ETag"]
    assert "Accept-Encoding" in first["Vary"] and "Accept-Encoding" in plain.response["Vary"]
    second_browser = client_for(coder)
    # session, user, membership, document, the ETag (2: excerpts and codings, summed on
    # PostgreSQL); the compressed answer is kept: no excerpt, no text
    with django_assert_num_queries(6):
        again = second_browser.get(url, HTTP_ACCEPT_ENCODING=gzipped)
    assert again.content == first.content and again["ETag"] == first["ETag"]
    unchanged = client.get(url, HTTP_ACCEPT_ENCODING=gzipped, HTTP_IF_NONE_MATCH=first["ETag"])
    assert unchanged.status_code == 304 and unchanged["ETag"] == first["ETag"]
    # The uncompressed copy's ETag does not stand for the compressed answer.
    other = client.get(url, HTTP_ACCEPT_ENCODING=gzipped, HTTP_IF_NONE_MATCH=plain.response["ETag"])
    assert other.status_code == 200 and other["Content-Encoding"] == "gzip"
    # A write: a new answer, compressed afresh.
    ExcerptFactory(document=assigned, coder=coder, start=40, end=50)
    changed = client.get(url, HTTP_ACCEPT_ENCODING=gzipped, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    count = gzip.decompress(first.content).count(b"data-ex=")
    assert gzip.decompress(changed.content).count(b"data-ex=") > count
