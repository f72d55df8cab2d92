"""Writes for projects, members and invitations. Views, commands and tasks all call these."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from research.models import Invitation, Membership, Project, Role, User


@transaction.atomic
def project_create(*, owner: User, title: str, **fields) -> Project:
    project = Project.objects.create(title=title, **fields)
    Membership.objects.create(project=project, user=owner, role=Role.OWNER)
    return project


@transaction.atomic
def project_update(*, project: Project, **fields) -> Project:
    for name, value in fields.items():
        setattr(project, name, value)
    project.full_clean()
    project.save()
    return project


def project_archive(*, project: Project, archived: bool = True) -> Project:
    project.archived_at = timezone.now() if archived else None
    project.save(update_fields=["archived_at"])
    return project


@transaction.atomic
def project_delete(*, project: Project) -> None:
    """Delete the project and everything in it; its stored files go once the delete commits.

    Codes are RESTRICTed (a used code cannot be deleted on its own), which still lets the
    project's cascade take codes, codings and excerpts together.
    """
    files = [name for d in project.documents.exclude(original="") if (name := d.original.name)]
    project.delete()

    def delete_files() -> None:
        for name in files:
            default_storage.delete(name)

    transaction.on_commit(delete_files)


@dataclass(frozen=True)
class MemberAdded:
    membership: Membership
    invitation: Invitation | None  # set when a new account was created


@transaction.atomic
def member_add(
    *, project: Project, email: str, role: str, invited_by: User, base_url: str = ""
) -> MemberAdded:
    """Add a person by e-mail; create an account with an invitation link if they have none."""
    email = User.objects.normalize_email(email.strip())
    user = User.objects.filter(email__iexact=email).first()
    invitation = None
    if user is None:
        user = User.objects.create_user(email=email)
        user.set_unusable_password()
        user.save(update_fields=["password"])
    if Membership.objects.filter(project=project, user=user).exists():
        raise ValidationError(
            _("%(email)s is already a member of this project.") % {"email": email}
        )
    membership = Membership.objects.create(project=project, user=user, role=role)
    if not user.has_usable_password():
        invitation = Invitation.objects.create(
            project=project,
            user=user,
            role=role,
            token=secrets.token_urlsafe(32),
            invited_by=invited_by,
            expires_at=timezone.now() + timedelta(days=settings.INVITATION_DAYS),
        )
        transaction.on_commit(lambda: _send_invitation(invitation, base_url))
    return MemberAdded(membership=membership, invitation=invitation)


def invitation_url(invitation: Invitation, base_url: str = "") -> str:
    """The invitation's link: on CONCORD_SITE_URL when set, else on `base_url` (the address
    the lead's request came to)."""
    path = reverse("invitation-accept", kwargs={"token": invitation.token})
    return f"{settings.SITE_URL or base_url.rstrip('/')}{path}"


def _send_invitation(invitation: Invitation, base_url: str) -> None:
    send_mail(
        subject=_("You are invited to %(project)s on Concord") % {"project": invitation.project},
        message=_(
            "%(inviter)s added you to the research project “%(project)s” as %(role)s.\n\n"
            "Choose your password here (the link expires in %(days)d days):\n%(url)s\n"
        )
        % {
            "inviter": invitation.invited_by,
            "project": invitation.project,
            "role": invitation.get_role_display(),
            "days": settings.INVITATION_DAYS,
            "url": invitation_url(invitation, base_url),
        },
        from_email=None,
        recipient_list=[invitation.user.email],
    )


def invitation_open(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("user", "project")
        .filter(token=token, accepted_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )


@transaction.atomic
def invitation_accept(*, invitation: Invitation, password: str, display_name: str = "") -> User:
    user = invitation.user
    user.set_password(password)
    if display_name:
        user.display_name = display_name
    user.save()
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    # The link came by e-mail, so following it proves the address: single sign-on may then
    # match this account by it (research.auth).
    EmailAddress.objects.update_or_create(
        user=user,
        email__iexact=user.email,
        defaults={"email": user.email, "verified": True, "primary": True},
    )
    return user


def _owners_left(project: Project, excluding: Membership) -> int:
    return project.memberships.filter(role=Role.OWNER).exclude(pk=excluding.pk).count()


@transaction.atomic
def member_change_role(*, membership: Membership, role: str) -> Membership:
    demoting_owner = membership.role == Role.OWNER and role != Role.OWNER
    if demoting_owner and not _owners_left(membership.project, membership):
        raise ValidationError(_("A project needs at least one owner."))
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def member_remove(*, membership: Membership) -> None:
    if membership.role == Role.OWNER and not _owners_left(membership.project, membership):
        raise ValidationError(_("A project needs at least one owner."))
    membership.delete()
