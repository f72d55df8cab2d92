"""Reconciliation services: opening, every decision kind, bulk accept and undo, reopen,
codebook changes carrying the consensus, frozen codings, blind-mode scoping."""

import pytest
from django.core.exceptions import ValidationError

from coding.codebook.services import code_merge, code_move
from coding.excerpts import services as excerpts
from coding.excerpts.selectors import visible_excerpts
from coding.models import (
    Candidate,
    CandidateKind,
    DecisionKind,
    DocumentState,
    Excerpt,
    ExcerptAction,
    ExcerptChange,
)
from coding.reconcile import services
from coding.reconcile.selectors import reconciliation_progress
from research.models import Membership, Role
from tests.coding.reconcile.conftest import KINDS, TEXT, at, code
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def candidate(reconciliation, kind) -> Candidate:
    return Candidate.objects.get(item__reconciliation=reconciliation, kind=kind, superseded=False)


def decide(reconciliation, kind, decision, user, **kwargs):
    target = candidate(reconciliation, kind)
    return services.decision_make(
        candidate=target, version=target.version, kind=decision, user=user, **kwargs
    )


def consensus(document=None):
    rows = Excerpt.objects.filter(coder__isnull=True)
    if document is not None:
        rows = rows.filter(document=document)
    return [(e.start, e.end, sorted(c.name for c in e.codes.all())) for e in rows]


def test_opening_stores_one_candidate_per_place_with_its_kind_and_sources(opened, coder, coder2):
    found = list(Candidate.objects.filter(item__reconciliation=opened))
    assert [c.kind for c in found] == KINDS
    agree = found[0]
    assert {s["coder"] for s in agree.sources} == {coder.pk, coder2.pk}
    assert all(s["version"] == 1 and s["text"] == "Kommunen" for s in agree.sources)
    assert opened.documents.get().state == DocumentState.NOT_STARTED


def test_opening_refuses_one_coder_a_non_coder_and_a_document_already_open(
    project, lead, coder, coder2, viewer, coded, opened
):
    first, other = coded
    cases = [
        ({"documents": [other], "coders": [coder]}, "at least two coders"),
        ({"documents": [other], "coders": [coder, viewer]}, "coders of this project"),
        ({"documents": [first], "coders": [coder, coder2]}, "already being reconciled"),
        ({"documents": [], "coders": [coder, coder2]}, "at least one document"),
    ]
    for kwargs, message in cases:
        with pytest.raises(ValidationError, match=message):
            services.reconciliation_open(project=project, user=lead, **kwargs)


def test_keep_one_coder_creates_a_consensus_excerpt_in_the_history(opened, lead, coder2, coded):
    decision = decide(
        opened, CandidateKind.CODE_DIFFERS, DecisionKind.KEEP, lead, kept_coders=[coder2.pk]
    )
    assert consensus() == [(*at("samarbeide"), ["y"])]
    assert not decision.against_every_coder and decision.decided_by == lead
    change = ExcerptChange.objects.get(excerpt_code=decision.consensus[0])
    assert (change.action, change.user, change.after["coder"]) == (
        ExcerptAction.CREATE,
        lead,
        None,
    )


def test_keep_several_puts_both_codes_on_one_excerpt_when_the_spans_are_equal(
    opened, lead, coder, coder2
):
    decide(
        opened,
        CandidateKind.CODE_DIFFERS,
        DecisionKind.KEEP_SEVERAL,
        lead,
        kept_coders=[coder.pk, coder2.pk],
    )
    assert consensus() == [(*at("samarbeide"), ["x", "y"])]


def test_keep_refuses_a_coder_who_coded_nothing_there_and_keep_several_needs_two(
    opened, lead, coder, coder2
):
    with pytest.raises(ValidationError, match="coded nothing here"):
        decide(opened, CandidateKind.ONLY_SOME, DecisionKind.KEEP, lead, kept_coders=[coder2.pk])
    with pytest.raises(ValidationError, match="at least two"):
        decide(opened, CandidateKind.AGREE, DecisionKind.KEEP_SEVERAL, lead, kept_coders=[coder.pk])
    assert consensus() == []


def test_union_and_intersection_of_differing_spans(opened, lead):
    start, _ = at("sensorer")
    _, end = at("åpne data")
    decision = decide(opened, CandidateKind.SPAN_DIFFERS, DecisionKind.UNION, lead)
    assert consensus() == [(start, end, ["y"])]
    services.decision_undo(decision=decision, user=lead)
    decide(opened, CandidateKind.SPAN_DIFFERS, DecisionKind.INTERSECTION, lead)
    assert consensus() == [(*at("vann"), ["y"])]


