"""Codebook writes: create, edit, move, merge, group, delete, accept, undo, versions.

Every operation keeps `Code.path` ("/id/id/") and `Code.depth` right and writes one
`CodebookChange` with enough in `before`/`after` to undo the last structural change. Moving a
subtree rewrites all descendants' paths in one UPDATE.

Concurrency: every write here first locks all the project's codes FOR UPDATE in primary-key
order (`tree.lock_codebook`), then re-reads the codes it was given. Two structural changes thus take
turns instead of deadlocking, and coding writes, which share-lock the codes they use before the
excerpt (see coding/excerpts/services.py), either finish before a merge starts or wait for it
and then land on the merge's target. Excerpt rows are locked only after the codes.
"""

from __future__ import annotations

from typing import cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coding.codebook import tree
from coding.codebook_io import validate_name
from coding.excerpts.services import excerpts_code_removed, excerpts_codings_restored
from coding.models import Code, CodebookChange, CodebookVersion, CodeStatus, Coding
from coding.models.codebook import DEFAULT_COLOUR
from coding.notices import notice_text
from research.audit import AuditAction, audit_record

# Actions that change the tree's shape; the undo button walks back through these.
STRUCTURAL = ("create", "move", "merge", "group", "delete")
EDITABLE_FIELDS = (
    "name",
    "definition",
    "inclusion",
    "exclusion",
    "example",
    "colour",
    "shortcut",
    "memo",
    "is_codable",
)
SNAPSHOT_FIELDS = (*EDITABLE_FIELDS, "status", "colour_given", "exchange_guid")


# --- helpers ------------------------------------------------------------------------------------


def _colour_given(fields: dict) -> bool:
    """The colour form always sends a colour; only one other than the default was chosen."""
    colour = fields.get("colour") or ""
    return bool(colour) and colour.lower() != DEFAULT_COLOUR


def _log(
    *, project, code, action: str, user, before=None, after=None, code_name: str = ""
) -> CodebookChange:
    return CodebookChange.objects.create(
        project=project,
        code=code,
        code_name=code.name if code else code_name,
        action=action,
        before=before or {},
        after=after or {},
        user=user,
    )


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    reason = validate_name(name)
    if reason:
        raise ValidationError(_("The code's %(reason)s.") % {"reason": notice_text(reason)})
    return name


def _snapshot(code: Code) -> dict:
    data = {f: getattr(code, f) for f in SNAPSHOT_FIELDS}
    data.update(
        pk=code.pk,
        code=str(code.code),
        parent=code.parent_id,
        position=code.position,
        created_by=code.created_by_id,
        created_at=code.created_at.isoformat(),
    )
    return data


def _restore(snapshot: dict, *, project) -> Code:
    """Recreate a deleted or merged-away code with its old id, UUID and place."""
    parent = Code.objects.get(pk=snapshot["parent"]) if snapshot["parent"] else None
    tree.check_sibling_name(project=project, parent=parent, name=snapshot["name"])
    code = Code(
        pk=snapshot["pk"],
        code=snapshot["code"],
        project=project,
        parent=parent,
        position=snapshot["position"],
        created_by_id=snapshot["created_by"],
        path=f"{parent.path if parent else '/'}{snapshot['pk']}/",
        depth=parent.depth + 1 if parent else 0,
        # Snapshots logged before a field existed leave it to the model's default.
        **{f: snapshot[f] for f in SNAPSHOT_FIELDS if f in snapshot},
    )
    code.save(force_insert=True)
    ids = tree.sibling_ids(project=project, parent=parent, exclude_pk=code.pk)
    ids.insert(min(snapshot["position"], len(ids)), code.pk)
    tree.renumber(ids)
    return code


# --- create and edit ----------------------------------------------------------------------------


@transaction.atomic
def code_create(
    *, project, name: str, user, parent: Code | None = None, status=CodeStatus.ACTIVE, **fields
) -> Code:
    """A new code at the end of its siblings. Raises ValidationError for a bad or taken name."""
    name = _clean_name(name)
    if parent is not None and parent.project_id != project.pk:
        raise ValidationError(_("The parent code belongs to another project."))
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"code_create() got unknown fields: {sorted(unknown)}")
    fields = {k: v for k, v in fields.items() if v is not None and not (k == "colour" and not v)}
    tree.lock_codebook(project.pk)
    parent = tree.fresh(parent) if parent is not None else None
    tree.check_sibling_name(project=project, parent=parent, name=name)
    code = Code.objects.create(
        project=project,
        parent=parent,
        name=name,
        status=status,
        position=tree.next_position(project=project, parent=parent),
        depth=parent.depth + 1 if parent else 0,
        created_by=user,
        colour_given=_colour_given(fields),
        **fields,
    )
    code.path = f"{parent.path if parent else '/'}{code.pk}/"
    Code.objects.filter(pk=code.pk).update(path=code.path)
    _log(project=project, code=code, action="create", user=user, after={"pk": code.pk})
    return code


