"""Codebook reads: the tree in display order, counts by aggregate queries, paths, snapshots.

The codebook page costs a fixed number of queries whatever the size of the codebook: one for
the codes, one or two aggregates for the counts (see `codebook_counts`).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from coding.codebook_io import CodeNode, guid_key, iter_codes
from coding.models import Code, CodebookChange, CodebookVersion, CodeStatus, Coding
from research import rows
from research.access import sees_all_codings
from research.models import Membership, User


def _ordered(codes: list[Code]) -> list[Code]:
    """Pre-order by position among siblings (paths hold ids, not positions)."""
    children: dict[int | None, list[Code]] = defaultdict(list)
    for code in codes:
        children[code.parent_id].append(code)
    for siblings in children.values():
        siblings.sort(key=lambda c: (c.position, c.name, c.pk))
    ordered: list[Code] = []
    stack = list(reversed(children[None]))
    while stack:
        code = stack.pop()
        code.child_count = len(children[code.pk])  # type: ignore[attr-defined]  # for the page
        ordered.append(code)
        stack.extend(reversed(children[code.pk]))
    return ordered


def visible_codes(*, membership: Membership) -> QuerySet[Code]:
    """The project's codes this member may see. A code another coder proposed while coding is
    named after the passage they marked, so in a blind project it is hidden, like their
    excerpts, from members who may not see others' codings (leads see it; everyone once the
    project is unblinded). Codes below a hidden code are hidden with it by `codebook_tree`."""
    codes = Code.objects.filter(project_id=membership.project_id)
    if sees_all_codings(membership):
        return codes
    return codes.filter(~Q(status=CodeStatus.PROPOSED) | Q(created_by_id=membership.user_id))


def visible_codes_by_uuid(*, membership: Membership, uuids: list) -> list[Code]:
    """``visible_codes(membership=...).filter(code__in=uuids).order_by("path")``, written out:
    every coding write reads the codes it applies so, and through the ORM the query costs more
    Python to build than the database spends on it (research/rows.py). The rule is
    `visible_codes`'s; tests/coding/excerpts/test_blind_proposals.py holds both to it."""
    if not uuids:
        return []
    read = rows.columns(Code, "c")
    where = f"c.project_id = %s AND c.code IN ({', '.join(['%s'] * len(uuids))})"
    params = [membership.project_id, *(rows.param(Code, "code", u) for u in uuids)]
    if not sees_all_codings(membership):
        where += " AND (NOT c.status = %s OR c.created_by_id = %s)"
        params += [CodeStatus.PROPOSED.value, membership.user_id]
    with rows.cursor() as cursor:
        cursor.execute(
            f"SELECT {read.sql} FROM {rows.table(Code)} c WHERE {where} ORDER BY c.path",  # noqa: S608
            params,
        )
        return [read.build(row) for row in cursor.fetchall()]


def codebook_tree(*, project, visible_to: Membership | None = None) -> list[Code]:
    """Every code of the project in tree order (parents first, siblings by position), each with
    its `depth` and a `child_count`; with `visible_to`, only what that member may see (see
    `visible_codes`). One query."""
    codes: QuerySet[Code] = Code.objects.filter(project=project)
    if visible_to is not None:
        codes = visible_codes(membership=visible_to)
    return _ordered(list(codes))


def code_subtree_ids(*, code: Code) -> list[int]:
    """The code's id and the ids of everything below it (one prefix query)."""
    return list(Code.objects.subtree(code).values_list("pk", flat=True))


def codebook_paths(*, project) -> dict[tuple[str, ...], Code]:
    """Each code by its name path, e.g. ("Actors", "Academia")."""
    result: dict[tuple[str, ...], Code] = {}
    by_pk: dict[int, tuple[str, ...]] = {}
    for code in codebook_tree(project=project):
        path = (by_pk[code.parent_id] if code.parent_id else ()) + (code.name,)
        by_pk[code.pk] = path
        result[path] = code
    return result


