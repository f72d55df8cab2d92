"""The reading view's HTML, built from the stored offsets in one pass.

A 1.5 MB transcript has thousands of paragraphs; a template loop over them is slow, so the text
is rendered here with `html.escape` and joined once. Each paragraph's text content is exactly
the document slice `text[start:end]` (paragraph numbers and inline page labels are drawn by CSS
from data attributes), so a page script can map a selection back to code-point offsets.
"""

from __future__ import annotations

from bisect import bisect_left
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


def _attr(value: object) -> str:
    return escape(str(value), quote=True)


def reading_html(
    *, text: str, pages: list, paragraphs: list, turns: list[dict], headings: list | None = None
) -> SafeString:
    """Paragraphs as `<p>` with numbers, page markers between them, speaker labels in bold.

    Heading paragraphs stay `<p>` (a selection maps to offsets the same way everywhere) with
    `role="heading"` and their level, so screen readers and the page's CSS see the structure.
    """
    heading_level = {(start, end): level for start, end, level in headings or []}
    page_starts = sorted((start, number) for number, start, _end in pages)
    page_offsets = [start for start, _number in page_starts]
    # Events inside paragraphs: (offset, order, html). Closing a label sorts before opening
    # the next one at the same offset.
    events: list[tuple[int, int, str]] = []
    for index, turn in enumerate(turns, start=1):
        start, body = turn["start"], turn.get("body_start") or turn["start"]
        speaker = _attr(turn.get("speaker") or "")
        stamp = f' data-timestamp="{_attr(turn["timestamp"])}"' if turn.get("timestamp") else ""
        opening = f'<strong class="doc-speaker" id="turn-{index}" data-speaker="{speaker}"{stamp}>'
        events.append((start, 2, opening))
        events.append((max(body, start), 0, "</strong>"))
    events.sort()
    event_offsets = [offset for offset, _order, _html in events]

    out: list[str] = []
    next_page = 0
    for number, (start, end) in enumerate(paragraphs, start=1):
        while next_page < len(page_starts) and page_offsets[next_page] <= start:
            out.append(_page_marker(page_starts[next_page][1]))
            next_page += 1
        level = heading_level.get((start, end))
        role = f' role="heading" aria-level="{level + 1}"' if level else ""
        out.append(
            f'<p class="doc-para{" doc-heading" if level else ""}" id="para-{number}" '
            f'data-number="{number}" data-start="{start}" data-end="{end}"{role}>'
        )
        cuts: list[tuple[int, int, str]] = []
        while next_page < len(page_starts) and page_offsets[next_page] < end:
            page_number = page_starts[next_page][1]
            label = _attr(_("Page %(number)s") % {"number": page_number})
            cuts.append(
                (
                    page_offsets[next_page],
                    1,
                    f'<span class="doc-page-inline" id="page-{page_number}" '
                    f'data-label="{label}"></span>',
                )
            )
            next_page += 1
        first = bisect_left(event_offsets, start)
        last = bisect_left(event_offsets, end)
        cuts.extend(events[first:last])
        open_labels = 0
        position = start
        for offset, order, html in sorted(cuts):
            out.append(escape(text[position:offset], quote=False))
            position = offset
            if order == 0:  # a label that opened in an earlier paragraph closed there
                if not open_labels:
                    continue
                open_labels -= 1
            elif order == 2:
                open_labels += 1
            out.append(html)
        out.append(escape(text[position:end], quote=False))
        out.extend("</strong>" for _ in range(max(open_labels, 0)))
        out.append("</p>")
    while next_page < len(page_starts):
        out.append(_page_marker(page_starts[next_page][1]))
        next_page += 1
    return mark_safe("".join(out))  # noqa: S308 - every piece of text above is escaped


def _page_marker(number: int) -> str:
    label = escape(_("Page %(number)s") % {"number": number}, quote=False)
    return f'<div class="doc-page" id="page-{number}" role="separator">{label}</div>'


def speaker_summary(turns: list[dict]) -> list[tuple[str, int]]:
    """Speakers in order of first appearance with their number of turns."""
    counts: dict[str, int] = {}
    for turn in turns:
        speaker = turn.get("speaker") or ""
        counts[speaker] = counts.get(speaker, 0) + 1
    return list(counts.items())
