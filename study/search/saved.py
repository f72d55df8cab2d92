"""Saved searches: saving one, and rerunning it to see the hits new to the member.

A look (SavedSearchLook) keeps, per document, the text version and the hits' offsets the
member saw. Rerunning compares the current hits with it: a hit is new when its document was
not among the results, its text has changed since (a new text version moves offsets), or its
offsets were not among the hits then. Each run records the new look.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coding.models import Document
from research.models import Membership
from study.models import SavedSearch, SavedSearchLook
from study.search.query import QueryError, parse_query
from study.search.selectors import HITS_SHOWN, DocumentHits

FILTERS = ("kind", "case", "document_set", "document", "with_code", "where", "coder")


@transaction.atomic
def saved_search_create(
    *, membership: Membership, name: str, query: str, filters: dict[str, str]
) -> SavedSearch:
    name = name.strip()
    if not name:
        raise ValidationError(_("Give the search a name."))
    try:
        parse_query(query)
    except QueryError:
        raise ValidationError(
            _("Type a word to search for: the query holds no letters or digits.")
        ) from None
    try:
        with transaction.atomic():
            return SavedSearch.objects.create(
                project=membership.project,
                name=name,
                query=query,
                filters={key: str(filters.get(key) or "") for key in FILTERS},
                created_by=membership.user,
            )
    except IntegrityError:
        raise ValidationError(
            _("There is already a saved search named “%(name)s”.") % {"name": name}
        ) from None


@dataclass
class Rerun:
    results: list[DocumentHits]  # with only the new hits unless all were asked for
    new: int  # hits new to the member
    total: int  # hits in all
    previous: datetime | None  # the member's last look before this one (None: the first)


def _seen_hits(results: list[DocumentHits]) -> dict[str, dict]:
    versions = dict(
        Document.objects.filter(pk__in=[r.document.pk for r in results]).values_list(
            "pk", "text_version"
        )
    )
    return {
        str(r.document.code): {
            "v": versions.get(r.document.pk),
            "hits": [f"{hit.start}:{hit.end}" for hit in r.hits],
        }
        for r in results
    }


@transaction.atomic
def saved_search_rerun(
    *, search: SavedSearch, user, results: list[DocumentHits], show_all: bool = False
) -> Rerun:
    """Compare `results` (the search run now, every hit) with the member's last look, and
    record this look. Returns the results with only the new hits unless `show_all`."""
    look = SavedSearchLook.objects.select_for_update().filter(search=search, user=user).first()
    before = look.seen if look is not None else {}
    now_seen = _seen_hits(results)
    shown, new = [], 0
    for result in results:
        doc_code = str(result.document.code)
        then = before.get(doc_code)
        if then is None or then["v"] != now_seen[doc_code]["v"]:
            fresh = result.hits  # new to the search, or its text changed: every hit is new
        else:
            old = set(then["hits"])
            fresh = [hit for hit in result.hits if f"{hit.start}:{hit.end}" not in old]
        new += len(fresh)
        hits = result.hits if show_all else fresh
        if hits:
            shown.append(
                DocumentHits(document=result.document, hits=hits[:HITS_SHOWN], count=len(hits))
            )
    previous = look.looked_at if look is not None else None
    SavedSearchLook.objects.update_or_create(
        search=search, user=user, defaults={"seen": now_seen, "looked_at": timezone.now()}
    )
    total = sum(len(result.hits) for result in results)
    return Rerun(results=shown, new=new, total=total, previous=previous)
