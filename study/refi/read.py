"""Read a REFI-QDA project archive into a `RefiProject`, leniently. Pure: no Django.

Namespaces 1.0, 1:0 and the pre-1.0 0:10 are read alike; the schema is not enforced (real
tools write files it refuses), but every element Concord cannot hold is counted in the
`ImportReport` by kind with the reason, never dropped silently.

Text sources are the coordinate system and are kept exactly: the BOM is removed and CRLF
becomes LF, with every position shifted to match; nothing else is touched. Positions are read
as code points (the standard; QualCoder) or as UTF-16 code units (NVivo), chosen from the
`origin` and checked against the text: if no selection lands outside the text or inside a
character under the expected model it is used, else the other one is tried.
"""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from lxml import etree

from coding.codebook_io import guid_key, iter_codes, read_qdc
from coding.codebook_io.qdc import NAMESPACE as CODEBOOK_NAMESPACE
from study.refi.archive import MAX_QDE, Archive, RefiArchiveError, open_archive, parse_xml
from study.refi.model import (
    VARIABLE_TYPES,
    RefiCase,
    RefiCoding,
    RefiNote,
    RefiProject,
    RefiSelection,
    RefiSet,
    RefiSource,
    RefiUser,
    RefiVariable,
    Value,
    from_utf16,
)

NAMESPACE = "urn:QDA-XML:project:1.0"
_N = "{" + NAMESPACE + "}"
_MEDIA = {
    "PictureSource": "picture",
    "PDFSource": "PDF",
    "AudioSource": "audio",
    "VideoSource": "video",
}


@dataclass
class ImportReport:
    """What the file had: counts taken per kind, and what was not held, by kind and reason."""

    taken: Counter[str] = field(default_factory=Counter)
    not_held: Counter[tuple[str, str]] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    codebook: list[str] = field(default_factory=list)

    def skip(self, kind: str, reason: str, count: int = 1) -> None:
        if count:
            self.not_held[(kind, reason)] += count

    def lines(self) -> list[str]:
        return [f"{kind}: {n} not held — {reason}" for (kind, reason), n in self.not_held.items()]

    def as_dict(self) -> dict:
        return {
            "taken": dict(self.taken),
            "not_held": self.lines(),
            "notes": self.notes + self.codebook,
        }


@dataclass
class ReadResult:
    project: RefiProject
    report: ImportReport
    code_guids: set[str] = field(default_factory=set)


def read_qdpx(data: bytes) -> ReadResult:
    archive = open_archive(data)
    name = archive.find("project.qde")
    assert name is not None  # open_archive checked it
    root = parse_xml(archive.read(name, limit=MAX_QDE))
    namespace = etree.QName(root).namespace or ""
    if not namespace.startswith("urn:QDA-XML:project") or etree.QName(root).localname != "Project":
        raise RefiArchiveError(
            "project.qde is not a REFI-QDA project: its root element is"
            f" <{etree.QName(root).localname}> in namespace {namespace or '(none)'}."
        )
    for element in root.iter():
        if isinstance(element.tag, str) and etree.QName(element).namespace == namespace:
            element.tag = _N + etree.QName(element).localname
    return _Reader(archive, root).read()


def _text(element: etree._Element | None) -> str:
    return "".join(element.itertext()).strip() if element is not None else ""


