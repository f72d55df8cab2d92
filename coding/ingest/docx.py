"""DOCX through python-docx: body paragraphs and tables in document order.

Headings (paragraph styles "Heading n", "Title" and their Norwegian names) are reported so they
stay marked as headings. Footnotes are part of what the author wrote, so each is kept as a
paragraph "[n] …" right after the paragraph that cites it. Comments and page headers and
footers are not the document's text: they are reported as notes for the user, never mixed in.
"""

from __future__ import annotations

import io
import re
from typing import Any

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docx.table import Table
from docx.text.paragraph import Paragraph

from coding.wording import Notice, gettext_noop

from .result import RawDocument
from .zipcheck import check_zip

_HEADING_STYLE = re.compile(r"^(?:heading|overskrift|berschrift|titre)\s*(\d)$", re.IGNORECASE)
_TITLE_STYLE = re.compile(r"^(?:title|tittel)$", re.IGNORECASE)
_NOTE_LENGTH = 300
_MAX_NOTES = 20


def read_docx(data: bytes) -> RawDocument:
    check_zip(data, "DOCX")
    document = docx.Document(io.BytesIO(data))
    reader = _Reader(_footnotes(document))
    blocks = [(text, level) for text, level in reader.blocks(document.element.body, document)]
    blocks = [(text, level) for text, level in blocks if text.strip()]
    properties = document.core_properties
    metadata: dict[str, Any] = {}
    if properties.author:
        metadata["author"] = properties.author
    if properties.created:
        metadata["created"] = properties.created.isoformat()
    return RawDocument(
        pages=["\n\n".join(text for text, _ in blocks)],
        title=(properties.title or "").strip() or None,
        metadata=metadata,
        warnings=_comment_notes(document) + _header_notes(document),
        headings=[(0, text, level) for text, level in blocks if level],
    )


def _heading_level(paragraph: Paragraph) -> int | None:
    try:
        style = paragraph.style
    except (KeyError, ValueError):  # a style the file names but does not define
        return None
    for name in (style.name or "", style.style_id or "") if style is not None else ():
        if _TITLE_STYLE.match(name):
            return 1
        match = _HEADING_STYLE.match(name)
        if match:
            return max(1, min(int(match.group(1)), 6))
    return None


class _Reader:
    def __init__(self, footnotes: dict[str, str]) -> None:
        self.footnotes = footnotes
        self.cited = 0

    def blocks(self, container: Any, parent: Any) -> Any:
        for child in container.iterchildren():
            if child.tag == qn("w:p"):
                paragraph = Paragraph(child, parent)
                yield paragraph.text, _heading_level(paragraph)
                yield from self._cited_footnotes(child)
            elif child.tag == qn("w:tbl"):
                yield from ((row, None) for row in _table_rows(Table(child, parent)))
            elif child.tag == qn("w:sdt"):
                # Content controls (cover pages, forms) wrap ordinary paragraphs.
                for content in child.iterchildren(qn("w:sdtContent")):
                    yield from self.blocks(content, parent)

    def _cited_footnotes(self, paragraph: Any) -> Any:
        for reference in paragraph.iter(qn("w:footnoteReference")):
            text = self.footnotes.get(reference.get(qn("w:id")) or "", "")
            if text:
                self.cited += 1
                yield f"[{self.cited}] {text}", None


def _part_xml(document: Any, reltype: str) -> Any:
    for rel in document.part.rels.values():
        if rel.reltype == reltype and not rel.is_external:
            # python-docx's parser: no entity expansion, no network.
            return parse_xml(rel.target_part.blob)
    return None


def _paragraphs_text(element: Any) -> str:
    paragraphs = []
    for paragraph in element.iter(qn("w:p")):
        paragraphs.append("".join(node.text or "" for node in paragraph.iter(qn("w:t"))))
    return " ".join(text.strip() for text in paragraphs if text.strip())


def _footnotes(document: Any) -> dict[str, str]:
    root = _part_xml(document, RT.FOOTNOTES)
    if root is None:
        return {}
    return {
        note.get(qn("w:id")): _paragraphs_text(note)
        for note in root.iter(qn("w:footnote"))
        # Separator and continuation notices are layout, not notes.
        if note.get(qn("w:type")) in (None, "normal")
    }


def _short(text: str) -> str:
    return text if len(text) <= _NOTE_LENGTH else text[: _NOTE_LENGTH - 1].rstrip() + "…"


def _comment_notes(document: Any) -> list[Notice]:
    root = _part_xml(document, RT.COMMENTS)
    if root is None:
        return []
    notes = []
    for comment in root.iter(qn("w:comment")):
        text = _paragraphs_text(comment)
        if text:
            author = comment.get(qn("w:author")) or "?"
            notes.append(
                Notice(
                    gettext_noop("Comment by %(author)s (not part of the text): “%(text)s”"),
                    {"author": author, "text": _short(text)},
                )
            )
    if len(notes) > _MAX_NOTES:
        more = Notice(
            gettext_noop("… and %(count)s more comments."), {"count": len(notes) - _MAX_NOTES}
        )
        notes = notes[:_MAX_NOTES] + [more]
    return notes


def _header_notes(document: Any) -> list[Notice]:
    seen: list[Notice] = []
    for section in document.sections:
        headers_and_footers = (
            (gettext_noop("Page header (not part of the text): “%(text)s”"), section.header),
            (gettext_noop("Page footer (not part of the text): “%(text)s”"), section.footer),
        )
        for msgid, part in headers_and_footers:
            if part.is_linked_to_previous and seen:
                continue
            text = " ".join(p.text.strip() for p in part.paragraphs if p.text.strip())
            note = Notice(msgid, {"text": _short(text)})
            if text and note not in seen:
                seen.append(note)
    return seen


def _table_rows(table: Table) -> Any:
    """One paragraph per row, one line per cell; merged cells only once."""
    for row in table.rows:
        seen: set[int] = set()
        cells = []
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(cell.text.strip())
        yield "\n".join(text for text in cells if text)
