"""Plain-data codebook tree, import reports, validation, paths and merge planning.

No Django here: the codebook services turn these trees into `Code` rows and back.
"""

from __future__ import annotations

import copy
import json
import re
import unicodedata
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from coding.wording import Notice, gettext_noop

MAX_NAME_LENGTH = 200
# Deeper trees are refused by the readers: the study's codebook has three levels, and recursion
# over hostile input must stay bounded.
MAX_DEPTH = 50

TEXT_FIELDS = ("definition", "inclusion", "exclusion", "example", "memo")

Path = tuple[str, ...]


@dataclass
class CodeNode:
    name: str
    definition: str = ""
    inclusion: str = ""
    exclusion: str = ""
    example: str = ""
    colour: str = ""  # "#RRGGBB" or ""
    shortcut: str = ""
    memo: str = ""
    guid: str = ""  # REFI-QDA guid if known, as the file wrote it
    is_codable: bool = True  # REFI-QDA isCodable: false for folder codes
    children: list[CodeNode] = field(default_factory=list)


@dataclass(frozen=True)
class Problem:
    """One precise finding. Exactly one of `row`, `line`, `pointer` usually locates it.

    `what`: the finding as a message id and its parameters (coding/wording.py; a plain string
    is a message id without parameters, or a parser's own English message). The Django layer
    words `notice` in the reader's language; `str()` is the English sentence.
    `row`: CSV record number, the header being row 1 (what a spreadsheet shows).
    `line`: XML source line. `pointer`: JSON location (`codes[0].children[2]`) or a code path.
    """

    what: Notice | str
    row: int | None = None
    line: int | None = None
    pointer: Notice | str | None = None

    @property
    def message(self) -> str:
        """The finding in English, without its location."""
        return str(self.what)

    @property
    def notice(self) -> Notice:
        """The finding with its location, as one message id with parameters."""
        what = self.what if isinstance(self.what, Notice) else Notice(self.what)
        if self.row is not None:
            return Notice(
                gettext_noop("row %(row)d: %(problem)s"), {"row": self.row, "problem": what}
            )
        if self.line is not None:
            return Notice(
                gettext_noop("line %(line)d: %(problem)s"), {"line": self.line, "problem": what}
            )
        if self.pointer:
            return Notice(
                gettext_noop("%(pointer)s: %(problem)s"), {"pointer": self.pointer, "problem": what}
            )
        return what

    def __str__(self) -> str:
        return str(self.notice)


def problem(
    msgid: str,
    *,
    row: int | None = None,
    line: int | None = None,
    pointer: Notice | str | None = None,
    **params: Any,
) -> Problem:
    """A finding worded by `msgid` (marked with gettext_noop) with its %(name)s parameters."""
    return Problem(Notice(msgid, params), row=row, line=line, pointer=pointer)


class CodebookFormatError(ValueError):
    """The input cannot be read at all (wrong format, malformed, schema-invalid, unsafe)."""

    def __init__(self, problems: Iterable[Problem | Notice | str]):
        self.problems = [p if isinstance(p, Problem) else Problem(p) for p in problems]
        super().__init__("; ".join(str(p) for p in self.problems) or "invalid codebook")

    @property
    def notices(self) -> list[Notice]:
        """Each problem as a message id with parameters, for the Django layer to word."""
        return [p.notice for p in self.problems] or [Notice(gettext_noop("invalid codebook"))]


@dataclass
class ImportResult:
    """What a reader produced, and exactly what it did not take or had to change.

    `not_taken`: rows, elements, fields or values that were dropped.
    `changed`: things taken, but not as written (renamed duplicates, parents created for
    implied paths, truncated names, removed control characters).
    `schema_errors`: only from `read_qdc(..., strict=False)`: schema violations tolerated.
    """

    roots: list[CodeNode]
    not_taken: list[Problem] = field(default_factory=list)
    changed: list[Problem] = field(default_factory=list)
    schema_errors: list[Problem] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.not_taken or self.changed or self.schema_errors)

    def report(self) -> list[Notice]:
        """Every finding, labelled by its kind (`str()` of each is the English line)."""
        lines = [
            Notice(gettext_noop("not taken: %(problem)s"), {"problem": p.notice})
            for p in self.not_taken
        ]
        lines += [
            Notice(gettext_noop("changed: %(problem)s"), {"problem": p.notice})
            for p in self.changed
        ]
        lines += [
            Notice(gettext_noop("schema: %(problem)s"), {"problem": p.notice})
            for p in self.schema_errors
        ]
        return lines


