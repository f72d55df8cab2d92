"""The codebook tree's bookkeeping for the codebook services: the lock every structural change
takes first, re-reading codes under it, sibling names and positions, materialized paths, and
moving a subtree. Writes only what the calling service asks for; it logs the change.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import F, Max, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils.translation import gettext as _

from coding.models import Code


def lock_codebook(project_id: int) -> None:
    """Lock every code of the project, in primary-key order: the one lock order for all
    structural changes (why: coding/codebook/services.py's docstring)."""
    list(
        Code.objects.filter(project_id=project_id)
        .order_by("pk")
        .select_for_update()
        .values_list("pk", flat=True)
    )


def fresh(code: Code) -> Code:
    """Re-read a code the caller loaded before the lock (its place may have changed since)."""
    try:
        code.refresh_from_db()
    except Code.DoesNotExist:
        raise ValidationError(
            _("“%(code)s” was merged or deleted meanwhile; reload the page.") % {"code": code.name}
        ) from None
    return code


def check_sibling_name(*, project, parent, name: str, exclude_pk: int | None = None) -> None:
    siblings = Code.objects.filter(project=project, parent=parent, name=name)
    if exclude_pk is not None:
        siblings = siblings.exclude(pk=exclude_pk)
    if siblings.exists():
        where = _("under “%(parent)s”") % {"parent": parent.name} if parent else _("at the top")
        raise ValidationError(
            _("A code named “%(name)s” already exists %(where)s; choose another name.")
            % {"name": name, "where": where}
        )


def next_position(*, project, parent) -> int:
    top = Code.objects.filter(project=project, parent=parent).aggregate(m=Max("position"))["m"]
    return 0 if top is None else top + 1


def sibling_ids(*, project, parent, exclude_pk: int | None = None) -> list[int]:
    qs = Code.objects.filter(project=project, parent=parent).order_by("position", "name", "pk")
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return list(qs.values_list("pk", flat=True))


def renumber(ids: list[int]) -> None:
    """Positions 0..n-1 in the given order (one bulk UPDATE)."""
    rows = [Code(pk=pk, position=i) for i, pk in enumerate(ids)]
    if rows:
        Code.objects.bulk_update(rows, ["position"])


def rewrite_subtree(*, code: Code, parent: Code | None) -> None:
    """Re-root `code`'s subtree under `parent`: one UPDATE for every path and depth below."""
    old_path = code.path
    new_path = f"{parent.path if parent else '/'}{code.pk}/"
    new_depth = parent.depth + 1 if parent else 0
    if old_path == new_path:
        return
    Code.objects.filter(project_id=code.project_id, path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", Length(Value(old_path)) + 1)),
        depth=F("depth") + (new_depth - code.depth),
    )
    code.path, code.depth = new_path, new_depth


def is_in_subtree(candidate: Code | None, root: Code) -> bool:
    return candidate is not None and candidate.path.startswith(root.path)


def move(*, code: Code, parent: Code | None, position: int | None) -> None:
    if parent is not None and parent.project_id != code.project_id:
        raise ValidationError(_("The new parent belongs to another project."))
    if is_in_subtree(parent, code):
        raise ValidationError(
            _("“%(code)s” cannot be moved under itself or one of its own sub-codes.")
            % {"code": code.name}
        )
    if (parent.pk if parent else None) != code.parent_id:
        check_sibling_name(project=code.project, parent=parent, name=code.name)
    old_parent_id = code.parent_id
    ids = sibling_ids(project=code.project, parent=parent, exclude_pk=code.pk)
    position = len(ids) if position is None else max(0, min(position, len(ids)))
    ids.insert(position, code.pk)
    Code.objects.filter(pk=code.pk).update(parent=parent)
    code.parent = parent
    renumber(ids)
    code.position = position
    if old_parent_id != (parent.pk if parent else None):
        renumber(sibling_ids(project=code.project, parent=old_parent_id, exclude_pk=code.pk))
        rewrite_subtree(code=code, parent=parent)
