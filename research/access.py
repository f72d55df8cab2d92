"""The one door to project-scoped objects.

Every view reaches a project through `access_project`, which returns the caller's membership or
raises. Outsiders get a 404 for anything in a project (never a 403, so a project's existence is
not revealed); members whose role lacks the capability get a 403.

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

from django.core.exceptions import PermissionDenied
from django.http import Http404

from research.models import Membership, Project, Role


class Capability(enum.Enum):
    VIEW = "view"  # the project, its documents, codebook, cases and finished results
    CODE = "code"  # code assigned documents and see one's own work
    MANAGE = "manage"  # codebook, documents, cases, agreement runs, matrices, settings, unblinding
    ADMINISTER = "administer"  # members, archive, delete


ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.OWNER: frozenset(Capability),
    Role.LEAD: frozenset({Capability.VIEW, Capability.CODE, Capability.MANAGE}),
    Role.CODER: frozenset({Capability.VIEW, Capability.CODE}),
    Role.VIEWER: frozenset({Capability.VIEW}),
}


def has_capability(membership: Membership, need: Capability) -> bool:
    return need in ROLE_CAPABILITIES[membership.role]


def sees_all_codings(membership: Membership) -> bool:
    """Whether this member may see other coders' raw excerpts (blind mode hides them)."""
    if has_capability(membership, Capability.MANAGE):
        return True
    return not membership.project.blind_coding


def access_project(user, project_code: uuid.UUID | str, need: Capability) -> Membership:
    """Return the user's membership of the project, or raise Http404 / PermissionDenied."""
    if not user.is_authenticated:
        raise Http404
    membership = (
        Membership.objects.select_related("project", "user")
        .filter(project__code=project_code, user=user)
        .first()
    )
    if membership is None:
        raise Http404
    if not has_capability(membership, need):
        raise PermissionDenied
    return membership


def capabilities_of(membership: Membership) -> dict[str, bool]:
    """Template-friendly flags: {{ can.manage }} etc."""
    return {cap.value: has_capability(membership, cap) for cap in Capability}


__all__ = [
    "Capability",
    "Project",
    "access_project",
    "capabilities_of",
    "has_capability",
    "sees_all_codings",
]
