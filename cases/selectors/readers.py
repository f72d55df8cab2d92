"""What a member may see where cases are shown: pseudonyms instead of names, document names
that do not give a municipality away, and whose codings feed the member's numbers."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.models import CaseSettings
from coding.models import Document
from research.access import Capability, has_capability, sees_all_codings
from research.models import Membership


def case_settings_of(project) -> CaseSettings:
    return CaseSettings.objects.filter(project=project).first() or CaseSettings(project=project)


def anonymized_for(membership: Membership, settings_row: CaseSettings | None = None) -> bool:
    """Readers without MANAGE see pseudonyms only when the project anonymizes cases."""
    settings_row = settings_row or case_settings_of(membership.project)
    return settings_row.anonymize and not has_capability(membership, Capability.MANAGE)


@dataclass
class DocumentNames:
    """What to call a document where cases are shown. Titles often carry the municipality's
    real name ("Smart Fjellstad 2022–2026"), so readers who see pseudonyms get the kind and an
    ordinal instead ("Strategy document 2 (12 pages)"). Call it with a document."""

    anonymize: bool
    ordinals: dict[int, int] = field(default_factory=dict)

    def __call__(self, document: Document) -> str:
        if not self.anonymize:
            return document.title
        name = _("%(kind)s %(number)s") % {
            "kind": document.get_kind_display(),
            "number": self.ordinals.get(document.pk, "?"),
        }
        if not document.page_count:
            return name
        pages = ngettext("%(count)d page", "%(count)d pages", document.page_count) % {
            "count": document.page_count
        }
        return f"{name} ({pages})"


def document_names(*, project, anonymize: bool) -> DocumentNames:
    """Numbers each kind's documents in upload order, so a document keeps its number on every
    page (1 query when anonymized, none otherwise)."""
    if not anonymize:
        return DocumentNames(anonymize=False)
    counters: dict[str, int] = defaultdict(int)
    ordinals = {}
    for pk, kind in (
        Document.objects.filter(project=project).order_by("pk").values_list("pk", "kind")
    ):
        counters[kind] += 1
        ordinals[pk] = counters[kind]
    return DocumentNames(anonymize=True, ordinals=ordinals)


def result_coder_scope(membership: Membership) -> int | None:
    """The only coder whose codings may feed this member's numbers, or None for everyone's."""
    if sees_all_codings(membership) or not has_capability(membership, Capability.CODE):
        return None
    return membership.user_id
