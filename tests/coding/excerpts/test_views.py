"""The coding view and the excerpt endpoints: works, roles, outsider, wrong method, bad input."""

import re
from urllib.parse import urljoin

import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles.storage import StaticFilesStorage
from django.urls import reverse

from coding.models import Assignment, Code, CodeStatus, Document, Excerpt
from tests.coding.excerpts.conftest import TEXT, coding_text, span
from tests.conftest import client_for
from tests.factories import DocumentFactory, ExcerptFactory

JSON = {"HTTP_ACCEPT": "application/json"}


def _view(project, document, **query):
    url = reverse("coding:coding-view", kwargs={"project": project.code, "document": document.code})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _create(project, document):
    return reverse(
        "coding:excerpt-create", kwargs={"project": project.code, "document": document.code}
    )


def _update(project, excerpt):
    return reverse(
        "coding:excerpt-update", kwargs={"project": project.code, "excerpt": excerpt.code}
    )


def _delete(project, excerpt):
    return reverse(
        "coding:excerpt-delete", kwargs={"project": project.code, "excerpt": excerpt.code}
    )


# --- coding view ---------------------------------------------------------------------------------


def test_coding_view_shows_text_codebook_and_counts(project, assigned, coder, codes):
    ExcerptFactory(document=assigned, coder=coder, start=0, end=8, codes=[codes["value"]])
    client = client_for(coder)
    response = client.get(_view(project, assigned))
    assert response.status_code == 200
    html = response.content.decode()
    text_url = reverse(
        "coding:coding-text", kwargs={"project": project.code, "document": assigned.code}
    )
    assert f'data-text-url="{text_url}"' in html and "næringslivet" not in html
    text = coding_text(client, project, assigned)
    assert 'data-start="0"' in text.html and "næringslivet" in text.html
    assert [(e["start"], e["mine"]) for e in text.excerpts] == [(0, True)]
    assert "Cooperation" in html and 'data-shortcut="2"' in html
    assert response.context["data"].codes[0]["count"] == 1
    assert response.context["may_code"] is True
    assert "style=" not in html.split('id="workspace"')[1]  # strict CSP: no inline styles


@pytest.mark.parametrize("role", ["owner", "lead", "coder"])
def test_coding_view_allowed_roles(role, cast, project, document):
    assert client_for(cast[role]).get(_view(project, document)).status_code == 200


def test_coding_view_refuses_viewer_and_hides_from_outsider(project, document, viewer, outsider):
    assert client_for(viewer).get(_view(project, document)).status_code == 403
    assert client_for(outsider).get(_view(project, document)).status_code == 404


def test_coding_view_wrong_method(project, document, coder):
    assert client_for(coder).post(_view(project, document)).status_code == 405


def test_unassigned_coder_reads_but_may_not_code(project, document, coder):
    response = client_for(coder).get(_view(project, document))
    assert response.context["may_code"] is False
    assert "not assigned to you" in response.content.decode()


def test_htmx_request_gets_only_the_workspace(project, assigned, coder):
    response = client_for(coder).get(_view(project, assigned), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="workspace"')
    assert "<html" not in html


def test_coding_view_loads_no_htmx(project, assigned, coder):
    # Its modules fetch for themselves; htmx would walk the whole page before the text shows.
    html = client_for(coder).get(_view(project, assigned)).content.decode()
    assert "htmx.min.js" not in html and "js/csrf.js" not in html
    assert "bootstrap.bundle.min.js" in html


class HashedNames(StaticFilesStorage):
    """Static addresses with a hash in their names, as collectstatic's manifest gives them."""

    def url(self, name):
        stem, dot, ext = name.rpartition(".")
        return super().url(f"{stem}.0123456789ab.{ext}")


def test_the_modules_are_preloaded_by_the_names_main_js_imports(project, assigned, coder, settings):
    # collectstatic gives main.js a hashed name but leaves its imports ("./text.js") as they
    # are: a hashed name in a modulepreload would be a second copy, fetched and never used.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": f"{__name__}.HashedNames"},
    }
    html = client_for(coder).get(_view(project, assigned)).content.decode()
    main = re.search(r'<script type="module" src="([^"]+)"', html).group(1)
    assert main.endswith("/js/coding/main.0123456789ab.js")
    source = (django_settings.BASE_DIR / "static/js/coding/main.js").read_text()
    imported = {urljoin(main, name) for name in re.findall(r'from "(\./[\w-]+\.js)"', source)}
    assert len(imported) == 7
    assert set(re.findall(r'<link rel="modulepreload" href="([^"]+)"', html)) == imported


