"""Every access decision: who may reach a project, an object in it, and what they may do there.

Outsiders get a 404 for anything in a project (never a 403, so a project's existence is not
revealed); members whose role lacks the capability get a 403.

A project may ask its members for a second factor (`Project.require_second_factor`, or every
project when the site sets CONCORD_REQUIRE_2FA). The rule is here, in `access_project`, because
every project page passes through it: a member without a second factor gets
`SecondFactorRequired`, which research.auth.SecondFactorMiddleware answers with a page saying
why and where to set one up. Outsiders still get their 404 first.

How the layer is split. `research` imports no other app, so this module holds the whole POLICY
and the generic doors, and never names a coding or cases model:

- project doors: `access_project` (the membership, or 404 / 403) and `access_results`;
- capability predicates, pure functions of a membership and plain attributes
  (`may_code_document`, `may_create_codes`, `may_edit_excerpt`, `may_see_results`, ...);
- object doors: `access_object` fetches any object through the member's project (another
  project's object is a 404, exactly like a missing one), and `limit_to_scope` narrows a queryset
  of coders' work to what the member may see or edit (the blind-coding rule).

The per-object doors for documents, excerpts, runs, cases and matrices live beside their models
(`coding/access.py`, `cases/access.py`) and only compose these functions with a queryset; they
decide nothing themselves.

Capability table (also in docs/roles.md; `tests/research/test_access.py` checks they agree):

| capability  | owner | lead | coder | viewer |
|-------------|-------|------|-------|--------|
| VIEW        | yes   | yes  | yes   | yes    |
| CODE        | yes   | yes  | yes   |        |
| MANAGE      | yes   | yes  |       |        |
| ADMINISTER  | yes   |      |       |        |
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from typing import TypeVar

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from research import rows
from research.models import Membership, Project, Role, User

M = TypeVar("M", bound=Model)


class Capability(enum.Enum):
    VIEW = "view"  # the project, its documents, codebook, cases and finished results
    CODE = "code"  # code assigned documents and see one's own work
    MANAGE = "manage"  # codebook, documents, cases, agreement runs, matrices, settings, unblinding
    ADMINISTER = "administer"  # members, the audit trail, archive, delete


ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.OWNER: frozenset(Capability),
    Role.LEAD: frozenset({Capability.VIEW, Capability.CODE, Capability.MANAGE}),
    Role.CODER: frozenset({Capability.VIEW, Capability.CODE}),
    Role.VIEWER: frozenset({Capability.VIEW}),
}


class Scope(enum.Enum):
    """How much of the coders' work (excerpts, codings) a member reaches."""

    ALL = "all"
    OWN = "own"
    NONE = "none"


# --- capability predicates -------------------------------------------------------------------


def has_capability(membership: Membership, need: Capability) -> bool:
    return need in ROLE_CAPABILITIES[membership.role]


def roles_with(need: Capability) -> list[str]:
    return [role for role, caps in ROLE_CAPABILITIES.items() if need in caps]


def sees_all_codings(membership: Membership) -> bool:
    """Whether this member may see other coders' raw excerpts (blind mode hides them)."""
    if has_capability(membership, Capability.MANAGE):
        return True
    return not membership.project.blind_coding


def sees_real_names(membership: Membership) -> bool:
    """Whether the member sees documents' titles and cases' names where the project shows
    pseudonyms only (`Project.anonymize`): leads and owners do; coders and viewers see each
    case's pseudonym and each document by its kind and number (coding.labels says how)."""
    return not membership.project.anonymize or has_capability(membership, Capability.MANAGE)


def may_code_document(membership: Membership, *, assigned: bool) -> bool:
    """Leads and owners code any document; coders only the documents assigned to them."""
    if has_capability(membership, Capability.MANAGE):
        return True
    return has_capability(membership, Capability.CODE) and assigned


def may_create_codes(membership: Membership) -> bool:
    """Leads create codes; coders propose them only where the project allows it."""
    if has_capability(membership, Capability.MANAGE):
        return True
    return (
        has_capability(membership, Capability.CODE) and membership.project.coders_may_create_codes
    )


