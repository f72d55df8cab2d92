"""Plain text in any common encoding; a form feed starts a new page."""

from __future__ import annotations

import codecs
import unicodedata

import charset_normalizer

from coding.wording import gettext_noop

from .errors import IngestError
from .result import RawDocument

BOMS_AND_ENCODINGS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
BOMS = tuple(bom for bom, _ in BOMS_AND_ENCODINGS)
# Legacy files in this project are Norwegian or English: when the detector's top guesses
# include Windows-1252, prefer it over its Central European and DOS cousins.
_PREFERRED_LEGACY = "cp1252"
_MAX_ODD_CHARACTERS = 0.02
_UNDECODABLE = gettext_noop(
    "The text encoding of this file could not be recognised. Please save it as UTF-8 and "
    "upload it again."
)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode text, returning (text, encoding name); raise ``IngestError`` if it fails."""
    for bom, encoding in BOMS_AND_ENCODINGS:
        if data.startswith(bom):
            try:
                return data.decode(encoding).lstrip("\ufeff"), encoding.replace("-sig", "")
            except UnicodeDecodeError as exc:
                raise IngestError(_UNDECODABLE) from exc
    try:
        return _checked(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    matches = charset_normalizer.from_bytes(data)
    best = matches.best()
    if best is None:
        raise IngestError(_UNDECODABLE)
    encoding = best.encoding
    if _PREFERRED_LEGACY in [match.encoding for match in list(matches)[:3]]:
        encoding = _PREFERRED_LEGACY
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise IngestError(_UNDECODABLE) from exc
    return _checked(text), encoding


def _checked(text: str) -> str:
    """Refuse text that decodes but is mostly control or unassigned characters."""
    if not text:
        return text
    odd = sum(
        1
        for char in text
        if (unicodedata.category(char) in ("Cc", "Cn", "Co") and char not in "\t\n\r\f")
        or char == "\ufffd"
    )
    if odd > _MAX_ODD_CHARACTERS * len(text):
        raise IngestError(_UNDECODABLE)
    return text


def read_txt(data: bytes) -> RawDocument:
    text, encoding = decode_bytes(data)
    pages = text.split("\f")
    return RawDocument(pages=pages, encoding=encoding, paged=len(pages) > 1)
