"""Render a document's text as segments for the coding view (pure Python, no Django).

The text is cut once at every boundary that matters (excerpt starts and ends, paragraphs, pages,
speaker turns), and each piece becomes `<span data-start="…">` holding exactly that slice of the
stored text, so the browser can map a DOM selection back to code-point offsets: every text node
in the container starts at a known code point. Markers (page numbers, paragraph numbers, speaker
turns, excerpt anchors) are empty elements whose labels come from CSS, so they never become part
of a selection. One pass over sorted boundaries keeps a 1.5 MB text with thousands of
excerpts fast.

Two things keep a long document quick in the browser:

- The highlight of each segment is decided here, as classes (`mine`, `overlap`, `layer-N`, and
  `c<code id>` for the colour of the innermost own excerpt's first code), so the page needs no
  per-segment script work before it is usable; one stylesheet rule per code gives the colour.
  This is the only place the rule lives: the page's script swaps in chunks rendered here (also
  when its code filter changes) and never recomputes a highlight.
- The text is cut into chunks (`<div class="chunk">`) of a few thousand characters, always just
  after a line break so no visible line is split. The stylesheet gives chunks
  `content-visibility: auto`: the browser lays out only the chunks near the viewport, and
  `data-lines` (an estimate of the chunk's wrapped lines) sizes the others meanwhile.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from math import ceil

CHUNK_CHARS = 3000  # a chunk closes at the first line break after this many characters
LINE_CHARS = 90  # rough characters per wrapped line of the text column, for chunk estimates


@dataclass(frozen=True)
class Span:
    """An excerpt as the renderer needs it: an id for data attributes and its offsets."""

    id: int
    start: int
    end: int
    anchor: str = ""  # the excerpt's public code, for #excerpt-<code> links
    mine: bool = False  # the viewer's own excerpt (highlighted in its code's colour)
    layer: int = 0  # 1… for an overlaid coder's excerpt (one underline pattern per coder)
    colour: int | None = None  # the code whose colour the highlight takes (c<id> class)


def _attr(value: object) -> str:
    return escape(str(value), quote=True)


def _chunk_starts(text: str) -> list[int]:
    """Offsets where a new chunk begins: just after a line break, every CHUNK_CHARS or so."""
    starts = []
    position = CHUNK_CHARS
    while position < len(text):
        newline = text.find("\n", position - 1)
        if newline < 0 or newline + 1 >= len(text):
            break
        starts.append(newline + 1)
        position = newline + 1 + CHUNK_CHARS
    return starts


def _wrapped_lines(piece: str) -> int:
    return sum(max(1, ceil(len(line) / LINE_CHARS)) for line in piece.split("\n"))


def _chunk_open(text: str, start: int, end: int) -> str:
    # translate="no": the document's own words, never a browser's page translation of them.
    return f'<div class="chunk" data-lines="{_wrapped_lines(text[start:end])}" translate="no">'


def _classes(base: str, covering: Iterable[Span]) -> str:
    """The segment's classes: own excerpts in the innermost one's colour, overlaid coders as
    layers."""
    mine: Span | None = None
    own = 0
    layers: set[int] = set()
    for span in covering:
        if span.mine:
            own += 1
            if mine is None or span.end - span.start < mine.end - mine.start:
                mine = span
        elif span.layer:
            layers.add(min(span.layer, 5))
    extra = [base, "hl"]
    if mine is not None:
        extra.append("mine overlap" if own > 1 else "mine")
        if mine.colour is not None:
            extra.append(f"c{mine.colour}")
    extra.extend(f"layer-{layer}" for layer in sorted(layers))
    return " ".join(extra)


def chunk_bounds(text: str) -> list[tuple[int, int]]:
    """Every chunk's [start, end) offsets, in order (an empty text is one empty chunk)."""
    starts = [0, *_chunk_starts(text)]
    return list(zip(starts, [*starts[1:], len(text)], strict=True))


def render_text(
    text: str,
    *,
    spans: Iterable[Span] = (),
    paragraphs: Sequence[Sequence[int]] = (),
    pages: Sequence[Sequence[int]] = (),
    turns: Sequence[dict] = (),
) -> str:
    """HTML for the text container; see the module docstring."""
    return "".join(
        render_chunks(text, spans=spans, paragraphs=paragraphs, pages=pages, turns=turns)
    )