def test_coding_view_query_count_is_constant(
    project, assigned, coder, codes, django_assert_num_queries
):
    client = client_for(coder)
    for start in range(0, 40, 2):
        ExcerptFactory(
            document=assigned, coder=coder, start=start, end=start + 5, codes=[codes["data"]]
        )
    # session, user, membership, document, assignment (may code), the member's code counts,
    # codebook, the member's last deletion ("Undo delete"); the excerpts come with the text
    with django_assert_num_queries(8):
        client.get(_view(project, assigned))


def test_lead_may_correct_other_coders_excerpts_from_the_view(project, assigned, lead, coder):
    ExcerptFactory(document=assigned, coder=coder, start=0, end=8)
    client = client_for(lead)
    response = client.get(_view(project, assigned, coders=coder.pk))
    html = response.content.decode()
    assert 'data-may-edit-others="1"' in html
    # The overlaid coder's legend: the same layer number as their excerpts.
    assert coding_text(client, project, assigned, f"?coders={coder.pk}").excerpts[0]["layer"] == 1
    shown = [c for c in response.context["data"].coders if c["id"] == coder.pk]
    assert shown[0]["layer"] == 1 and 'class="stripe-key o1"' in html


def test_coder_may_not_correct_other_coders_excerpts(project, assigned, coder, coder2):
    project.blind_coding = False
    project.save()
    ExcerptFactory(document=assigned, coder=coder2, start=0, end=8)
    client = client_for(coder)
    response = client.get(_view(project, assigned, coders=coder2.pk))
    assert 'data-may-edit-others="0"' in response.content.decode()
    assert (
        coding_text(client, project, assigned, f"?coders={coder2.pk}").excerpts[0]["mine"] is False
    )


def test_highlights_and_chunks_are_rendered_by_the_server(project, assigned, coder, codes):
    ExcerptFactory(document=assigned, coder=coder, start=0, end=8, codes=[codes["data"]])
    client = client_for(coder)
    html = coding_text(client, project, assigned).html
    assert f'class="seg hl mine c{codes["data"].pk}"' in html
    assert '<div class="chunk" data-lines=' in html
    page = client.get(_view(project, assigned)).content.decode()
    assert f'class="code-swatch c{codes["data"].pk}"' in page  # colours from one stylesheet


# --- create ---------------------------------------------------------------------------------


def test_create_with_a_plain_form_redirects_to_the_excerpt(project, assigned, coder, codes):
    fields = {**span(TEXT, "avløp 🚲"), "codes": [codes["data"].code, codes["value"].code]}
    response = client_for(coder).post(_create(project, assigned), fields)
    excerpt = Excerpt.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#excerpt-{excerpt.code}")
    assert (excerpt.text, excerpt.coder) == ("avløp 🚲", coder)
    assert set(excerpt.codes.all()) == {codes["data"], codes["value"]}


def test_create_with_json_returns_the_excerpt(project, assigned, coder, codes):
    fields = {**span(TEXT, "e\u0301n plattform"), "codes": [codes["data"].code]}
    response = client_for(coder).post(_create(project, assigned), fields, **JSON)
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] and body["excerpt"]["text"] == "e\u0301n plattform"
    assert body["excerpt"]["end"] - body["excerpt"]["start"] == len("e\u0301n plattform")


