"""The REFI-QDA import pages: upload a .qdpx, say who is who, then the import job runs."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from research import jobs
from research.access import Capability, access_project, can_for
from study.refi.archive import RefiArchiveError
from study.refi.forms import PeopleForm, QdpxUploadForm
from study.refi.jobs import QDPX_IMPORT, import_path
from study.refi.read import read_qdpx


@login_required
@require_http_methods(["GET", "POST"])
def qdpx_upload(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    form = QdpxUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read()
        try:
            read_qdpx(data)  # refuse a bad file now, before anyone maps people
        except RefiArchiveError as exc:
            form.add_error("file", _("This file cannot be imported: %(why)s") % {"why": exc})
        else:
            token = str(uuid.uuid4())
            path = import_path(project=membership.project, token=token)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            return redirect("study:qdpx-people", project=project, upload=token)
    return render(request, "study/qdpx_upload.html", _context(membership, form=form))


@login_required
@require_http_methods(["GET", "POST"])
def qdpx_people(request: HttpRequest, project: uuid.UUID, upload: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    path = import_path(project=membership.project, token=str(upload))
    if not path.is_file():
        raise Http404
    result = read_qdpx(path.read_bytes())
    members = list(membership.project.memberships.select_related("user"))
    form = PeopleForm(request.POST or None, users=result.project.users, members=members)
    if request.method == "POST" and form.is_valid():
        params = {"token": str(upload), "mapping": form.mapping()}
        job = jobs.job_enqueue(
            kind=QDPX_IMPORT, project=membership.project, requested_by=request.user, params=params
        )
        return redirect("research:job-detail", project=project, job=job.code)
    context = _context(membership, form=form, summary=result.report.as_dict())
    return render(request, "study/qdpx_people.html", context)


def _context(membership, **extra) -> dict:
    project = membership.project
    return {"membership": membership, "project": project, "can": can_for(membership)} | extra