def test_an_adjusted_span_against_every_coder_needs_a_reason(opened, lead):
    start, end = at("sensorer i vann og avløp")
    decision = decide(
        opened, CandidateKind.SPAN_DIFFERS, DecisionKind.ADJUST, lead, start=start, end=end
    )
    assert not decision.against_every_coder and consensus() == [(start, end, ["y"])]
    services.decision_undo(decision=decision, user=lead)
    elsewhere = at("innbyggerne")
    with pytest.raises(ValidationError, match="against every coder"):
        decide(
            opened,
            CandidateKind.SPAN_DIFFERS,
            DecisionKind.ADJUST,
            lead,
            start=elsewhere[0],
            end=elsewhere[1],
        )
    decision = decide(
        opened,
        CandidateKind.SPAN_DIFFERS,
        DecisionKind.ADJUST,
        lead,
        start=elsewhere[0],
        end=elsewhere[1],
        reason="The coders coded the means; the code is about the citizens.",
    )
    assert decision.against_every_coder and decision.reason.startswith("The coders")
    assert consensus() == [(*elsewhere, ["y"])]


def test_changing_the_code_needs_a_code_and_a_reason_when_no_coder_chose_it(opened, lead, codes):
    with pytest.raises(ValidationError, match="Choose the code"):
        decide(opened, CandidateKind.CODE_DIFFERS, DecisionKind.RECODE, lead)
    decide(
        opened,
        CandidateKind.CODE_DIFFERS,
        DecisionKind.RECODE,
        lead,
        codes=[codes["z"]],
        reason="Neither x nor y: cooperation is z in codebook v2.",
    )
    assert consensus() == [(*at("samarbeide"), ["z"])]


def test_nothing_coded_agrees_with_the_coder_who_coded_nothing_but_not_on_an_agreement(
    opened, lead
):
    decision = decide(opened, CandidateKind.ONLY_SOME, DecisionKind.NOTHING, lead)
    assert not decision.against_every_coder and decision.consensus == []
    with pytest.raises(ValidationError, match="against every coder"):
        decide(opened, CandidateKind.AGREE, DecisionKind.NOTHING, lead)


def test_a_second_decision_on_the_same_candidate_gets_the_first(opened, lead, coder):
    target = candidate(opened, CandidateKind.AGREE)
    first = services.decision_make(
        candidate=target, version=1, kind=DecisionKind.KEEP, kept_coders=[coder.pk], user=lead
    )
    with pytest.raises(services.DecisionConflict) as conflict:
        services.decision_make(
            candidate=target, version=1, kind=DecisionKind.NOTHING, reason="no", user=lead
        )
    assert conflict.value.decision == first
    services.decision_undo(decision=first, user=lead)
    with pytest.raises(services.DecisionConflict) as stale:  # version 1 is two changes old
        services.decision_make(candidate=target, version=1, kind=DecisionKind.UNION, user=lead)
    assert stale.value.decision is None
    assert len(consensus()) == 0


def test_bulk_accept_takes_every_agreement_and_its_undo_takes_them_back(opened, lead, coded, coder):
    first, _other = coded
    item = opened.documents.get()
    batch, count = services.agreements_accept(item=item, user=lead)
    assert count == 1 and consensus(first) == [(*at("Kommunen"), ["x"])]
    assert services.agreements_accept(item=item, user=lead)[1] == 0  # already decided
    assert services.batch_undo(item=item, batch=batch, user=lead) == 1
    assert consensus() == []
    actions = ExcerptChange.objects.filter(document=first, user=lead).values_list(
        "action", flat=True
    )
    assert sorted(actions) == [ExcerptAction.CREATE, ExcerptAction.DELETE]
    item.refresh_from_db()
    assert item.state == DocumentState.IN_PROGRESS


def test_deciding_every_candidate_reconciles_the_document_and_progress_counts(
    opened, lead, coder, coder2
):
    item = opened.documents.get()
    services.agreements_accept(item=item, user=lead)
    decide(opened, CandidateKind.CODE_DIFFERS, DecisionKind.KEEP, lead, kept_coders=[coder.pk])
    decide(opened, CandidateKind.ONLY_SOME, DecisionKind.NOTHING, coder2)
    progress = reconciliation_progress(reconciliation=opened)
    assert [(d.decided, d.total, d.state) for d in progress.documents] == [
        (3, 4, DocumentState.IN_PROGRESS)
    ]
    assert progress.by_reconciler == {lead.pk: 2, coder2.pk: 1}
    # Two disagreements decided: one kept the first coder's version; "nothing coded" where only
    # the first coder coded follows the second. The roles that decided them, not the names.
    assert progress.disagreements == 2
    assert progress.towards == [(coder, 1), (coder2, 1)]
    assert progress.deciders == ["Coder", "Lead"]
    decide(opened, CandidateKind.SPAN_DIFFERS, DecisionKind.UNION, lead)
    item.refresh_from_db()
    assert item.state == DocumentState.RECONCILED


