"""Codebook import: bring a code tree read from a file into the project's codebook.

Locks the codebook (`tree.lock_codebook`) like every structural write; all or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from coding.codebook import tree
from coding.codebook.services import _clean_name, _log, _unique_name
from coding.codebook_io import CodeNode, format_path, guid_key
from coding.codebook_io.model import TEXT_FIELDS
from coding.models import Code
from coding.models.codebook import PALETTE, new_exchange_guid


@dataclass
class MergeReport:
    """What an import did: paths added, paths already there (matched by guid or by path), and
    what the file had that was not taken (or was changed on the way in)."""

    added: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    not_taken: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    # Each incoming guid (by `guid_key`) → the code it became or was matched to, so a project
    # import can resolve the file's codings.
    codes: dict[str, Code] = field(default_factory=dict)


# How an import treats codes whose guid the project already holds.
GUIDS_MERGE = "merge"  # they are the project's codes: matched, left as they are
GUIDS_NEW = "new"  # every code in the file is added as a new code with a new guid


@transaction.atomic
def codebook_import_tree(
    *, project, roots: list[CodeNode], user, guids: str = GUIDS_MERGE
) -> MergeReport:
    """Bring a tree into the codebook. All or nothing.

    `GUIDS_MERGE`: an incoming code is the project's code with the same guid (braces and case
    aside), wherever that code now sits and whatever it is called; failing that, the code with
    its path. Matched codes are left as they are (definitions are not overwritten); the others
    are created under them, keeping the file's guid, colour (if it has one) and codability.
    `GUIDS_NEW`: nothing is matched; names that clash with a sibling get "(imported)", and
    guids the project already holds are replaced by new ones (reported).
    """
    from coding.codebook.selectors import codebook_tree

    tree.lock_codebook(project.pk)
    existing = codebook_tree(project=project)
    by_guid = {guid_key(c.exchange_guid): c for c in existing}
    by_name = {(c.parent_id, c.name): c for c in existing}
    report = MergeReport()
    positions: dict[int | None, int] = {}
    created: list[Code] = []

    def place(node: CodeNode, parent: Code | None, label: str) -> Code:
        key = parent.pk if parent else None
        if guids == GUIDS_MERGE:
            match = by_guid.get(guid_key(node.guid)) if node.guid else None
            match = match or by_name.get((key, node.name))
            if match is not None:
                report.existing.append(label)
                if node.guid:
                    report.codes[guid_key(node.guid)] = match
                return match
        name = node.name
        if (key, name) in by_name:  # only when importing as new
            taken = {n for (p, n) in by_name if p == key}
            name = _unique_name(name, taken, suffix=_("imported"))
            report.changed.append(_("%(path)s added as “%(name)s”") % {"path": label, "name": name})
        guid = node.guid
        if not guid or guid_key(guid) in by_guid:
            if guid:
                report.changed.append(
                    _("%(path)s: its guid is already in the codebook; given a new one")
                    % {"path": label}
                )
            guid = new_exchange_guid()
        if key not in positions:
            positions[key] = tree.next_position(project=project, parent=parent)
        code = Code.objects.create(
            project=project,
            parent=parent,
            name=_clean_name(name),
            position=positions[key],
            depth=parent.depth + 1 if parent else 0,
            created_by=user,
            exchange_guid=guid,
            is_codable=node.is_codable,
            colour=node.colour or PALETTE[len(created) % len(PALETTE)],
            colour_given=bool(node.colour),
            **{f: getattr(node, f) for f in (*TEXT_FIELDS, "shortcut") if getattr(node, f)},
        )
        positions[key] += 1
        code.path = f"{parent.path if parent else '/'}{code.pk}/"
        created.append(code)
        by_guid[guid_key(guid)] = code
        by_name[(key, code.name)] = code
        report.added.append(label)
        if node.guid:
            report.codes[guid_key(node.guid)] = code
        return code

    def walk(nodes: list[CodeNode], parent: Code | None, prefix: tuple[str, ...]) -> None:
        for node in nodes:
            path = (*prefix, node.name)
            code = place(node, parent, format_path(path))
            walk(node.children, code, path)

    walk(roots, None, ())
    Code.objects.bulk_update(created, ["path"])
    if created:
        _log(
            project=project,
            code=None,
            action="import",
            user=user,
            after={"added": report.added, "existing": len(report.existing)},
        )
    return report
