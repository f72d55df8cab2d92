"""Applying the pseudonym list to every document of a project, as a job (a large project has
hundreds of transcripts). Each document is its own transaction, so running it again after a
dead worker only redoes what was not done yet (applying twice changes nothing)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from coding.pseudonyms import services
from research.jobs import JobError, Report, job_handler
from research.models import Job


@job_handler(services.APPLY, label=_("Pseudonymising documents"), retry_safe=True)
def pseudonymise_documents_job(job: Job, report: Report) -> dict[str, Any]:
    if job.project is None:
        raise JobError(str(_("The project of this job no longer exists.")))
    try:
        return services.documents_pseudonymise(
            project=job.project, user=job.requested_by, report=report
        )
    except ValidationError as exc:
        raise JobError(exc.messages[0]) from exc
