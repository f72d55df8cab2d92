"""The agreement run's helper task: one stretch of a run's documents (see coding/runs/jobs.py).

It stores each document's partial in the database; the run's job handler pools them.
"""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _

from coding.models import AgreementRun
from coding.runs import services
from coding.runs.progress import throttled
from research import jobs
from research.collector import pauses_collector

logger = logging.getLogger(__name__)


@jobs.job_task("coding.runs.documents")
# A document's partial is tens of thousands of small lists and dicts, and the handler's pool
# holds a run's: made with the collector running they set off full collections, each walking
# all of them again (a third of a run's time). They hold no cycles: their reference counts
# free them.
@pauses_collector
def run_documents_task(run_id: int, document_ids: list[int]) -> None:
    run = AgreementRun.objects.select_related("job").filter(pk=run_id).first()
    if run is None or run.job is None:
        return
    job = run.job
    try:
        jobs.job_check_cancelled(job=job)  # cancelled, failed or finished: skip the work
        services.run_parts_compute(
            run=run,
            document_ids=document_ids,
            progress=throttled(lambda: jobs.job_check_cancelled(job=job)),
        )
    except jobs.JobCancelled:
        return
    except Exception as exc:
        logger.exception("Agreement run %s failed on documents %s", run_id, document_ids)
        jobs.job_fail(job=job, error=_("Unexpected error: %(error)s") % {"error": exc})