def codebook_nodes(*, project, visible_to: Membership | None = None) -> list[CodeNode]:
    """The codebook as plain `CodeNode`s for the exporters (what `visible_to` may see, when
    given); the code's UUID is its guid."""
    nodes: dict[int, CodeNode] = {}
    roots: list[CodeNode] = []
    for code in codebook_tree(project=project, visible_to=visible_to):
        node = CodeNode(
            name=code.name,
            definition=code.definition,
            inclusion=code.inclusion,
            exclusion=code.exclusion,
            example=code.example,
            colour=code.colour.upper() if code.colour else "",
            shortcut=code.shortcut,
            memo=code.memo,
            guid=str(code.code),
        )
        nodes[code.pk] = node
        (nodes[code.parent_id].children if code.parent_id else roots).append(node)
    return roots


def codebook_exchange_nodes(*, project, visible_to: Membership | None = None) -> list[CodeNode]:
    """The codebook as other tools should see it: each code's exchange guid (as it came, or its
    own), its codability, and a colour only where one came with it or a user chose one (what
    `visible_to` may see, when given)."""
    codes = {code.pk: code for code in codebook_tree(project=project, visible_to=visible_to)}
    roots = codebook_nodes(project=project, visible_to=visible_to)
    for code, (_path, node) in zip(codes.values(), iter_codes(roots), strict=True):
        node.guid = code.exchange_guid
        node.is_codable = code.is_codable
        node.colour = node.colour if code.colour_given else ""
    return roots


def codebook_guid_clashes(*, project, roots: list[CodeNode]) -> int:
    """How many codes of an incoming tree carry a guid the project already holds."""
    held = {
        guid_key(g)
        for g in Code.objects.filter(project=project).values_list("exchange_guid", flat=True)
    }
    return sum(1 for _path, node in iter_codes(roots) if node.guid and guid_key(node.guid) in held)


def codebook_snapshot(*, project) -> list[dict]:
    """JSON-ready tree for a frozen version (keeps each code's UUID so runs can refer to it)."""
    return [dataclasses.asdict(node) for node in codebook_nodes(project=project)]


def codebook_version_current(*, project) -> CodebookVersion | None:
    """The latest frozen version, which agreement runs and matrices record, or None."""
    return CodebookVersion.objects.filter(project=project).order_by("-created_at", "-pk").first()


# What the change log calls each recorded action.
CHANGE_LABELS = {
    "create": pgettext_lazy("codebook change", "creation"),
    "rename": pgettext_lazy("codebook change", "renaming"),
    "edit": pgettext_lazy("codebook change", "edit"),
    "accept": pgettext_lazy("codebook change", "acceptance"),
    "move": pgettext_lazy("codebook change", "move"),
    "merge": pgettext_lazy("codebook change", "merge"),
    "group": pgettext_lazy("codebook change", "grouping"),
    "delete": pgettext_lazy("codebook change", "deletion"),
    "undo": pgettext_lazy("codebook change", "undo"),
    "version": pgettext_lazy("codebook change", "version frozen"),
    "import": pgettext_lazy("codebook change", "import"),
}


# The undo button's title and the message after it, whole sentences for each action it can
# undo (services.STRUCTURAL), so that no language has to fit "Undo the … of …".
UNDO_SENTENCES = {
    "create": (
        gettext_lazy("Undo the creation of “%(name)s”"),
        gettext_lazy("Undone: the creation of “%(name)s”."),
    ),
    "move": (
        gettext_lazy("Undo the move of “%(name)s”"),
        gettext_lazy("Undone: the move of “%(name)s”."),
    ),
    "merge": (
        gettext_lazy("Undo the merge of “%(name)s”"),
        gettext_lazy("Undone: the merge of “%(name)s”."),
    ),
    "group": (
        gettext_lazy("Undo the grouping of “%(name)s”"),
        gettext_lazy("Undone: the grouping of “%(name)s”."),
    ),
    "delete": (
        gettext_lazy("Undo the deletion of “%(name)s”"),
        gettext_lazy("Undone: the deletion of “%(name)s”."),
    ),
}
UNDO_OTHER = (
    gettext_lazy("Undo the last change to “%(name)s”"),
    gettext_lazy("Undone: the last change to “%(name)s”."),
)