def new_codes_are_proposed(membership: Membership) -> bool:
    """A code created by someone who cannot manage the codebook waits for a lead's acceptance."""
    return not has_capability(membership, Capability.MANAGE)


def may_edit_excerpt(membership: Membership, *, coder_id: int) -> bool:
    """Leads correct anyone's excerpt; coders only their own."""
    if has_capability(membership, Capability.MANAGE):
        return True
    return has_capability(membership, Capability.CODE) and coder_id == membership.user_id


def may_edit_others_excerpts(membership: Membership) -> bool:
    return has_capability(membership, Capability.MANAGE)


def may_see_results(membership: Membership) -> bool:
    """Finished agreement results: leads, owners and viewers; coders only once the project is
    unblinded (before, agreement numbers and disagreements would reveal the others' work)."""
    if has_capability(membership, Capability.MANAGE):
        return True
    is_coder = has_capability(membership, Capability.CODE)
    return not (is_coder and membership.project.blind_coding)


def may_take_part_in_reconciliation(membership: Membership, *, reconciled_coder: bool) -> bool:
    """See a reconciliation's candidates (the coders' spans side by side) and comment on them:
    leads and owners, and the coders whose work is being reconciled; nobody else."""
    if has_capability(membership, Capability.MANAGE):
        return True
    return has_capability(membership, Capability.CODE) and reconciled_coder


def may_decide_candidates(
    membership: Membership, *, reconciled_coder: bool, coders_decide: bool
) -> bool:
    """Decide candidates: leads and owners always; the reconciled coders when the lead opened
    the reconciliation for the coders to decide together."""
    if has_capability(membership, Capability.MANAGE):
        return True
    return has_capability(membership, Capability.CODE) and reconciled_coder and coders_decide


def may_cancel_job(membership: Membership) -> bool:
    return has_capability(membership, Capability.MANAGE)


def may_administer_members(membership: Membership) -> bool:
    """Adding, removing members and changing roles is the owners' alone."""
    return has_capability(membership, Capability.ADMINISTER)


def may_restore_projects(user) -> bool:
    """Restoring a project from an export is for the server's administrators (staff): the file
    names this server's users as members and as the coders of excerpts, so letting any account
    restore one would let it put words in other people's mouths."""
    return bool(user.is_authenticated and user.is_staff)


def codings_scope(membership: Membership, *, for_edit: bool = False) -> Scope:
    """Whose excerpts the member sees (or, with for_edit, may change)."""
    if has_capability(membership, Capability.MANAGE):
        return Scope.ALL
    if not for_edit and sees_all_codings(membership):
        return Scope.ALL
    if has_capability(membership, Capability.CODE):
        return Scope.OWN
    return Scope.NONE


# --- second factor ---------------------------------------------------------------------------


class SecondFactorRequired(PermissionDenied):
    """The project asks for a second factor and the member has none yet."""


def second_factor_required_everywhere() -> bool:
    return bool(settings.REQUIRE_SECOND_FACTOR)


def second_factor_required(project: Project) -> bool:
    """Projects holding transcripts may insist on it; the site may insist for every project."""
    return second_factor_required_everywhere() or project.require_second_factor


def has_second_factor(user) -> bool:
    """An authenticator app (TOTP) or a security key/passkey; recovery codes alone are a
    spare, not a factor one signs in with."""
    kinds = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    return Authenticator.objects.filter(user=user, type__in=kinds).exists()


# --- doors -----------------------------------------------------------------------------------


def access_project(user, project_code: uuid.UUID | str, need: Capability) -> Membership:
    """Return the user's membership of the project, or raise Http404 / PermissionDenied."""
    if not user.is_authenticated:
        raise Http404
    membership = _membership(user, project_code)
    if membership is None:
        raise Http404
    membership.user = user
    if second_factor_required(membership.project) and not has_second_factor(user):
        raise SecondFactorRequired
    if not has_capability(membership, need):
        raise PermissionDenied
    return membership


