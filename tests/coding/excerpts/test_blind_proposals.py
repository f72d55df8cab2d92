"""Blind mode hides another coder's proposed codes: an in-vivo code is named after the words its
coder marked, so until the project is unblinded coders (and viewers) see it nowhere; its
proposer and the leads see it everywhere."""

import pytest
from django.urls import reverse

from coding.codebook.selectors import visible_codes, visible_codes_by_uuid
from coding.models import Excerpt
from research.models import Membership
from tests.coding.excerpts.conftest import TEXT, span
from tests.conftest import client_for

PASSAGE = "smarte løsninger"
PROPOSAL = "Smarte løsningar (forslag)"  # not in the document's text, which coders all read


@pytest.fixture
def proposed(project, assigned, coder):
    project.coders_may_create_codes = True
    project.save()
    url = reverse(
        "coding:excerpt-create", kwargs={"project": project.code, "document": assigned.code}
    )
    fields = {**span(TEXT, PASSAGE), "new_code_name": PROPOSAL}
    assert client_for(coder).post(url, fields).status_code == 302
    code = project.codes.get(name=PROPOSAL)
    assert code.status == "proposed"
    return code


def _pages(project, document):
    p = project.code
    export = reverse("coding:codebook-export", kwargs={"project": p})
    return [
        reverse("coding:coding-view", kwargs={"project": p, "document": document.code}),
        reverse("coding:codebook", kwargs={"project": p}),
        reverse("coding:retrieval", kwargs={"project": p}),
        *(f"{export}?format={fmt}" for fmt in ("csv", "json", "qdc")),
    ]


def _shows(user, url) -> bool:
    response = client_for(user).get(url, follow=True)  # an empty .qdc export redirects back
    assert response.status_code == 200, url
    return PROPOSAL in response.content.decode()


def test_other_coders_and_viewers_do_not_see_a_proposed_code(
    project, assigned, proposed, coder2, viewer
):
    assert project.blind_coding
    for url in _pages(project, assigned):
        assert not _shows(coder2, url), url
    for url in _pages(project, assigned)[1:]:  # viewers do not open the coding view
        assert not _shows(viewer, url), url


def test_its_proposer_and_the_lead_see_it(project, assigned, proposed, coder, lead):
    for url in _pages(project, assigned):
        assert _shows(coder, url), url
        assert _shows(lead, url), url


def test_everyone_sees_it_once_unblinded(project, assigned, proposed, coder2):
    project.blind_coding = False
    project.save()
    for url in _pages(project, assigned):
        assert _shows(coder2, url), url


def test_an_accepted_code_is_no_longer_hidden(project, assigned, proposed, coder2):
    proposed.status = "active"
    proposed.save()
    assert _shows(coder2, _pages(project, assigned)[1])


def test_a_refi_qda_export_with_no_code_to_show_is_a_message(project, assigned, proposed, coder2):
    url = reverse("coding:codebook-export", kwargs={"project": project.code}) + "?format=qdc"
    client = client_for(coder2)
    response = client.get(url)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "The codebook cannot be exported" in page


def test_a_hidden_proposed_code_cannot_be_applied_by_its_id(
    project, assigned, proposed, coder2, lead
):
    """Posting the hidden code's id (from an old page, or by hand) is refused like an unknown
    code, when creating an excerpt and when adding it to one; its proposer and leads may."""
    url = reverse(
        "coding:excerpt-create", kwargs={"project": project.code, "document": assigned.code}
    )
    fields = {**span(TEXT, "Kommunen"), "codes": [proposed.code]}
    response = client_for(coder2).post(url, fields, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert not Excerpt.objects.filter(coder=coder2).exists()
    own = client_for(coder2).post(url, {**fields, "codes": []} | {"new_code_name": "Eget"})
    assert own.status_code == 302
    excerpt = Excerpt.objects.get(coder=coder2)
    update = reverse(
        "coding:excerpt-update", kwargs={"project": project.code, "excerpt": excerpt.code}
    )
    added = {"version": excerpt.version, "add_codes": [proposed.code]}
    response = client_for(coder2).post(update, added, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert proposed not in Excerpt.objects.get(pk=excerpt.pk).codes.all()
    # The lead sees the proposal and may apply it (to the coder's excerpt, as leads correct).
    response = client_for(lead).post(update, added, HTTP_ACCEPT="application/json")
    assert response.status_code == 200


@pytest.mark.parametrize("blind", [True, False])
@pytest.mark.parametrize("who", ["coder", "coder2", "lead", "viewer"])
def test_the_coding_writes_read_of_codes_keeps_the_rule(request, project, proposed, who, blind):
    """The codes a write names are read by hand-written SQL (visible_codes_by_uuid): the same
    codes, in the same order, as visible_codes."""
    project.blind_coding = blind
    project.save()
    user = request.getfixturevalue(who)
    membership = Membership.objects.select_related("project").get(project=project, user=user)
    uuids = list(project.codes.values_list("code", flat=True))
    expected = visible_codes(membership=membership).filter(code__in=uuids).order_by("path")
    found = visible_codes_by_uuid(membership=membership, uuids=uuids)
    fields = ("pk", "code", "name", "status", "path", "created_by_id")
    assert [[getattr(c, f) for f in fields] for c in found] == [
        [getattr(c, f) for f in fields] for c in expected
    ]
    assert any(c.pk == proposed.pk for c in found) == (not blind or who in ("coder", "lead"))