def test_create_refuses_a_text_mismatch_with_a_clear_message(project, assigned, coder, codes):
    fields = {**span(TEXT, "sensorer"), "codes": [codes["data"].code]}
    fields["start"] += 1
    response = client_for(coder).post(_create(project, assigned), fields, **JSON)
    assert response.status_code == 400
    assert "does not match the document" in response.json()["error"]
    assert not Excerpt.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [{}, {"start": "a", "end": "3", "text": "x"}, {"start": 0, "end": 8, "text": "Kommunen"}],
    ids=["empty", "not-a-number", "no-code"],
)
def test_create_bad_input_is_a_message_not_a_500(project, assigned, coder, fields):
    response = client_for(coder).post(_create(project, assigned), fields, follow=True)
    assert response.status_code == 200
    assert list(response.context["messages"])
    assert not Excerpt.objects.exists()


def test_create_refuses_an_unassigned_coder(project, document, coder, codes):
    fields = {**span(TEXT, "Kommunen"), "codes": [codes["data"].code]}
    response = client_for(coder).post(_create(project, document), fields, **JSON)
    assert response.status_code == 403
    assert not Excerpt.objects.exists()


def test_lead_codes_any_document(project, document, lead, codes):
    fields = {**span(TEXT, "Kommunen"), "codes": [codes["data"].code]}
    assert client_for(lead).post(_create(project, document), fields).status_code == 302
    assert Excerpt.objects.get().coder == lead


def test_create_refuses_viewer_outsider_and_get(project, assigned, viewer, outsider, coder):
    fields = span(TEXT, "Kommunen")
    assert client_for(viewer).post(_create(project, assigned), fields).status_code == 403
    assert client_for(outsider).post(_create(project, assigned), fields).status_code == 404
    assert client_for(coder).get(_create(project, assigned)).status_code == 405


def test_in_vivo_through_the_view(project, assigned, coder, codes):
    project.coders_may_create_codes = True
    project.save()
    fields = {
        **span(TEXT, "smarte løsninger"),
        "new_code_name": "smarte løsninger",
        "new_code_parent": codes["value"].code,
    }
    response = client_for(coder).post(_create(project, assigned), fields, **JSON)
    assert response.status_code == 200, response.content
    code = Code.objects.get(name="smarte løsninger")
    assert (code.status, code.parent) == (CodeStatus.PROPOSED, codes["value"])
    assert list(Excerpt.objects.get().codes.all()) == [code]


def test_in_vivo_refused_for_coders_when_not_allowed(project, assigned, coder):
    project.coders_may_create_codes = False
    project.save()
    fields = {**span(TEXT, "smarte"), "new_code_name": "smarte"}
    response = client_for(coder).post(_create(project, assigned), fields, **JSON)
    assert response.status_code == 400
    assert not Code.objects.exists() and not Excerpt.objects.exists()


def test_in_vivo_with_a_taken_name_is_a_message(project, assigned, lead, codes):
    fields = {**span(TEXT, "smarte"), "new_code_name": "Open data"}
    response = client_for(lead).post(_create(project, assigned), fields, **JSON)
    assert response.status_code == 400
    assert not Excerpt.objects.exists()


# --- update, delete, restore -----------------------------------------------------------------


@pytest.fixture
def mine(assigned, coder, codes):
    return ExcerptFactory(document=assigned, coder=coder, start=0, end=8, codes=[codes["value"]])


def test_update_codes_memo_and_boundaries(project, mine, coder, codes):
    client = client_for(coder)
    response = client.post(
        _update(project, mine),
        {"version": 1, "add_codes": [codes["data"].code], "remove_codes": [codes["value"].code]},
        **JSON,
    )
    assert response.json()["excerpt"]["codes"] == [str(codes["data"].code)]
    client.post(_update(project, mine), {"version": 2, "set_memo": "on", "memo": "Viktig"})
    client.post(_update(project, mine), {"version": 3, **span(TEXT, "Kommunen skal")})
    mine.refresh_from_db()
    assert (mine.memo, mine.text, mine.end, mine.version) == ("Viktig", "Kommunen skal", 13, 4)


def test_update_with_a_stale_version_is_a_409_conflict(project, mine, coder):
    client = client_for(coder)
    client.post(_update(project, mine), {"version": 1, "set_memo": "on", "memo": "tab one"})
    response = client.post(
        _update(project, mine), {"version": 1, "set_memo": "on", "memo": "tab two"}, **JSON
    )
    assert response.status_code == 409
    payload = response.json()
    assert payload["error"] == "stale" and "changed elsewhere" in payload["message"]
    # The answer carries the excerpt as it is now, for the page to show.
    assert (payload["excerpt"]["memo"], payload["excerpt"]["version"]) == ("tab one", 2)
    mine.refresh_from_db()
    assert mine.memo == "tab one"


