"""The one entry point: bytes and a file name in, a normalized ``Extraction`` out."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from coding.wording import Notice, gettext_noop

from . import ocr
from .docx import read_docx
from .errors import IngestError, NoTextLayer, damaged
from .markup import read_html, read_markdown
from .normalize import find_paragraphs, locate_headings, normalize_pages
from .odt import read_odt
from .pdf import read_pdf
from .result import Extraction, RawDocument
from .rtf import read_rtf
from .sniff import EXTENSION_TYPES, extension_of, sniff_type
from .text import read_txt
from .titles import document_title, meaningful
from .turns import find_speaker_turns

MAX_BYTES = 50 * 1024 * 1024

Progress = Callable[[int, Notice], None]

LABELS = {
    "pdf": "PDF",
    "docx": "DOCX",
    "odt": "ODT",
    "rtf": "RTF",
    "txt": gettext_noop("plain text"),
    "md": "Markdown",
    "html": "HTML",
}


# "This file is plain text, not a PDF as its name .pdf says."
KINDS = {
    "pdf": gettext_noop("a PDF"),
    "docx": gettext_noop("a DOCX document"),
    "odt": gettext_noop("an ODT document"),
    "rtf": gettext_noop("an RTF document"),
    "txt": gettext_noop("plain text"),
    "md": "Markdown",
    "html": gettext_noop("an HTML page"),
}


def extract(
    data: bytes,
    filename: str,
    *,
    max_bytes: int = MAX_BYTES,
    detect_turns: bool = True,
    keep_running_lines: bool = False,
    ocr_language: str | None = None,
    progress: Progress | None = None,
) -> Extraction:
    """Read a document and normalize its text; raise ``IngestError`` for anything unusable.

    ``keep_running_lines`` reads a paged document without dropping its running headers and
    footers (the user's choice when the removal took too much). ``ocr_language`` (a Tesseract
    code such as "nor+eng") reads a PDF without a text layer by OCR; without it such a PDF is
    refused, and the refusal says how to enable OCR when Tesseract is missing.
    """
    if not data:
        raise IngestError(gettext_noop("The file is empty."))
    if len(data) > max_bytes:
        raise IngestError(
            gettext_noop("The file is %(size)s, more than the limit of %(limit)s."),
            size=_size(len(data)),
            limit=_size(max_bytes),
        )
    file_type = sniff_type(data, filename)
    notes = _extension_warnings(filename, file_type)
    _report(
        progress, 2, Notice(gettext_noop("Reading the %(kind)s file"), {"kind": label(file_type)})
    )
    try:
        raw = _read(file_type, data, progress)
    except NoTextLayer as scanned:
        if ocr_language is None:
            if ocr.tesseract_path() is None:
                raise IngestError(
                    gettext_noop("%(scanned)s %(how_to_enable)s"),
                    scanned=scanned.notice,
                    how_to_enable=Notice(ocr.HOW_TO_ENABLE),
                ) from None
            raise
        raw = _ocr(data, ocr_language, progress)
    _report(progress, 92, Notice(gettext_noop("Normalizing the text")))
    try:
        normalized = normalize_pages(
            raw.pages,
            reflow_lines=raw.reflow,
            drop_running_lines=raw.paged and len(raw.pages) >= 3 and not keep_running_lines,
        )
    except Exception as exc:  # our own code, but a page must never see a traceback
        raise IngestError(gettext_noop("The text of this file could not be processed.")) from exc
    if not normalized.text.strip():
        raise IngestError(gettext_noop("No text was found in this file."))
    metadata = _file_properties(raw)
    turns = find_speaker_turns(normalized.text) if detect_turns else []
    paragraphs = find_paragraphs(normalized.text)
    _report(progress, 100, Notice(gettext_noop("Done")))
    return Extraction(
        text=normalized.text,
        file_type=file_type,
        title=document_title(raw.title, _stem(filename) or "Untitled document"),
        pages=normalized.pages,
        paragraphs=paragraphs,
        turns=turns,
        warnings=notes + raw.warnings,
        encoding=raw.encoding,
        metadata=metadata,
        removed_lines=normalized.removed_lines,
        running_lines_kept=keep_running_lines and raw.paged,
        headings=locate_headings(normalized.text, normalized.pages, paragraphs, raw.headings),
    )


def _ocr(data: bytes, language: str, progress: Progress | None) -> RawDocument:
    try:
        return ocr.read_scanned_pdf(data, language, progress)
    except IngestError:
        raise
    except Exception as exc:  # a renderer failure is the file's problem, told in one sentence
        raise IngestError(
            gettext_noop("This scanned PDF could not be rendered for OCR; it may be damaged.")
        ) from exc


def _read(file_type: str, data: bytes, progress: Progress | None) -> RawDocument:
    with warnings.catch_warnings():
        # Library warnings (bs4's "looks like a URL", pypdf's oddities) are not the user's
        # business, and must not become errors under ``-W error``.
        warnings.simplefilter("ignore")
        return _read_quietly(file_type, data, progress)


def _read_quietly(file_type: str, data: bytes, progress: Progress | None) -> RawDocument:
    try:
        if file_type == "pdf":
            return read_pdf(data, progress)
        if file_type == "docx":
            return read_docx(data)
        if file_type == "odt":
            return read_odt(data)
        if file_type == "rtf":
            return read_rtf(data)
        if file_type == "md":
            return read_markdown(data)
        if file_type == "html":
            return read_html(data)
        return read_txt(data)
    except IngestError:
        raise
    except Exception as exc:  # every library failure becomes one user-facing sentence
        raise damaged(label(file_type)) from exc


def _file_properties(raw: RawDocument) -> dict[str, Any]:
    """What the file says about itself, minus program names and placeholders: shown to the
    user as the file's properties, never taken as the document's own details."""
    metadata = dict(raw.metadata)
    author = meaningful(metadata.pop("author", None))
    if author:
        metadata["author"] = author
    return metadata


def label(file_type: str) -> Notice:
    """The name of a kind of file ("PDF", "plain text"), to go into a sentence."""
    return Notice(LABELS[file_type])


def _extension_warnings(filename: str, file_type: str) -> list[Notice]:
    extension = extension_of(filename)
    named = EXTENSION_TYPES.get(extension)
    if named == file_type:
        return []
    if named is None:
        return [
            Notice(
                gettext_noop(
                    "The file name does not say what kind of file it is; it was read as %(kind)s."
                ),
                {"kind": label(file_type)},
            )
        ]
    return [
        Notice(
            gettext_noop(
                "This file is %(kind)s, not %(named)s as its name .%(extension)s says; "
                "it was read as %(label)s."
            ),
            {
                "kind": Notice(KINDS[file_type]),
                "named": Notice(KINDS[named]),
                "extension": extension,
                "label": label(file_type),
            },
        )
    ]


def _stem(filename: str) -> str:
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0].strip() if "." in name.lstrip(".") else name.strip()


def _size(size: int) -> Notice:
    if size >= 1024 * 1024:
        megabytes = round(size / (1024 * 1024), 1)
        return Notice(
            gettext_noop("%(size)s MB"),
            {"size": int(megabytes) if megabytes.is_integer() else megabytes},
        )
    if size >= 1024:
        return Notice(gettext_noop("%(size)s KB"), {"size": size // 1024})
    return Notice(gettext_noop("%(size)s bytes"), {"size": size})


def _report(progress: Progress | None, percent: int, message: Notice) -> None:
    if progress is not None:
        progress(percent, message)
