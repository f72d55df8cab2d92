"""Codebook as nested JSON:

    {"format": "concord-codebook", "version": 1,
     "codes": [{"name": "Actors", "definition": "", "inclusion": "", "exclusion": "",
                "example": "", "colour": "", "shortcut": "", "memo": "", "guid": "",
                "children": [...]}]}

Only `name` is required in a code; missing text fields mean "". A wrong `format` or an unknown
`version` raises `CodebookFormatError`; problems inside `codes` are reported with their JSON
location (`codes[0].children[2]`) and the rest is imported.
"""

from __future__ import annotations

import json
from typing import Any

from coding.wording import Notice, gettext_noop

from .model import (
    MAX_DEPTH,
    SKIPPED_DEEP,
    SKIPPED_EMPTY_NAME,
    SKIPPED_NO_NAME,
    TEXT_FIELDS,
    CodebookFormatError,
    CodeNode,
    ImportResult,
    TreeIntake,
    problem,
    require_valid,
    skipped,
)

FORMAT = "concord-codebook"
VERSION = 1
_STRING_FIELDS = (*TEXT_FIELDS, "colour", "shortcut", "guid")
_KNOWN_KEYS = {"name", "children", *_STRING_FIELDS}


def _code_to_dict(node: CodeNode) -> dict[str, Any]:
    data: dict[str, Any] = {"name": node.name}
    for attr in ("definition", "inclusion", "exclusion", "example", "colour", "shortcut", "memo"):
        data[attr] = getattr(node, attr)
    data["guid"] = node.guid
    data["children"] = [_code_to_dict(c) for c in node.children]
    return data


def write_json(roots: list[CodeNode], *, indent: int | None = 2) -> str:
    """Raises `CodebookFormatError` if the tree is not valid (see `validate_tree`)."""
    require_valid(roots)
    document = {"format": FORMAT, "version": VERSION, "codes": [_code_to_dict(r) for r in roots]}
    return json.dumps(document, ensure_ascii=False, indent=indent) + "\n"


def read_json(data: str | bytes) -> ImportResult:
    try:
        document = json.loads(data)
    except json.JSONDecodeError as exc:
        raise CodebookFormatError(
            [
                problem(
                    gettext_noop("not valid JSON: %(error)s (column %(column)d)"),
                    line=exc.lineno,
                    error=exc.msg,
                    column=exc.colno,
                )
            ]
        ) from exc
    except (UnicodeDecodeError, RecursionError) as exc:
        raise CodebookFormatError(
            [problem(gettext_noop("not readable as JSON: %(error)s"), error=type(exc).__name__)]
        ) from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise CodebookFormatError(
            [
                problem(
                    gettext_noop('not a Concord codebook (expected "format": "%(format)s")'),
                    format=FORMAT,
                )
            ]
        )
    version = document.get("version")
    if type(version) is not int or version != VERSION:
        raise CodebookFormatError(
            [
                problem(
                    gettext_noop(
                        "unsupported version %(version)s: this Concord reads version %(ours)d"
                    ),
                    version=repr(version),
                    ours=VERSION,
                )
            ]
        )
    codes = document.get("codes")
    if not isinstance(codes, list):
        raise CodebookFormatError([gettext_noop('"codes" must be a list')])
    result = ImportResult(roots=[])
    top = Notice(gettext_noop("(top level)"))
    for key in sorted(set(document) - {"format", "version", "codes"}):
        result.not_taken.append(
            problem(gettext_noop("unknown field “%(field)s” ignored"), pointer=top, field=key)
        )
    intake = TreeIntake(result)
    result.roots = _read_codes(codes, "codes", 1, intake)
    return result


def _descendants(raw: Any) -> int:
    children = raw.get("children") if isinstance(raw, dict) else None
    if not isinstance(children, list):
        return 0
    return sum(1 + _descendants(c) for c in children)


def _read_codes(raw_codes: list, pointer: str, depth: int, intake: TreeIntake) -> list[CodeNode]:
    result = intake.result
    nodes: list[CodeNode] = []
    siblings: set[str] = set()
    for index, raw in enumerate(raw_codes):
        where: dict[str, Any] = {"pointer": f"{pointer}[{index}]"}
        if not isinstance(raw, dict):
            result.not_taken.append(problem(gettext_noop("not a code object; skipped"), **where))
            continue
        below = _descendants(raw)
        if depth > MAX_DEPTH:
            result.not_taken.append(skipped(SKIPPED_DEEP, below, where, limit=MAX_DEPTH))
            continue
        raw_name = raw.get("name")
        if not isinstance(raw_name, str):
            result.not_taken.append(skipped(SKIPPED_NO_NAME, below, where))
            continue
        name = intake.name(raw_name, where, siblings)
        if name is None:
            result.not_taken.append(skipped(SKIPPED_EMPTY_NAME, below, where))
            continue
        node = CodeNode(name=name)
        for key in sorted(set(raw) - _KNOWN_KEYS):
            result.not_taken.append(
                problem(
                    gettext_noop("unknown field “%(field)s” of “%(code)s” ignored"),
                    **where,
                    field=key,
                    code=name,
                )
            )
        for attr in _STRING_FIELDS:
            value = raw.get(attr, "")
            if value is None:
                value = ""
            if not isinstance(value, str):
                result.not_taken.append(
                    problem(
                        gettext_noop("%(field)s of “%(code)s” is not a string; not taken"),
                        **where,
                        field=attr,
                        code=name,
                    )
                )
                continue
            if attr == "colour":
                node.colour = intake.colour(value, where, name)
            elif attr == "guid":
                node.guid = intake.guid(value, where, name)
            else:
                setattr(node, attr, intake.text(attr, value, where, name))
        children = raw.get("children", [])
        if not isinstance(children, list):
            result.not_taken.append(
                problem(
                    gettext_noop("children of “%(code)s” is not a list; not taken"),
                    **where,
                    code=name,
                )
            )
            children = []
        node.children = _read_codes(children, f"{where['pointer']}.children", depth + 1, intake)
        nodes.append(node)
    return nodes
