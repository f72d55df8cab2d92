r"""Codebook as a flat CSV: one row per code, the tree given by a `path` column.

Columns (header required, case-insensitive, any order; only `path` is mandatory):
`path, definition, inclusion, exclusion, example, colour, shortcut, memo, guid`
(`color` is accepted for `colour`). The delimiter may be `,`, `;` (what a spreadsheet in a
Norwegian locale writes) or tab; a UTF-8 byte-order mark is ignored.

Paths: segments separated by `/`, e.g. `Actors/Academia/Universities`. A literal `/` in a name is
written `\/` and a literal backslash `\\` (`Quantitative \/ financial`). A backslash before any
other character is kept as written. Segments are stripped of surrounding whitespace.

Reading is forgiving and precise: every valid row is imported; each row that is not, or that is
taken with a change, is reported as "row N: reason" where N counts the header as row 1, as a
spreadsheet does. A parent that only appears inside a child's path is created, empty, and
reported. Only a file that cannot be read at all (no `path` column, broken quoting) raises
`CodebookFormatError`.
"""

from __future__ import annotations

import csv
import io

from coding.wording import Notice, gettext_noop

from .model import (
    MAX_DEPTH,
    MAX_NAME_LENGTH,
    TEXT_FIELDS,
    CodebookFormatError,
    CodeNode,
    ImportResult,
    Path,
    Problem,
    clean_text,
    format_path,
    is_guid,
    iter_codes,
    normalize_colour,
    problem,
    require_valid,
    split_path,
)

COLUMNS = ("path", "definition", "inclusion", "exclusion", "example", "colour", "shortcut", "memo")
CSV_COLUMNS = (*COLUMNS, "guid")
_ALIASES = {"color": "colour"}


def write_csv(roots: list[CodeNode]) -> str:
    """One row per code, pre-order. Raises `CodebookFormatError` if the tree is not valid."""
    require_valid(roots)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for path, node in iter_codes(roots):
        writer.writerow(
            [format_path(path), *(getattr(node, c) for c in CSV_COLUMNS[1:])],
        )
    return out.getvalue()


def _rows(text: str) -> tuple[list[list[str]], str]:
    text = text.removeprefix("\ufeff")
    first_line = text.split("\n", 1)[0]
    for delimiter in (",", ";", "\t"):
        head = next(csv.reader([first_line], delimiter=delimiter), [])
        if "path" in (h.strip().lower() for h in head):
            break
    else:
        delimiter = ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)), delimiter
    except csv.Error as exc:
        raise CodebookFormatError(
            [problem(gettext_noop("the file is not readable as CSV: %(error)s"), error=str(exc))]
        ) from exc


def _header(rows: list[list[str]]) -> tuple[dict[str, int], list[Problem]]:
    if not rows:
        raise CodebookFormatError([gettext_noop("the file is empty")])
    columns: dict[str, int] = {}
    notes: list[Problem] = []
    for index, raw in enumerate(rows[0]):
        name = raw.strip().lower()
        name = _ALIASES.get(name, name)
        if name in CSV_COLUMNS and name not in columns:
            columns[name] = index
        elif raw.strip():
            why = (
                gettext_noop("repeated column “%(column)s” ignored")
                if name in columns
                else gettext_noop("unknown column “%(column)s” ignored")
            )
            notes.append(problem(why, row=1, column=raw.strip()))
    if "path" not in columns:
        found = ", ".join(rows[0])
        raise CodebookFormatError(
            [
                problem(
                    gettext_noop("no “path” column (columns found: %(columns)s)"),
                    row=1,
                    columns=found or Notice(gettext_noop("none")),
                )
            ]
        )
    return columns, notes


