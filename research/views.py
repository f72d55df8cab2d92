from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from research import exports, jobs, services
from research.access import Capability, access_project
from research.forms import (
    InvitationAcceptForm,
    MemberAddForm,
    MemberRoleForm,
    ProfileForm,
    ProjectForm,
)
from research.models import Job, Membership, Project


@login_required
@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    show_archived = request.GET.get("archived") == "1"
    projects = (
        Project.objects.for_user(request.user)
        .filter(archived_at__isnull=not show_archived)
        .annotate(member_count=Count("memberships"))
        .order_by("title")
    )
    roles = dict(Membership.objects.filter(user=request.user).values_list("project_id", "role"))
    rows = [(project, roles.get(project.pk)) for project in projects]
    return render(
        request, "research/project_list.html", {"rows": rows, "show_archived": show_archived}
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest) -> HttpResponse:
    form = ProjectForm(request.POST or None)
    form.helper.form_tag = True
    if request.method == "POST" and form.is_valid():
        project = services.project_create(owner=request.user, **form.cleaned_data)
        messages.success(request, _("Project created. Add your team under Members."))
        return redirect("research:project-detail", project=project.code)
    return render(request, "research/project_form.html", {"form": form})


@login_required
@require_GET
def project_detail(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    recent_jobs = membership.project.jobs.select_related("requested_by")[:5]
    return render(
        request,
        "research/project_detail.html",
        {"membership": membership, "project": membership.project, "recent_jobs": recent_jobs},
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_settings(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    form = ProjectForm(request.POST or None, instance=membership.project)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Settings saved."))
        return redirect("research:project-settings", project=project)
    return render(
        request,
        "research/project_settings.html",
        {"membership": membership, "project": membership.project, "form": form},
    )


@login_required
@require_POST
def project_archive(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.ADMINISTER)
    archived = request.POST.get("archived", "1") == "1"
    services.project_archive(project=membership.project, archived=archived)
    messages.success(request, _("Project archived.") if archived else _("Project restored."))
    return redirect("research:project-settings", project=project)


@login_required
@require_http_methods(["GET", "POST"])
def project_delete(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.ADMINISTER)
    if request.method == "POST":
        if request.POST.get("confirm_title", "").strip() != membership.project.title:
            messages.error(request, _("Type the project's title exactly to delete it."))
        else:
            services.project_delete(project=membership.project)
            messages.success(request, _("Project deleted."))
            return redirect("research:project-list")
    return render(
        request,
        "research/project_delete.html",
        {"membership": membership, "project": membership.project},
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_list(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    need = Capability.ADMINISTER if request.method == "POST" else Capability.VIEW
    membership = access_project(request.user, project, need)
    form = MemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            added = services.member_add(
                project=membership.project, invited_by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error("email", exc)
        else:
            if added.invitation:
                messages.success(
                    request,
                    _("%(email)s was invited by e-mail; the invitation link is: %(url)s")
                    % {
                        "email": added.membership.user.email,
                        "url": services.invitation_url(added.invitation),
                    },
                )
            else:
                messages.success(request, _("%(user)s added.") % {"user": added.membership.user})
            return redirect("research:member-list", project=project)
    members = membership.project.memberships.select_related("user").order_by("role", "user__email")
    return render(
        request,
        "research/member_list.html",
        {
            "membership": membership,
            "project": membership.project,
            "members": members,
            "form": form,
            "role_form": MemberRoleForm(),
        },
    )


@login_required
@require_POST
def member_update(request: HttpRequest, project: uuid.UUID, member: int) -> HttpResponse:
    membership = access_project(request.user, project, Capability.ADMINISTER)
    target = get_object_or_404(Membership, project=membership.project, pk=member)
    try:
        if request.POST.get("action") == "remove":
            services.member_remove(membership=target)
            messages.success(request, _("%(user)s removed.") % {"user": target.user})
        else:
            form = MemberRoleForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Choose a valid role."))
            services.member_change_role(membership=target, role=form.cleaned_data["role"])
            messages.success(request, _("Role updated."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("research:member-list", project=project)


@login_required
@require_POST
def project_export(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    job = jobs.job_enqueue(
        kind=exports.PROJECT_EXPORT, project=membership.project, requested_by=request.user
    )
    return redirect("research:job-detail", project=project, job=job.code)


def _job_for(
    request: HttpRequest, project: uuid.UUID, job: uuid.UUID, need: Capability = Capability.VIEW
) -> tuple[Membership, Job]:
    membership = access_project(request.user, project, need)
    return membership, get_object_or_404(
        Job.objects.select_related("requested_by"), project=membership.project, code=job
    )


@login_required
@require_GET
def job_list(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    job_rows = membership.project.jobs.select_related("requested_by")[:100]
    return render(
        request,
        "research/job_list.html",
        {"membership": membership, "project": membership.project, "jobs": job_rows},
    )


@login_required
@require_GET
def job_detail(request: HttpRequest, project: uuid.UUID, job: uuid.UUID) -> HttpResponse:
    membership, job_row = _job_for(request, project, job)
    template = "research/job_detail.html"
    if request.headers.get("HX-Request"):
        template += "#job-status"
    return render(
        request, template, {"membership": membership, "project": membership.project, "job": job_row}
    )


@login_required
@require_POST
def job_cancel(request: HttpRequest, project: uuid.UUID, job: uuid.UUID) -> HttpResponse:
    membership, job_row = _job_for(request, project, job, Capability.MANAGE)
    if jobs.job_cancel(job=job_row):
        messages.success(request, _("Job cancelled."))
    else:
        messages.info(request, _("The job had already finished."))
    return redirect("research:job-detail", project=project, job=job)


@login_required
@require_GET
def job_download(request: HttpRequest, project: uuid.UUID, job: uuid.UUID) -> HttpResponse:
    membership, job_row = _job_for(request, project, job, Capability.MANAGE)
    path = exports.export_file_path(job_row)
    if path is None:
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For container healthchecks and load balancers: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Profile saved."))
        return redirect("profile")
    return render(request, "registration/profile.html", {"form": form})


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_open(token)
    if invitation is None:
        return render(request, "registration/invitation_invalid.html", status=404)
    form = InvitationAcceptForm(invitation.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.invitation_accept(
            invitation=invitation,
            password=form.cleaned_data["new_password1"],
            display_name=form.cleaned_data["display_name"],
        )
        login(request, user, backend="research.auth.EmailBackend")
        messages.success(request, _("Welcome to Concord."))
        return redirect("research:project-detail", project=invitation.project.code)
    return render(
        request, "registration/invitation_accept.html", {"form": form, "invitation": invitation}
    )
