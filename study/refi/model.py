"""A REFI-QDA project as plain data, and position units. Pure: no Django.

The exporter fills a `RefiProject` from the database and `study.refi.write` turns it into a
`.qdpx`; the importer reads a `.qdpx` into the same shape. Positions in `RefiSelection` are
always code points into `RefiSource.text` (Python string indices); the units a file uses are
converted at its edge (`to_utf16`, `from_utf16`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from coding.codebook_io import CodeNode

# Fixed namespace: the same Concord object gets the same REFI guid in every export.
REFI_NAMESPACE = uuid.UUID("8f0c7f8e-3c52-4a51-9d0b-6a1f0e2c5b17")


def derived_guid(*parts: object) -> str:
    return str(uuid.uuid5(REFI_NAMESPACE, "\x1f".join(str(p) for p in parts)))


@dataclass
class RefiUser:
    guid: str
    name: str


@dataclass
class RefiCoding:
    guid: str
    code_guid: str
    user_guid: str | None = None


@dataclass
class RefiNote:
    guid: str
    name: str
    text: str
    user_guid: str | None = None


@dataclass
class RefiSelection:
    guid: str
    start: int  # code points, end exclusive
    end: int
    user_guid: str | None = None
    codings: list[RefiCoding] = field(default_factory=list)
    notes: list[RefiNote] = field(default_factory=list)


@dataclass
class RefiSource:
    guid: str
    name: str
    text: str
    selections: list[RefiSelection] = field(default_factory=list)
    notes: list[RefiNote] = field(default_factory=list)
    user_guid: str | None = None


# REFI `typeOfVariable` values Concord can hold.
VARIABLE_TYPES = ("Text", "Boolean", "Integer", "Float", "Date", "DateTime")


@dataclass
class RefiVariable:
    guid: str
    name: str
    type: str  # one of VARIABLE_TYPES


Value = str | bool | int | float | date


@dataclass
class RefiCase:
    guid: str
    name: str
    description: str = ""
    values: list[tuple[str, Value]] = field(default_factory=list)  # (variable guid, value)
    source_guids: list[str] = field(default_factory=list)


@dataclass
class RefiSet:
    """A set of sources (Concord's document set). REFI sets may also hold codes and notes;
    Concord's hold documents only."""

    guid: str
    name: str
    description: str = ""
    source_guids: list[str] = field(default_factory=list)


@dataclass
class RefiProject:
    name: str
    users: list[RefiUser] = field(default_factory=list)
    codes: list[CodeNode] = field(default_factory=list)
    sources: list[RefiSource] = field(default_factory=list)
    variables: list[RefiVariable] = field(default_factory=list)
    cases: list[RefiCase] = field(default_factory=list)
    notes: list[RefiNote] = field(default_factory=list)  # stand-alone notes
    sets: list[RefiSet] = field(default_factory=list)
    description: str = ""
    origin: str = ""


# --- position units ---------------------------------------------------------------------------


def _has_astral(text: str) -> bool:
    return not text.isascii() and any(ord(ch) > 0xFFFF for ch in text)


def to_utf16(text: str, positions: list[int]) -> list[int]:
    """Code point offsets → UTF-16 code units (characters beyond U+FFFF count 2)."""
    if not _has_astral(text):
        return list(positions)
    units = [0] * (len(text) + 1)
    total = 0
    for index, char in enumerate(text):
        units[index] = total
        total += 2 if ord(char) > 0xFFFF else 1
    units[len(text)] = total
    return [units[p] for p in positions]


def from_utf16(text: str, positions: list[int]) -> list[int | None]:
    """UTF-16 code units → code points; None where a unit falls inside a surrogate pair or past
    the end of the text."""
    if not _has_astral(text):
        return [p if 0 <= p <= len(text) else None for p in positions]
    points: dict[int, int] = {}
    total = 0
    for index, char in enumerate(text):
        points[total] = index
        total += 2 if ord(char) > 0xFFFF else 1
    points[total] = len(text)
    return [points.get(p) for p in positions]
