"""Which metadata a file carries is worth showing: titles and authors that say something.

Office programs and PDF generators fill the title and author fields with their own names,
"Untitled", the file name or a template's text. Such values are not the document's title or
author, so the file name wins over them; and even a meaningful author or date is shown as "from
the file's properties", never copied into the document's own details.
"""

from __future__ import annotations

import re

_GENERIC = {
    "untitled",
    "untitled document",
    "no title",
    "title",
    "document",
    "dokument",
    "new document",
    "nytt dokument",
    "doc",
    "docx",
    "pdf",
    "word",
    "microsoft word",
    "microsoft word document",
    "writer",
    "libreoffice",
    "openoffice",
    "powerpoint presentation",
    "presentation",
    "presentasjon",
    "slide 1",
    "lysbilde 1",
    "tittel",
    "uten tittel",
    "rapport",
    "report",
    "notat",
    "memo",
    "template",
    "mal",
    "normal",
    "normal.dotm",
    "blank",
    "tom",
}
# Names of the software that wrote the file, as they appear in author and title fields.
_GENERATORS = re.compile(
    r"^(?:python-docx|reportlab|fpdf\d?|pypdf\d?|pdfkit|wkhtmltopdf|prince|itext|itextsharp|"
    r"acrobat(?: pdfmaker)?|adobe.*|microsoft(?: office)?(?: word| user)?|office|"
    r"libreoffice.*|openoffice.*|writer|pages|google docs|ghostscript|tcpdf|dompdf|latex|"
    r"pdftex|xetex|luatex|word|user|admin|administrator|owner|unknown|anonymous|author|"
    r"bruker|forfatter|eier)$",
    re.IGNORECASE,
)
_FILE_NAME = re.compile(r"\.(?:docx?|pdf|odt|rtf|txt|md|html?|dotx?)$", re.IGNORECASE)
_OFFICE_PREFIX = re.compile(r"^(?:microsoft (?:word|powerpoint) - )", re.IGNORECASE)


def meaningful(value: object) -> str | None:
    """The value stripped, or None when it is empty, generic or a program's name."""
    text = " ".join(str(value or "").split())
    if _OFFICE_PREFIX.match(text) or _FILE_NAME.search(text):
        return None
    if len(text) < 3 or not any(char.isalpha() for char in text):
        return None
    if text.lower() in _GENERIC or _GENERATORS.match(text):
        return None
    return text


def document_title(metadata_title: object, file_stem: str) -> str:
    """The metadata title when it says something, else the file name without its extension."""
    return meaningful(metadata_title) or file_stem