def read_csv(text: str) -> ImportResult:
    rows, _ = _rows(text)
    columns, header_notes = _header(rows)
    result = ImportResult(roots=[], not_taken=header_notes)
    nodes: dict[Path, CodeNode] = {}
    given_in_row: dict[Path, int] = {}
    implied_by_row: dict[Path, int] = {}

    def ensure(path: Path, row: int) -> CodeNode:
        if path in nodes:
            return nodes[path]
        node = CodeNode(name=path[-1])
        siblings = result.roots if len(path) == 1 else ensure(path[:-1], row).children
        siblings.append(node)
        nodes[path] = node
        implied_by_row[path] = row
        return node

    for row_number, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue  # blank line
        extra = [c for c in cells[len(rows[0]) :] if c.strip()]
        if extra:
            result.not_taken.append(
                problem(
                    gettext_noop("%(n)d cell(s) beyond the header's columns ignored"),
                    row=row_number,
                    n=len(extra),
                )
            )

        def cell(name: str, cells: list[str] = cells) -> str:
            index = columns.get(name)
            return cells[index] if index is not None and index < len(cells) else ""

        path, why_not, removed = _parse_path(cell("path"))
        if why_not:
            result.not_taken.append(
                problem(gettext_noop("%(problem)s; row skipped"), row=row_number, problem=why_not)
            )
            continue
        if path in given_in_row:
            result.not_taken.append(
                problem(
                    gettext_noop("duplicate path “%(path)s” (first in row %(first)d); row skipped"),
                    row=row_number,
                    path=format_path(path),
                    first=given_in_row[path],
                )
            )
            continue
        if removed:
            result.changed.append(
                problem(gettext_noop("control characters removed from the path"), row=row_number)
            )
        node = ensure(path, row_number)
        given_in_row[path] = row_number
        implied_by_row.pop(path, None)
        for attr in (*TEXT_FIELDS, "shortcut"):
            value, removed = clean_text(cell(attr))
            if removed:
                result.changed.append(
                    problem(
                        gettext_noop("control characters removed from %(field)s"),
                        row=row_number,
                        field=attr,
                    )
                )
            setattr(node, attr, value)
        colour = normalize_colour(cell("colour"))
        if colour is None:
            result.not_taken.append(
                problem(
                    gettext_noop("colour “%(colour)s” is not #RRGGBB; colour not taken"),
                    row=row_number,
                    colour=cell("colour"),
                )
            )
        else:
            node.colour = colour
        guid = cell("guid").strip()
        if guid and not is_guid(guid):
            result.not_taken.append(
                problem(
                    gettext_noop("guid “%(guid)s” is not a GUID; not taken"),
                    row=row_number,
                    guid=guid,
                )
            )
        else:
            node.guid = guid
    _drop_duplicate_guids(result, nodes, given_in_row)
    for path, row in sorted(implied_by_row.items(), key=lambda item: item[1]):
        result.changed.append(
            problem(
                gettext_noop("parent “%(path)s” has no row of its own; created empty"),
                row=row,
                path=format_path(path),
            )
        )
    return result


def _drop_duplicate_guids(
    result: ImportResult, nodes: dict[Path, CodeNode], given_in_row: dict[Path, int]
) -> None:
    seen: dict[str, Path] = {}
    for path, node in iter_codes(result.roots):
        if not node.guid:
            continue
        key = node.guid.strip("{}").lower()
        if key in seen:
            result.not_taken.append(
                problem(
                    gettext_noop("guid %(guid)s already used by “%(other)s”; not taken"),
                    row=given_in_row.get(path),
                    guid=node.guid,
                    other=format_path(seen[key]),
                )
            )
            node.guid = ""
        else:
            seen[key] = path


def _parse_path(raw: str) -> tuple[Path, Notice | None, bool]:
    """(path, why the row cannot be taken, whether control characters were removed)."""
    if not raw.strip():
        return (), Notice(gettext_noop("path is empty")), False
    segments = []
    any_removed = False
    for position, segment in enumerate(split_path(raw), start=1):
        name, removed = clean_text(segment)
        any_removed |= removed
        if not name:
            empty = gettext_noop("path “%(path)s” has an empty segment (segment %(position)d)")
            return (), Notice(empty, {"path": raw, "position": position}), False
        if len(name) > MAX_NAME_LENGTH:
            too_long = gettext_noop(
                "segment %(position)d of the path is longer than %(limit)d characters"
            )
            return (), Notice(too_long, {"position": position, "limit": MAX_NAME_LENGTH}), False
        segments.append(name)
    if len(segments) > MAX_DEPTH:
        deep = gettext_noop("path is deeper than %(limit)d levels")
        return (), Notice(deep, {"limit": MAX_DEPTH}), False
    return tuple(segments), None, any_removed
