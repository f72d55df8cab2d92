"""PDF through pypdf, page by page."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from pypdf import PdfReader

from coding.wording import Notice, gettext_noop

from .errors import IngestError, NoTextLayer
from .pdf_headings import LineCollector, body_style, heading_lines, levels, set_apart
from .result import RawDocument

# Typographic ligatures that PDF fonts often map to one code point.
_LIGATURES = str.maketrans(
    {
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\ufb05": "st",
        "\ufb06": "st",
    }
)
_DAMAGED = gettext_noop(
    "This PDF is damaged or incomplete and cannot be read. Please check the file and upload "
    "it again."
)
_ENCRYPTED = gettext_noop(
    "This PDF is password-protected. Please remove the password (for example by printing it "
    "to a new PDF) and upload it again."
)
_SCANNED = gettext_noop(
    "This PDF has no text layer: it looks like a scanned document, and it was not read by OCR "
    "(no OCR). Please upload a PDF with selectable text."
)


def read_pdf(data: bytes, progress: Callable[[int, Notice], None] | None = None) -> RawDocument:
    if b"%%EOF" not in data[-4096:]:
        # A cut-off download: pypdf would quietly recover some pages and lose the rest.
        raise IngestError(_DAMAGED)
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        try:
            # Files with only an owner password (printing/copying limits) open with "".
            opened = reader.decrypt("")
        except Exception as exc:
            raise IngestError(_ENCRYPTED) from exc
        if not opened:
            raise IngestError(_ENCRYPTED)
    total = len(reader.pages)
    if total == 0:
        raise IngestError(gettext_noop("This PDF has no pages."))
    pages: list[str] = []
    fonts: list[LineCollector] = []
    unreadable: list[int] = []
    for index, page in enumerate(reader.pages):
        fonts.append(LineCollector())
        try:
            text = page.extract_text(visitor_text=fonts[-1]) or ""
        except Exception:
            text = ""
            fonts[-1] = LineCollector()
            unreadable.append(index + 1)
        pages.append(text.translate(_LIGATURES))
        if progress:
            progress(
                5 + 85 * (index + 1) // total,
                Notice(
                    gettext_noop("Read page %(page)s of %(total)s"),
                    {"page": index + 1, "total": total},
                ),
            )
    empty = [n for n, text in enumerate(pages, 1) if not text.strip() and n not in unreadable]
    if len(empty) + len(unreadable) == total:
        raise IngestError(_DAMAGED) if unreadable else NoTextLayer(_SCANNED)
    warnings = []
    if unreadable:
        warnings.append(
            Notice(
                gettext_noop("Pages that could not be read (their text is missing): %(pages)s."),
                {"pages": _pages_phrase(unreadable)},
            )
        )
    if empty:
        warnings.append(
            Notice(
                gettext_noop(
                    "Pages with no text layer (a scanned image or a blank page), so no text was "
                    "taken from them: %(pages)s."
                ),
                {"pages": _pages_phrase(empty)},
            )
        )
    title, metadata = _metadata(reader)
    pages, headings = _headings(pages, fonts)
    return RawDocument(
        pages=pages,
        title=title,
        metadata=metadata,
        warnings=warnings,
        reflow=True,
        paged=True,
        headings=headings,
    )


def _headings(
    pages: list[str], fonts: list[LineCollector]
) -> tuple[list[str], list[tuple[int, str, int]]]:
    """Set heading lines apart as paragraphs; return the pages and (page, text, level)."""
    body = body_style(fonts)
    found = [heading_lines(page, body) for page in fonts]
    level_of = levels([size for page in found for _, size in page])
    headings = [
        (index, text.translate(_LIGATURES), level_of[size])
        for index, page in enumerate(found)
        for text, size in page
    ]
    separated = [
        set_apart(text, [heading.translate(_LIGATURES) for heading, _ in found[index]])
        for index, text in enumerate(pages)
    ]
    return separated, headings


def _metadata(reader: PdfReader) -> tuple[str | None, dict[str, Any]]:
    metadata: dict[str, Any] = {}
    title = None
    try:
        info = reader.metadata
        if info:
            title = (info.title or "").removeprefix("Microsoft Word - ").strip() or None
            if info.author:
                metadata["author"] = str(info.author).strip()
            if info.creation_date:
                metadata["created"] = info.creation_date.isoformat()
    except Exception:  # noqa: S110 - broken metadata is no reason to refuse the text
        pass
    try:
        labels = reader.page_labels
        if any(label != str(n) for n, label in enumerate(labels, 1)):
            metadata["page_labels"] = list(labels)
    except Exception:  # noqa: S110 - page labels are a nicety
        pass
    return title, metadata


def _pages_phrase(numbers: list[int]) -> str:
    """[3, 7, 8, 9] -> "3, 7–9"; [7] -> "7"."""
    ranges: list[list[int]] = []
    for number in numbers:
        if ranges and number == ranges[-1][1] + 1:
            ranges[-1][1] = number
        else:
            ranges.append([number, number])
    parts = [str(a) if a == b else f"{a}–{b}" for a, b in ranges]
    return ", ".join(parts)
