"""RTF through striprtf; title and author from the info group."""

from __future__ import annotations

import re

from striprtf.striprtf import rtf_to_text

from coding.wording import Notice, gettext_noop

from .result import RawDocument

_CODEPAGE = re.compile(rb"\\ansicpg(\d+)")
_ESCAPE = re.compile(r"\\.", re.DOTALL)
_INFO_FIELD = re.compile(r"\{\\(title|author)\s+(?P<value>(?:[^{}\\]|\\.)*)\}")


def read_rtf(data: bytes) -> RawDocument:
    match = _CODEPAGE.search(data[:2000])
    encoding = f"cp{match.group(1).decode()}" if match else "cp1252"
    try:
        "".encode(encoding)
    except LookupError:
        encoding = "cp1252"
    source = data.decode("latin-1")
    text = rtf_to_text(source, encoding=encoding, errors="replace")
    warnings = []
    if _unbalanced(source):
        warnings.append(
            Notice(
                gettext_noop(
                    "The RTF file seems to be cut short; the end of the text may be missing."
                )
            )
        )
    metadata: dict[str, str] = {}
    title = None
    for field in _INFO_FIELD.finditer(source):
        value = rtf_to_text("{\\rtf1 " + field.group("value") + "}", encoding=encoding).strip()
        if field.group(1) == "title":
            title = value or None
        elif value:
            metadata["author"] = value
    return RawDocument(pages=[text], title=title, metadata=metadata, warnings=warnings)


def _unbalanced(source: str) -> bool:
    unescaped = _ESCAPE.sub("", source)
    return unescaped.count("{") != unescaped.count("}")
