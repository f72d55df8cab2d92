from __future__ import annotations

import copy
import uuid

from allauth.account.utils import perform_login
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from research import jobs, selectors, services
from research.access import (
    Capability,
    access_object,
    access_project,
    can_for,
    may_restore_projects,
    second_factor_required_everywhere,
)
from research.audit import audit_export, audit_target_label
from research.forms import (
    AuditFilterForm,
    InvitationAcceptForm,
    MemberAddForm,
    MemberRoleForm,
    ProfileForm,
    ProjectForm,
    UserText,
)
from research.http import csv_lines
from research.language import LANGUAGE_CODES, language_choose, language_cookie
from research.models import Job, Membership

AUDIT_PAGE_SIZE = 50


def _page(request: HttpRequest, template: str, membership: Membership, **context) -> HttpResponse:
    """Render a project page: every one gets the membership, its project and `can`."""
    context.update(membership=membership, project=membership.project, can=can_for(membership))
    return render(request, template, context)


@login_required
@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    show_archived = request.GET.get("archived") == "1"
    rows = selectors.project_rows(user=request.user, archived=show_archived)
    context = {
        "rows": rows,
        "show_archived": show_archived,
        "may_restore": may_restore_projects(request.user),
    }
    return render(request, "research/project_list.html", context)


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
    recent_jobs = selectors.project_jobs(project=membership.project, limit=5)
    return _page(request, "research/project_detail.html", membership, recent_jobs=recent_jobs)


@login_required
@require_http_methods(["GET", "POST"])
def project_settings(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.MANAGE)
    # The form validates a copy (a ModelForm writes into its instance), so the service sees
    # what changed, such as blind coding turned off (unblinding, on the audit trail).
    form = ProjectForm(request.POST or None, instance=copy.copy(membership.project))
    if request.method == "POST" and form.is_valid():
        services.project_update(project=membership.project, by=request.user, **form.cleaned_data)
        messages.success(request, _("Settings saved."))
        return redirect("research:project-settings", project=project)
    return _page(request, "research/project_settings.html", membership, form=form)


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
            services.project_delete(project=membership.project, by=request.user)
            messages.success(request, _("Project deleted."))
            return redirect("research:project-list")
    return _page(request, "research/project_delete.html", membership)


def _member_added_message(added: services.MemberAdded, base_url: str) -> str:
    if added.invitation is None:
        return _("%(user)s added.") % {"user": added.membership.user}
    return _("%(email)s was invited by e-mail; the invitation link is: %(url)s") % {
        "email": added.membership.user.email,
        "url": services.invitation_url(added.invitation, base_url),
    }


def _add_member(request: HttpRequest, membership: Membership, form: MemberAddForm) -> bool:
    """Add (or invite) the member; the invitation link is on the address the lead used."""
    base_url = request.build_absolute_uri("/")
    try:
        added = services.member_add(
            project=membership.project,
            invited_by=request.user,
            base_url=base_url,
            **form.cleaned_data,
        )
    except ValidationError as exc:
        form.add_error("email", exc)
        return False
    messages.success(request, _member_added_message(added, base_url))
    return True


