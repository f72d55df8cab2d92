"""The codebook pages: roles, blind counts, pinned queries, forms without JavaScript."""

import io

import pytest
from django.urls import reverse
from lxml import etree

from coding.codebook import selectors, services
from coding.codebook_io import read_csv, read_qdc
from coding.codebook_io.qdc import codebook_schema
from coding.models import Code, CodebookChange, CodeStatus, Coding, Excerpt
from tests.conftest import client_for, unmarked
from tests.factories import DocumentFactory, ExcerptFactory
from tests.shared import shared_path


def url(name, project, code=None, **query):
    kwargs = {"project": project.code}
    if code is not None:
        kwargs["code"] = code.code
    base = reverse(f"coding:{name}", kwargs=kwargs)
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def book(project, lead):
    actors = services.code_create(project=project, name="Actors", user=lead)
    academia = services.code_create(project=project, name="Academia", user=lead, parent=actors)
    gov = services.code_create(project=project, name="Government", user=lead, parent=actors)
    return {"actors": actors, "academia": academia, "gov": gov}


def test_codebook_page_shows_the_tree(project, lead, book):
    response = client_for(lead).get(url("codebook", project))
    assert response.status_code == 200
    html = response.content.decode()
    html = html[html.index('id="codebook-tree"') :]
    assert html.index("Actors") < html.index("Academia") < html.index("Government")
    assert "Group under new code" in html


def test_viewer_sees_tree_without_management_controls(project, viewer, book):
    html = client_for(viewer).get(url("codebook", project)).content.decode()
    assert "Academia" in html and "Group under new code" not in html


def test_outsider_gets_404(project, outsider, book):
    assert client_for(outsider).get(url("codebook", project)).status_code == 404


def _counts_page(user, project):
    return client_for(user).get(url("codebook", project)).context["rows"]


def test_blind_counts_coder_sees_own_lead_sees_all_viewer_none(
    project, lead, coder, coder2, viewer, book
):
    document = DocumentFactory(project=project)
    ExcerptFactory(document=document, coder=coder, codes=[book["gov"]])
    ExcerptFactory(document=document, coder=coder2, start=10, end=20, codes=[book["gov"]])
    ExcerptFactory(document=DocumentFactory(project=project), coder=coder2, codes=[book["gov"]])

    def gov_row(user):
        return next(r for r in _counts_page(user, project) if r["code"].name == "Government")

    lead_row = gov_row(lead)
    assert (lead_row["total"].codings, lead_row["total"].documents) == (3, 2)
    assert sorted(n.codings for _name, n in lead_row["by_coder"]) == [1, 2]
    coder_row = gov_row(coder)
    assert (coder_row["total"].codings, coder_row["total"].documents) == (1, 1)
    assert coder_row["by_coder"] == []
    assert gov_row(viewer)["total"] is None
    assert "Codings" not in client_for(viewer).get(url("codebook", project)).content.decode()


def test_open_project_coder_sees_totals(project, coder, coder2, book):
    project.blind_coding = False
    project.save()
    document = DocumentFactory(project=project)
    ExcerptFactory(document=document, coder=coder2, codes=[book["gov"]])
    row = next(r for r in _counts_page(coder, project) if r["code"].name == "Government")
    assert row["total"].codings == 1


def test_codebook_page_query_count_does_not_grow(
    project, lead, coder, book, django_assert_num_queries
):
    client = client_for(lead)
    client.get(url("codebook", project))  # warm the session

    def make_more(n):
        for _i in range(n):
            code = services.code_create(
                project=project,
                name=f"Concept {Code.objects.count()}",
                user=lead,
                parent=book["academia"],
            )
            ExcerptFactory(document=DocumentFactory(project=project), coder=coder, codes=[code])

    make_more(2)
    # session with its user (the warm-up request signed it in), membership, counts (one grouped
    # aggregate + coder names), codes, undoable (undone ids + latest change), latest version.
    # The create form (and its list of every code) is no longer on the page: it loads on demand.
    with django_assert_num_queries(8) as small:
        assert client.get(url("codebook", project)).status_code == 200
    make_more(15)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url("codebook", project)).status_code == 200