def _membership(user, project_code: uuid.UUID | str) -> Membership | None:
    """The user's membership of the project, with the project: what
    ``Membership.objects.select_related("project").get(project__code=..., user=user)`` reads
    (one membership per project and user), written out because every project page reads it
    (research/rows.py). The user is the one asked about, already read: not joined again."""
    member, project = rows.columns(Membership, "m"), rows.columns(Project, "p")
    with rows.cursor() as cursor:
        cursor.execute(
            f"SELECT {member.sql}, {project.sql} FROM {rows.table(Membership)} m"  # noqa: S608
            f" JOIN {rows.table(Project)} p ON p.id = m.project_id"
            " WHERE p.code = %s AND m.user_id = %s",
            [rows.param(Project, "code", project_code), user.pk],
        )
        found = cursor.fetchone()
    if found is None:
        return None
    membership = member.build(found[: len(member)])
    membership.project = project.build(found[len(member) :])
    return membership


def access_results(user, project_code: uuid.UUID | str) -> Membership:
    """The membership of someone allowed to read finished agreement results (see
    `may_see_results`), or raise."""
    membership = access_project(user, project_code, Capability.VIEW)
    if not may_see_results(membership):
        raise PermissionDenied
    return membership


def limit_to_scope(
    queryset: QuerySet[M],
    membership: Membership,
    *,
    for_edit: bool = False,
    coder_field: str = "coder",
    unblinded: Q | None = None,
) -> QuerySet[M]:
    """Narrow a queryset of coders' work to what the member may see (or change).

    `unblinded` is the condition under which an open reconciliation shows a coder taking part
    in it more (the reconciled coders' work and the consensus on its documents; the caller's
    app builds it, since only it knows the tables). It applies only where blind mode would
    hide the work, and never widens what one may change.
    """
    scope = codings_scope(membership, for_edit=for_edit)
    if scope is Scope.ALL:
        return queryset
    if scope is Scope.OWN:
        allowed = Q(**{f"{coder_field}_id": membership.user_id})
        if unblinded is not None and not for_edit:
            allowed |= unblinded
        return queryset.filter(allowed)
    return queryset.none()


def access_object(
    membership: Membership, queryset: QuerySet[M], *, project_field: str = "project", **lookup
) -> M:
    """The one object of the member's project matching `lookup`, or Http404: another project's
    object, a missing one and one outside the queryset all look the same."""
    try:
        return queryset.get(**{project_field: membership.project_id}, **lookup)
    except (ObjectDoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


# --- queries ---------------------------------------------------------------------------------


def project_coders(project: Project) -> QuerySet[Membership]:
    """The memberships whose role may code (capability-based, not a list of role names)."""
    return Membership.objects.filter(
        project=project, role__in=roles_with(Capability.CODE)
    ).select_related("user")


def project_coder_users(project: Project) -> QuerySet[User]:
    """The users who may code in the project, by name (for choice fields)."""
    return User.objects.filter(
        memberships__project=project, memberships__role__in=roles_with(Capability.CODE)
    ).order_by("display_name", "email")


# --- templates -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Can:
    """What the member may do, for templates: {% if can.manage %}. Templates never compare
    role names."""

    view: bool
    code: bool
    manage: bool
    administer: bool
    create_codes: bool
    edit_others: bool
    see_all_codings: bool
    see_results: bool
    cancel_job: bool
    administer_members: bool
    new_codes_proposed: bool
    see_real_names: bool


def can_for(membership: Membership) -> Can:
    return Can(
        view=has_capability(membership, Capability.VIEW),
        code=has_capability(membership, Capability.CODE),
        manage=has_capability(membership, Capability.MANAGE),
        administer=has_capability(membership, Capability.ADMINISTER),
        create_codes=may_create_codes(membership),
        edit_others=may_edit_others_excerpts(membership),
        see_all_codings=sees_all_codings(membership),
        see_results=may_see_results(membership),
        cancel_job=may_cancel_job(membership),
        administer_members=may_administer_members(membership),
        new_codes_proposed=new_codes_are_proposed(membership),
        see_real_names=sees_real_names(membership),
    )
