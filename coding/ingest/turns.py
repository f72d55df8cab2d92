"""Recognise speaker turns in interview transcripts.

A turn starts at the beginning of a line with an optional timestamp and a speaker label
followed by a colon: ``Interviewer:``, ``I:``, ``R1:``, ``Informant 2:``,
``[00:12:31] Kari Nordmann:``. Role labels (interviewer, informant, R1, ...) count wherever
they appear. Personal names are easy to confuse with ordinary text ("Merk: ...",
"Research question: ..."), so names count only when at least two names each label two or more
lines and such lines are a noticeable share (5 %) of the text's lines, as in a transcript.
"""

from __future__ import annotations

import re

from .result import Turn

_TIMESTAMP = r"[\[(]?(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?[\])]?"
_ROLE = (
    r"(?:interviewer|intervjuer|interviewee|informant|respondent|moderator|facilitator"
    r"|deltaker|deltakar|participant|forsker|researcher|spørsmål|svar|question|answer)"
    r"(?:[ ]?\d{1,3}|[ ][A-ZÆØÅ])?"
)
_SHORT = r"(?:I|IP|Q|A|R|P|S|M|F|D|INT|RES)\d{0,3}"
_NAME_WORD = r"[A-ZÆØÅÄÖÜÉ][a-zæøåäöüéèáóúíA-ZÆØÅ'’\-]*\.?"
_NAME = rf"{_NAME_WORD}(?:[ ](?:{_NAME_WORD}|(?:van|von|de|der|den|af|da)))" r"{0,3}"

LABEL_LINE = re.compile(
    rf"^(?P<ts>{_TIMESTAMP})?[ ]?(?:[-–][ ])?"
    rf"(?P<speaker>(?i:{_ROLE})|{_SHORT}|{_NAME})"
    rf"[ ]?(?P<ts2>{_TIMESTAMP})?[ ]?:(?:[ ]+|$)",
    re.MULTILINE,
)
_ROLE_ONLY = re.compile(rf"(?i:{_ROLE})|{_SHORT}")

NAMED_LINES_SHARE = 0.05

# Words that start ordinary "Label: text" lines in reports rather than transcripts.
_NOT_SPEAKERS = {
    "merk",
    "note",
    "nb",
    "kilde",
    "source",
    "kilder",
    "sources",
    "figur",
    "figure",
    "tabell",
    "table",
    "vedlegg",
    "appendix",
    "eksempel",
    "example",
    "definisjon",
    "definition",
    "mål",
    "tiltak",
    "ansvar",
    "frist",
    "status",
    "tema",
    "emne",
    "dato",
    "date",
    "tid",
    "time",
    "sted",
    "place",
    "keywords",
    "nøkkelord",
    "stikkord",
    "e-post",
    "email",
    "telefon",
    "adresse",
    "title",
    "tittel",
    "forfatter",
    "author",
    "abstract",
    "sammendrag",
    "http",
    "https",
    "research question",
    "problemstilling",
    "konklusjon",
    "conclusion",
}


def looks_like_turn_start(line: str) -> bool:
    """Whether a line begins like a speaker turn (used to keep turns apart when reflowing)."""
    match = LABEL_LINE.match(line)
    return match is not None and _is_role(match.group("speaker"))


def find_speaker_turns(text: str) -> list[Turn]:
    """Speaker turns as offsets into ``text``; each runs to the next turn or the end."""
    candidates = [m for m in LABEL_LINE.finditer(text) if _plausible(m.group("speaker"))]
    name_counts: dict[str, int] = {}
    for match in candidates:
        name_counts[match.group("speaker")] = name_counts.get(match.group("speaker"), 0) + 1
    names = {name for name, count in name_counts.items() if count >= 2 and not _is_role(name)}
    named_lines = sum(name_counts[name] for name in names)
    filled_lines = sum(1 for line in text.split("\n") if line.strip())
    if len(names) < 2 or named_lines < NAMED_LINES_SHARE * filled_lines:
        names = set()
    kept = [m for m in candidates if _is_role(m.group("speaker")) or m.group("speaker") in names]
    turns = []
    for index, match in enumerate(kept):
        limit = kept[index + 1].start() if index + 1 < len(kept) else len(text)
        end = match.start() + len(text[match.start() : limit].rstrip())
        timestamp = match.group("ts") or match.group("ts2")
        turns.append(
            Turn(
                start=match.start(),
                end=max(end, match.end()),
                speaker=match.group("speaker"),
                timestamp=timestamp.strip("[]()") if timestamp else None,
                body_start=min(match.end(), end),
            )
        )
    return [turn for turn in turns if turn.start < turn.end]


def _is_role(speaker: str) -> bool:
    return _ROLE_ONLY.fullmatch(speaker) is not None


def _plausible(speaker: str) -> bool:
    return len(speaker) <= 40 and speaker.lower().rstrip(".") not in _NOT_SPEAKERS
