"""The excerpt history: every write is logged; "Undo delete" restores from it, after merges too;
stale, deleted and merged-away targets answer what the coding view understands."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from coding.codebook.services import code_delete, code_merge, codebook_undo
from coding.excerpts import selectors, services
from coding.models import Code, Excerpt, ExcerptChange
from tests.coding.excerpts.conftest import TEXT, span
from tests.conftest import client_for

JSON = {"HTTP_ACCEPT": "application/json"}


def _update(project, code):
    return reverse("coding:excerpt-update", kwargs={"project": project.code, "excerpt": code})


def _delete(project, code):
    return reverse("coding:excerpt-delete", kwargs={"project": project.code, "excerpt": code})


def _restore(project):
    return reverse("coding:excerpt-restore", kwargs={"project": project.code})


@pytest.fixture
def excerpt(assigned, coder, codes):
    return services.excerpt_create(
        document=assigned, coder=coder, codes=[codes["value"]], **span(TEXT, "Kommunen")
    )


# --- the log ----------------------------------------------------------------------------------


def test_every_write_is_logged_with_who_and_before_after(project, excerpt, coder, lead, codes):
    services.excerpt_update(excerpt=excerpt, version=1, memo="m", add_codes=[codes["data"]])
    services.excerpt_delete(excerpt=excerpt, version=2, user=lead)
    services.excerpt_restore(project=project, excerpt_code=excerpt.code, user=coder)
    changes = list(ExcerptChange.objects.filter(excerpt_code=excerpt.code).order_by("pk"))
    assert [(c.action, c.user, c.version) for c in changes] == [
        ("create", coder, 1),
        ("update", coder, 2),
        ("delete", lead, 2),
        ("restore", coder, 3),
    ]
    update = changes[1]
    assert (update.before["memo"], update.after["memo"]) == ("", "m")
    assert update.after["codes"] == sorted([str(codes["value"].code), str(codes["data"].code)])
    assert changes[2].before["text"] == "Kommunen" and changes[2].after == {}


def test_a_code_delete_logs_the_removed_coding_in_each_excerpt_history(
    project, excerpt, assigned, coder2, lead, codes
):
    services.excerpt_update(excerpt=excerpt, version=1, add_codes=[codes["data"]])
    other = services.excerpt_create(
        document=assigned, coder=coder2, codes=[codes["data"]], **span(TEXT, "Vi")
    )
    untouched = services.excerpt_create(
        document=assigned, coder=coder2, codes=[codes["value"]], **span(TEXT, "sensorer")
    )
    code_delete(code=codes["data"], user=lead, confirm_codings=2)
    value, data = str(codes["value"].code), str(codes["data"].code)
    logged = {c.excerpt_code: c for c in ExcerptChange.objects.filter(action="update", user=lead)}
    assert set(logged) == {excerpt.code, other.code}
    assert logged[excerpt.code].before["codes"] == sorted([value, data])
    assert logged[excerpt.code].after["codes"] == [value]
    assert (logged[other.code].before["codes"], logged[other.code].after["codes"]) == ([data], [])
    # The coder's text and memo did not change: an open tab's version is still the current one.
    assert logged[excerpt.code].version == Excerpt.objects.get(pk=excerpt.pk).version == 2
    assert not ExcerptChange.objects.filter(excerpt_code=untouched.code, action="update")

    # Undoing the delete puts the codings back, and says so in the same histories.
    codebook_undo(project=project, user=lead)
    back = ExcerptChange.objects.filter(action="update", user=lead).order_by("-pk")[:2]
    assert {(c.excerpt_code, tuple(c.after["codes"])) for c in back} == {
        (excerpt.code, tuple(sorted([value, data]))),
        (other.code, (data,)),
    }


def test_history_selector_says_who_changed_what(excerpt, coder, codes):
    services.excerpt_update(excerpt=excerpt, version=1, memo="m", add_codes=[codes["data"]])
    latest, created = selectors.excerpt_history(excerpt_code=excerpt.code)
    assert (latest["action"], latest["by"], latest["version"]) == ("update", coder.name, 2)
    assert latest["changed"] == ["codes", "memo"]
    assert created["action"] == "create"


def test_history_appears_in_the_json_answer(project, excerpt, coder):
    response = client_for(coder).post(
        _update(project, excerpt.code), {"version": 1, "set_memo": "on", "memo": "x"}, **JSON
    )
    assert [h["action"] for h in response.json()["excerpt"]["history"]] == ["update", "create"]


# --- restore ------------------------------------------------------------------------------------


def test_restore_gets_a_version_above_any_it_had_so_stale_tabs_conflict(project, excerpt, coder):
    services.excerpt_update(excerpt=excerpt, version=1, memo="newer")
    services.excerpt_delete(excerpt=excerpt, version=2)
    restored = services.excerpt_restore(project=project, excerpt_code=excerpt.code, user=coder)
    assert (restored.version, restored.memo) == (3, "newer")
    client = client_for(coder)
    for stale in (1, 2):
        response = client.post(
            _update(project, excerpt.code),
            {"version": stale, "set_memo": "on", "memo": "old tab"},
            **JSON,
        )
        assert response.status_code == 409 and response.json()["error"] == "stale"
    response = client.post(_delete(project, excerpt.code), {"version": 2}, **JSON)
    assert response.status_code == 409
    assert Excerpt.objects.get().memo == "newer"


def test_restore_after_a_merge_uses_the_code_it_went_into(project, excerpt, coder, lead, codes):
    services.excerpt_delete(excerpt=excerpt)
    code_merge(source=codes["value"], target=codes["data"], user=lead)
    response = client_for(coder).post(_restore(project), **JSON)
    assert response.status_code == 200
    payload = response.json()
    assert payload["excerpt"]["codes"] == [str(codes["data"].code)]
    assert "“Value” was merged into “Open data”" in payload["message"]
    assert payload["replaced"][0]["to"] == str(codes["data"].code)


def test_restore_follows_merges_of_merges_but_not_undone_ones(project, excerpt, coder, lead, codes):
    from coding.codebook.services import code_create, codebook_undo

    other = code_create(project=project, name="Other", user=lead)
    services.excerpt_delete(excerpt=excerpt)
    code_merge(source=Code.objects.get(name="Value"), target=codes["data"], user=lead)
    codebook_undo(project=project, user=lead)  # "Value" is back, and then merged elsewhere
    code_merge(source=Code.objects.get(name="Value"), target=other, user=lead)
    code_merge(source=other, target=codes["data"], user=lead)
    restored = services.excerpt_restore(project=project, excerpt_code=excerpt.code, user=coder)
    assert list(restored.codes.all()) == [codes["data"]]


def test_restore_leaves_off_deleted_codes_and_says_so(project, excerpt, coder, lead, codes):
    services.excerpt_delete(excerpt=excerpt)
    code_delete(code=Code.objects.get(name="Business"), user=lead)
    code_delete(code=Code.objects.get(name="Cooperation"), user=lead)
    code_delete(code=Code.objects.get(name="Value"), user=lead, confirm_codings=0)
    response = client_for(coder).post(_restore(project), follow=True)
    assert "left off: Value" in response.content.decode()
    assert not Excerpt.objects.get().codes.exists()


def test_undo_delete_reads_the_database_not_the_session(project, excerpt, coder):
    client_for(coder).post(_delete(project, excerpt.code), **JSON)
    # Another browser (a new session) of the same coder can undo it.
    response = client_for(coder).post(_restore(project), **JSON)
    assert response.status_code == 200 and Excerpt.objects.filter(code=excerpt.code).exists()
    assert client_for(coder).post(_restore(project), **JSON).status_code == 400


def test_a_coder_cannot_restore_another_coders_excerpt(project, excerpt, coder2):
    services.excerpt_delete(excerpt=excerpt)
    url = f"{_restore(project)}?excerpt={excerpt.code}"
    assert client_for(coder2).post(url, **JSON).status_code == 400
    assert client_for(coder2).post(_restore(project), **JSON).status_code == 400
    assert not Excerpt.objects.exists()


def test_a_second_restore_is_refused(project, excerpt, coder):
    services.excerpt_delete(excerpt=excerpt)
    services.excerpt_restore(project=project, excerpt_code=excerpt.code, user=coder)
    with pytest.raises(ValidationError, match="already been restored"):
        services.excerpt_restore(project=project, excerpt_code=excerpt.code, user=coder)


# --- a target deleted meanwhile -------------------------------------------------------------------


def test_editing_a_deleted_excerpt_answers_410_with_who_and_a_restore_link(
    project, excerpt, coder, lead
):
    client_for(lead).post(_delete(project, excerpt.code), **JSON)
    client = client_for(coder)
    response = client.post(
        _update(project, excerpt.code), {"version": 1, "set_memo": "on", "memo": "x"}, **JSON
    )
    assert response.status_code == 410
    payload = response.json()
    assert payload["error"] == "deleted"
    assert payload["message"].startswith(f"This excerpt was deleted by {lead.name} at ")
    assert client.post(payload["restore_url"], **JSON).status_code == 200
    assert Excerpt.objects.get().version == 2


def test_a_plain_form_on_a_deleted_excerpt_redirects_with_the_message(project, excerpt, coder):
    services.excerpt_delete(excerpt=excerpt)
    response = client_for(coder).post(_delete(project, excerpt.code), {"version": 1}, follow=True)
    assert f"This excerpt was deleted by {coder.name}" in response.content.decode()


def test_a_deleted_excerpt_of_someone_else_stays_a_404(project, excerpt, coder2):
    services.excerpt_delete(excerpt=excerpt)
    response = client_for(coder2).post(_update(project, excerpt.code), {"version": 1}, **JSON)
    assert response.status_code == 404


def test_an_edit_losing_the_race_to_a_delete_is_told_it_was_deleted(excerpt, lead):
    loaded = Excerpt.objects.get(pk=excerpt.pk)
    services.excerpt_delete(excerpt=excerpt, user=lead)
    with pytest.raises(services.ExcerptGone) as gone:
        services.excerpt_update(excerpt=loaded, version=1, memo="late")
    assert gone.value.change.user == lead


# --- codes merged or deleted meanwhile ----------------------------------------------------------


def test_adding_a_code_merged_away_uses_its_target_and_says_so(
    project, excerpt, coder, lead, codes
):
    merged_away = str(codes["data"].code)
    code_merge(source=codes["data"], target=codes["business"], user=lead)
    response = client_for(coder).post(
        _update(project, excerpt.code), {"version": 1, "add_codes": [merged_away]}, **JSON
    )
    assert response.status_code == 200
    payload = response.json()
    assert "“Open data” was merged into “Business”" in payload["message"]
    assert sorted(payload["excerpt"]["codes"]) == sorted(
        [str(codes["value"].code), str(codes["business"].code)]
    )


def test_creating_with_a_code_merged_away_uses_its_target(project, assigned, coder, lead, codes):
    merged_away = str(codes["data"].code)
    code_merge(source=codes["data"], target=codes["business"], user=lead)
    url = reverse(
        "coding:excerpt-create", kwargs={"project": project.code, "document": assigned.code}
    )
    fields = {**span(TEXT, "sensorer"), "codes": [merged_away, str(codes["business"].code)]}
    response = client_for(coder).post(url, fields, **JSON)
    assert response.status_code == 200
    assert response.json()["excerpt"]["codes"] == [str(codes["business"].code)]


def test_codes_that_keep_moving_are_a_409_busy_and_keep_nothing(
    project, assigned, coder, codes, monkeypatch
):
    # No attempt left to lock the chosen codes: what a write meets when a lead's merges and
    # moves keep replacing them (services._lock_codes), a conflict the coder resends, not bad input.
    monkeypatch.setattr(services, "LOCK_ATTEMPTS", 0)
    url = reverse(
        "coding:excerpt-create", kwargs={"project": project.code, "document": assigned.code}
    )
    fields = {**span(TEXT, "sensorer"), "codes": [str(codes["business"].code)]}
    response = client_for(coder).post(url, fields, **JSON)
    assert response.status_code == 409
    payload = response.json()
    assert payload["error"] == "busy" and "reorganised" in payload["message"]
    assert not Excerpt.objects.filter(document=assigned).exists()


def test_adding_a_deleted_code_is_a_409_in_json(project, excerpt, coder, lead, codes):
    gone = str(codes["data"].code)
    code_delete(code=codes["data"], user=lead)
    response = client_for(coder).post(
        _update(project, excerpt.code), {"version": 1, "add_codes": [gone]}, **JSON
    )
    assert response.status_code == 409
    payload = response.json()
    assert payload["error"] == "code_deleted" and "“Open data” was deleted" in payload["message"]


def test_an_unknown_code_is_still_bad_input(project, excerpt, coder):
    response = client_for(coder).post(
        _update(project, excerpt.code),
        {"version": 1, "add_codes": ["00000000-0000-0000-0000-000000000000"]},
        **JSON,
    )
    assert response.status_code == 400


def test_a_merge_between_form_and_lock_still_lands_on_the_target(excerpt, lead, codes):
    stale = Code.objects.get(pk=codes["data"].pk)  # loaded before the merge
    code_merge(source=codes["data"], target=codes["business"], user=lead)
    services.excerpt_update(excerpt=excerpt, version=1, add_codes=[stale])
    assert set(excerpt.codes.all()) == {codes["value"], codes["business"]}
    assert [fate.target for fate in excerpt.replaced_codes] == [codes["business"]]


@pytest.mark.parametrize("with_other", [False, True], ids=["one code", "two codes"])
def test_a_new_excerpt_whose_code_was_merged_meanwhile_lands_on_the_target(
    assigned, coder, lead, codes, with_other
):
    """One code is locked without a savepoint, several inside one (services._lock_codes): a
    code found gone is replaced by its target either way."""
    stale = Code.objects.get(pk=codes["data"].pk)  # loaded before the merge
    code_merge(source=codes["data"], target=codes["business"], user=lead)
    chosen = [stale, codes["value"]] if with_other else [stale]
    excerpt = services.excerpt_create(
        document=assigned, coder=coder, codes=chosen, **span(TEXT, "sensorer")
    )
    expected = {codes["business"], codes["value"]} if with_other else {codes["business"]}
    assert set(Excerpt.objects.get(pk=excerpt.pk).codes.all()) == expected
    assert [fate.target for fate in excerpt.replaced_codes] == [codes["business"]]


def test_a_new_excerpt_whose_only_code_was_deleted_meanwhile_is_not_written(
    assigned, coder, lead, codes
):
    stale = Code.objects.get(pk=codes["data"].pk)
    code_delete(code=codes["data"], user=lead)
    with pytest.raises(services.CodeDeleted):
        services.excerpt_create(document=assigned, coder=coder, codes=[stale], **span(TEXT, "Vi"))
    assert not Excerpt.objects.filter(document=assigned).exists()
