"""Applying the pseudonym list beyond the documents' texts: excerpt memos and the codebook's
texts (coding), case names, descriptions and write-ups (cases) and the project memos (study),
in one transaction. It lives here because it spans the three apps.

"Apply the list to all documents" queues the documents' job (coding/pseudonyms/jobs.py) and
applies the list to these texts at once (they are short); "Apply the list to memos and case
texts" does only the latter. Lock order: codes, excerpts (coding/pseudonyms/texts.py), then
cases and their write-ups, then the project memos.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.services.pseudonyms import case_texts_pseudonymise
from coding.pseudonyms import services as pseudonym_services
from coding.pseudonyms.texts import (
    ListProblem,
    codebook_texts_pseudonymise,
    excerpt_memos_pseudonymise,
    text_replacer,
)
from research.access import Capability, access_project
from research.jobs import jobs_broker_available
from research.models import Project, User
from study.models import ProjectMemo


@transaction.atomic
def project_texts_pseudonymise(*, project: Project, user: User | None) -> int:
    """Apply the project's list to its memos and case texts; how many of them changed.
    A list that cannot be applied is refused (ValidationError) before anything changes."""
    replacements = pseudonym_services.project_replacements(project=project)
    if not replacements:
        raise ValidationError(_("The list is empty: add identifying strings first."))
    try:
        replace = text_replacer(replacements)
        changed = codebook_texts_pseudonymise(project=project, replace=replace)
        changed += excerpt_memos_pseudonymise(project=project, replace=replace, user=user)
        changed += case_texts_pseudonymise(project=project, replace=replace)
    except ListProblem as exc:
        raise ValidationError(str(exc)) from exc
    memos = list(ProjectMemo.objects.select_for_update().filter(project=project).order_by("pk"))
    edited = []
    for memo in memos:
        title, text = replace(memo.title)[:300], replace(memo.text)
        if (title, text) != (memo.title, memo.text):
            memo.title, memo.text = title, text
            edited.append(memo)
    ProjectMemo.objects.bulk_update(edited, ["title", "text"])
    return changed + len(edited)


def _texts_message(changed: int) -> str:
    return _("Memos and case texts: %(n)d changed.") % {"n": changed}


@login_required
@require_POST
def pseudonyms_apply(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    """Apply the list to every document (a job) and to the memos and case texts (now)."""
    membership = access_project(request.user, project, Capability.MANAGE)
    try:
        with transaction.atomic():  # both or neither
            job = pseudonym_services.documents_pseudonymise_queue(
                project=membership.project, user=request.user
            )
            changed = project_texts_pseudonymise(project=membership.project, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("coding:pseudonym-list", project=project)
    if jobs_broker_available():
        messages.success(request, _("The documents are being pseudonymised."))
    else:
        messages.warning(request, _("Queued: it starts when the job system is back."))
    messages.success(request, _texts_message(changed))
    return redirect("research:job-detail", project=project, job=job.code)


@login_required
@require_POST
def pseudonyms_apply_texts(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    try:
        changed = project_texts_pseudonymise(project=membership.project, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _texts_message(changed))
    return redirect("coding:pseudonym-list", project=project)