def test_create_code_as_lead_without_js(project, lead, book):
    response = client_for(lead).post(
        url("code-create", project),
        {"name": "Industry", "parent": book["actors"].code, "colour": "#aa0000"},
    )
    assert response.status_code == 302
    code = Code.objects.get(name="Industry")
    assert code.parent == book["actors"] and code.status == CodeStatus.ACTIVE


def test_create_duplicate_name_shows_form_error(project, lead, book):
    response = client_for(lead).post(
        url("code-create", project), {"name": "Government", "parent": book["actors"].code}
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()


def test_create_empty_post_is_a_form_error(project, lead):
    assert client_for(lead).post(url("code-create", project), {}).status_code == 200


def test_coder_may_propose_codes_only_when_allowed(project, coder):
    client = client_for(coder)
    assert client.post(url("code-create", project), {"name": "Idea"}).status_code == 403
    project.coders_may_create_codes = True
    project.save()
    assert client.post(url("code-create", project), {"name": "Idea"}).status_code == 302
    assert Code.objects.get(name="Idea").status == CodeStatus.PROPOSED


def test_viewer_may_not_propose_even_when_allowed(project, viewer):
    project.coders_may_create_codes = True
    project.save()
    assert client_for(viewer).post(url("code-create", project), {"name": "X"}).status_code == 403


def test_lead_accepts_a_proposed_code(project, lead, coder):
    code = services.code_create(project=project, name="Idea", user=coder, status="proposed")
    assert client_for(coder).post(url("code-accept", project, code)).status_code == 403
    assert client_for(lead).post(url("code-accept", project, code)).status_code == 302
    assert Code.objects.get(pk=code.pk).status == CodeStatus.ACTIVE


def test_edit_code_plain_and_htmx(project, lead, book):
    client = client_for(lead)
    data = {"name": "State", "colour": "#112233", "definition": "Public bodies."}
    assert client.post(url("code-edit", project, book["gov"]), data).status_code == 302
    assert Code.objects.get(pk=book["gov"].pk).name == "State"
    data["name"] = "The state"
    response = client.post(url("code-edit", project, book["gov"]), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Saved." in html and "<html" not in html and 'hx-swap-oob="true"' in html


def test_edit_bad_colour_is_a_form_error(project, lead, book):
    response = client_for(lead).post(
        url("code-edit", project, book["gov"]), {"name": "Gov", "colour": "red"}
    )
    assert response.status_code == 200
    assert Code.objects.get(pk=book["gov"].pk).name == "Government"


def test_coder_cannot_edit(project, coder, book):
    assert client_for(coder).get(url("code-edit", project, book["gov"])).status_code == 403


def test_move_form_and_up_down(project, lead, book):
    client = client_for(lead)
    assert client.get(url("code-move", project, book["gov"])).status_code == 200
    response = client.post(url("code-move", project, book["gov"]), {"parent": "", "position": 0})
    assert response.status_code == 302
    assert Code.objects.get(pk=book["gov"].pk).parent is None
    client.post(url("code-move", project, book["gov"]), {"direction": "down"})
    assert [c.name for c in selectors.codebook_tree(project=project)] == [
        "Actors",
        "Academia",
        "Government",
    ]


def test_stepping_a_code_merged_away_meanwhile_says_so(project, lead, book, monkeypatch):
    """The lead's page still shows "Government"; another lead merges it away between the
    view reading the code and the step: a message, not a 500."""
    from coding.codebook import views

    read = views._code

    def read_then_merge(membership, code):
        found = read(membership, code)
        services.code_merge(source=found, target=book["academia"], user=lead)
        return found

    monkeypatch.setattr(views, "_code", read_then_merge)
    client = client_for(lead)
    response = client.post(url("code-move", project, book["gov"]), {"direction": "up"})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "was merged or deleted meanwhile" in page
    assert not Code.objects.filter(pk=book["gov"].pk).exists()


def test_move_under_own_child_is_refused_in_the_form(project, lead, book):
    response = client_for(lead).post(
        url("code-move", project, book["actors"]), {"parent": book["gov"].code}
    )
    assert response.status_code == 200  # the descendant is not even a choice
    assert Code.objects.get(pk=book["actors"].pk).parent is None


def test_move_by_htmx_returns_no_content(project, lead, book):
    response = client_for(lead).post(
        url("code-move", project, book["gov"]),
        {"parent": book["academia"].code},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 204
    assert Code.objects.get(pk=book["gov"].pk).parent_id == book["academia"].pk


def test_move_wrong_method(project, lead, book):
    assert client_for(lead).put(url("code-move", project, book["gov"])).status_code == 405


def test_merge_view_keeps_excerpts(project, lead, coder, book):
    ExcerptFactory(document=DocumentFactory(project=project), coder=coder, codes=[book["gov"]])
    before = Excerpt.objects.count()
    response = client_for(lead).post(
        url("code-merge", project, book["gov"]), {"target": book["academia"].code}
    )
    assert response.status_code == 302
    assert Excerpt.objects.count() == before
    assert Coding.objects.filter(code=book["academia"]).count() == 1


def test_group_view(project, lead, book):
    response = client_for(lead).post(
        url("code-group", project),
        {"name": "Public", "codes": [book["gov"].code, book["academia"].code]},
    )
    assert response.status_code == 302
    assert Code.objects.get(name="Public").children.count() == 2


def test_group_empty_post_redirects_with_message(project, lead):
    response = client_for(lead).post(url("code-group", project), {}, follow=True)
    assert "Select the codes" in response.content.decode()


def test_delete_needs_confirmation_of_codings(project, lead, coder, book):
    ExcerptFactory(document=DocumentFactory(project=project), coder=coder, codes=[book["gov"]])
    client = client_for(lead)
    page = client.get(url("code-delete", project, book["gov"])).content.decode()
    assert "This removes 1 coding." in page
    client.post(url("code-delete", project, book["gov"]), {"confirm_codings": 0})
    assert Code.objects.filter(pk=book["gov"].pk).exists()
    client.post(url("code-delete", project, book["gov"]), {"confirm_codings": 1})
    assert not Code.objects.filter(name="Government").exists()
    assert CodebookChange.objects.get(action="delete").after == {"removed_codings": 1}


def test_undo_view(project, lead, book):
    client = client_for(lead)
    client.post(url("code-move", project, book["gov"]), {"parent": ""})
    assert client.post(url("codebook-undo", project)).status_code == 302
    assert Code.objects.get(pk=book["gov"].pk).parent_id == book["actors"].pk


def test_logs_show_changes(project, lead, viewer, book):
    services.code_update(code=book["gov"], user=lead, name="State")
    html = unmarked(client_for(viewer).get(url("codebook-log", project)).content.decode())
    assert "Government → State" in html
    html = client_for(viewer).get(url("code-log", project, book["gov"])).content.decode()
    assert "<td>Renaming</td>" in html and "Academia" not in html


def test_versions_view(project, lead, viewer, book):
    assert (
        client_for(viewer).post(url("codebook-versions", project), {"name": "v"}).status_code == 403
    )
    response = client_for(lead).post(url("codebook-versions", project), {"name": "Round 1"})
    assert response.status_code == 302
    assert selectors.codebook_version_current(project=project).name == "Round 1"


def _upload(client, project, name, content: bytes, **extra):
    file = io.BytesIO(content)
    file.name = name
    return client.post(url("codebook-import", project), {"file": file, **extra})


def test_csv_round_trip(project, lead, book):
    client = client_for(lead)
    services.code_update(code=book["gov"], user=lead, definition="Public bodies, “quoted”, æøå.")
    exported = client.get(url("codebook-export", project, format="csv")).content
    other = type(project).objects.create(title="Other")
    other.memberships.create(user=lead, role="lead")
    response = _upload(client, other, "book.csv", exported)
    assert response.status_code == 200 and "3 codes added" in response.content.decode()
    again = client.get(url("codebook-export", other, format="csv")).content
    strip = lambda data: list(read_csv(data.decode()).roots)  # noqa: E731
    assert [(n.name, n.definition) for n in strip(exported)[0].children] == [
        (n.name, n.definition) for n in strip(again)[0].children
    ]
    # Importing the same file again asks about the codes it already has; merging adds nothing.
    response = _upload(client, other, "book.csv", exported)
    assert "3 codes in this file are already in the codebook" in response.content.decode()
    response = _upload(client, other, "book.csv", exported, guids="merge")
    assert "0 codes added" in response.content.decode()


def test_qdc_round_trip_is_schema_valid(project, lead, book):
    client = client_for(lead)
    exported = client.get(url("codebook-export", project, format="qdc")).content
    assert codebook_schema().validate(etree.fromstring(exported))
    other = type(project).objects.create(title="Other")
    other.memberships.create(user=lead, role="lead")
    assert _upload(client, other, "book.qdc", exported).status_code == 200
    again = client.get(url("codebook-export", other, format="qdc")).content
    assert codebook_schema().validate(etree.fromstring(again))
    names = lambda data: [(n.name, [c.name for c in n.children]) for n in read_qdc(data).roots]  # noqa: E731
    assert names(again) == names(exported)


def test_json_export(project, viewer, book):
    response = client_for(viewer).get(url("codebook-export", project, format="json"))
    assert response.status_code == 200 and b"Academia" in response.content


def test_export_refuses_an_unknown_format(project, viewer, book):
    response = client_for(viewer).get(url("codebook-export", project, format="bogus"))
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == "Unknown export format “bogus”: choose csv, json, qdc."


def test_export_without_a_format_is_csv(project, viewer, book):
    response = client_for(viewer).get(url("codebook-export", project))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")


def test_bad_file_imports_nothing(project, lead):
    response = _upload(client_for(lead), project, "book.qdc", b"<not-xml")
    assert response.status_code == 200
    assert "cannot be imported" in response.content.decode()
    assert not Code.objects.filter(project=project).exists()


def test_csv_without_path_column_is_refused(project, lead):
    response = _upload(client_for(lead), project, "book.csv", b"name,definition\nA,b\n")
    assert "no “path” column" in response.content.decode()
    assert not Code.objects.filter(project=project).exists()


def test_too_large_file_is_refused(project, lead, settings, monkeypatch):
    monkeypatch.setattr("coding.codebook.forms.MAX_IMPORT_BYTES", 10)
    response = _upload(client_for(lead), project, "book.csv", b"path\n" + b"A" * 50)
    assert "larger than" in response.content.decode()


def test_study_codebook_imports_through_the_page(project, lead):
    # The study's own table (cluster, category, concepts; user guide §4) is recognised by its
    # header and becomes cluster → category → concept, each code in a palette colour.
    data = shared_path("method", "codebook.csv").read_bytes()
    response = _upload(client_for(lead), project, "codebook.csv", data)
    assert "159 codes added" in response.content.decode()
    academia = Code.objects.get(project=project, name="Academia")
    assert academia.parent.name == "Actors"
    assert [c.name for c in academia.children.order_by("position")] == [
        "Universities",
        "Technological research facilities",
        "Innovation labs",
    ]
    colours = set(Code.objects.filter(project=project).values_list("colour", flat=True))
    assert len(colours) > 1


def test_a_norwegian_reader_gets_the_import_problems_in_norwegian(project, lead):
    client = client_for(lead)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "nb"
    refused = _upload(client, project, "book.csv", b"name,definition\nA,b\n")
    assert (
        "Denne filen kan ikke importeres: rad 1: ingen «path»-kolonne (kolonner i filen: name,"
        " definition)" in refused.content.decode()
    )
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "nn"
    taken = _upload(client, project, "book.csv", b"path,colour\nActors,red\n")
    assert (
        "ikkje teke med: rad 2: fargen «red» er ikkje #RRGGBB; fargen er ikkje teken med"
        in taken.content.decode()
    )
    assert Code.objects.filter(project=project, name="Actors").exists()


@pytest.mark.parametrize("fmt", ["csv", "json", "qdc"])
def test_codebook_files_are_the_same_whatever_the_reader_speaks(project, viewer, book, fmt):
    from tests.languages import client_speaking, translated

    english = client_speaking(viewer, "en").get(url("codebook-export", project, format=fmt))
    # Lend Norwegian to the words a codebook might carry, to see that none reaches the file.
    with translated("nb", {"active": "aktiv", "proposed": "foreslått", "Proposed": "Foreslått"}):
        norwegian = client_speaking(viewer, "nb").get(url("codebook-export", project, format=fmt))
    assert norwegian.content == english.content
