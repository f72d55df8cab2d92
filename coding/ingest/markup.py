"""HTML and Markdown: Markdown is rendered to HTML, then both are read the same way."""

from __future__ import annotations

import re
from typing import Any

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import CData, Comment, Declaration, Doctype, ProcessingInstruction
from markdown_it import MarkdownIt

from .result import RawDocument
from .text import decode_bytes

_BLOCKS = {
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "caption",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tr",
    "ul",
}
_SKIPPED = {"script", "style", "noscript", "template", "head", "svg", "iframe", "object"}
_CELLS = {"td", "th"}
_NOT_TEXT = (Comment, Declaration, Doctype, ProcessingInstruction, CData)
_WHITESPACE = re.compile(r"\s+")
_FRONT_MATTER = re.compile(r"\A---\n(?P<body>.*?)\n(?:---|\.\.\.)\n", re.DOTALL)


_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}


class _Collector:
    def __init__(self) -> None:
        self.paragraphs: list[str] = []
        self.buffer: list[str] = []
        self.headings: list[tuple[int, str, int]] = []

    def flush(self, level: int | None = None) -> None:
        text = "".join(self.buffer)
        self.buffer.clear()
        text = "\n".join(line.strip() for line in text.split("\n")).strip()
        if text:
            self.paragraphs.append(text)
            if level:
                self.headings.append((0, text, level))

    def visit(self, node: Any, pre: bool = False) -> None:
        if isinstance(node, NavigableString):
            if not isinstance(node, _NOT_TEXT):
                self.buffer.append(str(node) if pre else _WHITESPACE.sub(" ", str(node)))
            return
        if not isinstance(node, Tag) or node.name in _SKIPPED:
            return
        if node.name == "br":
            self.buffer.append("\n")
            return
        block = node.name in _BLOCKS
        if block:
            self.flush()
        for child in node.children:
            self.visit(child, pre or node.name == "pre")
        if node.name in _CELLS:
            self.buffer.append(" ")
        if block:
            self.flush(_HEADINGS.get(node.name))


def html_to_text(html: str) -> tuple[str, dict[str, str], list[tuple[int, str, int]]]:
    """Paragraphs separated by blank lines, title/author/date from the head, and headings."""
    soup = BeautifulSoup(html, "html.parser")
    collector = _Collector()
    collector.visit(soup)
    collector.flush()
    found: dict[str, str] = {}
    if soup.title and soup.title.string and soup.title.string.strip():
        found["title"] = soup.title.string.strip()
    for meta in soup.find_all("meta"):
        name = str(meta.get("name") or meta.get("property") or "").lower()
        content = str(meta.get("content") or "").strip()
        if content and name in ("author", "dc.creator", "dcterms.creator"):
            found.setdefault("author", content)
        if content and name in ("date", "dc.date", "dcterms.created", "article:published_time"):
            found.setdefault("created", content)
    return "\n\n".join(collector.paragraphs), found, collector.headings


def read_html(data: bytes) -> RawDocument:
    html, encoding = decode_bytes(data)
    text, found, headings = html_to_text(html)
    title = found.pop("title", None)
    return RawDocument(
        pages=[text], title=title, metadata=found, encoding=encoding, headings=headings
    )


def read_markdown(data: bytes) -> RawDocument:
    source, encoding = decode_bytes(data)
    source = source.replace("\r\n", "\n").replace("\r", "\n")
    front: dict[str, str] = {}
    match = _FRONT_MATTER.match(source)
    if match:
        for line in match.group("body").split("\n"):
            key, _, value = line.partition(":")
            if value.strip():
                front[key.strip().lower()] = value.strip().strip("\"'")
        source = source[match.end() :]
    # Keep the author's line breaks, as for plain text: transcripts often have one turn a line.
    renderer = MarkdownIt("commonmark", {"breaks": True}).enable("table")
    text, _, headings = html_to_text(renderer.render(source))
    metadata: dict[str, str] = {key: front[key] for key in ("author", "date") if key in front}
    if "date" in metadata:
        metadata["created"] = metadata.pop("date")
    return RawDocument(
        pages=[text],
        title=front.get("title"),
        metadata=metadata,
        encoding=encoding,
        headings=headings,
    )