def undo_title(action: str, name: str) -> str:
    """What the undo button would undo, in the reader's language."""
    return str(UNDO_SENTENCES.get(action, UNDO_OTHER)[0]) % {"name": name}


def undone_message(action: str, name: str) -> str:
    """What the undo button undid, in the reader's language."""
    return str(UNDO_SENTENCES.get(action, UNDO_OTHER)[1]) % {"name": name}


def change_label(action: str) -> str:
    """The translated name of a logged action (the raw action if a newer one is unknown)."""
    return str(CHANGE_LABELS.get(action, action))


def codebook_changes(*, project, code: Code | None = None, limit: int = 500) -> list:
    """The latest changes, newest first, each with its translated `label`. One query."""
    changes = CodebookChange.objects.filter(project=project).select_related("user", "code")
    if code is not None:
        changes = changes.filter(code=code)
    result = list(changes.order_by("-at", "-pk")[:limit])
    for change in result:
        change.label = change_label(change.action)  # type: ignore[attr-defined]  # for the page
        if change.action == "edit":
            change.fields = _field_names(change.after)  # type: ignore[attr-defined]
        if change.action == "undo":
            change.undone_label = change_label(  # type: ignore[attr-defined]
                change.before.get("action", "")
            )
    return result


def _field_names(after: dict) -> str:
    """The edited fields as the code's form names them ("definition, colour")."""
    names = []
    for key in after:
        try:
            names.append(str(getattr(Code._meta.get_field(key), "verbose_name", key)))
        except FieldDoesNotExist:
            names.append(key)
    return ", ".join(names)


@dataclass
class Counts:
    codings: int = 0
    documents: int = 0


@dataclass
class CodebookCounts:
    """`total[code_id]` and `by_coder[code_id][coder_id]`; empty when counts are hidden."""

    visible: bool = True
    total: dict[int, Counts] = field(default_factory=dict)
    by_coder: dict[int, dict[int | None, Counts]] = field(default_factory=dict)
    coders: dict[int | None, str] = field(default_factory=dict)  # None: consensus


