"""DOCX through python-docx: body paragraphs and tables in document order."""

from __future__ import annotations

import io
from typing import Any

import docx
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from .result import RawDocument
from .zipcheck import check_zip


def read_docx(data: bytes) -> RawDocument:
    check_zip(data, "DOCX")
    document = docx.Document(io.BytesIO(data))
    paragraphs = list(_blocks(document.element.body, document))
    properties = document.core_properties
    metadata: dict[str, Any] = {}
    if properties.author:
        metadata["author"] = properties.author
    if properties.created:
        metadata["created"] = properties.created.isoformat()
    return RawDocument(
        pages=["\n\n".join(text for text in paragraphs if text.strip())],
        title=(properties.title or "").strip() or None,
        metadata=metadata,
    )


def _blocks(container: Any, parent: Any) -> Any:
    for child in container.iterchildren():
        if child.tag == qn("w:p"):
            yield Paragraph(child, parent).text
        elif child.tag == qn("w:tbl"):
            yield from _table_rows(Table(child, parent))
        elif child.tag == qn("w:sdt"):
            # Content controls (cover pages, forms) wrap ordinary paragraphs.
            for content in child.iterchildren(qn("w:sdtContent")):
                yield from _blocks(content, parent)


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