# --- text normalisation -----------------------------------------------------------------------

# Characters XML 1.0 cannot carry; they are removed on import so every codebook can be exported.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_COLOUR = re.compile(r"#(?:[0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})")
_GUID = re.compile(
    r"(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})"
    r"|(?:\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\})"
)


def clean_text(value: str) -> tuple[str, bool]:
    """Canonical form of any imported string: NFC, LF line ends, no XML-illegal characters,
    no surrounding whitespace. Returns (text, whether illegal characters were removed)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    stripped = _XML_ILLEGAL.sub("", value)
    return unicodedata.normalize("NFC", stripped).strip(), stripped != value


def normalize_colour(value: str) -> str | None:
    """`#abc`/`#AABBCC` → `#AABBCC`; "" → ""; anything else → None (not a colour)."""
    value = value.strip()
    if not value:
        return ""
    if not _COLOUR.fullmatch(value):
        return None
    digits = value[1:]
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return "#" + digits.upper()


def is_guid(value: str) -> bool:
    return bool(_GUID.fullmatch(value))


def validate_name(name: str) -> Notice | None:
    """Why `name` cannot be a code name, or None if it can."""
    if not name:
        return Notice(gettext_noop("name is empty"))
    if name != name.strip():
        return Notice(gettext_noop("name has surrounding whitespace"))
    if len(name) > MAX_NAME_LENGTH:
        return Notice(
            gettext_noop("name is longer than %(limit)d characters"), {"limit": MAX_NAME_LENGTH}
        )
    if _XML_ILLEGAL.search(name):
        return Notice(gettext_noop("name contains control characters"))
    return None


# --- paths ------------------------------------------------------------------------------------


def escape_segment(name: str) -> str:
    r"""A name as one path segment: `\` → `\\`, `/` → `\/`."""
    return name.replace("\\", "\\\\").replace("/", "\\/")


def format_path(path: Iterable[str]) -> str:
    r"""`("Actors", "A/B")` → `Actors/A\/B`."""
    return "/".join(escape_segment(s) for s in path)


def split_path(text: str) -> list[str]:
    r"""Split on unescaped `/`. `\/` is a literal slash and `\\` a literal backslash; a backslash
    before anything else is kept as written (so `C:\data` survives). Segments are returned raw
    (not stripped, possibly empty): the caller decides what an empty segment means."""
    segments: list[str] = []
    current: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text) and text[i + 1] in "/\\":
            current.append(text[i + 1])
            i += 2
            continue
        if char == "/":
            segments.append("".join(current))
            current = []
        else:
            current.append(char)
        i += 1
    segments.append("".join(current))
    return segments


def iter_codes(roots: Iterable[CodeNode], prefix: Path = ()) -> Iterator[tuple[Path, CodeNode]]:
    """Pre-order (parents before children, siblings in order) with each code's path."""
    stack: list[tuple[Path, CodeNode]] = [(prefix + (n.name,), n) for n in roots][::-1]
    while stack:
        path, node = stack.pop()
        yield path, node
        stack.extend((path + (c.name,), c) for c in reversed(node.children))


def count_codes(roots: Iterable[CodeNode]) -> int:
    return sum(1 for _ in iter_codes(roots))


# --- guids ------------------------------------------------------------------------------------

# Fixed namespace so that a code without a guid gets the same guid in every export of the same
# path (other tools then recognise it on re-import).
GUID_NAMESPACE = uuid.UUID("5d0c3c4e-7d1e-4a0c-9a7e-c0dbc0d0b001")


def stable_guid(path: Path, salt: int = 0) -> str:
    key = json.dumps(list(path), ensure_ascii=False)
    if salt:
        key += f"#{salt}"
    return str(uuid.uuid5(GUID_NAMESPACE, key))


def _guid_key(value: str) -> uuid.UUID:
    return uuid.UUID(value.strip("{}"))


def guid_key(value: str) -> str:
    """What makes two spellings of a guid the same guid: braces and case do not count."""
    return value.strip().strip("{}").lower()


def assign_guids(roots: list[CodeNode]) -> list[CodeNode]:
    """A copy of the tree where every code has a guid: kept if present, else `stable_guid`."""
    result = copy.deepcopy(roots)
    used = {_guid_key(n.guid) for _, n in iter_codes(result) if n.guid and is_guid(n.guid)}
    for path, node in iter_codes(result):
        if node.guid:
            continue
        salt = 0
        while (candidate := stable_guid(path, salt)) and _guid_key(candidate) in used:
            salt += 1
        node.guid = candidate
        used.add(_guid_key(candidate))
    return result


# --- validation -------------------------------------------------------------------------------


def validate_tree(roots: list[CodeNode]) -> list[Problem]:
    """Everything that would make the tree unexportable or ambiguous. Empty list = valid."""
    problems: list[Problem] = []
    guids: dict[uuid.UUID, Path] = {}

    def check_siblings(nodes: list[CodeNode], parent: Path) -> None:
        seen: set[str] = set()
        for node in nodes:
            path = parent + (node.name,)
            where = format_path(path)
            reason = validate_name(node.name)
            if reason:
                problems.append(Problem(reason, pointer=where or Notice(gettext_noop("(root)"))))
            if node.name in seen:
                problems.append(
                    problem(gettext_noop("name is not unique among its siblings"), pointer=where)
                )
            seen.add(node.name)
            if normalize_colour(node.colour) != node.colour:
                problems.append(
                    problem(
                        gettext_noop("colour “%(colour)s” is not #RRGGBB"),
                        pointer=where,
                        colour=node.colour,
                    )
                )
            if node.guid:
                if not is_guid(node.guid):
                    problems.append(
                        problem(
                            gettext_noop("guid “%(guid)s” is not a GUID"),
                            pointer=where,
                            guid=node.guid,
                        )
                    )
                elif _guid_key(node.guid) in guids:
                    problems.append(
                        problem(
                            gettext_noop("guid %(guid)s is also used by %(other)s"),
                            pointer=where,
                            guid=node.guid,
                            other=format_path(guids[_guid_key(node.guid)]),
                        )
                    )
                else:
                    guids[_guid_key(node.guid)] = path
            for attr in (*TEXT_FIELDS, "shortcut"):
                if _XML_ILLEGAL.search(getattr(node, attr)):
                    problems.append(
                        problem(
                            gettext_noop("%(field)s contains control characters"),
                            pointer=where,
                            field=attr,
                        )
                    )
            if len(path) >= MAX_DEPTH and node.children:
                problems.append(
                    problem(
                        gettext_noop("deeper than %(limit)d levels"), pointer=where, limit=MAX_DEPTH
                    )
                )
                continue
            check_siblings(node.children, path)

    check_siblings(roots, ())
    return problems


def require_valid(roots: list[CodeNode]) -> None:
    problems = validate_tree(roots)
    if problems:
        raise CodebookFormatError(problems)


# --- helpers shared by the tree readers (JSON, QDC) --------------------------------------------


def unique_sibling_name(name: str, taken: set[str]) -> str:
    """`name`, or `name (2)`, `name (3)`… — the first not in `taken`, within the length limit."""
    if name not in taken:
        return name
    n = 2
    while True:
        suffix = f" ({n})"
        candidate = name[: MAX_NAME_LENGTH - len(suffix)].rstrip() + suffix
        if candidate not in taken:
            return candidate
        n += 1


def take_name(raw: str) -> tuple[str, list[str]]:
    """Clean an imported name. Returns (name or "" if unusable, notes about what changed: message
    ids with the parameters `name` and `limit`)."""
    name, removed = clean_text(raw)
    notes = []
    if removed:
        notes.append(gettext_noop("control characters removed from the name “%(name)s”"))
    if len(name) > MAX_NAME_LENGTH:
        name = name[:MAX_NAME_LENGTH].rstrip()
        notes.append(gettext_noop("name shortened to %(limit)d characters (“%(name)s”)"))
    return name, notes


# A code the readers skip, alone or with the sub-codes below it: (without, with sub-codes).
SKIPPED_DEEP = (
    gettext_noop("deeper than %(limit)d levels; skipped"),
    gettext_noop("deeper than %(limit)d levels; skipped with its %(n)d sub-code(s)"),
)
SKIPPED_NO_NAME = (
    gettext_noop("code has no name; skipped"),
    gettext_noop("code has no name; skipped with its %(n)d sub-code(s)"),
)
SKIPPED_EMPTY_NAME = (
    gettext_noop("code name is empty; skipped"),
    gettext_noop("code name is empty; skipped with its %(n)d sub-code(s)"),
)
SKIPPED_WITHOUT_NAME = (
    gettext_noop("code without a name; skipped"),
    gettext_noop("code without a name; skipped with its %(n)d sub-code(s)"),
)


def skipped(wording: tuple[str, str], below: int, where: dict, **params: Any) -> Problem:
    """A skipped code, with the number of sub-codes skipped with it (`below`)."""
    alone, with_sub_codes = wording
    return problem(with_sub_codes if below else alone, **where, n=below, **params)


# --- merge planning -----------------------------------------------------------------------------


@dataclass
class MergePlan:
    """Importing `incoming` into a codebook that already has `existing_paths`.

    `added`: paths to create, parents before children. `existing`: incoming paths that are
    already in the codebook (left as they are). `nodes`: the incoming node for every path, so the
    service can read definitions, colours… of the codes it creates.
    Names are compared exactly (after the readers' NFC normalisation).
    """

    added: list[Path]
    existing: list[Path]
    nodes: dict[Path, CodeNode]


def merge_plan(existing_paths: set[Path], incoming: list[CodeNode]) -> MergePlan:
    added: list[Path] = []
    existing: list[Path] = []
    nodes: dict[Path, CodeNode] = {}
    for path, node in iter_codes(incoming):
        nodes[path] = node
        (existing if path in existing_paths else added).append(path)
    return MergePlan(added=added, existing=existing, nodes=nodes)


class TreeIntake:
    """The checks every tree reader (JSON, QDC) applies to each incoming code, with reporting.

    `where` is the location of the code in the source: `{"line": 12}` or `{"pointer": "..."}`.
    """

    def __init__(self, result: ImportResult):
        self.result = result
        self._guids: dict[str, str] = {}

    def name(self, raw: str, where: dict, siblings: set[str]) -> str | None:
        """The name to use (renamed if a sibling has it), or None: skip the code."""
        name, notes = take_name(raw)
        for note in notes:
            self.result.changed.append(problem(note, **where, name=name, limit=MAX_NAME_LENGTH))
        if not name:
            return None
        unique = unique_sibling_name(name, siblings)
        if unique != name:
            self.result.changed.append(
                problem(
                    gettext_noop("a sibling is already named “%(name)s”; renamed to “%(unique)s”"),
                    **where,
                    name=name,
                    unique=unique,
                )
            )
        siblings.add(unique)
        return unique

    def text(self, attr: str, raw: str, where: dict, code: str) -> str:
        value, removed = clean_text(raw)
        if removed:
            self.result.changed.append(
                problem(
                    gettext_noop("control characters removed from the %(field)s of “%(code)s”"),
                    **where,
                    field=attr,
                    code=code,
                )
            )
        return value

    def colour(self, raw: str, where: dict, code: str) -> str:
        colour = normalize_colour(raw)
        if colour is None:
            self.result.not_taken.append(
                problem(
                    gettext_noop(
                        "colour “%(colour)s” of “%(code)s” is not #RRGGBB; colour not taken"
                    ),
                    **where,
                    colour=raw,
                    code=code,
                )
            )
            return ""
        return colour

    def guid(self, raw: str, where: dict, code: str) -> str:
        guid = raw.strip()
        if not guid:
            return ""
        if not is_guid(guid):
            self.result.not_taken.append(
                problem(
                    gettext_noop("guid “%(guid)s” of “%(code)s” is not a GUID; not taken"),
                    **where,
                    guid=guid,
                    code=code,
                )
            )
            return ""
        key = guid_key(guid)
        if key in self._guids:
            self.result.not_taken.append(
                problem(
                    gettext_noop(
                        "guid %(guid)s of “%(code)s” is already used by “%(other)s”; not taken"
                    ),
                    **where,
                    guid=guid,
                    code=code,
                    other=self._guids[key],
                )
            )
            return ""
        self._guids[key] = code
        return guid
