"""The codebook page after its rework for large codebooks: plain rows with URLs built once,
the code's actions in an edit panel (a full page without JavaScript), the create form on demand,
and counts from one grouped query."""

import re

import pytest
from django.urls import reverse

from coding.codebook import selectors, services
from coding.codebook.selectors import DEFINITION_PREVIEW
from coding.models import CodeStatus
from tests.conftest import client_for
from tests.factories import DocumentFactory, ExcerptFactory


def _url(name, project, code=None):
    kwargs = {"project": project.code}
    if code is not None:
        kwargs["code"] = code.code
    return reverse(f"coding:{name}", kwargs=kwargs)


@pytest.fixture
def book(project, lead):
    actors = services.code_create(project=project, name="Actors", user=lead)
    academia = services.code_create(project=project, name="Academia", user=lead, parent=actors)
    return {"actors": actors, "academia": academia}


def _tree(html: str) -> str:
    return html[html.index('id="codebook-tree"') : html.index("</table>")]


def test_row_urls_match_reverse(project, lead, viewer, book):
    rows = client_for(lead).get(_url("codebook", project)).context["rows"]
    academia = next(r for r in rows if r["name"] == "Academia")
    assert academia["url"] == _url("code-edit", project, book["academia"])
    assert academia["link"] == academia["url"]
    assert f"{academia['url']}move/" == _url("code-move", project, book["academia"])
    assert f"{academia['url']}accept/" == _url("code-accept", project, book["academia"])
    rows = client_for(viewer).get(_url("codebook", project)).context["rows"]
    academia = next(r for r in rows if r["name"] == "Academia")
    assert academia["link"] == _url("code-log", project, book["academia"])


def test_rows_carry_no_per_row_forms_or_menus(project, lead, book):
    tree = _tree(client_for(lead).get(_url("codebook", project)).content.decode())
    assert "<form" not in tree and "csrfmiddlewaretoken" not in tree
    assert "dropdown" not in tree
    # Each name links to the code's edit page, which holds its actions.
    assert f'href="{_url("code-edit", project, book["academia"])}"' in tree


def test_lead_reaches_every_action_without_javascript(project, lead, book):
    client = client_for(lead)
    page = client.get(_url("codebook", project)).content.decode()
    edit = re.search(r'id="code-name-[^"]+" class="fw-medium" href="([^"]+)"[^>]*>Academia<', page)
    html = client.get(edit.group(1)).content.decode()
    assert "<html" in html  # a full page when followed as a plain link
    code = book["academia"]
    for action in (
        f'action="{_url("code-move", project, code)}"',  # up / down
        f'href="{_url("code-move", project, code)}"',
        f'href="{_url("code-merge", project, code)}"',
        f'href="{_url("code-delete", project, code)}"',
        f'href="{_url("code-log", project, code)}"',
        f'href="{_url("code-create", project)}?parent={code.code}"',
        f'action="{_url("code-edit", project, code)}"',
    ):
        assert action in html
    assert f'href="{_url("code-create", project)}"' in page  # "New code" is a plain link too
    # Up/down from the panel's form works as a plain post.
    response = client.post(_url("code-move", project, book["actors"]), {"direction": "down"})
    assert response.status_code == 302