def render_chunks(
    text: str,
    *,
    spans: Iterable[Span] = (),
    paragraphs: Sequence[Sequence[int]] = (),
    pages: Sequence[Sequence[int]] = (),
    turns: Sequence[dict] = (),
    first: int = 0,
    last: int | None = None,
    bounds: Sequence[tuple[int, int]] | None = None,
    first_paragraph: int = 1,
) -> list[str]:
    """The HTML of chunks `first`..`last` (inclusive; default all), each exactly as it appears
    in `render_text`. A write re-renders only the chunks it touches, so `spans` need only hold
    the excerpts that overlap them; the others are skipped anyway. `bounds` are the text's
    `chunk_bounds` when the caller has them (finding them reads the whole text). `paragraphs`
    may be a slice of the text's that holds those starting in the chunks: `first_paragraph` is
    then the number of its first (a long text has thousands; a write's patch needs a few)."""
    length = len(text)
    bounds = chunk_bounds(text) if bounds is None else bounds
    last = len(bounds) - 1 if last is None else last
    low, high = bounds[first][0], bounds[last][1]
    starts: dict[int, list[Span]] = defaultdict(list)
    ends: dict[int, list[Span]] = defaultdict(list)
    markers: dict[int, list[str]] = defaultdict(list)
    boundaries = {low, high}

    # The structure of the whole text is walked for the chunks' part of it: a long text has
    # thousands of paragraphs, so the test is written out rather than called (a write's patch).
    low_in, high_in = max(low, 0), min(high, length)
    for number, start, _end in pages:
        if low_in <= start < high_in:
            boundaries.add(start)
            markers[start].append(
                f'<span class="page-marker" data-page="{_attr(number)}" '
                f'id="page-{_attr(number)}" aria-hidden="true"></span>'
            )
    for index, (start, _end) in enumerate(paragraphs, start=first_paragraph):
        if low_in <= start < high_in:
            boundaries.add(start)
            markers[start].append(
                f'<span class="para-number" data-para="{index}" aria-hidden="true"></span>'
            )
    labels: dict[int, int] = {}
    label_until = -1  # a speaker label that began before the range may run into it
    for turn in turns:
        start = turn.get("start", -1)
        if 0 <= start < length:
            body = turn.get("body_start")
            if body and start < body <= length:
                labels[start] = body  # the last turn at an offset wins, as in a full render
                if low < body < high:
                    boundaries.add(body)
            if low <= start < high:
                boundaries.add(start)
                markers[start].append(
                    f'<span class="turn-marker" data-speaker="{_attr(turn.get("speaker", ""))}" '
                    'aria-hidden="true"></span>'
                )
    for start, body in labels.items():
        if start < low:
            label_until = max(label_until, body)
    # Excerpts that began before the range cover its first segment, in the order a full
    # render would have met them (their order decides the colour when two tie for innermost).
    running: list[tuple[int, int, Span]] = []
    for order, span in enumerate(spans):
        start, end = max(span.start, 0), min(span.end, length)
        if start >= end or end <= low or start >= high:
            continue
        if start < low:
            running.append((start, order, span))
        else:
            starts[start].append(span)
            boundaries.add(start)
            if span.anchor:
                markers[start].append(
                    f'<span class="excerpt-anchor" id="excerpt-{_attr(span.anchor)}"></span>'
                )
        if end < high:
            ends[end].append(span)
            boundaries.add(end)
    active: dict[int, Span] = {}  # insertion-ordered: the excerpts covering the segment
    for _start, _order, span in sorted(running, key=lambda item: item[:2]):
        active[span.id] = span

    chunk_ends = dict(bounds[first : last + 1])
    boundaries.update(chunk_ends)
    ordered = sorted(boundaries)
    chunks: list[str] = []
    out: list[str] = []
    for index, start in enumerate(ordered[:-1]):
        for span in ends.get(start, ()):
            active.pop(span.id, None)
        for span in starts.get(start, ()):
            active[span.id] = span
        if start in chunk_ends:
            if out:
                chunks.append("".join(out) + "</div>")
            out = [_chunk_open(text, start, chunk_ends[start])]
        out.extend(markers.get(start, ()))
        label_until = max(label_until, labels.get(start, -1))
        end = ordered[index + 1]
        piece = escape(text[start:end], quote=False)
        base = "seg speaker" if start < label_until else "seg"
        if active:
            ids = " ".join(str(i) for i in active)
            classes = _classes(base, active.values())
            out.append(
                f'<span class="{classes}" data-start="{start}" data-ex="{ids}">{piece}</span>'
            )
        else:
            out.append(f'<span class="{base}" data-start="{start}">{piece}</span>')
    if not out:
        # An empty document still needs an anchor for the selection code.
        out = [_chunk_open(text, 0, 0), '<span class="seg" data-start="0"></span>']
    chunks.append("".join(out) + "</div>")
    return chunks


@dataclass(frozen=True)
class BoundaryMove:
    """One of the excerpt editor's one-character moves of a boundary, as the update form posts
    it: the new offsets and the stored text between them (the server checks it on write)."""

    edge: str  # "start" or "end"
    delta: int  # -1 (towards the document's start) or 1
    start: int
    end: int
    text: str
    possible: bool  # False when the excerpt would become empty or leave the text


def boundary_moves(text: str, *, start: int, end: int) -> list[BoundaryMove]:
    """Moving the start or the end of the excerpt [start, end) of `text` by one character."""
    moves = []
    for edge, delta in (("start", -1), ("start", 1), ("end", -1), ("end", 1)):
        low, high = (start + delta, end) if edge == "start" else (start, end + delta)
        possible = 0 <= low < high <= len(text)
        moves.append(
            BoundaryMove(edge, delta, low, high, text[low:high] if possible else "", possible)
        )
    return moves
