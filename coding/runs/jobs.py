"""The agreement run's job: documents computed in a few parallel stretches, pooled once.

Each document's partial is stored in the database as soon as it is computed
(``AgreementRunPart``), never only in the broker. The handler sends all stretches but the first
to other workers (``coding.runs.documents``), computes the first itself, then takes over what
is still missing from the last document backwards while the other tasks work forwards through
their stretches. It never sits waiting: on a busy or one-process worker the tasks it sent wait
behind it, and tasks lost with a worker or a broker restart cost nothing.

Pooling is incremental: the handler keeps the partials it computed itself as they are (a
``RunPool``), and before each document it computes, and each time it looks for what is still
missing, it also takes in the parts the other tasks stored since, decoding each once. When the
last document is in, only the coefficients and the results' rows are left to do. A retry
after the handler's own worker died (the sweep, see research/jobs.py) starts again from what
is stored and computes only the missing documents.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coding.agreement.pooling import RunPool
from coding.models import AgreementRun, Document
from coding.runs import services
from coding.runs.progress import throttled
from coding.runs.tasks import run_documents_task
from research import jobs
from research.collector import pauses_collector
from research.models import Job

logger = logging.getLogger(__name__)


@jobs.job_handler(services.AGREEMENT_JOB, label=gettext_lazy("Agreement run"), retry_safe=True)
@pauses_collector  # the pool's partials: see run_documents_task
def agreement_run_job(job: Job, report: jobs.Report) -> dict[str, Any]:
    run = AgreementRun.objects.filter(job=job).first()
    if run is None:
        raise jobs.JobError(_("The agreement run of this job no longer exists."))
    total = len(run.params["spec"]["documents"])
    if not total:
        raise jobs.JobError(_("The run has no documents to compare."))
    began = time.monotonic()
    # The partials pooled so far: this task's own as it stores them, other tasks' as soon as
    # it finds them stored (a retry starts from everything stored before).
    pool = RunPool(run.params["spec"])

    def report_done() -> None:
        done = services.run_parts_stored(run=run)
        report(
            5 + 90 * done // total,
            _("Comparing documents (%(done)d of %(total)d)")
            % {
                "done": done,
                "total": total,
            },
        )

    progress = throttled(report_done)
    report_done()
    missing = services.run_parts_gather(run=run, pool=pool)
    mine = missing
    if len(missing) > 1 and not jobs.job_runs_inline():
        sizes = dict(Document.objects.filter(pk__in=missing).values_list("pk", "char_count"))
        first, *others = stretches(missing, [sizes.get(d, 0) for d in missing])
        mine = first + [d for stretch in others if not _send(run, stretch) for d in stretch]
    services.run_parts_compute(run=run, document_ids=mine, progress=progress, pool=pool)
    _take_over_missing(run, pool, progress)
    report(95, _("Pooling results"))
    pooling, pooling_cpu = time.monotonic(), time.process_time()
    with transaction.atomic():
        result = services.run_store_parts(run=run, pool=pool)
        jobs.job_check_cancelled(job=job)  # cancelled while pooling: keep nothing
    now = time.monotonic()
    # The pooling is the run's one step that no second worker process can share: with the
    # whole task's time it tells how a run scales with more processes (docs/performance.md).
    # Its CPU time (this process's, without PostgreSQL's) compares machines under any load.
    result["seconds"] = {
        "task": round(now - began, 3),
        "pooling": round(now - pooling, 3),
        "pooling_cpu": round(time.process_time() - pooling_cpu, 3),
    }
    return result


def _send(run: AgreementRun, document_ids: list[int]) -> bool:
    try:
        run_documents_task.apply_async((run.pk, document_ids), retry=False)
    except Exception:  # the broker is down: this handler computes the stretch itself
        logger.warning("Agreement run %s computes its documents in one task", run.pk)
        return False
    return True


def _take_over_missing(run: AgreementRun, pool: RunPool, progress: Callable[[], None]) -> None:
    """Compute the documents whose part is not stored yet, from the last one backwards, so
    the helper tasks (working forwards) and the handler meet in the middle; a document both
    compute at the same moment is stored once. Each round reads the input of the last half of
    what is missing at once (one read for all on a one-process worker, where nobody else
    computes), and pools the parts other tasks stored meanwhile."""
    while missing := services.run_parts_gather(run=run, pool=pool):
        batch = missing[len(missing) // 2 :][::-1]
        services.run_parts_compute(run=run, document_ids=batch, progress=progress, pool=pool)


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
