"""What else points into a document's text when pseudonymisation makes a new version of it:
reconciliation candidates (of open and closed reconciliations) and the disagreements that
agreement runs stored. Both move through the same offset map as the excerpts
(mapping.Pseudonymised.move), so a candidate or a disagreement covers the same (replaced) words
afterwards, and the words and titles they keep are pseudonymised too.

Lock order. A reconciliation decision locks its candidate, then the document (share) and the
excerpts (coding/reconcile/services.py). Pseudonymisation therefore locks the document's
candidates first, in primary-key order (`candidates_lock`), then the document row, then its
excerpts; a candidate created in between (a reconciliation opened meanwhile) is refused with
"try again" rather than locked out of order. Agreement runs are not locked: their stored
results change only when their job finishes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from coding.models import AgreementCodeResult, AgreementRun, Candidate, Document
from coding.pseudonyms.mapping import Pseudonymised

Replace = Callable[[str], str]
Moved = dict[str, tuple[int, int]]  # excerpt UUID → (version before, version after)


def candidates_lock(*, document_id: int) -> list[int]:
    """Lock the document's candidates (every reconciliation, open or closed); their ids."""
    rows = Candidate.objects.select_for_update().filter(item__document_id=document_id)
    return list(rows.order_by("pk").values_list("pk", flat=True))


def candidates_move(*, document: Document, result: Pseudonymised, moved: Moved) -> int:
    """Move the document's candidates and their sources' spans; the number changed. A moved
    candidate gets a new version (a reconciler's page loaded before gets a conflict), and a
    source whose excerpt the move gave a new version records that version, so reopening the
    document finds the same candidate again."""
    changed = []
    for candidate in Candidate.objects.filter(item__document=document).order_by("pk"):
        start, end = result.move(candidate.start, candidate.end)
        sources = [_source_move(s, result, moved) for s in candidate.sources]
        if (start, end, sources) == (candidate.start, candidate.end, candidate.sources):
            continue
        candidate.start, candidate.end, candidate.sources = start, end, sources
        candidate.version += 1
        changed.append(candidate)
    Candidate.objects.bulk_update(changed, ["start", "end", "sources", "version"])
    return len(changed)


def _source_move(source: dict[str, Any], result: Pseudonymised, moved: Moved) -> dict[str, Any]:
    start, end = result.move(source["start"], source["end"])
    out = {**source, "start": start, "end": end, "text": result.text[start:end]}
    before, after = moved.get(str(source.get("excerpt")), (None, None))
    if before is not None and source.get("version") == before:
        out["version"] = after
    return out


def runs_move(*, document: Document, result: Pseudonymised, replace: Replace) -> int:
    """Move the disagreements that agreement runs stored for this document (their spans and
    their excerpts' spans) and pseudonymise the title they kept; the number of runs changed."""
    changed = 0
    runs = AgreementRun.objects.filter(project_id=document.project_id).order_by("pk")
    for run in runs.only("pk", "params"):
        if document.pk not in (run.params.get("spec") or {}).get("documents", []):
            continue
        changed += _run_move(run.pk, document, result, replace)
    return changed


def _run_move(run_id: int, document: Document, result: Pseudonymised, replace: Replace) -> int:
    excerpt_ids: set[str] = set()
    rows = []
    for row in AgreementCodeResult.objects.filter(run_id=run_id).order_by("pk"):
        stored = row.disagreements
        if isinstance(stored, list):  # runs stored before the compact form
            new: Any = [_spelled_out_move(d, document, result, replace) for d in stored]
        elif stored:
            new = _compact_move(stored, document, result, replace, excerpt_ids)
        else:
            continue
        if new != stored:
            row.disagreements = new
            rows.append(row)
    AgreementCodeResult.objects.bulk_update(rows, ["disagreements"])
    if not excerpt_ids:
        return int(bool(rows))
    run = AgreementRun.objects.only("pk", "disagreement_excerpts").get(pk=run_id)
    named = dict(run.disagreement_excerpts or {})
    for key in excerpt_ids & set(named):
        uuid, start, end, codes = named[key]
        named[key] = [uuid, *result.move(start, end), codes]
    AgreementRun.objects.filter(pk=run_id).update(disagreement_excerpts=named)
    return 1


def _compact_move(
    stored: dict[str, Any],
    document: Document,
    result: Pseudonymised,
    replace: Replace,
    excerpt_ids: set[str],
) -> dict[str, Any]:
    items = []
    for item in stored["items"]:
        document_id, start, end, page, values, ids_per_coder = item
        if document_id == document.pk:
            start, end = result.move(start, end)
            excerpt_ids.update(str(i) for ids in ids_per_coder for i in ids)
        items.append([document_id, start, end, page, values, ids_per_coder])
    documents = dict(stored.get("documents") or {})
    key = str(document.pk)
    if key in documents:
        uuid, title = documents[key]
        documents[key] = [uuid, replace(title)]
    return {**stored, "items": items, "documents": documents}


def _spelled_out_move(
    item: dict[str, Any], document: Document, result: Pseudonymised, replace: Replace
) -> dict[str, Any]:
    if item.get("document") != str(document.code):
        return item
    start, end = result.move(item["start"], item["end"])
    coders = [
        {
            **coder,
            "excerpts": [
                {**e, **dict(zip(("start", "end"), result.move(e["start"], e["end"]), strict=True))}
                for e in coder.get("excerpts", [])
            ],
        }
        for coder in item.get("coders", [])
    ]
    return {
        **item,
        "start": start,
        "end": end,
        "title": replace(item.get("title", "")),
        "context": replace(item.get("context", "")),
        "coders": coders,
    }
