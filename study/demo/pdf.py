"""Renders a demo strategy as a real multi-page PDF (reportlab), with a running header and
footer, so the demo shows PDF ingestion: pages, and "p. 3" on excerpts and in exports.

The source is the light markup of the demo texts: "# " title, "## " heading, "### "
subheading, "- " bullet, blank-line-separated paragraphs.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import ListFlowable, ListItem, PageBreak, Paragraph, SimpleDocTemplate


def render_pdf(source: str, *, header: str) -> bytes:
    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    body.fontSize, body.leading, body.spaceAfter = 11, 15, 8
    story: list = []
    bullets: list = []

    def flush_bullets() -> None:
        if bullets:
            story.append(ListFlowable(list(bullets), bulletType="bullet", leftIndent=14))
            bullets.clear()

    for block in source.split("\n"):
        line = block.strip()
        if line.startswith("- "):
            bullets.append(ListItem(Paragraph(escape(line[2:]), body)))
            continue
        flush_bullets()
        if not line:
            continue
        if line.startswith("### "):
            story.append(Paragraph(escape(line[4:]), styles["Heading3"]))
        elif line.startswith("## "):
            # Section 1 starts on a new page, after the title page.
            if line[3:].startswith("1. "):
                story.append(PageBreak())
            story.append(Paragraph(escape(line[3:]), styles["Heading2"]))
        elif line.startswith("# "):
            story.append(Paragraph(escape(line[2:]), styles["Title"]))
        else:
            story.append(Paragraph(escape(line), body))
    flush_bullets()

    def decorate(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        width, height = A4
        canvas.drawString(2.5 * cm, height - 1.5 * cm, header)
        canvas.drawRightString(width - 2.5 * cm, 1.5 * cm, f"Side {document.page}")
        canvas.drawString(2.5 * cm, 1.5 * cm, "Vedtatt i kommunestyret 17.06.2021, sak 21/0442")
        canvas.restoreState()

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=2.5 * cm,
        rightMargin=2.5 * cm,
        topMargin=2.5 * cm,
        bottomMargin=2.5 * cm,
        title=header,
        author="Nordhavn kommune",
        invariant=True,  # the same bytes on every load, so the file's checksum is stable
    )
    document.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()