def test_edit_panel_by_htmx_is_a_fragment_with_the_actions(project, lead, book):
    response = client_for(lead).get(
        _url("code-edit", project, book["academia"]), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert _url("code-merge", project, book["academia"]) in html


def test_proposed_code_is_accepted_from_its_row_without_javascript(project, lead, coder):
    code = services.code_create(project=project, name="Idea", user=coder, status="proposed")
    html = client_for(lead).get(_url("codebook", project)).content.decode()
    accept = _url("code-accept", project, code)
    # One shared form with the CSRF token; the row's button posts it to the code's accept URL.
    assert 'id="codebook-row-actions" method="post"' in html
    assert f'form="codebook-row-actions" formaction="{accept}"' in _tree(html)
    assert client_for(lead).post(accept).status_code == 302
    code.refresh_from_db()
    assert code.status == CodeStatus.ACTIVE


def test_viewer_rows_link_to_history_and_show_no_management(project, viewer, book):
    html = client_for(viewer).get(_url("codebook", project)).content.decode()
    tree = _tree(html)
    assert f'href="{_url("code-log", project, book["academia"])}"' in tree
    assert f'href="{_url("code-edit", project, book["academia"])}"' not in tree
    assert "draggable" not in tree and "codebook-row-actions" not in html
    assert _url("code-create", project) not in html


def test_create_form_loads_on_demand_and_preselects_the_parent(project, lead, book):
    client = client_for(lead)
    page = client.get(_url("codebook", project))
    assert page.context["create_form"] is None  # no list of every code on the tree page
    response = client.get(
        f"{_url('code-create', project)}?parent={book['actors'].code}", HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert f'value="{book["actors"].code}" selected' in html
    # The panel's form posts plainly: the new code appears in the reloaded tree.
    assert f'action="{_url("code-create", project)}"' in html and "hx-post" not in html


def test_create_page_ignores_a_bad_parent_in_the_query(project, lead, book):
    response = client_for(lead).get(f"{_url('code-create', project)}?parent=not-a-code")
    form = response.content.decode().split("</nav>")[-1]  # past the language switcher
    assert response.status_code == 200 and "selected>" not in form


def test_empty_codebook_shows_the_create_form_on_the_page(project, lead):
    response = client_for(lead).get(_url("codebook", project))
    html = response.content.decode()
    assert response.context["create_form"] is not None
    assert f'action="{_url("code-create", project)}"' in html and 'name="name"' in html


def test_long_definition_is_shortened_in_the_tree(project, lead):
    services.code_create(project=project, name="Long", user=lead, definition="word " * 100)
    row = client_for(lead).get(_url("codebook", project)).context["rows"][0]
    assert len(row["definition"]) == DEFINITION_PREVIEW and row["definition"].endswith("…")


def test_counts_from_one_grouped_query(
    project, lead, coder, coder2, book, django_assert_num_queries
):
    one, two = DocumentFactory(project=project), DocumentFactory(project=project)
    code = book["academia"]
    ExcerptFactory(document=one, coder=coder, start=0, end=5, codes=[code])
    ExcerptFactory(document=one, coder=coder, start=10, end=15, codes=[code])
    ExcerptFactory(document=two, coder=coder2, start=0, end=5, codes=[code])
    ExcerptFactory(document=two, coder=None, start=20, end=25, codes=[code])  # consensus
    with django_assert_num_queries(2):  # grouped aggregate, coder names
        counts = selectors.codebook_counts(project=project, see_all=True)
    assert (counts.total[code.pk].codings, counts.total[code.pk].documents) == (4, 2)
    mine = counts.by_coder[code.pk]
    assert (mine[coder.pk].codings, mine[coder.pk].documents) == (2, 1)
    assert (mine[coder2.pk].codings, mine[coder2.pk].documents) == (1, 1)
    assert counts.coders[None] == "consensus" and counts.coders[coder.pk] == coder.name
    assert book["actors"].pk not in counts.total
    with django_assert_num_queries(1):
        own = selectors.codebook_counts(project=project, see_all=False, coder=coder)
    assert (own.total[code.pk].codings, own.total[code.pk].documents) == (2, 1)
    assert own.by_coder == {}


def test_change_log_and_undo_name_actions_in_words(project, lead, book):
    client = client_for(lead)
    client.post(_url("code-move", project, book["academia"]), {"parent": ""})
    page = client.get(_url("codebook", project)).content.decode()
    assert "Undo the move of “Academia”" in page
    response = client.post(_url("codebook-undo", project), follow=True)
    assert "Undone: the move of “Academia”." in response.content.decode()
    log = client.get(_url("codebook-log", project)).content.decode()
    assert "<td>Undo</td>" in log and "<td>Move</td>" in log and "<td>Creation</td>" in log
    assert "<td>move</td>" not in log  # the raw action name is not shown


def test_unknown_action_is_shown_as_recorded():
    assert selectors.change_label("split") == "split"
    assert selectors.change_label("group") == "grouping"
