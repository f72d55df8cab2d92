"""REFI-QDA codebook exchange (`.qdc`, QDA-XML 1.0, namespace `urn:QDA-XML:codebook:1.0`).

Export (`write_qdc`) is strict: the output is validated against the vendored
`schemas/Codebook-mrt2019.xsd` before it is returned. A code without a guid gets
`stable_guid(path)`, so exporting the same codebook twice gives the same guids; a guid is
written as the code holds it (braced or upper-case as the other tool wrote it). `isCodable`
comes from the code; `color` is written only when the code has one.

QDC has a single free-text `<Description>` per code, so the definition comes first and the other
fields follow as labelled sections, each heading on its own line:

    Municipalities, county councils and the state as actors.

    Inclusion criteria:
    Named public bodies.

    Exclusion criteria:
    ...

    Example:
    ...

    Memo:
    ...

Empty sections are left out. On import the sections are parsed back when present; a description
without them is all definition. A line of your own text that equals a heading is written with a
leading backslash (`\\Example:`) so it is not mistaken for one; one backslash is removed again on
import. The shortcut has no place in QDC and is not exported.

Import (`read_qdc`) treats the file as untrusted: no DTD (so no entity expansion, "billion
laughs" or external entities), no network, lxml's default size and depth limits. Other codebook
namespaces some tools write (`urn:QDA-XML:codebook:0:4`, `urn:QDA-XML:codebook:1:0`) are read as
1.0 and reported. With `strict=True` (default) a file that is not valid against the schema
raises `CodebookFormatError` listing each violation with its line; with `strict=False` the
violations are returned in `schema_errors` and whatever can be understood is imported.
"""

from __future__ import annotations

import re
import threading
from functools import cache
from importlib import resources

from lxml import etree

from coding.wording import gettext_noop

from .model import (
    MAX_DEPTH,
    SKIPPED_DEEP,
    SKIPPED_WITHOUT_NAME,
    CodebookFormatError,
    CodeNode,
    ImportResult,
    Problem,
    TreeIntake,
    assign_guids,
    problem,
    require_valid,
    skipped,
)

NAMESPACE = "urn:QDA-XML:codebook:1.0"
# Namespaces seen in real exports of earlier drafts of the standard; read as 1.0.
OTHER_NAMESPACES = ("urn:QDA-XML:codebook:0:4", "urn:QDA-XML:codebook:1:0")
PROJECT_NAMESPACES = (
    "urn:QDA-XML:project:1.0",
    "urn:QDA-XML:project:0:10",
    "urn:QDA-XML:project:1:0",
)
ORIGIN = "Concord"

_N = "{" + NAMESPACE + "}"
SECTIONS = (
    ("inclusion", "Inclusion criteria:"),
    ("exclusion", "Exclusion criteria:"),
    ("example", "Example:"),
    ("memo", "Memo:"),
)
_HEADING_TO_ATTR = {heading: attr for attr, heading in SECTIONS}
# A heading line, possibly already preceded by escaping backslashes.
_HEADING_LIKE = re.compile(
    r"(\\*)(" + "|".join(re.escape(h) for _, h in SECTIONS) + r")",
)


@cache
def _schema_bytes() -> bytes:
    return (resources.files(__package__) / "schemas" / "Codebook-mrt2019.xsd").read_bytes()


_per_thread = threading.local()


def codebook_schema() -> etree.XMLSchema:
    """The compiled codebook schema, one per thread: a validator keeps its error log on itself,
    so sharing one between threaded requests could mix their errors."""
    schema = getattr(_per_thread, "schema", None)
    if schema is None:
        schema = _per_thread.schema = etree.XMLSchema(
            etree.fromstring(_schema_bytes(), _safe_parser())
        )
    return schema


def _safe_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


# --- descriptions ---------------------------------------------------------------------------------


def _escape(text: str) -> str:
    lines = []
    for line in text.split("\n"):
        lines.append("\\" + line if _HEADING_LIKE.fullmatch(line) else line)
    return "\n".join(lines)


def _unescape(text: str) -> str:
    lines = []
    for line in text.split("\n"):
        match = _HEADING_LIKE.fullmatch(line)
        lines.append(line[1:] if match and match.group(1) else line)
    return "\n".join(lines)


def encode_description(node: CodeNode) -> str:
    parts = [_escape(node.definition)] if node.definition else []
    for attr, heading in SECTIONS:
        value = getattr(node, attr)
        if value:
            parts.append(f"{heading}\n{_escape(value)}")
    return "\n\n".join(parts)


