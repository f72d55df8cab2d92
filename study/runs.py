"""Starting an agreement run: the list of runs with the "New agreement run" form.

Here rather than in coding because the form offers the documents of some cases: the cases are
resolved to documents (a cases selector) before coding's run service, which takes documents,
is called. It also offers the documents of a document set; the run records the set's name as
it was (a set may be renamed or deleted later), for its results page and methods paragraph.
The run's results, disagreements, comparison and exports stay in ``coding.runs``.
"""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from cases.models import Case
from cases.selectors.cases import case_documents
from coding.models import DocumentSet
from coding.runs import selectors, services
from coding.runs.forms import AgreementRunForm
from research.access import Capability, access_project, has_capability, may_see_results
from research.models import Job, JobStatus


class AgreementRunCasesForm(AgreementRunForm):
    """Coding's run form plus two more ways to choose documents: those of some cases, and
    those of a document set."""

    cases = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Cases"), queryset=Case.objects.none(), required=False
    )
    document_set = forms.ModelChoiceField(
        label=gettext_lazy("Document set"),
        queryset=DocumentSet.objects.none(),
        required=False,
        to_field_name="code",
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, project=project, **kwargs)
        self.fields["documents_mode"].choices = [
            *self.fields["documents_mode"].choices,
            ("case", gettext_lazy("Documents of some cases")),
            ("set", gettext_lazy("Documents of a document set")),
        ]
        self.fields["cases"].queryset = Case.objects.filter(project=project)
        self.fields["document_set"].queryset = DocumentSet.objects.filter(project=project)

    def clean(self):
        data = super().clean()
        if data.get("documents_mode") == "case" and not data.get("cases"):
            self.add_error("cases", _("Pick at least one case."))
        if data.get("documents_mode") == "set" and not data.get("document_set"):
            self.add_error("document_set", _("Choose a document set."))
        return data

    def service_kwargs(self) -> dict:
        kwargs = super().service_kwargs()
        if self.cleaned_data["documents_mode"] == "case":
            cases = list(self.cleaned_data["cases"])
            kwargs["documents"] = case_documents(project=self.project, cases=cases)
            kwargs["selection"] = {"cases": [str(case.pk) for case in cases]}
        elif self.cleaned_data["documents_mode"] == "set":
            document_set = self.cleaned_data["document_set"]
            kwargs["documents"] = list(document_set.documents.only("pk"))
            kwargs["selection"] = {
                "document_set": {"code": str(document_set.code), "name": document_set.name}
            }
        return kwargs


@login_required
@require_GET
def agreement_list(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    can_start = has_capability(membership, Capability.MANAGE)
    context = {
        "project": membership.project,
        "membership": membership,
        "runs": selectors.runs_for_project(project=membership.project),
        "form": AgreementRunCasesForm(project=membership.project) if can_start else None,
        "can_start": can_start,
        "blind_coder": not may_see_results(membership),
    }
    return render(request, "study/runs/list.html", context)


def _started(run) -> str:
    # Re-read: the doorbell rang (or not) when the run's transaction committed.
    if Job.objects.filter(pk=run.job_id, dispatched_at=None, status=JobStatus.QUEUED).exists():
        return _("Agreement run queued; it will start when the job system is back.")
    return _("Agreement run started.")


@login_required
@require_http_methods(["GET", "POST"])
def agreement_new(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    form = AgreementRunCasesForm(request.POST or None, project=membership.project)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.agreement_run_start(
                project=membership.project, requested_by=request.user, **form.service_kwargs()
            )
        except ValueError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _started(run))
            return redirect("coding:agreement-run", project=project, run=run.code)
    context = {"project": membership.project, "membership": membership, "form": form}
    status = 400 if request.method == "POST" else 200
    return render(request, "study/runs/new.html", context, status=status)