def test_update_page_renders_for_the_owner_and_a_lead(project, mine, coder, lead):
    assert client_for(coder).get(_update(project, mine)).status_code == 200
    assert client_for(lead).get(_update(project, mine)).status_code == 200


def test_other_coder_gets_404_on_someone_elses_excerpt(project, mine, coder2):
    client = client_for(coder2)
    assert client.get(_update(project, mine)).status_code == 404
    assert client.post(_update(project, mine), {"version": 1}).status_code == 404
    assert client.post(_delete(project, mine)).status_code == 404
    assert Excerpt.objects.filter(pk=mine.pk).exists()


def test_other_coder_gets_404_even_when_unblinded(project, mine, coder2):
    project.blind_coding = False
    project.save()
    assert client_for(coder2).post(_update(project, mine), {"version": 1}).status_code == 404


def test_update_bad_input(project, mine, coder):
    client = client_for(coder)
    response = client.post(_update(project, mine), {"version": 1, "start": 0}, **JSON)
    assert response.status_code == 400
    response = client.post(_update(project, mine), {"version": "x"}, **JSON)
    assert response.status_code == 400
    response = client.post(
        _update(project, mine), {"version": 1, "start": 0, "end": 4, "text": "nope"}, **JSON
    )
    assert response.status_code == 400 and "does not match" in response.json()["error"]


def test_update_refuses_viewer_and_outsider(project, mine, viewer, outsider):
    assert client_for(viewer).get(_update(project, mine)).status_code == 403
    assert client_for(outsider).get(_update(project, mine)).status_code == 404


def test_delete_and_restore_through_the_session(project, mine, coder, codes):
    client = client_for(coder)
    code = mine.code
    response = client.post(_delete(project, mine), **JSON)
    assert response.json()["restorable"] is True
    assert not Excerpt.objects.exists()
    restore = reverse("coding:excerpt-restore", kwargs={"project": project.code})
    response = client.post(restore, **JSON)
    assert response.status_code == 200
    restored = Excerpt.objects.get()
    assert (restored.code, restored.text) == (code, "Kommunen")
    assert list(restored.codes.all()) == [codes["value"]]
    # Only the last deletion can be undone, once.
    assert client.post(restore, **JSON).status_code == 400


def test_delete_with_a_stale_version_is_a_conflict(project, mine, coder):
    response = client_for(coder).post(_delete(project, mine), {"version": 7}, **JSON)
    assert response.status_code == 409
    assert Excerpt.objects.exists()


def test_delete_and_restore_wrong_method(project, mine, coder):
    client = client_for(coder)
    assert client.get(_delete(project, mine)).status_code == 405
    restore = reverse("coding:excerpt-restore", kwargs={"project": project.code})
    assert client.get(restore).status_code == 405


def test_restore_without_a_deletion_is_a_message(project, coder):
    restore = reverse("coding:excerpt-restore", kwargs={"project": project.code})
    response = client_for(coder).post(restore, follow=True)
    assert "Nothing to restore" in response.content.decode()


# --- assignments and progress ------------------------------------------------------------------


def test_assignments_page_and_post(project, document, lead, coder, coder2):
    url = reverse("coding:assignments", kwargs={"project": project.code})
    client = client_for(lead)
    page = client.get(url)
    assert page.status_code == 200 and document.title in page.content.decode()
    response = client.post(url, {"assign": [f"{document.code}:{coder.pk}", "junk", "x:y"]})
    assert response.status_code == 302
    assert list(Assignment.objects.values_list("coder", flat=True)) == [coder.pk]
    client.post(url, {"assign": [f"{document.code}:{coder2.pk}"]})
    assert list(Assignment.objects.values_list("coder", flat=True)) == [coder2.pk]


