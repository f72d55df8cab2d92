"""Fast reads of excerpts. Every page, fragment, export, count and search that shows excerpts
goes through `visible_excerpts`, so the blind rule lives in one place. The coding view's reads
are in `coding.excerpts.workspace`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Greatest, Substr

from coding.access import reconciliation_unblinds
from coding.models import (
    Assignment,
    Code,
    CodebookChange,
    Coding,
    Document,
    DocumentSet,
    Excerpt,
    ExcerptAction,
    ExcerptChange,
)
from research.access import Capability, has_capability, limit_to_scope, sees_all_codings
from research.models import Membership


def visible_excerpts(*, membership: Membership) -> QuerySet[Excerpt]:
    """All excerpts of the member's project that this member may see.

    Leads and owners, and everyone once the project is not blind, see all excerpts. In a blind
    project a coder sees only their own excerpts and a viewer sees none.
    """
    excerpts = Excerpt.objects.filter(document__project_id=membership.project_id)
    return limit_to_scope(excerpts, membership, unblinded=reconciliation_unblinds(membership))


def code_paths(codes: Sequence[Mapping]) -> dict[int, str]:
    """Full names "A/B/C" of codes given dicts with id, name, parent_id."""
    by_id = {code["id"]: code for code in codes}
    paths: dict[int, str] = {}

    def path_of(code_id: int) -> str:
        if code_id not in paths:
            code = by_id[code_id]
            parent = code["parent_id"]
            prefix = f"{path_of(parent)}/" if parent in by_id else ""
            paths[code_id] = f"{prefix}{code['name']}"
        return paths[code_id]

    for code_id in by_id:
        path_of(code_id)
    return paths


CONTEXT_CHARS = 200  # context shown on each side of a retrieval hit, give or take CONTEXT_SLACK
CONTEXT_SLACK = 30  # how far the context may grow or shrink to end between two words


@dataclass(frozen=True)
class HitContext:
    """The text around a retrieval hit, cut between words; `cut_*` asks for an "…" marker."""

    before: str
    after: str
    cut_before: bool
    cut_after: bool


def _between_words(text: str, ideal: int) -> int:
    """The whitespace nearest to `ideal` within CONTEXT_SLACK, else `ideal` itself (a single
    word longer than that, such as a URL, is cut where it must be)."""
    near = range(max(0, ideal - CONTEXT_SLACK), min(len(text), ideal + CONTEXT_SLACK + 1))
    spaces = [i for i in near if text[i].isspace()]
    return min(spaces, key=lambda i: abs(i - ideal)) if spaces else ideal


def hit_context(*, before: str, after: str, start: int) -> HitContext:
    """Trim the windows `retrieval_excerpts` reads to whole words. `before` is at most
    CONTEXT_CHARS + CONTEXT_SLACK characters (fewer near the document's start); `after` one more,
    so that a full window tells that the document goes on."""
    cut_before = start > len(before)
    if cut_before:
        before = before[_between_words(before, len(before) - CONTEXT_CHARS) :].lstrip()
    cut_after = len(after) > CONTEXT_CHARS + CONTEXT_SLACK
    if cut_after:
        after = after[: _between_words(after, CONTEXT_CHARS)].rstrip()
    return HitContext(before=before, after=after, cut_before=cut_before, cut_after=cut_after)


def _consensus_where_reconciled(project_id: int) -> Q:
    """All coders' excerpts, except that a reconciled document shows its consensus instead
    (as the matrix and the frequency table count it)."""
    # Imported here: the reconcile selectors read code fates from this module.
    from coding.reconcile.selectors import reconciled_documents

    reconciled = reconciled_documents(project_id=project_id)  # a subquery
    coders_work = Q(coder__isnull=False) & ~Q(document_id__in=reconciled)
    return coders_work | Q(coder__isnull=True, document_id__in=reconciled)


def retrieval_reconciled(*, membership: Membership) -> int:
    """How many documents show their consensus in place of the coders' excerpts when all
    coders are retrieved (none for whom blind mode limits to their own). 1 query, or none."""
    if not sees_all_codings(membership):
        return 0
    from coding.reconcile.selectors import reconciled_documents

    return reconciled_documents(project_id=membership.project_id).count()


def retrieval_excerpts(
    *,
    membership: Membership,
    code: Code | None = None,
    descendants: bool = False,
    coder_id: int | None = None,
    kind: str = "",
    document: Document | None = None,
    document_set: DocumentSet | None = None,
    contexts: bool = True,
) -> QuerySet[Excerpt]:
    """Excerpts for retrieval and its exports, with a window of context on each side for
    `hit_context` to trim to whole words (~200 characters each side).

    The windows are cut in the database (Substr counts characters, i.e. code points, on SQLite
    and PostgreSQL alike), so whole document texts never travel to Python. That is cheap for a
    page of 50 hits but not for thousands (PostgreSQL unpacks the whole text per row): the
    exports, which show no context, ask for `contexts=False` and get the bare, ordered rows.
    """
    excerpts = visible_excerpts(membership=membership)
    if code is not None:
        if descendants:
            excerpts = excerpts.filter(
                codings__code__project_id=code.project_id,
                codings__code__path__startswith=code.path,
            )
        else:
            excerpts = excerpts.filter(codings__code=code)
    if coder_id is not None:
        excerpts = excerpts.filter(coder_id=coder_id)
    elif sees_all_codings(membership):
        excerpts = excerpts.filter(_consensus_where_reconciled(membership.project_id))
    if kind:
        excerpts = excerpts.filter(document__kind=kind)
    if document is not None:
        excerpts = excerpts.filter(document=document)
    if document_set is not None:
        # A subquery, not a join: an excerpt is one hit however many sets hold its document.
        excerpts = excerpts.filter(document_id__in=document_set.documents.values("pk"))
    order = ("document__title", "document_id", "start", "end", "pk")
    if not contexts:
        return excerpts.distinct().order_by(*order)
    window = CONTEXT_CHARS + CONTEXT_SLACK
    before_start = Greatest(F("start") - window, Value(0))
    return (
        excerpts.distinct()
        .select_related("document", "coder")
        .defer("document__text")
        .annotate(
            context_before=Substr("document__text", before_start + 1, F("start") - before_start),
            context_after=Substr("document__text", F("end") + 1, window + 1),
        )
        .prefetch_related(
            Prefetch("codings", queryset=Coding.objects.only("excerpt_id", "code_id"))
        )
        .order_by(*order)
    )


def my_assignments(*, membership: Membership) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(document__project_id=membership.project_id)
        .filter(coder_id=membership.user_id)
        .select_related("document")
        .defer("document__text")
        .order_by("document__title", "document_id")
    )


def assignment_matrix(*, project) -> tuple[list[Document], list[Membership], set[tuple[int, int]]]:
    """Documents × coders and which pairs are assigned (3 queries)."""
    documents = list(
        Document.objects.filter(project=project)
        .only("id", "code", "title", "kind")
        .order_by("title", "pk")
    )
    coders = [
        m
        for m in Membership.objects.filter(project=project)
        .select_related("user")
        .order_by("user__display_name", "user__email")
        if has_capability(m, Capability.CODE)
    ]
    assigned = set(
        Assignment.objects.filter(document__project=project).values_list("document_id", "coder_id")
    )
    return documents, coders, assigned


def excerpt_editor_codes(*, excerpt: Excerpt) -> list[dict]:
    """The excerpt's codes as the coding view's editor lists them: full paths "A/B/C" in
    codebook order. Queries: the codebook's names (1), the excerpt's codes (1)."""
    project_id = excerpt.document.project_id
    names = Code.objects.filter(project_id=project_id).values("id", "name", "parent_id")
    paths = code_paths([dict(row) for row in names])
    return [
        {"id": code.pk, "code": str(code.code), "path": paths[code.pk]}
        for code in excerpt.codes.order_by("path")
    ]


# --- excerpt history ----------------------------------------------------------------------------


def excerpt_history(*, excerpt_code, limit: int = 5) -> list[dict]:
    """Who changed the excerpt and how, newest first (one query)."""
    changes = (
        ExcerptChange.objects.filter(excerpt_code=excerpt_code)
        .select_related("user")
        .order_by("-pk")[:limit]
    )
    return [history_entry(change) for change in changes]


def history_entry(change: ExcerptChange) -> dict:
    """One change of an excerpt as its history shows it (reads `change.user`)."""
    return {
        "action": change.action,
        # The label of its action, not get_action_display(): that hashes every choice's lazy
        # label (translating each) to find one, on every write's answer.
        "label": str(ExcerptAction(change.action).label)
        if change.action in ExcerptAction.values
        else change.action,
        "by": change.user.name if change.user else "",
        "at": change.at.isoformat(),
        "version": change.version,
        "changed": sorted(
            key
            for key in {*change.before, *change.after}
            if key != "version" and change.before.get(key) != change.after.get(key)
        ),
    }


def excerpt_deletion(*, project, excerpt_code) -> ExcerptChange | None:
    """The delete that removed this excerpt, if its latest change is one (else None)."""
    latest = (
        ExcerptChange.objects.filter(project=project, excerpt_code=excerpt_code)
        .select_related("user", "document")
        .order_by("-pk")
        .first()
    )
    return latest if latest is not None and latest.action == ExcerptAction.DELETE else None


def excerpt_last_deleted(*, project, user) -> ExcerptChange | None:
    """The member's latest excerpt deletion in the project, while it is not restored: what
    "Undo delete" brings back (one query)."""
    latest = (
        ExcerptChange.objects.filter(project=project, user=user, action=ExcerptAction.DELETE)
        .annotate(back=Exists(Excerpt.objects.filter(code=OuterRef("excerpt_code"))))
        .order_by("-pk")
        .first()
    )
    return None if latest is None or latest.back else latest


@dataclass(frozen=True)
class CodeFate:
    """What became of a code that is no longer in the codebook."""

    name: str  # its name when it went away
    target: Code | None  # the code it was merged into (following later merges); None: deleted


def code_fates(*, project_id: int, uuids: Iterable) -> dict[str, CodeFate]:
    """For codes missing from the codebook, read the codebook's log: merged codes lead to the
    code they were merged into (through any later merges), deleted ones to None. Codes the log
    does not know are left out. Undone merges and deletes are skipped (the code is back).

    Queries: the log's merges, deletes and undos (1), the surviving targets (1). Used only when
    a write names a code that has gone, so the log is read whole."""
    wanted = {str(u) for u in uuids}
    if not wanted:
        return {}
    log = list(
        CodebookChange.objects.filter(
            project_id=project_id, action__in=("merge", "delete", "undo")
        ).values("pk", "action", "before", "after")
    )
    undone = {row["before"].get("change") for row in log if row["action"] == "undo"}
    # Latest first, so the first entry naming a code is what last happened to it.
    gone_by_uuid: dict[str, dict] = {}
    gone_by_pk: dict[int, dict] = {}
    for row in sorted(log, key=lambda r: -r["pk"]):
        if row["action"] == "undo" or row["pk"] in undone:
            continue
        snapshot = row["before"].get("source" if row["action"] == "merge" else "code") or {}
        if "code" not in snapshot or "pk" not in snapshot:
            continue
        entry = {
            "name": snapshot.get("name", ""),
            "target": row["after"].get("target") if row["action"] == "merge" else None,
        }
        gone_by_uuid.setdefault(snapshot["code"], entry)
        gone_by_pk.setdefault(snapshot["pk"], entry)
    ends: dict[str, int | None] = {}
    for uuid in wanted & set(gone_by_uuid):
        target, seen = gone_by_uuid[uuid]["target"], set()
        # A target merged away later leads on to where that one went.
        while target in gone_by_pk and target not in seen:
            seen.add(target)
            target = gone_by_pk[target]["target"]
        ends[uuid] = target
    targets = Code.objects.in_bulk([t for t in ends.values() if t is not None])
    return {
        uuid: CodeFate(name=gone_by_uuid[uuid]["name"], target=targets.get(target))
        for uuid, target in ends.items()
    }
