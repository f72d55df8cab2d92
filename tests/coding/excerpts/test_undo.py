"""Undo and redo of a member's last coding actions in a document, through HTTP as the coding
view sends them (Ctrl+Z, Ctrl+Shift+Z): read back from the excerpt history, so they work after a
reload; refused, with nothing changed, when someone else changed the excerpt since."""

import pytest
from django.urls import reverse

from coding.excerpts import services
from coding.models import Excerpt, ExcerptChange
from tests.coding.excerpts.conftest import TEXT, span
from tests.conftest import client_for

JSON = {"HTTP_ACCEPT": "application/json"}


def _url(name, project, document):
    return reverse(f"coding:{name}", kwargs={"project": project.code, "document": document.code})


def _undo(user, project, document, redo=False):
    name = "excerpt-redo" if redo else "excerpt-undo"
    return client_for(user).post(_url(name, project, document), **JSON)


def _create(user, project, document, passage, code):
    fields = {**span(TEXT, passage), "codes": [code.code]}
    body = client_for(user).post(_url("excerpt-create", project, document), fields, **JSON).json()
    assert body["ok"], body
    return Excerpt.objects.get(code=body["excerpt"]["code"])


def test_undo_and_redo_a_create(project, assigned, coder, codes):
    excerpt = _create(coder, project, assigned, "smarte løsninger", codes["value"])
    body = _undo(coder, project, assigned).json()
    assert body["ok"] and "excerpt" not in body and body["patch"]["chunks"]
    assert not Excerpt.objects.exists()
    body = _undo(coder, project, assigned, redo=True).json()
    assert body["ok"] and body["excerpt"]["code"] == str(excerpt.code)
    back = Excerpt.objects.get()
    assert (back.code, back.text, list(back.codes.all())) == (
        excerpt.code,
        "smarte løsninger",
        [codes["value"]],
    )


def test_undo_and_redo_codes_memo_and_boundaries(project, assigned, coder, codes):
    excerpt = _create(coder, project, assigned, "sensorer i vann", codes["value"])
    wider = span(TEXT, "sensorer i vann og avløp 🚲")
    services.excerpt_update(
        excerpt=excerpt,
        version=1,
        **wider,
        memo="e\u0301n memo",
        codes=[codes["data"]],
        user=coder,
    )
    assert _undo(coder, project, assigned).status_code == 200
    excerpt.refresh_from_db()
    assert (excerpt.text, excerpt.memo) == ("sensorer i vann", "")
    assert list(excerpt.codes.all()) == [codes["value"]]
    assert _undo(coder, project, assigned, redo=True).status_code == 200
    excerpt.refresh_from_db()
    assert (excerpt.text, excerpt.memo) == (wider["text"], "e\u0301n memo")
    assert list(excerpt.codes.all()) == [codes["data"]]


def test_undo_and_redo_a_delete(project, assigned, coder, codes):
    excerpt = _create(coder, project, assigned, "smarte løsninger", codes["value"])
    services.excerpt_delete(excerpt=excerpt, version=1, user=coder)
    assert _undo(coder, project, assigned).json()["excerpt"]["code"] == str(excerpt.code)
    assert Excerpt.objects.filter(code=excerpt.code).exists()
    assert _undo(coder, project, assigned, redo=True).json()["ok"]
    assert not Excerpt.objects.exists()


def test_undo_steps_back_through_several_actions_and_a_new_one_clears_redo(
    project, assigned, coder, codes
):
    first = _create(coder, project, assigned, "smarte løsninger", codes["value"])
    _create(coder, project, assigned, "sensorer", codes["data"])
    _undo(coder, project, assigned)
    _undo(coder, project, assigned)
    assert not Excerpt.objects.exists()
    _undo(coder, project, assigned, redo=True)
    assert list(Excerpt.objects.values_list("code", flat=True)) == [first.code]
    # A new action: what was undone before it can no longer be redone.
    _create(coder, project, assigned, "plattform", codes["data"])
    response = _undo(coder, project, assigned, redo=True)
    assert response.status_code == 400 and response.json()["message"] == "Nothing to redo."
    assert Excerpt.objects.count() == 2


def test_nothing_to_undo_is_a_message(project, assigned, coder):
    response = _undo(coder, project, assigned)
    assert response.status_code == 400
    assert response.json()["message"] == "Nothing to undo."
    plain = client_for(coder).post(_url("excerpt-undo", project, assigned), follow=True)
    assert "Nothing to undo." in plain.content.decode()


def test_an_excerpt_changed_since_by_a_lead_is_not_undone(project, assigned, coder, lead, codes):
    excerpt = _create(coder, project, assigned, "smarte løsninger", codes["value"])
    services.excerpt_update(excerpt=excerpt, version=1, memo="rettet av leder", user=lead)
    response = _undo(coder, project, assigned)
    assert response.status_code == 409 and response.json()["error"] == "stale"
    excerpt.refresh_from_db()
    assert excerpt.memo == "rettet av leder"
    assert ExcerptChange.objects.count() == 2  # nothing recorded by the refused undo


def test_undo_touches_only_my_own_actions(project, assigned, coder, coder2, codes):
    _create(coder, project, assigned, "smarte løsninger", codes["value"])
    assert _undo(coder2, project, assigned).status_code == 400
    assert Excerpt.objects.count() == 1


def test_undo_refuses_viewer_and_get(project, assigned, coder, viewer):
    assert _undo(viewer, project, assigned).status_code == 403
    assert client_for(coder).get(_url("excerpt-undo", project, assigned)).status_code == 405


@pytest.mark.parametrize("name", ["excerpt-undo", "excerpt-redo"])
def test_an_unassigned_coder_may_not_undo(project, document, coder, name):
    response = client_for(coder).post(_url(name, project, document), **JSON)
    assert response.status_code == 403


def test_undo_reaches_past_changes_already_undone(project, assigned, coder, codes):
    excerpt = _create(coder, project, assigned, "smarte løsninger", codes["value"])
    services.excerpt_update(excerpt=excerpt, version=1, memo="notat", user=coder)
    _undo(coder, project, assigned)  # the memo (version 3 now, as created)
    assert _undo(coder, project, assigned).json()["ok"]  # then the create
    assert not Excerpt.objects.exists()
