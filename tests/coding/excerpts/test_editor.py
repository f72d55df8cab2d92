"""The coding view's excerpt editor (a server fragment), its boundary moves and the code filter."""

import pytest
from django.urls import reverse

from coding.excerpts.rendering import boundary_moves
from tests.coding.excerpts.conftest import TEXT, coding_text
from tests.conftest import client_for, unmarked
from tests.factories import ExcerptFactory

JSON = {"HTTP_ACCEPT": "application/json"}


def _editor(project, excerpt):
    return reverse(
        "coding:excerpt-editor", kwargs={"project": project.code, "excerpt": excerpt.code}
    )


@pytest.fixture
def mine(assigned, coder, codes):
    start = TEXT.index("næringslivet")
    return ExcerptFactory(
        document=assigned,
        coder=coder,
        start=start,
        end=start + len("næringslivet"),
        codes=[codes["business"]],
        memo="Typisk",
    )


def test_boundary_moves_carry_the_text_between_the_new_offsets():
    text = "ab🚲cd"
    moves = {(m.edge, m.delta): m for m in boundary_moves(text, start=1, end=3)}
    assert (moves["start", -1].start, moves["start", -1].text) == (0, "ab🚲")
    assert (moves["start", 1].start, moves["start", 1].text) == (2, "🚲")
    assert (moves["end", -1].end, moves["end", -1].text) == (2, "b")
    assert (moves["end", 1].end, moves["end", 1].text) == (4, "b🚲c")
    # A one-character excerpt cannot shrink.
    assert [m.possible for m in boundary_moves(text, start=1, end=2)] == [True, False, False, True]


def test_boundary_moves_stop_at_the_text_edges():
    moves = boundary_moves("abc", start=0, end=3)
    assert [m.possible for m in moves] == [False, True, True, False]


def test_owner_gets_the_full_editor(project, mine, coder, codes):
    response = client_for(coder).get(_editor(project, mine))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html  # a fragment for the panel
    assert 'data-editable="1"' in html and f'data-version="{mine.version}"' in html
    assert "Value/Cooperation/Business" in html and "Typisk</textarea>" in html
    assert 'name="remove_codes"' in html and "Delete excerpt" in html
    # Each boundary move posts the text between its new offsets.
    assert 'name="text" value="æringslivet"' in html  # the start moves forward
    assert 'name="text" value="næringslive"' in html  # the end moves back


def test_lead_corrects_codes_and_memo_but_not_boundaries(project, mine, lead, coder):
    html = client_for(lead).get(_editor(project, mine)).content.decode()
    assert 'data-editable="1"' in html and f"Coded by {coder.name}" in unmarked(html)
    assert 'name="remove_codes"' in html and 'id="excerpt-memo"' in html
    assert "Delete excerpt" not in html and 'name="start"' not in html


def test_other_coder_reads_the_editor_once_unblinded(project, mine, coder2):
    project.blind_coding = False
    project.save()
    response = client_for(coder2).get(_editor(project, mine))
    html = response.content.decode()
    assert 'data-editable="0"' in html and "Value/Cooperation/Business" in html
    assert "<form" not in html


def test_other_coder_gets_404_while_blind(project, mine, coder2):
    assert client_for(coder2).get(_editor(project, mine)).status_code == 404


def test_editor_refuses_viewer_outsider_and_post(project, mine, coder, viewer, outsider):
    assert client_for(viewer).get(_editor(project, mine)).status_code == 403
    assert client_for(outsider).get(_editor(project, mine)).status_code == 404
    assert client_for(coder).post(_editor(project, mine)).status_code == 405


def test_code_filter_shows_only_excerpts_with_that_code(project, assigned, coder, codes):
    ExcerptFactory(document=assigned, coder=coder, start=0, end=8, codes=[codes["data"]])
    ExcerptFactory(document=assigned, coder=coder, start=9, end=13, codes=[codes["value"]])
    url = reverse("coding:coding-view", kwargs={"project": project.code, "document": assigned.code})
    client = client_for(coder)
    response = client.get(f"{url}?only={codes['data'].pk}")
    data = response.context["data"]
    text = coding_text(client, project, assigned, f"?only={codes['data'].pk}")
    assert [e["start"] for e in text.excerpts] == [0]
    assert text.html.count("mine") == 1
    # The counts still count every excerpt, and the filter is shown as chosen.
    assert {c["name"]: c["count"] for c in data.codes}["Value"] == 1
    chosen = f'<option value="{codes["data"].pk}" selected translate="no">'
    assert chosen in response.content.decode()


def test_a_write_answers_a_patch_with_the_page_filter(project, assigned, coder, codes):
    ExcerptFactory(document=assigned, coder=coder, start=0, end=8, codes=[codes["value"]])
    url = reverse(
        "coding:excerpt-create", kwargs={"project": project.code, "document": assigned.code}
    )
    both = [str(codes["data"].code), str(codes["value"].code)]
    fields = {"start": 9, "end": 13, "text": TEXT[9:13], "codes": both}
    response = client_for(coder).post(f"{url}?only={codes['data'].pk}", fields, **JSON)
    patch = response.json()["patch"]
    assert [e["start"] for e in patch["excerpts"]] == [9]
    # The counts are the coder's, whatever the filter: "value" counts the excerpt at 0–8 too,
    # which the filtered patch does not show. A new excerpt's answer counts its own codes.
    assert patch["counts"] == {str(codes["value"].pk): 2, str(codes["data"].pk): 1}
    assert patch["counts_partial"] is True


def test_editor_of_an_excerpt_deleted_meanwhile_answers_410_json(project, mine, coder, lead):
    from coding.excerpts.services import excerpt_delete

    excerpt_delete(excerpt=mine, user=lead)
    response = client_for(coder).get(_editor(project, mine))
    assert response.status_code == 410
    payload = response.json()
    assert payload["error"] == "deleted"
    assert payload["message"].startswith(f"This excerpt was deleted by {lead.name} at ")
    assert payload["restore_url"].endswith(f"?excerpt={mine.code}")


def test_editor_of_a_deleted_excerpt_the_member_never_saw_stays_404(project, mine, coder2):
    from coding.excerpts.services import excerpt_delete

    excerpt_delete(excerpt=mine)
    assert client_for(coder2).get(_editor(project, mine)).status_code == 404