@login_required
@require_http_methods(["GET", "POST"])
def member_list(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    need = Capability.ADMINISTER if request.method == "POST" else Capability.VIEW
    membership = access_project(request.user, project, need)
    form = MemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _add_member(request, membership, form):
        return redirect("research:member-list", project=project)
    members = selectors.project_members(project=membership.project)
    return _page(
        request,
        "research/member_list.html",
        membership,
        members=members,
        form=form,
        role_form=MemberRoleForm(),
    )


@login_required
@require_POST
def member_update(request: HttpRequest, project: uuid.UUID, member: int) -> HttpResponse:
    membership = access_project(request.user, project, Capability.ADMINISTER)
    target = access_object(membership, Membership.objects.select_related("user"), pk=member)
    # Removing a member is study's page (study:member-remove): it also hands over their codings.
    try:
        form = MemberRoleForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Choose a valid role."))
        role = form.cleaned_data["role"]
        services.member_change_role(membership=target, role=role, by=request.user)
        messages.success(request, _("Role updated."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("research:member-list", project=project)


def _job_for(
    request: HttpRequest, project: uuid.UUID, job: uuid.UUID, need: Capability = Capability.VIEW
) -> tuple[Membership, Job]:
    membership = access_project(request.user, project, need)
    return membership, access_object(membership, selectors.jobs_with_requester(), code=job)


@login_required
@require_GET
def job_list(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.VIEW)
    job_rows = selectors.project_jobs(project=membership.project, limit=100)
    return _page(request, "research/job_list.html", membership, jobs=job_rows)


@login_required
@require_GET
def job_detail(request: HttpRequest, project: uuid.UUID, job: uuid.UUID) -> HttpResponse:
    membership, job_row = _job_for(request, project, job)
    template = "research/job_detail.html"
    if request.headers.get("HX-Request"):
        template += "#job-status"
    return _page(request, template, membership, job=job_row)


@login_required
@require_POST
def job_cancel(request: HttpRequest, project: uuid.UUID, job: uuid.UUID) -> HttpResponse:
    membership, job_row = _job_for(request, project, job, Capability.MANAGE)
    if jobs.job_cancel(job=job_row):
        messages.success(request, _("Job cancelled."))
    else:
        messages.info(request, _("The job had already finished."))
    return redirect("research:job-detail", project=project, job=job)


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
        user = form.save()
        translation.activate(user.language or translation.get_language_from_request(request))
        messages.success(request, _("Profile saved."))
        return language_cookie(redirect("profile"), user.language)
    return render(request, "registration/profile.html", {"form": form})


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """The switcher on every page: the choice goes on the account and in the cookie, and the
    person returns to the page they were on (the Referer: pages do not echo their own address,
    which on a refusal page could name what was refused)."""
    target = request.POST.get("next") or request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("research:project-list")
    if request.POST.get("language", "") not in LANGUAGE_CODES | {""}:
        messages.error(request, _("Concord is not available in that language."))
        return redirect(target)
    language = language_choose(user=request.user, language=request.POST.get("language", ""))
    return language_cookie(redirect(target), language)


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
        messages.success(request, _("Welcome to Concord."))
        # allauth's login, so a second factor set up in the meantime is still asked for.
        project_url = reverse(
            "research:project-detail", kwargs={"project": invitation.project.code}
        )
        return perform_login(request, user, redirect_url=project_url)
    return render(
        request, "registration/invitation_accept.html", {"form": form, "invitation": invitation}
    )


@login_required
@require_GET
def second_factor_setup(request: HttpRequest) -> HttpResponse:
    """Where a member is sent when a project asks for a second factor they have not set up."""
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = ""
    context = {"next": next_url, "site_wide": second_factor_required_everywhere()}
    return render(request, "mfa/second_factor_required.html", context)


@login_required
def email_managed_by_owners(request: HttpRequest) -> HttpResponse:
    """Stands in for allauth's e-mail page: project owners find people by their address
    (research.services.member_add), so nobody moves their account onto an address they have
    not proven; an administrator changes it in the admin."""
    messages.info(request, _("To change your e-mail address, ask the server's administrator."))
    return redirect("profile")


def _audit_query(request: HttpRequest, membership: Membership):
    """The filter form and what it asks for (an invalid filter shows the whole trail)."""
    former = selectors.former_names(project=membership.project)
    members = selectors.project_members(project=membership.project).order_by("user__email")
    people = [(m.user_id, UserText(m.user.name)) for m in members]
    people += sorted(former.items(), key=lambda item: item[1])
    form = AuditFilterForm(request.GET or None, people=people)
    filters = selectors.AuditFilter()
    if form.is_valid():
        filters = selectors.AuditFilter(**form.cleaned_data)
    return form, filters, former


@login_required
@require_GET
def audit_trail(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.ADMINISTER)
    form, filters, former = _audit_query(request, membership)
    entries = selectors.audit_entries(project=membership.project, filters=filters)
    page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        (entry, selectors.audit_actor_name(entry, former), *audit_target_label(entry))
        for entry in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "rows": rows, "query": query.urlencode()}
    context["retention_days"] = settings.AUDIT_RETENTION_DAYS
    return _page(request, "research/audit_trail.html", membership, **context)


@login_required
@require_GET
def audit_trail_csv(request: HttpRequest, project: uuid.UUID) -> HttpResponse:
    membership = access_project(request.user, project, Capability.ADMINISTER)
    _form, filters, _former = _audit_query(request, membership)
    audit_export(project=membership.project_id, actor=request.user, export="audit trail", fmt="csv")
    rows = selectors.audit_csv_rows(project=membership.project, filters=filters)
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-trail.csv"'
    return response
