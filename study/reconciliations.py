"""Reconciliations in the project export and its restore: every round with its documents,
candidates (their stored sources), decisions (undone ones too) and comments.

People are named by e-mail and excerpts and codes by their public UUIDs (which a restore
keeps), so no internal id is in the file; the candidates' sources name coders by e-mail too.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from coding.models import (
    Candidate,
    CandidateComment,
    CandidateKind,
    Decision,
    DecisionKind,
    DocumentState,
    ReconcilerMode,
    Reconciliation,
    ReconciliationDocument,
)
from research.models import FormerMember, Project, User


def _email(user: User | None) -> str | None:
    return user.email if user is not None else None


def _when(value) -> str | None:
    return value.isoformat() if value else None


def reconciliations_export(project: Project) -> list[dict[str, Any]]:
    emails = dict(User.objects.filter(memberships__project=project).values_list("pk", "email"))
    emails.update(
        User.objects.filter(excerpts__document__project=project).values_list("pk", "email")
    )
    # Former members' stand-ins, whose codings may have been deleted with them.
    emails.update(
        FormerMember.objects.filter(project=project).values_list(
            "placeholder_id", "placeholder__email"
        )
    )
    comments: dict[int, list[dict[str, Any]]] = {}
    for c in CandidateComment.objects.filter(
        candidate__item__reconciliation__project=project
    ).select_related("author"):
        comments.setdefault(c.candidate_id, []).append(
            {"author": _email(c.author), "text": c.text, "at": _when(c.at)}
        )
    decisions: dict[int, list[dict[str, Any]]] = {}
    for d in Decision.objects.filter(
        candidate__item__reconciliation__project=project
    ).select_related("decided_by", "undone_by"):
        decisions.setdefault(d.candidate_id, []).append(
            {
                "kind": d.kind,
                "kept_coders": sorted(emails[pk] for pk in d.kept_coders),
                "reason": d.reason,
                "against_every_coder": d.against_every_coder,
                "follows": sorted(emails[pk] for pk in d.follows),
                "consensus": list(d.consensus),
                "batch": str(d.batch) if d.batch else None,
                "decided_by": _email(d.decided_by),
                "decided_at": _when(d.decided_at),
                "undone_by": _email(d.undone_by),
                "undone_at": _when(d.undone_at),
            }
        )
    candidates: dict[int, list[dict[str, Any]]] = {}
    for c in Candidate.objects.filter(item__reconciliation__project=project):
        candidates.setdefault(c.item_id, []).append(
            {
                "code": str(c.code),
                "position": c.position,
                "kind": c.kind,
                "start": c.start,
                "end": c.end,
                "superseded": c.superseded,
                "version": c.version,
                "sources": [{**s, "coder": emails[s["coder"]]} for s in c.sources],
                "decisions": decisions.get(c.pk, []),
                "comments": comments.get(c.pk, []),
            }
        )
    items: dict[int, list[dict[str, Any]]] = {}
    for i in ReconciliationDocument.objects.filter(reconciliation__project=project).select_related(
        "document"
    ):
        items.setdefault(i.reconciliation_id, []).append(
            {
                "document": str(i.document.code),
                "state": i.state,
                "active": i.active,
                "candidates": candidates.get(i.pk, []),
            }
        )
    return [
        {
            "code": str(r.code),
            "coders": sorted(u.email for u in r.coders.all()),
            "reconcilers": r.reconcilers,
            "overlap": r.overlap,
            "opened_by": _email(r.opened_by),
            "opened_at": _when(r.opened_at),
            "closed_at": _when(r.closed_at),
            "documents": sorted(items.get(r.pk, []), key=lambda i: i["document"]),
        }
        for r in Reconciliation.objects.filter(project=project)
        .select_related("opened_by")
        .prefetch_related("coders")
        .order_by("opened_at", "code")
    ]


def reconciliations_restore(restore: Any, project: Project) -> None:
    """Recreate the file's reconciliations; `restore` is the running restore (its people,
    documents, `find`, `_choice`, `_when`). Exports made before reconciliation have none."""
    # Imported here: study.restore imports this module (and study.export, which imports it too).
    from study.restore import _choice, _uuid
    from study.restore import _when as when

    for r in restore.data.get("reconciliations", []):
        reconciliation = Reconciliation.objects.create(
            code=_uuid(r["code"]),
            project=project,
            reconcilers=_choice(r["reconcilers"], ReconcilerMode.values, _("reconcilers")),
            overlap=float(r["overlap"]),
            opened_by=restore.user(r["opened_by"]),
            opened_at=when(r["opened_at"]),
            closed_at=when(r["closed_at"]),
        )
        reconciliation.coders.set([restore.user(email) for email in r["coders"]])
        for i in r["documents"]:
            item = ReconciliationDocument.objects.create(
                reconciliation=reconciliation,
                document=restore.find(restore.documents, i["document"], _("document")),
                state=_choice(i["state"], DocumentState.values, _("document state")),
                active=bool(i["active"]),
            )
            for c in i["candidates"]:
                _candidate(restore, item, c, _choice, _uuid, when)


def _candidate(restore: Any, item, c: dict, choice, to_uuid, when) -> None:
    candidate = Candidate.objects.create(
        code=to_uuid(c["code"]),
        item=item,
        position=int(c["position"]),
        kind=choice(c["kind"], CandidateKind.values, _("candidate kind")),
        start=int(c["start"]),
        end=int(c["end"]),
        superseded=bool(c["superseded"]),
        version=int(c["version"]),
        sources=[{**s, "coder": restore.user(s["coder"]).pk} for s in c["sources"]],
    )
    Decision.objects.bulk_create(
        Decision(
            candidate=candidate,
            kind=choice(d["kind"], DecisionKind.values, _("decision")),
            kept_coders=sorted(restore.user(e).pk for e in d["kept_coders"]),
            reason=d["reason"],
            against_every_coder=bool(d["against_every_coder"]),
            follows=sorted(restore.user(e).pk for e in d["follows"]),
            consensus=[str(to_uuid(u)) for u in d["consensus"]],
            batch=to_uuid(d["batch"]) if d["batch"] else None,
            decided_by=restore.user(d["decided_by"]),
            decided_at=when(d["decided_at"]),
            undone_by=restore.user(d["undone_by"]),
            undone_at=when(d["undone_at"]),
        )
        for d in c["decisions"]
    )
    CandidateComment.objects.bulk_create(
        CandidateComment(
            candidate=candidate, author=restore.user(m["author"]), text=m["text"], at=when(m["at"])
        )
        for m in c["comments"]
    )
