"""The guards on a new excerpt: a near-duplicate of the coder's own excerpt with the same code is
offered as an extension of it (or kept beside it when asked), and a passage longer than the
project's limit is coded only when confirmed. Through HTTP, as the coding view sends them."""

import pytest
from django.urls import reverse

from coding.models import Excerpt, ExcerptChange
from tests.coding.excerpts.conftest import TEXT, span
from tests.conftest import client_for

JSON = {"HTTP_ACCEPT": "application/json"}
FIRST = "Kommunen skal samarbeide med næringslivet"


def _post(user, project, document, **fields):
    url = reverse(
        "coding:excerpt-create", kwargs={"project": project.code, "document": document.code}
    )
    return client_for(user).post(url, fields, **JSON)


@pytest.fixture
def first(project, assigned, coder, codes):
    response = _post(coder, project, assigned, **span(TEXT, FIRST), codes=[codes["value"].code])
    assert response.status_code == 200
    return Excerpt.objects.get()


def test_near_duplicate_is_offered_as_an_extension(project, assigned, coder, codes, first):
    # Two characters longer, same code: "most of its length" overlaps.
    again = span(TEXT, FIRST + " om")
    response = _post(coder, project, assigned, **again, codes=[codes["value"].code])
    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "duplicate"
    assert body["existing"] == {"code": str(first.code), "version": first.version}
    assert "0–41" in body["message"]
    assert Excerpt.objects.count() == 1  # nothing half-created


def test_extending_merges_span_and_codes_into_the_existing_excerpt(
    project, assigned, coder, codes, first
):
    again = span(TEXT, FIRST + " om smarte")
    fields = {"codes": [codes["value"].code, codes["data"].code], "memo": "lengre"}
    fields |= {"merge_into": first.code, "merge_version": first.version}
    body = _post(coder, project, assigned, **again, **fields).json()
    assert body["ok"] and body["excerpt"]["code"] == str(first.code)
    first.refresh_from_db()
    assert (first.start, first.end, first.text) == (0, len(again["text"]), again["text"])
    assert set(first.codes.all()) == {codes["value"], codes["data"]}
    assert first.memo == "lengre" and first.version == 2
    assert Excerpt.objects.count() == 1
    assert body["patch"]["chunks"]


def test_extending_a_changed_excerpt_is_a_stale_409(project, assigned, coder, codes, first):
    fields = {"codes": [codes["value"].code], "merge_into": first.code, "merge_version": 7}
    response = _post(coder, project, assigned, **span(TEXT, FIRST + " om"), **fields)
    assert response.status_code == 409 and response.json()["error"] == "stale"


def test_keep_both_creates_a_second_excerpt(project, assigned, coder, codes, first):
    again = span(TEXT, FIRST + " om")
    response = _post(coder, project, assigned, **again, codes=[codes["value"].code], keep_both="on")
    assert response.status_code == 200
    assert Excerpt.objects.count() == 2


def test_a_passage_inside_the_coders_excerpt_with_its_code_is_offered_too(
    project, assigned, coder, codes, first
):
    # Nested: it would count the passage twice for this code.
    response = _post(
        coder, project, assigned, **span(TEXT, "Kommunen skal"), codes=[codes["value"].code]
    )
    assert response.json()["error"] == "duplicate"


@pytest.mark.parametrize(
    "passage, code",
    [
        ("Vi vil bruke sensorer", "value"),  # elsewhere
        ("næringslivet om smarte løsninger.", "value"),  # overlaps by less than half of either
        (FIRST, "data"),  # another code
    ],
)
def test_what_is_not_a_duplicate(project, assigned, coder, codes, first, passage, code):
    response = _post(coder, project, assigned, **span(TEXT, passage), codes=[codes[code].code])
    assert response.status_code == 200


def test_the_excerpt_overlapping_most_is_offered_whichever_code_it_shares(
    project, assigned, coder, codes, first
):
    # Two candidates, the second coded with both codes (offered once), overlapping more.
    value, data = codes["value"].code, codes["data"].code
    longer = span(TEXT, FIRST + " om smarte")
    both = _post(coder, project, assigned, **longer, codes=[value, data], keep_both="on")
    assert both.status_code == 200
    response = _post(coder, project, assigned, **longer, codes=[data, value])
    assert response.status_code == 409
    assert response.json()["existing"]["code"] == both.json()["excerpt"]["code"]
    assert Excerpt.objects.count() == 2


def test_another_coders_excerpt_is_no_duplicate(project, assigned, coder2, codes, first):
    response = _post(coder2, project, assigned, **span(TEXT, FIRST), codes=[codes["value"].code])
    assert response.status_code == 200


def test_extending_someone_elses_excerpt_is_refused(project, assigned, coder2, codes, first):
    fields = {"codes": [codes["value"].code], "merge_into": first.code, "merge_version": 1}
    response = _post(coder2, project, assigned, **span(TEXT, FIRST), **fields)
    assert response.status_code == 400
    assert "your own excerpts" in response.json()["message"]
    first.refresh_from_db()
    assert first.version == 1


def test_a_long_excerpt_asks_for_confirmation(project, assigned, coder, codes):
    project.long_excerpt = 20
    project.save()
    passage = span(TEXT, "Kommunen skal samarbeide med")
    response = _post(coder, project, assigned, **passage, codes=[codes["value"].code])
    assert response.status_code == 409
    assert response.json()["error"] == "too_long"
    assert "28 characters" in response.json()["message"]
    assert not Excerpt.objects.exists() and not ExcerptChange.objects.exists()
    confirmed = _post(
        coder, project, assigned, **passage, codes=[codes["value"].code], long_ok="on"
    )
    assert confirmed.status_code == 200


def test_a_long_in_vivo_excerpt_creates_no_code_until_confirmed(project, assigned, lead):
    project.long_excerpt = 10
    project.save()
    passage = span(TEXT, "Kommunen skal samarbeide")
    response = _post(lead, project, assigned, **passage, new_code_name="Samarbeid")
    assert response.json()["error"] == "too_long"
    assert not project.codes.filter(name="Samarbeid").exists()


def test_the_plain_form_says_why_and_keeps_nothing(project, assigned, coder, codes, first):
    url = reverse(
        "coding:excerpt-create", kwargs={"project": project.code, "document": assigned.code}
    )
    fields = {**span(TEXT, FIRST), "codes": [codes["value"].code]}
    response = client_for(coder).post(url, fields, follow=True)
    assert "already coded most of this passage" in response.content.decode()
    assert Excerpt.objects.count() == 1


def test_the_limit_is_a_project_setting(project, lead):
    url = reverse("research:project-settings", kwargs={"project": project.code})
    page = client_for(lead).get(url)
    assert page.status_code == 200 and 'name="long_excerpt"' in page.content.decode()
