"""Access rules of the agreement-run pages (coding/runs/urls.py, and study/urls.py for the
list of runs and the form that starts one)."""

from __future__ import annotations

from coding.models import AgreementRun, Assignment, Code
from research.access import Capability
from research.jobs import job_run
from tests.factories import CodeFactory, DocumentFactory, ExcerptFactory
from tests.rules.common import BLIND_RESULTS


def _first_code(world) -> Code:
    project = world["project"]
    return Code.objects.filter(project=project).order_by("pk").first() or CodeFactory(
        project=project, name="Collaboration"
    )


def finished_run(world) -> AgreementRun:
    """A finished document-level run of the two coders on one document (computed inline)."""
    from coding.runs import services

    project = world["project"]
    run = AgreementRun.objects.filter(project=project, finished_at__isnull=False).first()
    if run is not None:
        return run
    code = _first_code(world)
    doc = DocumentFactory(project=project)
    for coder in (world["coder"], world["coder2"]):
        Assignment.objects.create(document=doc, coder=coder)
    ExcerptFactory(document=doc, coder=world["coder"], start=0, end=8, codes=[code])
    run = services.agreement_run_start(
        project=project,
        requested_by=world["lead"],
        coders=[world["coder"], world["coder2"]],
        unit="document",
    )
    job_run(run.job_id)
    run.refresh_from_db()
    assert run.is_finished, run.job.error
    return run


KWARG_BUILDERS = {
    "run": lambda world: finished_run(world).code,
    # The first code of the project (shared with the codebook pages' rules if they use "code").
    "code": lambda world: _first_code(world).code,
}

URL_RULES = {
    "study:agreement-list": Capability.VIEW,
    "study:agreement-new": Capability.MANAGE,
    "coding:agreement-run": BLIND_RESULTS,
    "coding:agreement-code": BLIND_RESULTS,
    "coding:agreement-compare": BLIND_RESULTS,
    "coding:agreement-export": Capability.MANAGE,
}
