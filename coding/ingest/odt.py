"""ODT through odfpy: headings, paragraphs, lists, sections and tables in order."""

from __future__ import annotations

import io
from typing import Any

from odf import dc, meta, teletype
from odf.namespaces import TABLENS, TEXTNS
from odf.opendocument import load

from .result import RawDocument
from .zipcheck import check_zip

_PARAGRAPHS = {(TEXTNS, "p"), (TEXTNS, "h")}
_CONTAINERS = {
    (TEXTNS, "list"),
    (TEXTNS, "list-item"),
    (TEXTNS, "list-header"),
    (TEXTNS, "section"),
    (TABLENS, "table"),
    (TABLENS, "table-header-rows"),
    (TABLENS, "table-rows"),
    (TABLENS, "table-row"),
    (TABLENS, "table-cell"),
}


def read_odt(data: bytes) -> RawDocument:
    check_zip(data, "ODT")
    document = load(io.BytesIO(data))
    paragraphs: list[tuple[str, int | None]] = []
    _collect(document.text, paragraphs)
    metadata: dict[str, Any] = {}
    author = _meta_text(document, dc.Creator) or _meta_text(document, meta.InitialCreator)
    if author:
        metadata["author"] = author
    created = _meta_text(document, meta.CreationDate)
    if created:
        metadata["created"] = created
    return RawDocument(
        pages=["\n\n".join(text for text, _ in paragraphs)],
        title=_meta_text(document, dc.Title) or None,
        metadata=metadata,
        headings=[(0, text, level) for text, level in paragraphs if level],
    )


def _collect(element: Any, paragraphs: list[tuple[str, int | None]]) -> None:
    for child in element.childNodes:
        qname = getattr(child, "qname", None)
        if qname in _PARAGRAPHS:
            text = teletype.extractText(child)
            if text.strip():
                paragraphs.append((text, _level(child) if qname == (TEXTNS, "h") else None))
        elif qname in _CONTAINERS:
            _collect(child, paragraphs)


def _level(heading: Any) -> int:
    try:
        return max(1, min(int(heading.getAttrNS(TEXTNS, "outline-level") or 1), 6))
    except ValueError:
        return 1


def _meta_text(document: Any, element_type: Any) -> str:
    found = document.meta.getElementsByType(element_type)
    return teletype.extractText(found[0]).strip() if found else ""