def codebook_counts(*, project, see_all: bool, coder=None, code_ids=None) -> CodebookCounts:
    """Codings and documents per code, in total and per coder.

    One aggregate query grouped by (code, coder, document) gives both the totals and the
    per-coder figures; a code's documents are the distinct documents of its rows. (Two
    aggregates with COUNT(DISTINCT) each joined every coding again.) `see_all` (leads, owners,
    anyone in an open project): everyone's counts, plus one query for the coders' names.
    Otherwise `coder`'s own counts only (blind mode): one query. Neither (a viewer in a blind
    project): nothing, no query.
    """
    if not see_all and coder is None:
        return CodebookCounts(visible=False)
    codings = Coding.objects.filter(code__project=project)
    if code_ids is not None:
        codings = codings.filter(code_id__in=code_ids)
    if not see_all:
        codings = codings.filter(excerpt__coder=coder)
    groups = (
        codings.values_list("code_id", "excerpt__coder_id", "excerpt__document_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    result = CodebookCounts()
    documents: dict[int, set[int]] = defaultdict(set)
    for code_id, coder_id, document_id, n in groups:
        total = result.total.get(code_id) or result.total.setdefault(code_id, Counts())
        total.codings += n
        documents[code_id].add(document_id)
        if see_all:
            mine = result.by_coder.setdefault(code_id, {})
            counts = mine.get(coder_id) or mine.setdefault(coder_id, Counts())
            counts.codings += n
            counts.documents += 1  # one group per (code, coder, document)
    for code_id, docs in documents.items():
        result.total[code_id].documents = len(docs)
    if see_all:
        coder_ids = {c for mine in result.by_coder.values() for c in mine}
        names: dict[int | None, str] = dict.fromkeys(coder_ids, gettext("consensus"))
        people = [c for c in coder_ids if c is not None]
        if people:
            for pk, email, display_name in User.objects.filter(pk__in=people).values_list(
                "pk", "email", "display_name"
            ):
                names[pk] = display_name or email
        result.coders = names
        # Coders in a stable order (by name) in each row, whatever order the groups came in.
        for code_id, mine in result.by_coder.items():
            result.by_coder[code_id] = dict(sorted(mine.items(), key=lambda kv: names[kv[0]]))
    return result


# The tree shows the start of a definition on one line; the whole text is in the edit panel.
DEFINITION_PREVIEW = 160


def _preview(text: str) -> str:
    return text if len(text) <= DEFINITION_PREVIEW else text[: DEFINITION_PREVIEW - 1] + "…"


def _row_counts(code: Code, counts: CodebookCounts, *, see_all: bool) -> dict:
    total = counts.total.get(code.pk)
    by_coder = [(counts.coders[c], n) for c, n in counts.by_coder.get(code.pk, {}).items()]
    text = ", ".join(f"{name}: {n.codings}" for name, n in by_coder) if see_all else ""
    return {
        "total": total,
        "codings": str(total.codings if total else 0),
        "documents": str(total.documents if total else 0),
        "by_coder": by_coder,
        "by_coder_text": text,
    }


def codebook_rows(
    *, project, prefix: str, manage: bool, see_all: bool, coder=None, visible_to=None
) -> tuple[list[dict], CodebookCounts]:
    """The codebook page's rows in tree order, and the counts they show (see
    `codebook_counts` for `see_all` and `coder`; `codebook_tree` for `visible_to`). Plain
    strings for each row (numbers too: the template would localize each one), so the loop over a
    thousand codes does little more than print them. `prefix` is the URL of a code's page minus
    its UUID."""
    counts = codebook_counts(project=project, see_all=see_all, coder=coder)
    rows = []
    for code in codebook_tree(project=project, visible_to=visible_to):
        key = str(code.code)
        url = f"{prefix}{key}/"
        rows.append(
            {
                "code": code,
                "key": key,
                "url": url,
                # Leads open the edit panel; everyone else the code's history.
                "link": url if manage else f"{url}log/",
                "path": code.path,
                "depth": str(code.depth),
                "name": code.name,
                "search": code.name.lower(),
                "colour": code.colour,
                "children": code.child_count,  # type: ignore[attr-defined]  # set by _ordered
                "proposed": code.status == CodeStatus.PROPOSED,
                "shortcut": code.shortcut,
                "definition": _preview(code.definition),
                **_row_counts(code, counts, see_all=see_all),
            }
        )
    return rows, counts


def codebook_versions(*, project) -> QuerySet[CodebookVersion]:
    return project.codebook_versions.select_related("created_by")


def codebook_export_data(*, project) -> dict:
    """The codebook for the project's JSON export: the tree (with each code's UUID, status and
    every text field), the frozen versions, and the whole change log, oldest first. Three
    queries. Log entries keep their `before`/`after` details as recorded (they may name
    internal ids, which only mean something within this installation)."""
    nodes: dict[int, dict] = {}
    tree: list[dict] = []
    for code in codebook_tree(project=project):
        node = {
            "code": str(code.code),
            "name": code.name,
            "status": code.status,
            "definition": code.definition,
            "inclusion": code.inclusion,
            "exclusion": code.exclusion,
            "example": code.example,
            "colour": code.colour,
            "shortcut": code.shortcut,
            "memo": code.memo,
            "colour_given": code.colour_given,
            "exchange_guid": code.exchange_guid,
            "is_codable": code.is_codable,
            "children": [],
        }
        nodes[code.pk] = node
        (nodes[code.parent_id]["children"] if code.parent_id else tree).append(node)
    versions = [
        {
            "code": str(version.code),
            "name": version.name,
            "created_at": version.created_at.isoformat(),
            "created_by": version.created_by.email if version.created_by else None,
            "snapshot": version.snapshot,
        }
        for version in CodebookVersion.objects.filter(project=project)
        .select_related("created_by")
        .order_by("created_at", "pk")
    ]
    changes = [
        {
            "at": change.at.isoformat(),
            "user": change.user.email if change.user else None,
            "action": change.action,
            "code": str(change.code.code) if change.code else None,
            "code_name": change.code_name,
            "before": change.before,
            "after": change.after,
        }
        for change in CodebookChange.objects.filter(project=project)
        .select_related("user", "code")
        .order_by("at", "pk")
    ]
    return {"tree": tree, "versions": versions, "changes": changes}