@transaction.atomic
def code_update(*, code: Code, user, **fields) -> Code:
    """Rename, recolour or edit the definitions; logs a rename and an edit separately."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"code_update() got unknown fields: {sorted(unknown)}")
    tree.lock_codebook(code.project_id)
    tree.fresh(code)
    if "name" in fields:
        fields["name"] = _clean_name(fields["name"])
        if fields["name"] != code.name:
            tree.check_sibling_name(
                project=code.project, parent=code.parent, name=fields["name"], exclude_pk=code.pk
            )
    changed = {k: v for k, v in fields.items() if getattr(code, k) != v}
    if not changed:
        return code
    before = {k: getattr(code, k) for k in changed}
    for key, value in changed.items():
        setattr(code, key, value)
    extra = []
    if "colour" in changed and not code.colour_given:
        code.colour_given = True  # chosen by a user now, so it is exported
        extra.append("colour_given")
    code.save(update_fields=[*changed, *extra])
    if "name" in changed:
        _log(
            project=code.project,
            code=code,
            action="rename",
            user=user,
            before={"name": before["name"]},
            after={"name": code.name},
        )
    rest = [k for k in changed if k != "name"]
    if rest:
        _log(
            project=code.project,
            code=code,
            action="edit",
            user=user,
            before={k: before[k] for k in rest},
            after={k: changed[k] for k in rest},
        )
    return code


@transaction.atomic
def code_accept(*, code: Code, user) -> Code:
    """A lead accepts a code a coder proposed while coding."""
    tree.lock_codebook(code.project_id)
    tree.fresh(code)
    if code.status == CodeStatus.ACTIVE:
        return code
    code.status = CodeStatus.ACTIVE
    code.save(update_fields=["status"])
    _log(project=code.project, code=code, action="accept", user=user)
    return code


# --- move, merge, group, delete -----------------------------------------------------------------


@transaction.atomic
def code_move(*, code: Code, user, parent: Code | None, position: int | None = None) -> Code:
    """Move a code (with its subtree) under `parent` at `position` (0-based; None = last)."""
    tree.lock_codebook(code.project_id)
    tree.fresh(code)
    parent = tree.fresh(parent) if parent is not None else None
    before = {"parent": code.parent_id, "position": code.position}
    tree.move(code=code, parent=parent, position=position)
    after = {"parent": code.parent_id, "position": code.position}
    if before != after:
        _log(project=code.project, code=code, action="move", user=user, before=before, after=after)
    return code


@transaction.atomic
def code_move_step(*, code: Code, user, step: int) -> Code:
    """Up (-1) or down (+1) among its siblings: the keyboard-friendly reorder."""
    tree.lock_codebook(code.project_id)
    tree.fresh(code)
    ids = tree.sibling_ids(project=code.project, parent=code.parent_id)
    index = ids.index(code.pk)
    return code_move(code=code, user=user, parent=code.parent, position=max(0, index + step))


@transaction.atomic
def code_merge(*, source: Code, target: Code, user) -> Code:
    """Merge `source` into `target`: every coding of source becomes one of target (an excerpt
    that had both keeps one), source's sub-codes move under target, source's definition is
    appended to target's memo, and source is removed. Returns target."""
    if source.project_id != target.project_id:
        raise ValidationError(_("Both codes must belong to the same project."))
    # Coders adding `source` right now hold a share lock on it: this waits for them, so their
    # codings are committed (and moved below); later ones wait for the merge and use target.
    tree.lock_codebook(source.project_id)
    tree.fresh(source)
    tree.fresh(target)
    if tree.is_in_subtree(target, source):
        raise ValidationError(
            _("“%(source)s” cannot be merged into itself or one of its own sub-codes.")
            % {"source": source.name}
        )
    snapshot = _snapshot(source)
    target_memo = target.memo
    # Codings of excerpts that already carry target would become duplicates: drop those
    # (recorded, so undo can put them back exactly) and re-point the rest in one UPDATE.
    target_excerpts = Coding.objects.filter(code=target).values("excerpt_id")
    duplicates = list(
        Coding.objects.filter(code=source, excerpt_id__in=target_excerpts).values_list(
            "pk", "excerpt_id", "created_at"
        )
    )
    Coding.objects.filter(pk__in=[d[0] for d in duplicates]).delete()
    moved = list(Coding.objects.filter(code=source).values_list("pk", flat=True))
    Coding.objects.filter(pk__in=moved).update(code=target)
    children = []
    taken = set(Code.objects.filter(parent=target).values_list("name", flat=True))
    for child in Code.objects.filter(parent=source).order_by("position", "pk"):
        children.append({"pk": child.pk, "position": child.position, "name": child.name})
        if child.name in taken:
            # Same-named sub-codes would collide under target: keep both, renamed visibly.
            child.name = _unique_name(child.name, taken, suffix=source.name)
            Code.objects.filter(pk=child.pk).update(name=child.name)
        taken.add(child.name)
        tree.move(code=child, parent=target, position=None)
    if source.definition:
        note = _("Merged from “%(name)s”: %(definition)s") % {
            "name": source.name,
            "definition": source.definition,
        }
        target.memo = f"{target.memo}\n\n{note}".strip()
        target.save(update_fields=["memo"])
    old_parent = source.parent_id
    source.delete()
    tree.renumber(tree.sibling_ids(project=target.project, parent=old_parent))
    _log(
        project=target.project,
        code=target,
        action="merge",
        user=user,
        before={"source": snapshot, "children": children, "target_memo": target_memo},
        after={
            "target": target.pk,
            "moved_codings": moved,
            "dropped_codings": [[d[0], d[1], d[2].isoformat()] for d in duplicates],
        },
    )
    return target


