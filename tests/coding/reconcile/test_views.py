"""Reconciliation pages through HTTP: opening, the document view, decisions with and without
htmx, the conflict answer, comments, bulk accept and its undo, who may do what."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coding.models import (
    Candidate,
    CandidateKind,
    Excerpt,
    ReconcilerMode,
    Reconciliation,
)
from coding.reconcile import services
from research.models import Role
from tests.coding.reconcile.conftest import code
from tests.conftest import client_for, unmarked
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def document_url(project, reconciliation, document):
    kwargs = {
        "project": project.code,
        "reconciliation": reconciliation.code,
        "reconciled_document": document.code,
    }
    return reverse("coding:reconciliation-document", kwargs=kwargs)


def candidate_url(project, name, candidate):
    return reverse(f"coding:{name}", kwargs={"project": project.code, "candidate": candidate.code})


def of_kind(reconciliation, kind):
    return Candidate.objects.get(item__reconciliation=reconciliation, kind=kind)


def test_a_lead_opens_a_reconciliation_with_the_form(project, lead, coder, coder2, coded):
    first, other = coded
    url = reverse("coding:reconciliation-new", kwargs={"project": project.code})
    form = {
        "documents": [first.pk],
        "coders": [coder.pk, coder2.pk],
        "reconcilers": ReconcilerMode.LEAD,
        "overlap": 90,
    }
    response = client_for(lead).post(url, form)
    opened = Reconciliation.objects.get()
    assert response.status_code == 302 and str(opened.code) in response["Location"]
    assert opened.documents.get().candidates.count() == 4
    again = client_for(lead).post(url, {**form, "documents": [other.pk], "coders": [coder.pk]})
    assert again.status_code == 200 and Reconciliation.objects.count() == 1
    assert "at least two coders" in again.content.decode()


def test_the_document_view_shows_the_coders_side_by_side_to_a_reconciled_coder(
    project, opened, coder, coded
):
    first, _other = coded
    page = client_for(coder).get(document_url(project, opened, first))
    text = page.content.decode()
    assert page.status_code == 200
    assert "vann og avløp 🚲 og åpne data" in text  # coder2's excerpt, unblinded here
    assert "Keep" not in text  # the lead decides in this reconciliation
    assert 'data-key="1"' not in text


def test_a_coder_outside_the_reconciliation_gets_404_and_a_viewer_403(
    project, opened, viewer, coded
):
    first, _other = coded
    third = UserFactory(email="third@example.org")
    MembershipFactory(project=project, user=third, role=Role.CODER)
    url = document_url(project, opened, first)
    assert client_for(third).get(url).status_code == 404
    assert client_for(viewer).get(url).status_code == 403
    detail = reverse(
        "coding:reconciliation", kwargs={"project": project.code, "reconciliation": opened.code}
    )
    assert client_for(third).get(detail).status_code == 404


def test_the_document_view_reads_a_fixed_number_of_queries(
    project, lead, opened, coder, coder2, coded, codes
):
    first, _other = coded
    client = client_for(lead)
    with CaptureQueriesContext(connection) as few:
        assert client.get(document_url(project, opened, first)).status_code == 200
    services.reconciliation_close(reconciliation=opened)
    for needle in ("Vi vil", "bruke", "innbyggerne"):
        code(first, coder2, needle, codes["z"])
    again = services.reconciliation_open(
        project=project, documents=[first], coders=[coder, coder2], user=lead
    )
    client.post(
        candidate_url(project, "candidate-comment", of_kind(again, CandidateKind.AGREE)),
        {"text": "Fine."},
    )
    with CaptureQueriesContext(connection) as more:
        assert client.get(document_url(project, again, first)).status_code == 200
    assert again.documents.get().candidates.count() == 7
    assert len(more) == len(few)


def test_deciding_without_javascript_redirects_to_the_candidate(project, opened, lead, coder):
    target = of_kind(opened, CandidateKind.CODE_DIFFERS)
    response = client_for(lead).post(
        candidate_url(project, "candidate-decide", target),
        {"version": 1, "decision": f"keep:{coder.pk}"},
    )
    assert response.status_code == 302 and response["Location"].endswith(f"#c-{target.code}")
    assert Excerpt.objects.filter(coder__isnull=True).count() == 1


def test_the_second_decision_gets_409_with_the_first_shown(project, opened, lead, owner, coder):
    target = of_kind(opened, CandidateKind.CODE_DIFFERS)
    url = candidate_url(project, "candidate-decide", target)
    first = client_for(lead).post(url, {"version": 1, "decision": f"keep:{coder.pk}"}, **HTMX)
    assert first.status_code == 200 and "Keep one coder&#x27;s version" in first.content.decode()
    second = client_for(owner).post(url, {"version": 1, "decision": "nothing"}, **HTMX)
    text = second.content.decode()
    assert second.status_code == 409
    assert "Someone else decided this candidate" in text and "Keep one coder" in text
    assert Excerpt.objects.filter(coder__isnull=True).count() == 1


def test_bad_decisions_answer_400_with_a_sentence(project, opened, lead):
    target = of_kind(opened, CandidateKind.AGREE)
    url = candidate_url(project, "candidate-decide", target)
    client = client_for(lead)
    nothing = client.post(url, {"version": 1, "decision": "nothing"}, **HTMX)
    assert nothing.status_code == 400 and "give a reason" in nothing.content.decode()
    unknown = client.post(url, {"version": 1, "decision": "toss a coin"}, **HTMX)
    assert unknown.status_code == 400 and "Choose a decision" in unknown.content.decode()
    assert client.get(url).status_code == 405
    assert not Excerpt.objects.filter(coder__isnull=True).exists()


def test_undo_reopens_the_candidate(project, opened, lead, coder):
    target = of_kind(opened, CandidateKind.AGREE)
    client = client_for(lead)
    client.post(
        candidate_url(project, "candidate-decide", target),
        {"version": 1, "decision": f"keep:{coder.pk}"},
    )
    undone = client.post(candidate_url(project, "candidate-undo", target), **HTMX)
    assert undone.status_code == 200 and 'data-decided="false"' in undone.content.decode()
    assert not Excerpt.objects.filter(coder__isnull=True).exists()


def test_a_reconciled_coder_comments_and_decides_when_the_coders_decide(
    project, lead, coder, coder2, coded
):
    first, _other = coded
    opened = services.reconciliation_open(
        project=project,
        documents=[first],
        coders=[coder, coder2],
        user=lead,
        reconcilers=ReconcilerMode.CODERS,
    )
    target = of_kind(opened, CandidateKind.ONLY_SOME)
    client = client_for(coder2)
    said = client.post(
        candidate_url(project, "candidate-comment", target), {"text": "I missed it."}, **HTMX
    )
    assert said.status_code == 200 and "I missed it." in said.content.decode()
    empty = client.post(candidate_url(project, "candidate-comment", target), {"text": ""}, **HTMX)
    assert empty.status_code == 400
    decided = client.post(
        candidate_url(project, "candidate-decide", target), {"version": 1, "decision": "nothing"}
    )
    assert decided.status_code == 302 and target.decisions.get().decided_by == coder2


def test_bulk_accept_and_its_undo_from_the_page(project, opened, lead, coded):
    first, _other = coded
    url = document_url(project, opened, first)
    client = client_for(lead)
    accepted = client.post(f"{url}accept/", follow=True)
    assert "1 agreement accepted." in accepted.content.decode()
    batch = Excerpt.objects.filter(coder__isnull=True).count()
    assert batch == 1
    page = client.get(url).content.decode()
    assert "Undo the last bulk accept" in page
    from coding.reconcile.selectors import last_batch

    undone = client.post(
        f"{url}undo/", {"batch": str(last_batch(item=opened.documents.get()))}, follow=True
    )
    assert "1 accepted agreement undone." in undone.content.decode()
    assert not Excerpt.objects.filter(coder__isnull=True).exists()


def test_the_progress_page_states_how_disagreements_were_resolved(project, opened, lead, coder):
    target = of_kind(opened, CandidateKind.CODE_DIFFERS)
    client_for(lead).post(
        candidate_url(project, "candidate-decide", target),
        {"version": 1, "decision": f"keep:{coder.pk}"},
    )
    detail = reverse(
        "coding:reconciliation", kwargs={"project": project.code, "reconciliation": opened.code}
    )
    text = client_for(lead).get(detail).content.decode()
    assert "1 disagreement between the coders was decided in discussion (decided by: Lead)" in text
    assert f"Resolved towards {coder.name}: 1" in unmarked(text)


def test_the_page_shows_a_window_with_the_next_undecided_candidate_a_link_away(
    project, opened, lead, coder, coded, monkeypatch
):
    """Two candidates per window here (50 in use): the four candidates make two pages."""
    monkeypatch.setattr("coding.reconcile.selectors.WINDOW", 2)
    first, _other = coded
    url = document_url(project, opened, first)
    client = client_for(lead)
    candidates = list(Candidate.objects.filter(item__reconciliation=opened).order_by("position"))
    html = client.get(url).content.decode()
    assert "Candidates 1–2 of 4" in html
    assert f'id="c-{candidates[1].code}"' in html
    assert f'id="c-{candidates[2].code}"' not in html
    assert f'data-next-undecided href="?page=2#c-{candidates[2].code}"' in html
    for candidate in candidates[:2]:
        client.post(
            candidate_url(project, "candidate-decide", candidate),
            {"version": 1, "decision": f"keep:{coder.pk}"},
        )
    # Opened again, the page starts at the first undecided candidate; the next undecided
    # after the window wraps around to none left before it.
    html = client.get(url).content.decode()
    assert "Candidates 3–4 of 4" in html and "data-next-undecided" not in html
    # A decision taken without JavaScript comes back to its candidate's window.
    at = client.get(url, {"at": candidates[0].code}).content.decode()
    assert f'id="c-{candidates[0].code}"' in at
    assert "Candidates 1–2 of 4" in client.get(url, {"page": "1"}).content.decode()
    assert client.get(url, {"page": "99", "at": "nonsense"}).status_code == 200