def test_assignments_refuses_coder_and_outsider(project, coder, outsider):
    url = reverse("coding:assignments", kwargs={"project": project.code})
    assert client_for(coder).get(url).status_code == 403
    assert client_for(outsider).get(url).status_code == 404


def test_assignments_refuses_a_viewer_as_assignee(project, document, lead, viewer):
    url = reverse("coding:assignments", kwargs={"project": project.code})
    response = client_for(lead).post(url, {"assign": [f"{document.code}:{viewer.pk}"]}, follow=True)
    assert "coders only" in response.content.decode()
    assert not Assignment.objects.exists()


def test_my_documents_shows_status_and_marks_done(project, assigned, coder, codes):
    client = client_for(coder)
    url = reverse("coding:my-documents", kwargs={"project": project.code})
    assert "Not started" in client.get(url).content.decode()
    client.post(
        _create(project, assigned), {**span(TEXT, "Kommunen"), "codes": [codes["data"].code]}
    )
    assert "In progress" in client.get(url).content.decode()
    done = reverse(
        "coding:assignment-done", kwargs={"project": project.code, "document": assigned.code}
    )
    assert client.post(done).status_code == 302
    assert Assignment.objects.get(coder=coder).status == "done"
    client.post(done, {"done": "0"})
    assert Assignment.objects.get(coder=coder).status == "in_progress"
    assert client.get(done).status_code == 405


def test_done_for_an_unassigned_document_is_a_message(project, document, coder):
    done = reverse(
        "coding:assignment-done", kwargs={"project": project.code, "document": document.code}
    )
    response = client_for(coder).post(done, follow=True)
    assert "not assigned to you" in response.content.decode()


def test_my_documents_refuses_viewer(project, viewer, outsider):
    url = reverse("coding:my-documents", kwargs={"project": project.code})
    assert client_for(viewer).get(url).status_code == 403
    assert client_for(outsider).get(url).status_code == 404


# --- the coding view's text --------------------------------------------------------------------


def _text_url(project, document):
    return reverse(
        "coding:coding-text", kwargs={"project": project.code, "document": document.code}
    )


def test_the_text_is_revalidated_not_sent_again_while_unchanged(project, assigned, coder, codes):
    client = client_for(coder)
    first = coding_text(client, project, assigned)
    etag = first.response["ETag"]
    assert first.response.status_code == 200 and etag.startswith('"')
    cache_control = first.response["Cache-Control"]
    assert "private" in cache_control and "no-cache" in cache_control
    again = coding_text(client, project, assigned, HTTP_IF_NONE_MATCH=etag)
    assert again.response.status_code == 304 and again.response.content == b""
    assert again.response["ETag"] == etag
    # A new excerpt changes the highlights; a memo changes only the excerpts' data: both are
    # sent again.
    excerpt = ExcerptFactory(document=assigned, coder=coder, start=0, end=8, codes=[codes["data"]])
    coded = coding_text(client, project, assigned, HTTP_IF_NONE_MATCH=etag)
    assert coded.response.status_code == 200 and 'data-start="0" data-ex=' in coded.html
    Excerpt.objects.filter(pk=excerpt.pk).update(memo="Sjekk dette")
    memo = coding_text(client, project, assigned, HTTP_IF_NONE_MATCH=coded.response["ETag"])
    assert memo.response.status_code == 200 and memo.excerpts[0]["memo"] == "Sjekk dette"
    assert memo.html == coded.html


def test_the_texts_digest_follows_its_text_and_structure(project, document, coder):
    """The database keeps `text_digest` (the text answer's ETag rests on it): any change of the
    text or of its paragraphs, pages or turns changes it, whoever writes the row."""
    digests = [Document.objects.get(pk=document.pk).text_digest]
    Document.objects.filter(pk=document.pk).update(paragraphs=[[0, 10]])
    digests.append(Document.objects.get(pk=document.pk).text_digest)
    document.refresh_from_db()
    document.text = document.text.replace("Kommunen", "Fylket")
    document.save()
    digests.append(Document.objects.get(pk=document.pk).text_digest)
    assert len(set(digests)) == 3 and all(len(d) == 32 for d in digests)
    client = client_for(coder)
    assert "Fylket" in coding_text(client, project, document).html