def _unique_name(name: str, taken: set[str], *, suffix: str) -> str:
    candidate = f"{name} ({suffix})"[:200]
    n = 2
    while candidate in taken:
        candidate = f"{name} ({suffix} {n})"[:200]
        n += 1
    return candidate


@transaction.atomic
def code_group(*, codes: list[Code], name: str, user, **fields) -> Code:
    """Put several codes under a new code, created where the first of them sits."""
    if not codes:
        raise ValidationError(_("Select at least one code to group."))
    project = codes[0].project
    if any(c.project_id != project.pk for c in codes):
        raise ValidationError(_("All codes must belong to the same project."))
    tree.lock_codebook(project.pk)
    codes = [tree.fresh(c) for c in codes]
    # A selected code inside another selected code travels with it already.
    codes = sorted(codes, key=lambda c: (c.depth, c.position, c.pk))
    tops = [c for c in codes if not any(o.pk != c.pk and tree.is_in_subtree(c, o) for o in codes)]
    names = [c.name for c in tops]
    if len(set(names)) != len(names):
        raise ValidationError(_("Two of the selected codes have the same name."))
    first = tops[0]
    moved = [{"pk": c.pk, "parent": c.parent_id, "position": c.position} for c in tops]
    parent = first.parent
    name = _clean_name(name)
    tree.check_sibling_name(project=project, parent=parent, name=name)
    group = Code.objects.create(
        project=project,
        parent=parent,
        name=name,
        position=first.position,
        depth=first.depth,
        created_by=user,
        colour_given=_colour_given(fields),
        **{k: v for k, v in fields.items() if v},
    )
    group.path = f"{parent.path if parent else '/'}{group.pk}/"
    Code.objects.filter(pk=group.pk).update(path=group.path)
    ids = tree.sibling_ids(project=project, parent=parent, exclude_pk=group.pk)
    ids = [pk for pk in ids if pk not in {c.pk for c in tops}]
    ids.insert(min(first.position, len(ids)), group.pk)
    for code in tops:
        tree.move(code=code, parent=group, position=None)
    tree.renumber(ids)
    group.refresh_from_db()
    _log(
        project=project,
        code=group,
        action="group",
        user=user,
        before={"moved": moved},
        after={"pk": group.pk, "moved": [c.pk for c in tops]},
    )
    return group


def code_delete_impact(*, code: Code) -> int:
    """How many codings deleting this code would remove."""
    return Coding.objects.filter(code=code).count()


@transaction.atomic
def code_delete(*, code: Code, user, confirm_codings: int | None = None) -> None:
    """Delete a code without sub-codes. A code in use needs `confirm_codings` equal to the
    number of codings it removes (what the confirmation page showed); that is logged."""
    tree.lock_codebook(code.project_id)
    tree.fresh(code)
    if Code.objects.filter(parent=code).exists():
        raise ValidationError(
            _("“%(code)s” has sub-codes; move, merge or delete them first.") % {"code": code.name}
        )
    codings = list(Coding.objects.filter(code=code).values_list("pk", "excerpt_id", "created_at"))
    if codings and confirm_codings != len(codings):
        raise ValidationError(
            ngettext(
                "Deleting “%(code)s” removes %(n)s coding; confirm that number to delete it.",
                "Deleting “%(code)s” removes %(n)s codings; confirm that number to delete it.",
                len(codings),
            )
            % {"code": code.name, "n": len(codings)}
        )
    snapshot = _snapshot(code)
    project, parent_id = code.project, code.parent_id
    audit_record(
        project=project,
        actor=user,
        action=AuditAction.CODE_DELETE,
        target=code.name,
        target_id=code.code,
        detail={"codings": len(codings)},
    )
    # The excerpts lose a code: each excerpt's history says so (locks after the codes').
    codings = excerpts_code_removed(code=code, user=user)
    code.delete()
    tree.renumber(tree.sibling_ids(project=project, parent=parent_id))
    _log(
        project=project,
        code=None,
        action="delete",
        user=user,
        before={
            "code": snapshot,
            "codings": [[c[0], c[1], c[2].isoformat()] for c in codings],
        },
        after={"removed_codings": len(codings)},
        code_name=snapshot["name"],
    )