def decode_description(text: str) -> dict[str, str]:
    """The fields found in a description: always `definition`, plus any labelled sections."""
    fields: dict[str, list[str]] = {"definition": []}
    current = "definition"
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        # Exact match only: `_escape` must be able to protect any line that would match.
        if line in _HEADING_TO_ATTR:
            current = _HEADING_TO_ATTR[line]
            fields.setdefault(current, [])
            continue
        fields.setdefault(current, []).append(line)
    decoded: dict[str, str] = {}
    for attr, lines in fields.items():
        decoded[attr] = _unescape("\n".join(lines).strip("\n")).strip()
    return decoded


# --- export ---------------------------------------------------------------------------------------


def write_qdc(roots: list[CodeNode], *, origin: str = ORIGIN) -> bytes:
    """Schema-valid QDC. Raises `CodebookFormatError` if the tree is not valid, or is empty
    (the schema requires at least one code)."""
    require_valid(roots)
    if not roots:
        raise CodebookFormatError([gettext_noop("a QDC codebook needs at least one code")])
    book = etree.Element(_N + "CodeBook", nsmap={None: NAMESPACE})
    if origin:
        book.set("origin", origin)
    codes = etree.SubElement(book, _N + "Codes")

    def add(parent: etree._Element, node: CodeNode) -> None:
        element = etree.SubElement(parent, _N + "Code")
        element.set("guid", node.guid)
        element.set("name", node.name)
        element.set("isCodable", "true" if node.is_codable else "false")
        if node.colour:
            element.set("color", node.colour)
        description = encode_description(node)
        if description:
            etree.SubElement(element, _N + "Description").text = description
        for child in node.children:
            add(element, child)

    for root in assign_guids(roots):
        add(codes, root)
    schema = codebook_schema()
    if not schema.validate(book):  # a bug here, never the user's fault
        raise AssertionError(f"write_qdc produced an invalid codebook: {schema.error_log}")
    return etree.tostring(book, xml_declaration=True, encoding="utf-8", pretty_print=True)


# --- import ---------------------------------------------------------------------------------------


class DoctypeFound(Exception):
    """The XML declares a DOCTYPE (see :func:`refuse_doctype`)."""


class _DoctypeGate:
    """Parser target that only looks for a DOCTYPE. libxml2 reports it before reading the
    internal subset, so no entity is even declared, let alone expanded."""

    def doctype(self, *args: object) -> None:
        raise DoctypeFound

    def start(self, *args: object) -> None:
        pass

    def end(self, *args: object) -> None:
        pass

    def data(self, *args: object) -> None:
        pass

    def close(self) -> None:
        return None


def refuse_doctype(data: bytes) -> None:
    """Raise DoctypeFound if the XML declares a DOCTYPE; an exchange file has no use for a DTD,
    and one in an upload is a mistake or an attack (entity expansion, external entities)."""
    gate = etree.XMLParser(
        target=_DoctypeGate(), resolve_entities=False, no_network=True, load_dtd=False
    )
    etree.fromstring(data, gate)


def _parse(data: bytes) -> etree._ElementTree:
    if not data.strip():
        raise CodebookFormatError([gettext_noop("the file is empty")])
    try:
        refuse_doctype(data)  # before the real parse sees it
        root = etree.fromstring(data, _safe_parser())
    except DoctypeFound:
        raise CodebookFormatError(
            [gettext_noop("a DOCTYPE/DTD is not allowed in a codebook file (entities are refused)")]
        ) from None
    except etree.XMLSyntaxError as exc:
        raise CodebookFormatError(
            [
                problem(
                    gettext_noop("not well-formed XML: %(error)s"),
                    line=exc.lineno or None,
                    error=exc.msg,
                )
            ]
        ) from exc
    tree = root.getroottree()
    if tree.docinfo.internalDTD is not None or tree.docinfo.doctype:  # belt and braces
        raise CodebookFormatError(
            [gettext_noop("a DOCTYPE/DTD is not allowed in a codebook file (entities are refused)")]
        )
    return tree


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _namespace(tag: object) -> str | None:
    return etree.QName(tag).namespace if isinstance(tag, str) else None


def _readable(text: str) -> str:
    """Error messages without our namespace in every element name."""
    return text.replace(_N, "")


