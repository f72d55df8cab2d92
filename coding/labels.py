"""What to call a document or a case where a person reads it: the one place every page and
export asks (`document_label`, `case_label`, or a `Labels` for many at once).

A project may show pseudonyms only (`Project.anonymize`). Then coders and viewers on its pages,
and every export that leaves the tool (retrieval, explore and agreement files, REFI-QDA, the
cases table, matrices), see each case's pseudonym ("Case 12" when it has none) instead of its
name, and each document by its kind and a number instead of its title, because titles often
carry a municipality's or an informant's name ("Smart Fjellstad 2022–2026" becomes "Strategy
document 2 (12 pages)"). Leads and owners still see both on the pages
(`research.access.sees_real_names`). The project export (JSON) is the owners' backup that
restores the project whole, so it keeps the titles and names (and the setting).

Documents are numbered per kind in upload order, so a document keeps its number on every page
and in every export: one query, made the first time a page names a document under a disguise,
and never when it shows titles. Cases are duck-typed (`name`, `pseudonym`, `pk`): coding may not
import the cases app that owns them.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coding.models import Document, DocumentKind
from research.access import sees_real_names
from research.models import Membership, Project

_CACHE = "_concord_labels"  # a membership's Labels, kept on it for the request that loaded it


class Labels:
    """Names documents and cases for one reader (or for exports)."""

    def __init__(self, *, project_id: int, disguise: bool) -> None:
        self.project_id = project_id
        self.disguise = disguise
        self._numbers: dict[int, tuple[int, str, int]] | None = None

    def _documents(self) -> dict[int, tuple[int, str, int]]:
        """Each document's number within its kind, its kind and its page count (1 query)."""
        if self._numbers is None:
            counters: dict[str, int] = defaultdict(int)
            self._numbers = {}
            rows = Document.objects.filter(project_id=self.project_id).order_by("pk")
            for pk, kind, pages in rows.values_list("pk", "kind", "page_count"):
                counters[kind] += 1
                self._numbers[pk] = (counters[kind], kind, pages)
        return self._numbers

    def _ordinal(self, document_id: int) -> int | str:
        found = self._documents().get(document_id)
        return found[0] if found else "?"

    def document_by_id(self, document_id: int, title: str) -> str:
        """A document named by its id and a title kept elsewhere (an agreement run stores
        the titles it read); under a disguise, one the project no longer has is unnamed."""
        if not self.disguise:
            return title
        found = self._documents().get(document_id)
        if found is None:
            return _("A deleted document")
        _number, kind, pages = found
        return self.document_of(pk=document_id, title=title, kind=kind, page_count=pages)

    def document_of(self, *, pk: int, title: str, kind: str, page_count: int = 0) -> str:
        """A document's name from its fields (for exports that read plain values)."""
        if not self.disguise:
            return title
        kind_label = DocumentKind(kind).label if kind in DocumentKind.values else kind
        name = _("%(kind)s %(number)s") % {"kind": kind_label, "number": self._ordinal(pk)}
        if not page_count:
            return name
        pages = ngettext("%(count)d page", "%(count)d pages", page_count) % {"count": page_count}
        return f"{name} ({pages})"

    def document(self, document: Any) -> str:
        # Reads only the title and the id: the kind and pages come with the numbers, so a page
        # that loaded its documents with `.only("title")` loads nothing more per document.
        if not self.disguise:
            return document.title
        return self.document_by_id(document.pk, document.title)

    __call__ = document

    def case(self, case: Any) -> str:
        """The case's pseudonym under a disguise (its number when it has none), else its name."""
        if self.disguise:
            return case.pseudonym or _("Case %(number)s") % {"number": case.pk}
        return case.name


def labels_for(membership: Membership) -> Labels:
    """How this member's pages name documents and cases (kept on the membership object, so a
    page that names many documents numbers them with one query)."""
    found = membership.__dict__.get(_CACHE)
    if found is None:
        found = Labels(project_id=membership.project_id, disguise=not sees_real_names(membership))
        membership.__dict__[_CACHE] = found
    return found


def export_labels(project: Project) -> Labels:
    """How a file that leaves the tool names documents and cases: disguised whenever the
    project shows pseudonyms only, whoever downloads it."""
    return Labels(project_id=project.pk, disguise=project.anonymize)


def document_label(document: Any, membership: Membership) -> str:
    return labels_for(membership).document(document)


def case_label(case: Any, membership: Membership) -> str:
    return labels_for(membership).case(case)
