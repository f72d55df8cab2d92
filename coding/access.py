"""Per-object doors for the coding app's objects. They only compose the policy in
research/access.py with this app's querysets; every rule is decided there."""

from __future__ import annotations

import uuid

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from coding.models import (
    AgreementRun,
    Assignment,
    Candidate,
    Document,
    Excerpt,
    ReconcilerMode,
    Reconciliation,
    ReconciliationDocument,
)
from research import access
from research.models import Membership


def access_document(membership: Membership, code: uuid.UUID | str) -> Document:
    return access.access_object(membership, Document.objects.all(), code=code)


def access_excerpt(
    membership: Membership, code: uuid.UUID | str, *, for_edit: bool = False
) -> Excerpt:
    """The excerpt if the member may see it (or, with for_edit, change it); others' excerpts
    hidden by blind coding answer 404, exactly like missing ones."""
    excerpts = access.limit_to_scope(
        Excerpt.objects.select_related("document"),
        membership,
        for_edit=for_edit,
        unblinded=reconciliation_unblinds(membership),
    )
    return access.access_object(membership, excerpts, project_field="document__project", code=code)


def reconciliation_unblinds(membership: Membership) -> Q:
    """Excerpts an open reconciliation shows this member despite blind mode: on each of its
    documents, the work of its reconciled coders and the consensus, if the member is one of
    those coders. A condition on Excerpt, evaluated in the same query (no extra round trip)."""
    grants = ReconciliationDocument.objects.filter(
        active=True, document_id=OuterRef("document_id"), reconciliation__coders=membership.user_id
    )
    coder_is_reconciled = grants.filter(reconciliation__coders=OuterRef("coder_id"))
    return Q(Exists(grants)) & (Q(coder__isnull=True) | Q(Exists(coder_is_reconciled)))


def _reconciled_coder(membership: Membership, reconciliation: Reconciliation) -> bool:
    # Asked up to three times per decision (door, may-decide, the answer's fragment): once.
    known = reconciliation.__dict__.setdefault("_reconciled_coders", {})
    if membership.user_id not in known:
        known[membership.user_id] = reconciliation.coders.filter(pk=membership.user_id).exists()
    return known[membership.user_id]


def _take_part(membership: Membership, reconciliation: Reconciliation) -> None:
    reconciled = _reconciled_coder(membership, reconciliation)
    if not access.may_take_part_in_reconciliation(membership, reconciled_coder=reconciled):
        raise Http404


def access_reconciliation(membership: Membership, code: uuid.UUID | str) -> Reconciliation:
    """The reconciliation if the member takes part in it (leads: any); 404 otherwise."""
    reconciliation = access.access_object(membership, Reconciliation.objects.all(), code=code)
    _take_part(membership, reconciliation)
    return reconciliation


def access_candidate(membership: Membership, code: uuid.UUID | str) -> Candidate:
    candidates = Candidate.objects.select_related("item__reconciliation", "item__document")
    candidate = access.access_object(
        membership, candidates, project_field="item__reconciliation__project", code=code
    )
    _take_part(membership, candidate.item.reconciliation)
    return candidate


def may_decide(membership: Membership, reconciliation: Reconciliation) -> bool:
    return access.may_decide_candidates(
        membership,
        reconciled_coder=_reconciled_coder(membership, reconciliation),
        coders_decide=reconciliation.reconcilers == ReconcilerMode.CODERS,
    )


def access_run(membership: Membership, code: uuid.UUID | str) -> AgreementRun:
    return access.access_object(membership, AgreementRun.objects.all(), code=code)


def may_code_document(membership: Membership, document: Document) -> bool:
    if document.project_id != membership.project_id:
        return False
    # Ask the database about the assignment only when the answer depends on it.
    if access.may_code_document(membership, assigned=False):
        return True
    known = getattr(document, "assigned_to", None)  # (user id, assigned): read with the row
    if known is not None and known[0] == membership.user_id:
        assigned = known[1]
    else:
        mine = Assignment.objects.filter(document=document, coder_id=membership.user_id)
        assigned = mine.exists()
    return access.may_code_document(membership, assigned=assigned)
