"""Write a `RefiProject` as a REFI-QDA project archive (`.qdpx`). Pure: no Django.

The archive holds `project.qde` (QDA-XML 1.0, validated against the vendored
`Project-mrt2019.xsd` before it is returned; an invalid file is a bug here, never the user's)
and one `sources/<guid>.txt` per text source, UTF-8 without a BOM, named in the project by an
`internal://<guid>.txt` path. Each selection is one `PlainTextSelection` carrying all its
`Coding`s; notes are `Note`s referred to by `NoteRef`s.

Positions: the standard counts code points, which is the default. `utf16=True` counts UTF-16
code units instead, as NVivo does; the two differ only for characters beyond U+FFFF (emoji).
"""

from __future__ import annotations

import io
import re
import threading
import zipfile
from datetime import date
from functools import cache
from importlib import resources

from lxml import etree

from coding.codebook_io import assign_guids
from coding.codebook_io.qdc import encode_description
from study.refi.model import RefiNote, RefiProject, RefiSource, Value, to_utf16

NAMESPACE = "urn:QDA-XML:project:1.0"
_N = "{" + NAMESPACE + "}"
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


@cache
def _schema_bytes() -> bytes:
    package = resources.files("coding.codebook_io") / "schemas" / "Project-mrt2019.xsd"
    return package.read_bytes()


_per_thread = threading.local()


def project_schema() -> etree.XMLSchema:
    """The compiled project schema, one per thread (a validator keeps its error log)."""
    schema = getattr(_per_thread, "schema", None)
    if schema is None:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        schema = _per_thread.schema = etree.XMLSchema(etree.fromstring(_schema_bytes(), parser))
    return schema


def _xml(text: str) -> str:
    """Text XML 1.0 can carry: control characters removed."""
    return _XML_ILLEGAL.sub("", text)


def _sub(parent: etree._Element, tag: str, **attributes: str | None) -> etree._Element:
    element = etree.SubElement(parent, _N + tag)
    for key, value in attributes.items():
        if value is not None:
            element.set(key, _xml(value))
    return element


def source_path(source: RefiSource) -> str:
    return f"sources/{source.guid}.txt"


def write_qde(project: RefiProject, *, utf16: bool = False) -> bytes:
    root = etree.Element(_N + "Project", nsmap={None: NAMESPACE})
    root.set("name", _xml(project.name) or "Project")
    origin = project.origin or "Concord"
    # Readers choose the position model from the origin (NVivo: UTF-16), so say it there.
    root.set("origin", f"{origin} (NVivo-compatible UTF-16 positions)" if utf16 else origin)
    if project.users:
        users = _sub(root, "Users")
        for user in project.users:
            _sub(users, "User", guid=user.guid, name=user.name)
    if project.codes:
        _codes(_sub(_sub(root, "CodeBook"), "Codes"), project)
    if project.variables:
        variables = _sub(root, "Variables")
        for variable in project.variables:
            _sub(
                variables,
                "Variable",
                guid=variable.guid,
                name=variable.name,
                typeOfVariable=variable.type,
            )
    if project.cases:
        _cases(_sub(root, "Cases"), project)
    notes: list[RefiNote] = list(project.notes)
    if project.sources:
        sources = _sub(root, "Sources")
        for source in project.sources:
            notes += _source(sources, source, utf16=utf16)
    if notes:
        parent = _sub(root, "Notes")
        for note in notes:
            element = _sub(
                parent, "Note", guid=note.guid, name=note.name, creatingUser=note.user_guid
            )
            _sub(element, "PlainTextContent").text = _xml(note.text)
    if project.sets:
        _sets(_sub(root, "Sets"), project)
    if project.description:
        _sub(root, "Description").text = _xml(project.description)
    schema = project_schema()
    if not schema.validate(root):
        raise AssertionError(f"write_qde produced an invalid project: {schema.error_log}")
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", standalone=True)


def _codes(parent: etree._Element, project: RefiProject) -> None:
    def add(into: etree._Element, node) -> None:
        element = _sub(
            into,
            "Code",
            guid=node.guid,
            name=node.name,
            isCodable="true" if node.is_codable else "false",
            color=node.colour or None,
        )
        description = encode_description(node)
        if description:
            _sub(element, "Description").text = _xml(description)
        for child in node.children:
            add(element, child)

    for root in assign_guids(project.codes):
        add(parent, root)


def _cases(parent: etree._Element, project: RefiProject) -> None:
    types = {v.guid: v.type for v in project.variables}
    for case in project.cases:
        element = _sub(parent, "Case", guid=case.guid, name=case.name)
        if case.description:
            _sub(element, "Description").text = _xml(case.description)
        for variable_guid, value in case.values:
            holder = _sub(element, "VariableValue")
            _sub(holder, "VariableRef", targetGUID=variable_guid)
            kind = types[variable_guid]
            _sub(holder, f"{kind}Value").text = _value_text(value)
        for source_guid in case.source_guids:
            _sub(element, "SourceRef", targetGUID=source_guid)


def _sets(parent: etree._Element, project: RefiProject) -> None:
    """Document sets as sets of sources (MemberSource names a source by its guid)."""
    for refi_set in project.sets:
        element = _sub(parent, "Set", guid=refi_set.guid, name=refi_set.name)
        if refi_set.description:
            _sub(element, "Description").text = _xml(refi_set.description)
        for guid in refi_set.source_guids:
            _sub(element, "MemberSource", targetGUID=guid)


def _value_text(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return _xml(str(value))


def _source(parent: etree._Element, source: RefiSource, *, utf16: bool) -> list[RefiNote]:
    """The source's element; returns the notes it refers to, for the project's <Notes>."""
    element = _sub(
        parent,
        "TextSource",
        guid=source.guid,
        name=source.name,
        plainTextPath=f"internal://{source.guid}.txt",
        creatingUser=source.user_guid,
    )
    notes = list(source.notes)
    bounds = [p for s in source.selections for p in (s.start, s.end)]
    units = to_utf16(source.text, bounds) if utf16 else bounds
    for index, selection in enumerate(source.selections):
        item = _sub(
            element,
            "PlainTextSelection",
            guid=selection.guid,
            startPosition=str(units[2 * index]),
            endPosition=str(units[2 * index + 1]),
            creatingUser=selection.user_guid,
        )
        for coding in selection.codings:
            tag = _sub(item, "Coding", guid=coding.guid, creatingUser=coding.user_guid)
            _sub(tag, "CodeRef", targetGUID=coding.code_guid)
        for note in selection.notes:
            _sub(item, "NoteRef", targetGUID=note.guid)
        notes += selection.notes
    for note in source.notes:
        _sub(element, "NoteRef", targetGUID=note.guid)
    return notes


def write_qdpx(project: RefiProject, *, utf16: bool = False) -> bytes:
    """The whole archive: `project.qde` and every source's text."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", write_qde(project, utf16=utf16))
        for source in project.sources:
            archive.writestr(source_path(source), source.text.encode("utf-8"))
    return buffer.getvalue()
