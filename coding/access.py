"""Per-object doors for the coding app's objects. They only compose the policy in
research/access.py with this app's querysets; every rule is decided there."""

from __future__ import annotations

import uuid

from coding.models import AgreementRun, Assignment, Document, Excerpt
from research import access
from research.models import Membership


def access_document(membership: Membership, code: uuid.UUID | str) -> Document:
    return access.access_object(membership, Document.objects.all(), code=code)


def access_excerpt(
    membership: Membership, code: uuid.UUID | str, *, for_edit: bool = False
) -> Excerpt:
    """The excerpt if the member may see it (or, with for_edit, change it); others' excerpts
    hidden by blind coding answer 404, exactly like missing ones."""
    excerpts = access.limit_to_scope(
        Excerpt.objects.select_related("document"), membership, for_edit=for_edit
    )
    return access.access_object(membership, excerpts, project_field="document__project", code=code)


def access_run(membership: Membership, code: uuid.UUID | str) -> AgreementRun:
    return access.access_object(membership, AgreementRun.objects.all(), code=code)


def may_code_document(membership: Membership, document: Document) -> bool:
    if document.project_id != membership.project_id:
        return False
    # Ask the database about the assignment only when the answer depends on it.
    if access.may_code_document(membership, assigned=False):
        return True
    assigned = Assignment.objects.filter(document=document, coder_id=membership.user_id).exists()
    return access.may_code_document(membership, assigned=assigned)
