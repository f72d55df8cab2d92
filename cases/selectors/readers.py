"""Whose codings feed a member's numbers where cases are shown (what to call the cases and
documents there is coding.labels' answer)."""

from __future__ import annotations

from research.access import Capability, has_capability, sees_all_codings
from research.models import Membership


def result_coder_scope(membership: Membership) -> int | None:
    """The only coder whose codings may feed this member's numbers, or None for everyone's."""
    if sees_all_codings(membership) or not has_capability(membership, Capability.CODE):
        return None
    return membership.user_id
