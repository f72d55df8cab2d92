"""Normalize extracted text once: the result is what excerpts' offsets point into.

Steps, in order: one newline convention (``\\n``); invisible characters dropped (control
characters, soft hyphens, zero-width spaces, byte-order marks); Unicode NFC; runs of spaces and
tabs collapsed and lines stripped; running headers, footers and page numbers that repeat on
most pages dropped (paged formats, see ``running``); words hyphenated across a line or a page
break joined; for PDFs,
lines rejoined into paragraphs; at most one blank line between paragraphs. Pages are joined
with a blank line and their offsets are computed after all of this.

Nothing here removes or reorders a visible character except the hyphen of a word split across
a line end and the lines dropped as running headers and footers.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from . import running
from .running import RemovedLine
from .turns import looks_like_turn_start

_NEWLINES = re.compile(r"\r\n|[\r\u2028\u2029\x85\x0b\x0c\x1c\x1d\x1e]")
_INVISIBLE = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\u00ad\u200b\u2060\ufeff]")
_SPACES = re.compile(r"[^\S\n]+")
_LINE_EDGE_SPACE = re.compile(r" ?\n ?")
_BLANK_LINES = re.compile(r"\n{3,}")
_LONE_NEWLINE = re.compile(r"(?<!\n)\n(?!\n)")
_HYPHEN_BREAK = re.compile(r"(?P<pre>\w+)[-\u2010]\n(?P<post>\w+)")
# "helse- og omsorgstjenester": a hyphen that stands for a left-out word, not a split one.
_SUSPENDED_NEXT = {"og", "eller", "samt", "and", "nor", "enn"}
_BULLET = re.compile(r"^(?:[•●▪◦‣■□–—*\-]|\(?\d{1,3}[.)]|\(?[a-z][.)])\s")
_SENTENCE_END = re.compile(r"[.!?:;»\"”)]$")


@dataclass(frozen=True)
class NormalizedPages:
    text: str
    pages: list[tuple[int, int, int]]
    removed_lines: list[RemovedLine]


def clean(raw: str) -> str:
    """Newlines, invisible characters, NFC and spaces; keeps every line."""
    text = _NEWLINES.sub("\n", raw)
    text = _INVISIBLE.sub("", text)
    text = unicodedata.normalize("NFC", text)
    text = _SPACES.sub(" ", text)
    return _LINE_EDGE_SPACE.sub("\n", text).strip(" ")


def join_hyphenated(text: str) -> str:
    """Join words split by a hyphen at a line end; keep real compound hyphens.

    "digitali-\\nsering" becomes "digitalisering". The hyphen stays (and only the line break
    goes) when it is probably part of the word: a one-letter prefix ("e-\\nhelse"), capitals
    ("IKT-\\nstrategi", "Nord-\\nNorge") or digits ("2020-\\n2024"). Before "og"/"eller" the
    hyphen stands for a left-out word ("helse-\\nog omsorg") and the break becomes a space.
    """

    def repair(match: re.Match[str]) -> str:
        pre, post = match.group("pre"), match.group("post")
        hyphen = match.group(0)[len(pre)]
        if post.lower() in _SUSPENDED_NEXT:
            return f"{pre}{hyphen} {post}"
        last, first = pre[-1], post[0]
        if len(pre) == 1 or not (last.isalpha() and first.isalpha()):
            return f"{pre}{hyphen}{post}"
        if last.isupper() or first.isupper():
            return f"{pre}{hyphen}{post}"
        return pre + post

    # Overlapping splits ("a-\nb-\nc") need a second pass.
    previous = None
    while previous != text:
        previous, text = text, _HYPHEN_BREAK.sub(repair, text)
    return text


def mark_paragraphs(text: str) -> str:
    """Insert blank lines where layout-broken lines (PDF) end a paragraph.

    A paragraph ends after a line clearly shorter than the page's full lines when that line
    ends a sentence or the next one starts with a capital, and before bullets and speaker
    labels. Line breaks are kept, so hyphen joining still sees them.
    """
    lines = text.split("\n")
    lengths = sorted(len(line) for line in lines if line)
    if not lengths:
        return ""
    full = lengths[min(len(lengths) - 1, int(len(lengths) * 0.9))]
    out: list[str] = []
    for index, line in enumerate(lines):
        if out and out[-1] and line and (_BULLET.match(line) or looks_like_turn_start(line)):
            out.append("")
        out.append(line)
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if line and following and _ends_paragraph(line, following, full):
            out.append("")
    return "\n".join(out)


def unwrap_lines(text: str) -> str:
    """Turn line breaks inside paragraphs into spaces; blank lines stay."""
    return _LONE_NEWLINE.sub(" ", text)


def _ends_paragraph(line: str, following: str, full: int) -> bool:
    if len(line) >= 0.8 * full or line.endswith(("-", "\u2010")):
        return False
    first = following[0]
    return bool(_SENTENCE_END.search(line)) or first.isupper() or first.isdigit()


def normalize_text(raw: str, *, join_hyphens: bool = True, reflow_lines: bool = False) -> str:
    """Normalize one text without pages (see the module docstring)."""
    return normalize_pages([raw], join_hyphens=join_hyphens, reflow_lines=reflow_lines).text


def normalize_pages(
    raw_pages: list[str],
    *,
    join_hyphens: bool = True,
    reflow_lines: bool = False,
    drop_running_lines: bool = False,
) -> NormalizedPages:
    """Normalize page texts and join them; page offsets refer to the joined text."""
    cleaned = [clean(page) for page in raw_pages]
    removed: list[RemovedLine] = []
    if drop_running_lines:
        cleaned, removed = running.drop_running_lines(cleaned)
    if join_hyphens and len(cleaned) > 1:
        cleaned = running.join_across_pages(cleaned)
    texts = []
    for page in cleaned:
        if reflow_lines:
            page = mark_paragraphs(page)
        if join_hyphens:
            page = join_hyphenated(page)
        if reflow_lines:
            page = unwrap_lines(page)
        page = _BLANK_LINES.sub("\n\n", page).strip()
        texts.append(unicodedata.normalize("NFC", page))
    return _join_pages(texts, removed)


def _join_pages(texts: list[str], removed: list[RemovedLine]) -> NormalizedPages:
    parts: list[str] = []
    position = 0
    starts: list[int] = [0] * len(texts)
    waiting: list[int] = []  # empty pages start where the next page with text starts
    for index, page in enumerate(texts):
        if not page:
            waiting.append(index)
            continue
        if parts:
            parts.append("\n\n")
            position += 2
        for empty in waiting:
            starts[empty] = position
        waiting = []
        starts[index] = position
        parts.append(page)
        position += len(page)
    for empty in waiting:
        starts[empty] = position
    text = "".join(parts)
    ends = starts[1:] + [len(text)]
    pages = [
        (index + 1, start, end) for index, (start, end) in enumerate(zip(starts, ends, strict=True))
    ]
    return NormalizedPages(text=text, pages=pages, removed_lines=removed)


def find_paragraphs(text: str) -> list[tuple[int, int]]:
    """Paragraphs as (start, end): blocks between blank lines, or lines when there are none."""
    pattern = r"[^\n]+(?:\n[^\n]+)*" if "\n\n" in text else r"[^\n]+"
    return [(match.start(), match.end()) for match in re.finditer(pattern, text)]


def locate_headings(
    text: str,
    pages: list[tuple[int, int, int]],
    paragraphs: list[tuple[int, int]],
    headings: list[tuple[int, str, int]],
) -> list[tuple[int, int, int]]:
    """(start, end, level) of the paragraphs that are the readers' headings, page by page.

    A heading the normalization changed beyond recognition (or that was dropped as a running
    line) is simply not marked; its text stays in the document either way.
    """
    found: list[tuple[int, int, int]] = []
    position = 0
    for page_index, heading, level in headings:
        if page_index >= len(pages):
            continue
        _, page_start, page_end = pages[page_index]
        wanted = clean(heading).strip()
        for start, end in paragraphs:
            if start < max(position, page_start) or start >= page_end:
                continue
            if text[start:end] == wanted:
                found.append((start, end, level))
                position = end
                break
    return found