# --- undo -----------------------------------------------------------------------------------------


def codebook_undoable(*, project) -> CodebookChange | None:
    """The latest structural change that has not been undone yet, if any."""
    undone = CodebookChange.objects.filter(project=project, action="undo").values_list(
        "before__change", flat=True
    )
    # Changes older than the project came with a restored export: their details name another
    # server's ids, so they are a record to read, not something to undo here.
    return (
        CodebookChange.objects.filter(
            project=project, action__in=STRUCTURAL, at__gte=project.created_at
        )
        .exclude(pk__in=[pk for pk in undone if pk is not None])
        .order_by("-at", "-pk")
        .first()
    )


@transaction.atomic
def codebook_undo(*, project, user) -> CodebookChange:
    """Reverse the last structural change. Raises ValidationError when nothing can be undone."""
    tree.lock_codebook(project.pk)
    change = codebook_undoable(project=project)
    if change is None:
        raise ValidationError(_("There is no change to undo."))
    before, after = change.before, change.after
    if change.action == "create":
        code = Code.objects.filter(pk=after["pk"]).first()
        if code is not None:
            if code.children.exists() or code.codings.exists():
                raise ValidationError(
                    _("“%(code)s” is already in use; delete it explicitly instead.")
                    % {"code": code.name}
                )
            parent_id = code.parent_id
            code.delete()
            tree.renumber(tree.sibling_ids(project=project, parent=parent_id))
    elif change.action == "move":
        code = Code.objects.get(pk=cast(int, change.code_id))  # a move always names its code
        parent = Code.objects.get(pk=before["parent"]) if before["parent"] else None
        tree.move(code=code, parent=parent, position=before["position"])
    elif change.action == "group":
        for row in before["moved"]:
            code = Code.objects.get(pk=row["pk"])
            parent = Code.objects.get(pk=row["parent"]) if row["parent"] else None
            tree.move(code=code, parent=parent, position=row["position"])
        group = Code.objects.filter(pk=after["pk"]).first()
        if group is not None and not group.children.exists() and not group.codings.exists():
            parent_id = group.parent_id
            group.delete()
            tree.renumber(tree.sibling_ids(project=project, parent=parent_id))
    elif change.action == "delete":
        code = _restore(before["code"], project=project)
        excerpts_codings_restored(rows=before["codings"], code=code, user=user)
    elif change.action == "merge":
        target = Code.objects.get(pk=after["target"])
        source = _restore(before["source"], project=project)
        Coding.objects.filter(pk__in=after["moved_codings"]).update(code=source)
        excerpts_codings_restored(rows=after["dropped_codings"], code=source, user=user)
        for row in before["children"]:
            child = Code.objects.get(pk=row["pk"])
            if child.name != row["name"]:
                Code.objects.filter(pk=child.pk).update(name=row["name"])
                child.name = row["name"]
            tree.move(code=child, parent=source, position=row["position"])
        target.memo = before["target_memo"]
        target.save(update_fields=["memo"])
    return _log(
        project=project,
        code=Code.objects.filter(pk=change.code_id).first() if change.code_id else None,
        action="undo",
        user=user,
        before={"change": change.pk, "action": change.action, "name": change.code_name},
    )


# --- versions --------------------------------------------------------------------------


@transaction.atomic
def codebook_version_create(*, project, name: str, user) -> CodebookVersion:
    """Freeze the codebook as it is now under a name."""
    from coding.codebook.selectors import codebook_snapshot

    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Give the version a name."))
    if CodebookVersion.objects.filter(project=project, name=name).exists():
        raise ValidationError(_("A version named “%(name)s” already exists.") % {"name": name})
    version = CodebookVersion.objects.create(
        project=project, name=name, snapshot=codebook_snapshot(project=project), created_by=user
    )
    _log(project=project, code=None, action="version", user=user, after={"name": name})
    return version
