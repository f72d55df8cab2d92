"""Access rules of the reconciliation pages (coding/reconcile/urls.py). The world's
reconciliation is the two coders' work on one document, decided by the lead: the coder takes
part (sees and comments), the viewer does not; deciding is for leads and owners."""

from __future__ import annotations

from coding.models import Assignment, Candidate, Reconciliation
from research.access import Capability
from tests.factories import CodeFactory, DocumentFactory, ExcerptFactory


def _reconciliation(world) -> Reconciliation:
    from coding.reconcile import services

    project = world["project"]
    found = Reconciliation.objects.filter(project=project).first()
    if found is not None:
        return found
    code = CodeFactory(project=project, name="Reconciled code")
    document = DocumentFactory(project=project, title="Reconciled document")
    for coder in (world["coder"], world["coder2"]):
        Assignment.objects.create(document=document, coder=coder)
    ExcerptFactory(document=document, coder=world["coder"], start=0, end=8, codes=[code])
    ExcerptFactory(document=document, coder=world["coder2"], start=14, end=24, codes=[code])
    return services.reconciliation_open(
        project=project,
        documents=[document],
        coders=[world["coder"], world["coder2"]],
        user=world["lead"],
    )


def _candidate(world) -> object:
    return Candidate.objects.filter(item__reconciliation=_reconciliation(world)).first().code


KWARG_BUILDERS = {
    "reconciliation": lambda world: _reconciliation(world).code,
    "reconciled_document": lambda world: _reconciliation(world).documents.get().document.code,
    "candidate": _candidate,
}

URL_RULES = {
    "coding:reconciliation-list": Capability.CODE,
    "coding:reconciliation-new": Capability.MANAGE,
    "coding:reconciliation": Capability.CODE,
    "coding:reconciliation-document": Capability.CODE,
    "coding:reconciliation-close": Capability.MANAGE,
    "coding:reconciliation-accept": Capability.MANAGE,
    "coding:reconciliation-batch-undo": Capability.MANAGE,
    "coding:reconciliation-reopen": Capability.MANAGE,
    "coding:candidate-decide": Capability.MANAGE,
    "coding:candidate-undo": Capability.MANAGE,
    "coding:candidate-comment": Capability.CODE,
    "coding:consensus-export": Capability.MANAGE,
}
