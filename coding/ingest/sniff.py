"""Find a file's real type from its first bytes (and, for zips, its member names).

Policy: when the content is a supported type, the content wins over the extension and the
caller records a warning; when the content is a known binary type that Concord cannot read,
the file is refused. Content that decodes as text is text (with a warning when the name says
PDF, DOCX, ODT or RTF), and the extension decides between plain text, Markdown and HTML; other
content under such a name is refused, saying that it is not what its name says.
"""

from __future__ import annotations

import io
import zipfile

from coding.wording import Notice, gettext_noop

from .errors import IngestError
from .text import BOMS, decode_bytes

SUPPORTED_TYPES = ("pdf", "docx", "odt", "rtf", "txt", "md", "html")
SUPPORTED_LIST = gettext_noop("PDF, DOCX, ODT, RTF, plain text, Markdown or HTML")

EXTENSION_TYPES = {
    "pdf": "pdf",
    "docx": "docx",
    "odt": "odt",
    "rtf": "rtf",
    "txt": "txt",
    "text": "txt",
    "md": "md",
    "markdown": "md",
    "html": "html",
    "htm": "html",
    "xhtml": "html",
}

# Binary formats people plausibly upload by mistake, with what to tell them.
_REFUSED_MAGIC: list[tuple[bytes, str]] = [
    (b"\x89PNG\r\n\x1a\n", gettext_noop("a PNG image")),
    (b"\xff\xd8\xff", gettext_noop("a JPEG image")),
    (b"GIF87a", gettext_noop("a GIF image")),
    (b"GIF89a", gettext_noop("a GIF image")),
    (b"II*\x00", gettext_noop("a TIFF image")),
    (b"MM\x00*", gettext_noop("a TIFF image")),
    (b"\x1f\x8b", gettext_noop("a gzip archive")),
    (b"7z\xbc\xaf\x27\x1c", gettext_noop("a 7-Zip archive")),
    (b"Rar!", gettext_noop("a RAR archive")),
    (b"\x7fELF", gettext_noop("a program")),
    (b"MZ", gettext_noop("a Windows program")),
]

# A file named like a binary format whose bytes are neither that format nor text: the real cause.
_NOT_WHAT_ITS_NAME_SAYS = {
    "pdf": gettext_noop(
        "This file is named .%(ext)s but is not a PDF: it does not begin like a PDF file, and "
        "it is not text either. It may be damaged, or a different kind of file given a PDF name."
    ),
    "docx": gettext_noop(
        "This file is named .%(ext)s but is not a DOCX document: a DOCX file is a ZIP "
        "archive, and this file is not one. It may be damaged, or a different kind of file given "
        "a DOCX name."
    ),
    "odt": gettext_noop(
        "This file is named .%(ext)s but is not an ODT document: an ODT file is a ZIP archive, "
        "and this file is not one. It may be damaged, or a different kind of file given an ODT "
        "name."
    ),
    "rtf": gettext_noop(
        "This file is named .%(ext)s but is not an RTF document: it does not begin like an RTF "
        "file, and it is not text either. It may be damaged, or a different kind of file."
    ),
}

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def extension_of(filename: str) -> str:
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def sniff_type(data: bytes, filename: str) -> str:
    """Return one of ``SUPPORTED_TYPES`` for the content, or raise ``IngestError``."""
    head = data[:1024]
    if head.lstrip(b"\x00\t\n\r\f ").startswith(b"%PDF-") or data[:1024].find(b"%PDF-") != -1:
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _sniff_zip(data)
    if head.startswith(_OLE2_MAGIC):
        raise IngestError(
            gettext_noop(
                "This is an old-style Office file (such as .doc) or a password-protected Office "
                "document. Please save it as an unprotected DOCX and upload it again."
            )
        )
    for magic, what in _REFUSED_MAGIC:
        if head.startswith(magic):
            raise IngestError(
                gettext_noop(
                    "This file is %(what)s, not a document Concord can read. "
                    "Supported formats are %(supported)s."
                ),
                what=Notice(what),
                supported=Notice(SUPPORTED_LIST),
            )
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        return "rtf"
    extension = extension_of(filename)
    ext_type = EXTENSION_TYPES.get(extension)
    if ext_type in _NOT_WHAT_ITS_NAME_SAYS and not _looks_like_text(data):
        raise IngestError(_NOT_WHAT_ITS_NAME_SAYS[ext_type], ext=extension)
    if ext_type in ("txt", "md", "html"):
        if ext_type != "html" and _looks_like_html(head):
            return "html"
        return ext_type
    return "html" if _looks_like_html(head) else "txt"


def _looks_like_text(data: bytes) -> bool:
    """Whether the start of the file decodes as text (the reader checks all of it later)."""
    head = data[:8192]
    if head.startswith(BOMS):
        return True
    if b"\x00" in head:
        return False
    try:
        decode_bytes(head)
    except IngestError:
        return False
    return True


def _looks_like_html(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<!doctype html", b"<html"))


def _sniff_zip(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:100].strip() if "mimetype" in names else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise IngestError(
            gettext_noop(
                "This file looks like a ZIP-based document (such as DOCX or ODT) but it is "
                "damaged or incomplete. Please check the file and upload it again."
            )
        ) from exc
    if "word/document.xml" in names:
        return "docx"
    if mimetype == _ODT_MIMETYPE:
        return "odt"
    if mimetype.startswith(b"application/vnd.oasis.opendocument."):
        raise IngestError(
            gettext_noop(
                "This is an OpenDocument spreadsheet, presentation or drawing, not a text "
                "document. Supported formats are %(supported)s."
            ),
            supported=Notice(SUPPORTED_LIST),
        )
    if "xl/workbook.xml" in names or "ppt/presentation.xml" in names:
        raise IngestError(
            gettext_noop(
                "This is an Excel or PowerPoint file, not a text document. "
                "Supported formats are %(supported)s."
            ),
            supported=Notice(SUPPORTED_LIST),
        )
    raise IngestError(
        gettext_noop(
            "This file is a ZIP archive, not a document. Supported formats are %(supported)s."
        ),
        supported=Notice(SUPPORTED_LIST),
    )
