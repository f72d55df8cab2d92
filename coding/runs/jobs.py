"""The agreement run's job: documents computed in a few parallel stretches, pooled once.

Each document's partial is stored in the database as soon as it is computed
(``AgreementRunPart``), never only in the broker. The handler sends all stretches but the first
to other workers (``coding.runs.documents``), computes the first itself, then takes over what
is still missing from the last document backwards while the other tasks work forwards through
their stretches. It never sits waiting: on a busy or one-process worker the tasks it sent wait
behind it, and tasks lost with a worker or a broker restart cost nothing. Then it pools. A
retry after the handler's own worker died (the sweep, see research/jobs.py) starts again from
what is stored and computes only the missing documents.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coding.models import AgreementRun, Document
from coding.runs import services
from coding.runs.tasks import run_documents_task
from research import jobs
from research.models import Job

logger = logging.getLogger(__name__)


@jobs.job_handler(services.AGREEMENT_JOB, label=gettext_lazy("Agreement run"), retry_safe=True)
def agreement_run_job(job: Job, report: jobs.Report) -> dict[str, Any]:
    run = AgreementRun.objects.filter(job=job).first()
    if run is None:
        raise jobs.JobError(_("The agreement run of this job no longer exists."))
    total = len(run.params["spec"]["documents"])
    if not total:
        raise jobs.JobError(_("The run has no documents to compare."))

    def progress() -> None:
        done = total - len(services.run_parts_missing(run=run))
        report(
            5 + 90 * done // total,
            _("Comparing documents (%(done)d of %(total)d)")
            % {
                "done": done,
                "total": total,
            },
        )

    progress()
    missing = services.run_parts_missing(run=run)
    mine = missing
    if len(missing) > 1 and not jobs.job_runs_inline():
        sizes = dict(Document.objects.filter(pk__in=missing).values_list("pk", "char_count"))
        first, *others = stretches(missing, [sizes.get(d, 0) for d in missing])
        mine = first + [d for stretch in others if not _send(run, stretch) for d in stretch]
    services.run_parts_compute(run=run, document_ids=mine, progress=progress)
    _take_over_missing(run, progress)
    report(95, _("Pooling results"))
    with transaction.atomic():
        result = services.run_store_parts(run=run)
        jobs.job_check_cancelled(job=job)  # cancelled while pooling: keep nothing
    return result


def _send(run: AgreementRun, document_ids: list[int]) -> bool:
    try:
        run_documents_task.apply_async((run.pk, document_ids), retry=False)
    except Exception:  # the broker is down: this handler computes the stretch itself
        logger.warning("Agreement run %s computes its documents in one task", run.pk)
        return False
    return True


def _take_over_missing(run: AgreementRun, progress) -> None:
    """Compute the documents whose part is not stored yet, last first, one at a time, so the
    helper tasks (working forwards) and the handler meet in the middle; a document both compute
    at the same moment is stored once."""
    while missing := services.run_parts_missing(run=run):
        services.run_parts_compute(run=run, document_ids=missing[-1:], progress=progress)


#: Tasks per run: enough to keep a few worker processes busy, few enough that the queue round
#: trips do not dominate. A stretch costs about its text plus a fixed share per document.
STRETCHES = 4
DOCUMENT_COST = 5_000


def stretches(documents: list[int], sizes: list[int], parts: int = STRETCHES) -> list[list[int]]:
    """Split the documents, in order, into at most ``parts`` consecutive stretches of about
    equal cost."""
    costs = [size + DOCUMENT_COST for size in sizes]
    target = sum(costs) / max(min(parts, len(documents)), 1)
    out: list[list[int]] = [[]]
    acc = 0.0
    for document, cost in zip(documents, costs, strict=True):
        if out[-1] and acc + cost / 2 > target * len(out) and len(out) < parts:
            out.append([])
        out[-1].append(document)
        acc += cost
    return out
