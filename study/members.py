"""Removing a member: research forgets the membership, coding hands over or deletes their
codings, and every app names the pseudonym where it named them, in one transaction (research
may not reach the other apps, so this lives here). The Django admin sends owners here too
(research/admin.py refuses removing a member there)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases.services import former as case_former
from coding import former
from coding.models import Excerpt
from research import services as research_services
from research.access import Capability, access_object, access_project, can_for
from research.models import FormerMember, Membership, User
from study.models import ProjectMemo


@transaction.atomic
def member_remove(
    *, membership: Membership, by: User | None, delete_codings: bool = False
) -> FormerMember:
    """Remove the member. Their codings stay, attributed to their pseudonym ("Former coder
    3", numbered within the project and stable), unless `delete_codings`."""
    project, user = membership.project, membership.user
    # Research first: it locks the project and the membership (and refuses removing the last
    # owner) before the member's excerpts are locked, the order every removal takes.
    found = research_services.member_remove(
        membership=membership, by=by, codings_deleted=delete_codings
    )
    placeholder = found.placeholder
    # Whatever else names them in the project names the pseudonym: their comments and
    # decisions (candidates are locked before excerpts, as a decision does), matrices filtered
    # to their codings, their memos.
    former.records_hand_over(project=project, user=user, placeholder=placeholder)
    if delete_codings:
        former.codings_delete(project=project, user=user)
    else:
        former.codings_hand_over(project=project, user=user, placeholder=found.placeholder)
    case_former.records_hand_over(project=project, user=user, placeholder=placeholder)
    ProjectMemo.objects.filter(project=project, created_by=user).update(created_by=placeholder)
    return found


@login_required
@require_http_methods(["GET", "POST"])
def member_remove_view(request: HttpRequest, project: uuid.UUID, member: int) -> HttpResponse:
    membership = access_project(request.user, project, Capability.ADMINISTER)
    target = access_object(membership, Membership.objects.select_related("user"), pk=member)
    if request.method == "POST":
        delete_codings = request.POST.get("codings") == "delete"
        try:
            found = member_remove(
                membership=target, by=membership.user, delete_codings=delete_codings
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _removed_sentence(target, found, delete_codings))
        return redirect("research:member-list", project=project)
    excerpts = Excerpt.objects.filter(document__project=membership.project, coder=target.user)
    context = {"member": target, "excerpt_total": excerpts.count()}
    context.update(membership=membership, project=membership.project, can=can_for(membership))
    return render(request, "study/member_remove.html", context)


def _removed_sentence(target: Membership, found: FormerMember, deleted: bool) -> str:
    if deleted:
        return _("%(user)s removed; their codings were deleted.") % {"user": target.user}
    return _("%(user)s removed; their codings stay, attributed to “%(pseudonym)s”.") % {
        "user": target.user,
        "pseudonym": found.placeholder.name,
    }
