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

from .model import (
    MAX_DEPTH,
    TEXT_FIELDS,
    CodebookFormatError,
    CodeNode,
    ImportResult,
    Problem,
    TreeIntake,
    require_valid,
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
            [Problem(f"not valid JSON: {exc.msg} (column {exc.colno})", line=exc.lineno)]
        ) from exc
    except (UnicodeDecodeError, RecursionError) as exc:
        raise CodebookFormatError([f"not readable as JSON: {type(exc).__name__}"]) from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise CodebookFormatError([f'not a Concord codebook (expected "format": "{FORMAT}")'])
    version = document.get("version")
    if type(version) is not int or version != VERSION:
        raise CodebookFormatError(
            [f"unsupported version {version!r}: this Concord reads version {VERSION}"]
        )
    codes = document.get("codes")
    if not isinstance(codes, list):
        raise CodebookFormatError(['"codes" must be a list'])
    result = ImportResult(roots=[])
    for key in sorted(set(document) - {"format", "version", "codes"}):
        result.not_taken.append(Problem(f"unknown field {key!r} ignored", pointer="(top level)"))
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
            result.not_taken.append(Problem("not a code object; skipped", **where))
            continue
        below = _descendants(raw)
        also = f" with its {below} sub-code(s)" if below else ""
        if depth > MAX_DEPTH:
            result.not_taken.append(
                Problem(f"deeper than {MAX_DEPTH} levels; skipped{also}", **where)
            )
            continue
        raw_name = raw.get("name")
        if not isinstance(raw_name, str):
            result.not_taken.append(Problem(f"code has no name; skipped{also}", **where))
            continue
        name = intake.name(raw_name, where, siblings)
        if name is None:
            result.not_taken.append(Problem(f"code name is empty; skipped{also}", **where))
            continue
        node = CodeNode(name=name)
        for key in sorted(set(raw) - _KNOWN_KEYS):
            result.not_taken.append(Problem(f"unknown field {key!r} of {name!r} ignored", **where))
        for attr in _STRING_FIELDS:
            value = raw.get(attr, "")
            if value is None:
                value = ""
            if not isinstance(value, str):
                result.not_taken.append(
                    Problem(f"{attr} of {name!r} is not a string; not taken", **where)
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
                Problem(f"children of {name!r} is not a list; not taken", **where)
            )
            children = []
        node.children = _read_codes(children, f"{where['pointer']}.children", depth + 1, intake)
        nodes.append(node)
    return nodes