def test_the_text_of_each_member_has_its_own_etag(project, assigned, coder, coder2, codes):
    project.blind_coding = False
    project.save()
    ExcerptFactory(document=assigned, coder=coder, start=0, end=8)
    query = f"?coders={coder.pk},{coder2.pk}"
    own = coding_text(client_for(coder), project, assigned, query)
    other = client_for(coder2)
    theirs = coding_text(other, project, assigned, query, HTTP_IF_NONE_MATCH=own.response["ETag"])
    # The same excerpt, but not "mine" for coder2: a different answer, sent in full.
    assert theirs.response.status_code == 200
    assert theirs.response["ETag"] != own.response["ETag"]
    assert [e["mine"] for e in own.excerpts] == [True] and [e["mine"] for e in theirs.excerpts] == [
        False
    ]


def test_the_text_refuses_viewer_outsider_post_and_unready_documents(
    project, assigned, document, coder, viewer, outsider
):
    assert client_for(viewer).get(_text_url(project, assigned)).status_code == 403
    assert client_for(outsider).get(_text_url(project, assigned)).status_code == 404
    assert client_for(coder).post(_text_url(project, assigned)).status_code == 405
    waiting = DocumentFactory(project=project, status="processing")
    assert client_for(coder).get(_text_url(project, waiting)).status_code == 404
    page = client_for(coder).get(_view(project, waiting)).content.decode()
    assert "not ready yet" in page and "data-text-url" not in page


def test_without_javascript_the_page_shows_its_text_inline(project, assigned, coder, codes):
    ExcerptFactory(document=assigned, coder=coder, start=0, end=8, codes=[codes["data"]])
    client = client_for(coder)
    page = client.get(_view(project, assigned, only=codes["data"].pk)).content.decode()
    assert f'href="?only={codes["data"].pk}&amp;inline=1"' in page  # in <noscript>
    inline = client.get(_view(project, assigned, only=codes["data"].pk, inline=1))
    html = inline.content.decode()
    assert "data-text-url" not in html and 'id="excerpt-data"' in html
    assert coding_text(client, project, assigned, f"?only={codes['data'].pk}").html in html


def test_the_codebook_panel_lists_every_code_escaped_in_its_five_places(
    project, assigned, coder, codes
):
    project.coders_may_create_codes = True  # the in-vivo form lists the codes as parents
    project.save()
    odd = Code.objects.create(
        project=project,
        name='Tiltak <b>&"x"',
        shortcut="Q",
        status=CodeStatus.PROPOSED,
        created_by=coder,  # a coder sees the codes they proposed
    )
    html = client_for(coder).get(_view(project, assigned, only=odd.pk)).content.decode()
    escaped = "Tiltak &lt;b&gt;&amp;&quot;x&quot;"
    assert "<b>" not in html.split('id="workspace"')[1]
    assert f'<option value="{odd.pk}" selected translate="no">{escaped}</option>' in html  # filter
    assert f'<option value="{odd.code}" translate="no">{escaped}</option>' in html  # in-vivo parent
    assert f'value="{odd.code}"> <span translate="no">{escaped}</span></label>' in html  # no JS
    # The palette's options are built by the page's script from the codes' JSON, escaped there.
    assert '<ul class="list-unstyled mt-2 mb-0" id="palette-list" role="listbox"></ul>' in html
    assert '"path": "Tiltak \\u003Cb\\u003E\\u0026\\"x\\""' in html
    assert f'translate="no" title="{escaped}">{escaped}</span>' in html  # the code tree
    assert 'data-shortcut="q">' in html and '<kbd class="small">Q</kbd>' in html
    assert ">proposed</span>" in html
    # The parents and the checkboxes come as text for the page's script to place once the text
    # is usable (static/js/coding/text.js); the filter is in the page as elements.
    before, *deferred = html.split("<noscript data-deferred>")
    assert f'<option value="{odd.pk}" selected' in before
    assert f'<option value="{odd.code}" translate="no">' in deferred[0].split("</noscript>")[0]
    assert f'value="{odd.code}"> <span' in deferred[1].split("</noscript>")[0]  # the checkboxes
