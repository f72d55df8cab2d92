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

from research.audit import audit_record
from research.models import (
    AuditAction,
    FormerMember,
    Invitation,
    Membership,
    Project,
    Role,
    User,
)


@transaction.atomic
def project_create(*, owner: User, title: str, **fields) -> Project:
    project = Project.objects.create(title=title, **fields)
    Membership.objects.create(project=project, user=owner, role=Role.OWNER)
    return project


@transaction.atomic
def project_update(*, project: Project, by: User | None = None, **fields) -> Project:
    """Change the project's settings; turning blind coding off (unblinding) or on again goes
    on the audit trail."""
    was_blind = project.blind_coding
    for name, value in fields.items():
        setattr(project, name, value)
    project.full_clean()
    project.save()
    if project.blind_coding != was_blind:
        action = AuditAction.BLIND if project.blind_coding else AuditAction.UNBLIND
        audit_record(project=project, actor=by, action=action, target=project.title)
    return project


def project_archive(*, project: Project, archived: bool = True) -> Project:
    project.archived_at = timezone.now() if archived else None
    project.save(update_fields=["archived_at"])
    return project


@transaction.atomic
def project_delete(*, project: Project, by: User | None = None) -> None:
    """Delete the project and everything in it; its stored files go once the delete commits.

    Codes are RESTRICTed (a used code cannot be deleted on its own), which still lets the
    project's cascade take codes, codings and excerpts together. The former members'
    pseudonymous accounts go with it. The audit trail keeps the deletion (its rows outlive
    the project until the retention period ends).
    """
    files = [name for d in project.documents.exclude(original="") if (name := d.original.name)]
    placeholders = list(project.former_members.values_list("placeholder_id", flat=True))
    audit_record(
        project=project,
        actor=by,
        action=AuditAction.PROJECT_DELETE,
        target=project.title,
        target_id=project.code,
        detail={"documents": len(files)},
    )
    project.delete()
    User.objects.filter(pk__in=placeholders, is_active=False).delete()

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
    audit_record(
        project=project,
        actor=invited_by,
        action=AuditAction.MEMBER_ADD,
        target=user.name,
        target_id=user.pk,
        detail={"role": role, "invited": not user.has_usable_password()},
    )
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
def member_change_role(*, membership: Membership, role: str, by: User | None = None) -> Membership:
    demoting_owner = membership.role == Role.OWNER and role != Role.OWNER
    if demoting_owner and not _owners_left(membership.project, membership):
        raise ValidationError(_("A project needs at least one owner."))
    before, membership.role = membership.role, role
    membership.save(update_fields=["role"])
    if before != role:
        audit_record(
            project=membership.project_id,
            actor=by,
            action=AuditAction.MEMBER_ROLE,
            target=membership.user.name,
            target_id=membership.user_id,
            detail={"from": before, "to": role},
        )
    return membership


def _former_member(project: Project, user: User) -> FormerMember:
    """The member's pseudonym in the project: the one they had if removed before, else the
    next number (the caller holds the project's row lock, so two removals at once cannot
    take the same one)."""
    former = FormerMember.objects.filter(project=project, user_id=user.pk).first()
    if former is not None:
        return former
    number = (
        project.former_members.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    placeholder = User.objects.create_user(
        email=f"former-coder-{number}.{project.code}@concord.invalid",
        display_name=_("Former coder %(number)d") % {"number": number},
        is_active=False,
    )
    placeholder.set_unusable_password()
    placeholder.save(update_fields=["password"])
    return FormerMember.objects.create(
        project=project, number=number, user_id=user.pk, placeholder=placeholder
    )


def account_forget(*, user: User) -> bool:
    """Remove the personal data of an account that belongs to no project any more.

    The row stays (their audit entries, and rows in other tables that point at it, keep a
    valid reference) but holds nothing personal: the e-mail address, names and password go
    and it cannot sign in. Staff accounts (server administrators) are left alone.
    """
    if user.is_staff or user.is_superuser or user.memberships.exists():
        return False
    user.email = user.username = f"removed-{user.pk}@concord.invalid"
    user.display_name = user.first_name = user.last_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    user.invitations.all().delete()
    return True


@transaction.atomic
def member_remove(
    *, membership: Membership, by: User | None = None, codings_deleted: bool = False
) -> FormerMember:
    """Remove the member; the pseudonym their kept codings move to is returned.

    Moving (or deleting) the codings themselves is the coding app's part
    (`study.members.member_remove` does both in one transaction); this records the former
    member, the audit entry, and forgets the account when it has no project left.
    """
    project = membership.project
    # Lock order: the project row, then the membership. Two owners removing each other at
    # once cannot leave the project without one, and a double click removes once.
    Project.objects.select_for_update().filter(pk=project.pk).first()
    if not Membership.objects.select_for_update().filter(pk=membership.pk).exists():
        raise ValidationError(_("%(user)s is no longer a member.") % {"user": membership.user})
    if membership.role == Role.OWNER and not _owners_left(project, membership):
        raise ValidationError(_("A project needs at least one owner."))
    user = membership.user
    former = _former_member(project, user)
    if codings_deleted and not former.codings_deleted:
        former.codings_deleted = True
        former.save(update_fields=["codings_deleted"])
    membership.delete()
    Invitation.objects.filter(project=project, user=user).delete()
    audit_record(
        project=project,
        actor=by,
        action=AuditAction.MEMBER_REMOVE,
        target=former.placeholder.name,
        target_id=user.pk,
        detail={
            "role": membership.role,
            "codings": "deleted" if codings_deleted else "kept",
            "account_forgotten": account_forget(user=user),
        },
    )
    return former