def read_qdc(data: bytes, *, strict: bool = True) -> ImportResult:
    tree = _parse(data)
    root = tree.getroot()
    result = ImportResult(roots=[])
    namespace = _namespace(root.tag)
    if namespace in PROJECT_NAMESPACES:
        raise CodebookFormatError(
            [
                Problem(
                    gettext_noop("this is a REFI-QDA project (.qde/.qdpx), not a codebook (.qdc)"),
                    line=root.sourceline,
                )
            ]
        )
    if namespace in OTHER_NAMESPACES:
        for element in root.iter():
            if _namespace(element.tag) == namespace:
                element.tag = _N + _local(element.tag)
        result.changed.append(
            problem(
                gettext_noop("namespace %(namespace)s read as %(ours)s"),
                line=root.sourceline,
                namespace=namespace,
                ours=NAMESPACE,
            )
        )
        etree.cleanup_namespaces(root)
    elif namespace != NAMESPACE or _local(root.tag) != "CodeBook":
        wording = (
            gettext_noop(
                "not a REFI-QDA codebook: the root element is <%(element)s> in namespace"
                " %(namespace)s, expected <CodeBook> in %(ours)s"
            )
            if namespace
            else gettext_noop(
                "not a REFI-QDA codebook: the root element is <%(element)s> in no namespace,"
                " expected <CodeBook> in %(ours)s"
            )
        )
        raise CodebookFormatError(
            [
                problem(
                    wording,
                    line=root.sourceline,
                    element=_local(root.tag),
                    namespace=namespace,
                    ours=NAMESPACE,
                )
            ]
        )
    schema = codebook_schema()
    if not schema.validate(root):
        errors = [Problem(_readable(e.message), line=e.line or None) for e in schema.error_log]
        if strict:
            raise CodebookFormatError(
                [
                    Problem(
                        gettext_noop("the file is not valid against the REFI-QDA codebook schema")
                    ),
                    *errors,
                ]
            )
        result.schema_errors.extend(errors)
    _read_book(root, result)
    return result


def _unknown(element: etree._Element, result: ImportResult, inside: str) -> None:
    result.not_taken.append(
        problem(
            gettext_noop("unknown element <%(element)s> in %(inside)s ignored"),
            line=element.sourceline,
            element=_readable(str(element.tag)),
            inside=inside,
        )
    )


def _unknown_in_code(element: etree._Element, result: ImportResult, code: str) -> None:
    result.not_taken.append(
        problem(
            gettext_noop("unknown element <%(element)s> in code “%(code)s” ignored"),
            line=element.sourceline,
            element=_readable(str(element.tag)),
            code=code,
        )
    )


def _read_book(root: etree._Element, result: ImportResult) -> None:
    intake = TreeIntake(result)
    for child in root:
        name = _local(child.tag) if _namespace(child.tag) == NAMESPACE else None
        if name == "Codes":
            for code in child:
                if code.tag != _N + "Code":
                    _unknown(code, result, "<Codes>")
            result.roots = _read_codes(child, set(), 1, intake)
        elif name == "Sets":
            for code_set in child:
                members = len(code_set.findall(_N + "MemberCode"))
                result.not_taken.append(
                    problem(
                        gettext_noop(
                            "set “%(name)s” (%(n)d member code(s)) not taken: Concord has no"
                            " code sets"
                        ),
                        line=code_set.sourceline,
                        name=code_set.get("name", ""),
                        n=members,
                    )
                )
        else:
            _unknown(child, result, "<CodeBook>")


_CODE_ATTRIBUTES = {"guid", "name", "isCodable", "color"}


def _read_codes(
    parent: etree._Element, siblings: set[str], depth: int, intake: TreeIntake
) -> list[CodeNode]:
    result = intake.result
    nodes: list[CodeNode] = []
    for element in parent.iterchildren(_N + "Code"):
        where = {"line": element.sourceline}
        descendants = sum(1 for _ in element.iterdescendants(_N + "Code"))
        if depth > MAX_DEPTH:
            result.not_taken.append(skipped(SKIPPED_DEEP, descendants, where, limit=MAX_DEPTH))
            continue
        name = intake.name(element.get("name", ""), where, siblings)
        if name is None:
            result.not_taken.append(skipped(SKIPPED_WITHOUT_NAME, descendants, where))
            continue
        node = CodeNode(name=name)
        node.guid = intake.guid(element.get("guid", ""), where, name)
        node.colour = intake.colour(element.get("color", ""), where, name)
        node.is_codable = element.get("isCodable", "true").strip().lower() not in ("false", "0")
        for attribute in sorted(set(element.attrib) - _CODE_ATTRIBUTES):
            result.not_taken.append(
                problem(
                    gettext_noop("unknown attribute “%(attribute)s” of “%(code)s” ignored"),
                    **where,
                    attribute=_readable(attribute),
                    code=name,
                )
            )
        descriptions = 0
        for child in element:
            local = _local(child.tag) if _namespace(child.tag) == NAMESPACE else None
            if local == "Description":
                descriptions += 1
                if descriptions > 1:
                    result.not_taken.append(
                        problem(
                            gettext_noop("second <Description> of “%(code)s” ignored"),
                            line=child.sourceline,
                            code=name,
                        )
                    )
                    continue
                raw = "".join(child.itertext())
                for attr, value in decode_description(raw).items():
                    setattr(node, attr, intake.text(attr, value, where, name))
            elif local != "Code":
                _unknown_in_code(child, result, name)
        node.children = _read_codes(element, set(), depth + 1, intake)
        nodes.append(node)
    return nodes