def test_merging_codes_carries_consensus_excerpts_and_reopen_reevaluates(
    opened, lead, codes, coder2
):
    item = opened.documents.get()
    services.agreements_accept(item=item, user=lead)
    code_differs = candidate(opened, CandidateKind.CODE_DIFFERS)
    decide(opened, CandidateKind.CODE_DIFFERS, DecisionKind.KEEP, lead, kept_coders=[coder2.pk])
    code_merge(source=codes["y"], target=codes["x"], user=lead)
    assert consensus() == [(*at("Kommunen"), ["x"]), (*at("samarbeide"), ["x"])]
    kept, new = services.reconciliation_reopen_document(item=item)
    # "samarbeide" is now an agreement: a new candidate; the decided one is superseded, kept.
    code_differs.refresh_from_db()
    assert code_differs.superseded and code_differs.decisions.get().undone_at is None
    assert (kept, new) == (3, 1)
    live = Candidate.objects.filter(item=item, superseded=False)
    assert [c.kind for c in live] == [
        CandidateKind.AGREE,
        CandidateKind.AGREE,
        CandidateKind.ONLY_SOME,
        CandidateKind.SPAN_DIFFERS,
    ]


def test_moving_a_code_keeps_its_consensus_codings(opened, lead, codes, coder2):
    decide(opened, CandidateKind.CODE_DIFFERS, DecisionKind.KEEP, lead, kept_coders=[coder2.pk])
    code_move(code=codes["y"], user=lead, parent=codes["z"])
    assert consensus() == [(*at("samarbeide"), ["y"])]


def test_reconciled_coders_codings_are_read_only_until_the_reconciliation_closes(
    opened, lead, coder, coded
):
    first, other = coded
    mine = Excerpt.objects.filter(document=first, coder=coder).first()
    for write in (
        lambda: excerpts.excerpt_update(excerpt=mine, version=mine.version, memo="late"),
        lambda: excerpts.excerpt_delete(excerpt=mine, user=lead),
        lambda: code(first, coder, "smarte"),
    ):
        with pytest.raises(excerpts.ExcerptFrozen, match="being reconciled"):
            write()
    code(other, coder, "smarte")  # another document: untouched
    services.reconciliation_close(reconciliation=opened)
    excerpts.excerpt_update(excerpt=mine, version=mine.version, memo="now")


def test_opening_unblinds_exactly_those_coders_for_exactly_those_documents(
    project, opened, lead, coder, coder2, coded
):
    first, other = coded
    third = UserFactory(email="third@example.org")
    MembershipFactory(project=project, user=third, role=Role.CODER)
    code(first, third, "smarte")
    decision = decide(opened, CandidateKind.AGREE, DecisionKind.KEEP, lead, kept_coders=[coder.pk])

    def seen(user):
        membership = Membership.objects.get(project=project, user=user)
        return {(e.document_id, e.coder_id) for e in visible_excerpts(membership=membership)}

    assert seen(coder) == {
        (first.pk, coder.pk),
        (first.pk, coder2.pk),
        (first.pk, None),
        (other.pk, coder.pk),
    }
    assert seen(third) == {(first.pk, third.pk)}
    assert Excerpt.objects.filter(code=decision.consensus[0]).exists()
    services.reconciliation_close(reconciliation=opened)
    assert seen(coder) == {(first.pk, coder.pk), (other.pk, coder.pk)}


def test_comments_need_text(opened, coder):
    target = candidate(opened, CandidateKind.ONLY_SOME)
    with pytest.raises(ValidationError, match="Write a comment"):
        services.comment_add(candidate=target, author=coder, text="  ")
    comment = services.comment_add(candidate=target, author=coder, text=" I missed it. ")
    assert comment.text == "I missed it." and list(target.comments.all()) == [comment]


def test_the_excerpt_endpoints_answer_409_with_a_sentence_for_frozen_codings(
    project, opened, coder, coded
):
    from django.urls import reverse

    from tests.conftest import client_for

    first, _other = coded
    mine = Excerpt.objects.filter(document=first, coder=coder).first()
    kwargs = {"project": project.code, "excerpt": mine.code}
    client = client_for(coder)
    json = {"HTTP_ACCEPT": "application/json"}
    update = client.post(
        reverse("coding:excerpt-update", kwargs=kwargs),
        {"version": mine.version, "set_memo": "on", "memo": "late"},
        **json,
    )
    delete = client.post(reverse("coding:excerpt-delete", kwargs=kwargs), {}, **json)
    # A new excerpt reads the freeze with the document's share lock (coding/excerpts/texts.py).
    start = TEXT.index("avløp")
    create = client.post(
        reverse("coding:excerpt-create", kwargs={"project": project.code, "document": first.code}),
        {"start": start, "end": start + 5, "text": "avløp", "codes": [mine.codes.first().code]},
        **json,
    )
    for response in (update, delete, create):
        assert response.status_code == 409
        assert response.json()["error"] == "frozen"
        assert "being reconciled" in response.json()["message"]
    assert Excerpt.objects.filter(code=mine.code, memo="").exists()
    assert not Excerpt.objects.filter(document=first, text="avløp").exists()
    # Not frozen for the document outside the reconciliation.
    other = client.post(
        reverse("coding:excerpt-create", kwargs={"project": project.code, "document": _other.code}),
        {"start": start, "end": start + 5, "text": "avløp", "codes": [mine.codes.first().code]},
        **json,
    )
    assert other.json()["ok"]
