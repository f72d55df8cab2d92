// The JavaScript boundary for text offsets. The browser counts in UTF-16 code units; Concord
// stores Unicode code points (Python slicing). The server renders the text as spans that each
// carry `data-start`, the code-point offset where their single text node begins, so any DOM
// position maps to a code point: the span's start plus the code points before it in the node.

import { complete } from "./chunks.js";

// Number of code points in a string (a surrogate pair — an astral character such as 🚲 — is one).
export function codePointLength(text) {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

// UTF-16 index of the `points`-th code point of `text` (the inverse of codePointLength).
export function utf16Index(text, points) {
  let i = 0;
  for (let seen = 0; seen < points && i < text.length; seen++) {
    const unit = text.charCodeAt(i);
    const pair = unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length;
    i += pair && text.charCodeAt(i + 1) >= 0xdc00 && text.charCodeAt(i + 1) <= 0xdfff ? 2 : 1;
  }
  return i;
}

function segments(container) {
  complete(); // every chunk parsed (chunks.js), so every offset has its segment
  return container.querySelectorAll("[data-start]");
}

function segmentEnd(segment) {
  return Number(segment.dataset.start) + codePointLength(segment.textContent);
}

// The code-point offset of a DOM boundary point (node, offset) inside the container.
export function pointToOffset(container, node, offset) {
  if (node.nodeType === Node.TEXT_NODE) {
    const segment = node.parentElement.closest("[data-start]");
    if (segment && container.contains(segment)) {
      return Number(segment.dataset.start) + codePointLength(node.data.slice(0, offset));
    }
    return pointToOffset(container, node.parentNode, [...node.parentNode.childNodes].indexOf(node));
  }
  // An element boundary (triple click, keyboard at a block edge): find the nearest segment.
  const all = segments(container);
  if (!all.length) return 0;
  const child = node.childNodes[offset];
  const probe = document.createRange();
  if (child) {
    probe.setStartBefore(child);
  } else {
    probe.selectNodeContents(node);
    probe.collapse(false);
  }
  for (const segment of all) {
    // The first segment starting at or after the point.
    if (probe.comparePoint(segment, 0) >= 0) return Number(segment.dataset.start);
  }
  return segmentEnd(all[all.length - 1]);
}

const WHITESPACE = /\s/u;

// The current selection inside the container as {start, end, text} in code points, with
// surrounding whitespace trimmed (a triple click takes the line break along); null if empty.
export function selectionOffsets(container, selection = window.getSelection()) {
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0).cloneRange();
  if (!container.contains(range.commonAncestorContainer) && range.commonAncestorContainer !== container) {
    // Clamp a selection that runs past the text into the container.
    const bounds = document.createRange();
    bounds.selectNodeContents(container);
    if (range.compareBoundaryPoints(Range.START_TO_START, bounds) < 0) range.setStart(container, 0);
    if (range.compareBoundaryPoints(Range.END_TO_END, bounds) > 0) {
      range.setEnd(container, container.childNodes.length);
    }
    if (range.collapsed) return null;
  }
  let start = pointToOffset(container, range.startContainer, range.startOffset);
  let end = pointToOffset(container, range.endContainer, range.endOffset);
  let text = Array.from(range.toString());
  // Whitespace is all in the Basic Multilingual Plane: one code point = one array item.
  while (text.length && WHITESPACE.test(text[0])) { text.shift(); start++; }
  while (text.length && WHITESPACE.test(text[text.length - 1])) { text.pop(); end--; }
  if (!text.length || start >= end) return null;
  return { start, end, text: text.join("") };
}

// The DOM boundary point of a code-point offset.
export function offsetToPoint(container, offset) {
  const all = segments(container);
  let low = 0;
  let high = all.length - 1;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (Number(all[middle].dataset.start) <= offset) low = middle;
    else high = middle - 1;
  }
  const segment = all[low];
  const node = segment.firstChild || segment;
  if (node.nodeType !== Node.TEXT_NODE) return { node: segment, offset: 0 };
  return { node, offset: utf16Index(node.data, offset - Number(segment.dataset.start)) };
}

// Select [start, end) code points in the container.
export function selectOffsets(container, start, end) {
  const from = offsetToPoint(container, start);
  const to = offsetToPoint(container, end);
  const range = document.createRange();
  range.setStart(from.node, from.offset);
  range.setEnd(to.node, to.offset);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  return range;
}