class _Reader:
    def __init__(self, archive: Archive, root: etree._Element):
        self.archive = archive
        self.root = root
        self.report = ImportReport()
        self.origin = root.get("origin", "")
        self.project = RefiProject(name=root.get("name", ""), origin=self.origin)
        self.notes: dict[str, RefiNote] = {}
        self.referenced: set[str] = set()
        self.codes: set[str] = set()

    def read(self) -> ReadResult:
        self._notes()
        self._users()
        self._codebook()
        self.codes = {guid_key(n.guid) for _p, n in iter_codes(self.project.codes) if n.guid}
        self._sources()
        self._cases()
        self._sets()
        for kind in ("Links", "Graphs"):
            element = self.root.find(_N + kind)
            if element is not None:
                self.report.skip(kind[:-1], f"Concord has no {kind.lower()}", len(element))
        standalone = [n for g, n in self.notes.items() if g not in self.referenced]
        self.project.notes = standalone  # they become project memos
        self.project.description = _text(self.root.find(_N + "Description"))
        return ReadResult(self.project, self.report, self.codes)

    # --- users, notes, codebook -------------------------------------------------------------

    def _users(self) -> None:
        for index, user in enumerate(self.root.iterfind(f"{_N}Users/{_N}User"), start=1):
            guid = user.get("guid", "").strip()
            if not guid:
                self.report.skip("User", "no guid")
                continue
            name = user.get("name") or user.get("id") or f"User {index}"
            self.project.users.append(RefiUser(guid=guid, name=name.strip()))
        self.report.taken["User"] = len(self.project.users)

    def _notes(self) -> None:
        for note in self.root.iterfind(f"{_N}Notes/{_N}Note"):
            guid = note.get("guid", "").strip()
            text = self._content(note, "Note")
            if guid and text is not None:
                self.notes[guid.lower()] = RefiNote(
                    guid, note.get("name", ""), text, note.get("creatingUser")
                )

    def _note_texts(self, element: etree._Element) -> list[str]:
        """An element's description and the texts of the notes it refers to."""
        description = _text(element.find(_N + "Description"))
        return ([description] if description else []) + self._referred(element)

    def _referred(self, element: etree._Element) -> list[str]:
        texts = []
        for ref in element.iterfind(_N + "NoteRef"):
            key = ref.get("targetGUID", "").strip().lower()
            self.referenced.add(key)
            if key in self.notes and self.notes[key].text:
                texts.append(self.notes[key].text)
        return texts

    def _codebook(self) -> None:
        book = self.root.find(_N + "CodeBook")
        if book is None:
            return
        copy = etree.fromstring(etree.tostring(book))
        memos: dict[str, list[str]] = {}
        for code in copy.iter(_N + "Code"):
            texts = self._referred(code)
            if texts:
                memos[code.get("guid", "").strip().lower()] = texts
            for ref in code.findall(_N + "NoteRef"):
                code.remove(ref)
        for element in copy.iter():
            if isinstance(element.tag, str):
                element.tag = "{" + CODEBOOK_NAMESPACE + "}" + etree.QName(element).localname
        etree.cleanup_namespaces(copy)
        result = read_qdc(etree.tostring(copy), strict=False)
        for _path, node in iter_codes(result.roots):
            extra = memos.get(node.guid.strip().lower(), [])
            node.memo = "\n\n".join([node.memo, *extra] if node.memo else extra)
        self.project.codes = result.roots
        self.report.taken["Code"] = sum(1 for _ in iter_codes(result.roots))
        self.report.codebook = [f"codebook {p}" for p in result.not_taken + result.changed]

    # --- text -------------------------------------------------------------------------------

    def _content(self, element: etree._Element, kind: str) -> str | None:
        """The plain text of a source or note: inline, or the file `plainTextPath` names."""
        inline = element.find(_N + "PlainTextContent")
        if inline is not None:
            return "".join(inline.itertext())
        path = element.get("plainTextPath", "").strip()
        if not path:
            return "" if kind == "Note" else None
        entry = self._entry(path)
        if entry is None:
            self.report.skip(kind, "its text file is not inside the archive")
            return None
        raw = self.archive.read(entry)
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            return raw.decode("utf-16")
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            self.report.skip(kind, "its text file is not UTF-8 or UTF-16")
            return None

    def _entry(self, path: str) -> str | None:
        name = path.removeprefix("internal://")
        if "://" in name:
            return None  # relative:// or absolute:// media: outside the archive
        for candidate in (f"sources/{name}", name):
            found = self.archive.find(candidate)
            if found:
                return found
        return None

    # --- sources and selections -------------------------------------------------------------

    def _sources(self) -> None:
        sources = self.root.find(_N + "Sources")
        if sources is None:
            return
        for element in sources:
            if not isinstance(element.tag, str):
                continue
            kind = etree.QName(element).localname
            if kind == "TextSource":
                self._text_source(element)
            else:
                label = _MEDIA.get(kind, kind)
                self.report.skip(kind, f"Concord holds text only, not {label} sources")
                selections = [e for e in element.iter() if str(e.tag).endswith("Selection")]
                for selection in selections:
                    self.report.skip(
                        etree.QName(selection).localname,
                        f"a selection in a {label} source",
                    )

    def _text_source(self, element: etree._Element) -> None:
        raw = self._content(element, "TextSource")
        guid = element.get("guid", "").strip()
        selections = element.findall(_N + "PlainTextSelection")
        if raw is None or not guid:
            self.report.skip("PlainTextSelection", "its source could not be read", len(selections))
            return
        text = raw.replace("\r\n", "\n")
        number = len(self.project.sources) + 1
        source = RefiSource(
            guid=guid,
            name=(element.get("name") or "").strip() or f"Source {number}",
            text=text,
            user_guid=element.get("creatingUser"),
        )
        memo = "\n\n".join(self._note_texts(element))
        if memo:
            source.notes.append(RefiNote("", source.name, memo))
        spans = [(int_or(s.get("startPosition")), int_or(s.get("endPosition"))) for s in selections]
        points = self._positions(raw, [p for span in spans for p in span])
        crlf = [i for i in range(len(raw) - 1) if raw[i] == "\r" and raw[i + 1] == "\n"]
        for index, selection in enumerate(selections):
            start, end = points[2 * index], points[2 * index + 1]
            if start is None or end is None:
                self.report.skip("PlainTextSelection", "its positions fall outside the text")
                continue
            start -= bisect.bisect_left(crlf, start)
            end -= bisect.bisect_left(crlf, end)
            if start > end:
                start, end = end, start
            if start == end:
                self.report.skip("PlainTextSelection", "it selects no text")
                continue
            item = self._selection(selection, start, end)
            if item is not None:
                source.selections.append(item)
        for coding in element.iterfind(_N + "Coding"):
            # A coding of the whole source: a selection of all its text.
            whole = RefiSelection(guid="", start=0, end=len(text))
            if self._coding(coding, whole) and text:
                whole.user_guid = whole.codings[0].user_guid
                source.selections.append(whole)
        for kind in ("VariableValue",):
            self.report.skip(
                kind,
                "variables of a source: Concord keeps them on cases",
                len(element.findall(_N + kind)),
            )
        self.project.sources.append(source)
        self.report.taken["TextSource"] += 1
        self.report.taken["PlainTextSelection"] += len(source.selections)

    def _positions(self, raw: str, positions: list[int | None]) -> list[int | None]:
        nvivo = "nvivo" in self.origin.lower()
        models = ("utf16", "points") if nvivo else ("points", "utf16")
        fallback: list[int | None] | None = None
        for model in models:
            converted = self._convert(raw, positions, model)
            if fallback is None:
                fallback = converted
            if all(p is not None for p in converted):
                if model == "utf16" and not nvivo and converted != positions:
                    self.report.notes.append(
                        "Positions were read as UTF-16 code units, as NVivo writes them."
                    )
                return converted
        assert fallback is not None
        return fallback

    @staticmethod
    def _convert(raw: str, positions: list[int | None], model: str) -> list[int | None]:
        known = [p if p is not None else -1 for p in positions]
        if model == "utf16":
            return list(from_utf16(raw, known))
        return [p if 0 <= p <= len(raw) else None for p in known]

    def _selection(self, element: etree._Element, start: int, end: int) -> RefiSelection | None:
        selection = RefiSelection(
            guid=element.get("guid", ""),
            start=start,
            end=end,
            user_guid=element.get("creatingUser") or None,
        )
        for coding in element.iterfind(_N + "Coding"):
            self._coding(coding, selection)
        memo = "\n\n".join(self._note_texts(element))
        if memo:
            selection.notes.append(RefiNote("", "", memo))
        if selection.user_guid is None and selection.codings:
            # QualCoder names the coder on the coding only.
            selection.user_guid = next(
                (c.user_guid for c in selection.codings if c.user_guid), None
            )
        return selection

    def _coding(self, element: etree._Element, selection: RefiSelection) -> bool:
        ref = element.find(_N + "CodeRef")
        target = ref.get("targetGUID", "").strip() if ref is not None else ""
        if target.strip("{}").lower() not in self.codes:
            self.report.skip("Coding", "it refers to a code that is not in the codebook")
            return False
        selection.codings.append(
            RefiCoding(element.get("guid", ""), target, element.get("creatingUser") or None)
        )
        self.report.taken["Coding"] += 1
        return True

    # --- cases ------------------------------------------------------------------------------

    def _cases(self) -> None:
        variables: dict[str, RefiVariable] = {}
        for element in self.root.iterfind(f"{_N}Variables/{_N}Variable"):
            kind = element.get("typeOfVariable", "Text")
            guid = element.get("guid", "").strip()
            if kind not in VARIABLE_TYPES or not guid:
                self.report.skip("Variable", f"type {kind!r} is not one Concord holds")
                continue
            variable = RefiVariable(guid, element.get("name", "").strip() or guid, kind)
            variables[guid.lower()] = variable
            self.project.variables.append(variable)
        self.report.taken["Variable"] = len(self.project.variables)
        for index, element in enumerate(self.root.iterfind(f"{_N}Cases/{_N}Case"), start=1):
            case = RefiCase(
                guid=element.get("guid", ""),
                name=(element.get("name") or "").strip() or f"Case {index}",
                description="\n\n".join(self._note_texts(element)),
                source_guids=[
                    r.get("targetGUID", "").strip() for r in element.iterfind(_N + "SourceRef")
                ],
            )
            for holder in element.iterfind(_N + "VariableValue"):
                ref = holder.find(_N + "VariableRef")
                target = variables.get(
                    (ref.get("targetGUID", "") if ref is not None else "").strip().lower()
                )
                value = _value(holder, target)
                if target is None or value is None:
                    self.report.skip("VariableValue", "its variable or value cannot be read")
                    continue
                case.values.append((target.guid, value))
            for kind in ("CodeRef", "SelectionRef"):
                self.report.skip(
                    f"Case {kind}",
                    "Concord links cases to documents only",
                    len(element.findall(_N + kind)),
                )
            self.project.cases.append(case)
        self.report.taken["Case"] = len(self.project.cases)

    # --- sets -------------------------------------------------------------------------------

    def _sets(self) -> None:
        """Sets of sources become document sets; a set of codes or notes only has no place in
        Concord, and a set's codes and notes are left out of it (the report counts both)."""
        imported = {guid_key(source.guid) for source in self.project.sources}
        for element in self.root.iterfind(f"{_N}Sets/{_N}Set"):
            members = element.findall(_N + "MemberSource")
            others = len(element.findall(_N + "MemberCode")) + len(
                element.findall(_N + "MemberNote")
            )
            # The standard names the source in targetGUID; Transana writes guid.
            guids = [(m.get("targetGUID") or m.get("guid") or "").strip() for m in members]
            kept = [g for g in guids if g and guid_key(g) in imported]
            if members and not kept or others and not members:
                reason = "none of its sources was imported" if members else "it holds no sources"
                self.report.skip("Set", f"{reason}: Concord's sets hold documents")
                continue
            self.report.skip(
                "Set MemberSource", "the source was not imported", len(guids) - len(kept)
            )
            self.report.skip(
                "Set MemberCode or MemberNote", "Concord's sets hold documents only", others
            )
            name = (element.get("name") or "").strip() or f"Set {len(self.project.sets) + 1}"
            description = _text(element.find(_N + "Description"))
            self.report.skip(
                "Set Description", "Concord's document sets have none", description != ""
            )
            self.project.sets.append(RefiSet(element.get("guid", ""), name, description, kept))
        if self.project.sets:
            self.report.taken["Set → document set"] = len(self.project.sets)


def int_or(value: str | None) -> int | None:
    try:
        return int((value or "").strip())
    except ValueError:
        return None


def _value(holder: etree._Element, variable: RefiVariable | None) -> Value | None:
    if variable is None:
        return None
    for child in holder:
        if not isinstance(child.tag, str) or etree.QName(child).localname == "VariableRef":
            continue
        raw = (child.text or "").strip()
        kind = etree.QName(child).localname.removesuffix("Value")
        try:
            if kind == "Boolean":
                return raw.lower() in ("true", "1")
            if kind in ("Integer", "Float"):
                return float(raw)
            if kind in ("Date", "DateTime"):
                return date.fromisoformat(raw[:10])
        except ValueError:
            return None
        return raw
    return None
