// The text: its chunks, its offsets, the units the keyboard moves by, and the reading caret, in
// one module (four files before), so a first visit fetches fewer files.
import { state } from "./state.js";

// The text's chunks, placed in the page. The server sends the text as one string of chunks
// (<div class="chunk" …>, a few thousand characters each); parsing the megabytes of a long
// document at once kept the page unusable for a good part of a second. So the first chunks are
// parsed at once and the others wait as empty chunks (the same opening tag, so the same
// estimated height): they are parsed in small tasks once the page is usable. Whatever reads the
// text as a whole (offsets, find, keyboard units, the open excerpt's segments, a patch) calls
// complete() first, which parses everything still waiting there and then. `data-complete` on
// the text says that every chunk is parsed.
//   The panel's listings that the first screens do not show (most of the code tree, the in-vivo
// code's parents, the codes of the form that works without JavaScript) wait too: they come inside
// <noscript data-deferred>, whose content a browser that runs scripts reads as one piece of text,
// not as elements, so the page is read, styled and laid out without some thousand elements before
// its text is usable. They are put in place when the page is idle after that, or at once when
// something needs them first (showDeferred: the focus entering the panel, a code's shortcut, a
// patch's counts). Without JavaScript they are ordinary markup.

export const CHUNK_START = '<div class="chunk"'; // never in the text itself: it is escaped
const FIRST = 8; // chunks parsed at once: several screens of text
const TASK_MS = 8; // the longest a background parse runs before the page may respond
const BATCH = 4; // chunks parsed together

let waiting = null; // { text, parts, next }: chunks from `next` on are still waiting

// Cut the chunks' HTML into one string per chunk.
function split(html) {
  const parts = [];
  let at = html.indexOf(CHUNK_START);
  while (at >= 0) {
    const next = html.indexOf(CHUNK_START, at + CHUNK_START.length);
    parts.push(html.slice(at, next < 0 ? html.length : next));
    at = next;
  }
  return parts;
}

// An empty chunk standing in for a waiting one: its own opening tag (class and data-lines).
function placeholder(part) {
  return `${part.slice(0, part.indexOf(">") + 1)}</div>`;
}

// Put the chunks' HTML into the text container: the first chunks parsed, the rest waiting.
export function placeText(text, html) {
  const parts = split(html);
  if (parts.length <= FIRST) {
    waiting = null;
    text.innerHTML = html;
    text.dataset.complete = "1";
    return;
  }
  text.innerHTML = parts.slice(0, FIRST).join("") + parts.slice(FIRST).map(placeholder).join("");
  waiting = { text, parts, next: FIRST };
}

// Parse waiting chunks [from, to) and put them in their placeholders' place.
function parse(from, to) {
  const { text, parts } = waiting;
  const holder = document.createElement("template");
  holder.innerHTML = parts.slice(from, to).join("");
  const fresh = [...holder.content.children];
  const current = state.text === text;
  for (let i = 0; i < fresh.length; i++) {
    const old = current && state.chunks.length ? state.chunks[from + i] : text.children[from + i];
    if (current && state.observer) {
      state.observer.unobserve(old);
      state.near.delete(old);
      state.dirty.delete(old);
    }
    old.replaceWith(fresh[i]);
    if (current && state.chunks.length) {
      state.chunks[from + i] = fresh[i];
      state.dirty.add(fresh[i]); // its stripes are drawn when it comes near the viewport
      if (state.observer) state.observer.observe(fresh[i]);
    }
  }
  if (current) state.segments = null; // the segments' list is read afresh
}

function finish() {
  if (waiting) {
    if (state.text === waiting.text) state.segments = null;
    waiting.text.dataset.complete = "1";
  }
  waiting = null;
}

// Parse every chunk still waiting, now.
export function complete() {
  if (!waiting || !waiting.text.isConnected) return finish();
  if (waiting.next < waiting.parts.length) parse(waiting.next, waiting.parts.length);
  finish();
}

// When the page is idle: the browser's idle callbacks where it has them, else the next task.
function whenIdle(task) {
  if (window.requestIdleCallback) window.requestIdleCallback(task, { timeout: 1000 });
  else setTimeout(() => task(null), 0);
}

// Parse the waiting chunks a few at a time while the page is idle, so reading, scrolling and
// selecting go first (an idle callback's `deadline` says how long the page can spare).
function completeLater(deadline = null) {
  if (!waiting) return;
  const began = performance.now();
  const budget = () => Math.min(TASK_MS, deadline ? deadline.timeRemaining() : TASK_MS);
  while (waiting && waiting.text.isConnected && performance.now() - began < budget()) {
    const to = Math.min(waiting.next + BATCH, waiting.parts.length);
    parse(waiting.next, to);
    waiting.next = to;
    if (to >= waiting.parts.length) return finish();
  }
  if (waiting && waiting.text.isConnected) whenIdle(completeLater);
  else finish();
}

// Put the workspace's deferred listings in place (once per rendered workspace).
export function showDeferred() {
  const workspace = state.workspace;
  if (!workspace || workspace.dataset.deferredShown) return;
  workspace.dataset.deferredShown = "1";
  for (const holder of workspace.querySelectorAll("noscript[data-deferred]")) {
    // A scripting browser serializes the noscript's text as it came (not escaped again), so
    // the server's markup is parsed here as it would have been in the page.
    const markup = document.createElement("template");
    markup.innerHTML = holder.innerHTML;
    holder.replaceWith(markup.content);
  }
}

// After the page is usable: when it is idle, the panel's listings, then whatever text still waits.
export function completeWhenIdle() {
  whenIdle(() => showDeferred());
  if (waiting) whenIdle(completeLater);
}

// The JavaScript boundary for text offsets. The browser counts in UTF-16 code units; Concord
// stores Unicode code points (Python slicing). The server renders the text as spans that each
// carry `data-start`, the code-point offset where their single text node begins, so any DOM
// position maps to a code point: the span's start plus the code points before it in the node.


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
  complete(); // every chunk parsed (above), so every offset has its segment
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
  const segment = all[segmentAt(all, offset)];
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

// The units the keyboard moves and selects by (word, sentence, paragraph, speaker turn), as
// code-point ranges [start, end) around an offset, read from the rendered text. Only a window
// of text around the offset is read, so this costs the same in a 1.5 M-character document.
// Paragraphs and turns come from the server's markers (document.paragraphs / turns), else
// from blank lines; sentences and words from Intl.Segmenter, within one paragraph (the line
// breaks of a hard-wrapped PDF paragraph do not end its sentences).

const RADIUS = 4000; // code points read either side of the offset
const BLANK_LINE = /\n[^\S\n]*\n\s*/gu;
const cache = { segments: null, list: [], markers: {} };

function textSegments() {
  complete();
  if (!state.segments) state.segments = [...state.text.querySelectorAll("[data-start]")];
  if (cache.segments !== state.segments) {
    cache.segments = state.segments;
    cache.list = state.segments;
    cache.markers = {};
  }
  return cache.list;
}

// The offsets where markers of a kind (.para-number, .turn-marker) stand: the next segment's.
function markers(selector) {
  textSegments();
  if (!cache.markers[selector]) {
    const found = [];
    for (const marker of state.text.querySelectorAll(selector)) {
      let next = marker.nextElementSibling;
      while (next && next.dataset.start === undefined) next = next.nextElementSibling;
      if (next) found.push(Number(next.dataset.start));
    }
    cache.markers[selector] = found;
  }
  return cache.markers[selector];
}

// The index of the last segment in `list` (in document order) that starts at or before `offset`.
function segmentAt(list, offset) {
  let low = 0;
  let high = list.length - 1;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (Number(list[middle].dataset.start) <= offset) low = middle;
    else high = middle - 1;
  }
  return low;
}

// The text around `offset`: {start (code point), text (UTF-16), cp (UTF-16 index → code point)}.
function around(offset) {
  const list = textSegments();
  if (!list.length) return { start: 0, text: "", cp: [0] };
  const first = segmentAt(list, Math.max(0, offset - RADIUS));
  const parts = [];
  for (let i = first; i < list.length && Number(list[i].dataset.start) <= offset + RADIUS; i++) {
    parts.push(list[i].textContent);
  }
  const text = parts.join("");
  const cp = new Int32Array(text.length + 1);
  for (let i = 0, n = 0; i <= text.length; i++) {
    cp[i] = n;
    const unit = text.charCodeAt(i);
    if (!(unit >= 0xd800 && unit <= 0xdbff)) n++;
  }
  return { start: Number(list[first].dataset.start), text, cp };
}

// Trim whitespace off a UTF-16 range of the window; null when nothing is left.
function trimmed(view, from, to) {
  while (from < to && /\s/u.test(view.text[from])) from++;
  while (to > from && /\s/u.test(view.text[to - 1])) to--;
  return from < to ? [from, to] : null;
}

function toPoints(view, ranges) {
  return ranges.map(([from, to]) => [view.start + view.cp[from], view.start + view.cp[to]]);
}

// Paragraphs (or turns) as UTF-16 ranges of the window, from marker offsets or blank lines.
function blocks(view, selector) {
  const end = view.start + view.cp[view.text.length];
  const inside = markers(selector).filter((at) => at > view.start && at < end);
  let cuts;
  if (inside.length || markers(selector).length) {
    const index = (at) => view.cp.indexOf(at - view.start);
    cuts = inside.map(index).filter((i) => i >= 0);
  } else {
    cuts = [...view.text.matchAll(BLANK_LINE)].map((match) => match.index + match[0].length);
  }
  const edges = [0, ...cuts, view.text.length];
  const ranges = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    const range = trimmed(view, edges[i], edges[i + 1]);
    if (range) ranges.push(range);
  }
  return ranges;
}

function segmented(view, granularity) {
  const segmenter = new Intl.Segmenter(document.documentElement.lang || undefined, { granularity });
  const ranges = [];
  for (const [from, to] of blocks(view, ".para-number")) {
    // A line break inside a paragraph is a hard wrap: a space, for the segmenter.
    const piece = view.text.slice(from, to).replace(/\n/gu, " ");
    for (const part of segmenter.segment(piece)) {
      if (granularity === "word" && !part.isWordLike) continue;
      const range = trimmed(view, from + part.index, from + part.index + part.segment.length);
      if (range) ranges.push(range);
    }
  }
  return ranges;
}

// The units of a kind near `offset`, in order, as code-point ranges.
export function unitsAround(kind, offset) {
  const view = around(offset);
  if (!view.text) return [];
  if (kind === "paragraph") return toPoints(view, blocks(view, ".para-number"));
  // A document without speaker turns: a turn is a paragraph.
  if (kind === "turn" && markers(".turn-marker").length) {
    return toPoints(view, blocks(view, ".turn-marker"));
  }
  if (kind === "turn") return toPoints(view, blocks(view, ".para-number"));
  return toPoints(view, segmented(view, kind));
}

export function textLength() {
  const list = textSegments();
  if (!list.length) return 0;
  const last = list[list.length - 1];
  return Number(last.dataset.start) + codePointLength(last.textContent);
}

// Keyboard-first reading and selection in the text. A visible reading caret (state.caret, a
// code point) moves by character, word, sentence, paragraph or speaker turn; with Shift the
// selection extends from where it began (state.anchor) by the same units; one key selects the
// unit under the caret; "/" finds a phrase and puts the caret there. The selection is a real
// DOM selection, so the code shortcuts and Ctrl+K apply codes to it as to a mouse selection.

// Arrow keys with modifiers → unit ("character" and "line" are the browser's own).
function unitOf(event) {
  const vertical = event.key === "ArrowUp" || event.key === "ArrowDown";
  if (event.ctrlKey && event.altKey) return vertical ? "turn" : null;
  if (event.altKey) return vertical ? "sentence" : null;
  if (event.ctrlKey || event.metaKey) return vertical ? "paragraph" : "word";
  return vertical ? "line" : "character";
}

// The letters that select the unit under the caret (when no code's shortcut claims them).
export const SELECT_KEYS = { w: "word", s: "sentence", p: "paragraph", t: "turn" };

function clamp(offset) {
  return Math.max(0, Math.min(offset, textLength()));
}

// Show the selection [anchor, caret] (or just the caret) and draw the caret.
function show() {
  const selection = window.getSelection();
  const focus = offsetToPoint(state.text, state.caret);
  const anchor = state.anchor === null ? focus : offsetToPoint(state.text, state.anchor);
  selection.setBaseAndExtent(anchor.node, anchor.offset, focus.node, focus.offset);
  drawCaret();
  const marker = document.getElementById("reading-caret");
  if (marker && !marker.hidden) marker.scrollIntoView({ block: "nearest" });
}

// Where the next unit starts (forward), or where this or the previous one starts (backward);
// when extending forward, where this or the next unit ends.
function target(unit, forward, extend) {
  const at = state.caret;
  const units = unitsAround(unit, at);
  if (forward) {
    const next = extend ? units.find(([, end]) => end > at) : units.find(([start]) => start > at);
    return next ? next[extend ? 1 : 0] : textLength();
  }
  const previous = units.filter(([start]) => start < at).pop();
  return previous ? previous[0] : 0;
}

function step(event, unit) {
  const forward = event.key === "ArrowRight" || event.key === "ArrowDown";
  if (event.shiftKey && state.anchor === null) state.anchor = state.caret;
  if (!event.shiftKey) state.anchor = null;
  if (unit === "character" || unit === "line") {
    // The browser knows lines (layout) and characters (grapheme clusters) best.
    show();
    window.getSelection().modify("extend", forward ? "forward" : "backward", unit);
    const selection = window.getSelection();
    state.caret = pointToOffset(state.text, selection.focusNode, selection.focusOffset);
  } else {
    state.caret = clamp(target(unit, forward, event.shiftKey));
  }
  if (state.anchor === state.caret) state.anchor = null;
  show();
}

export function selectUnit(unit) {
  const units = unitsAround(unit, state.caret);
  const at = state.caret;
  // The unit the caret is in, else the one it has just left (the caret waits at the end of
  // what was selected or coded), else the next one.
  const found =
    units.find(([start, end]) => start <= at && at < end) ||
    units.find(([start, end]) => start < at && at <= end) ||
    units.find(([start]) => start >= at);
  if (!found) return;
  [state.anchor, state.caret] = found;
  show();
}

// Arrow keys in the text; true when handled.
export function onArrow(event) {
  const unit = unitOf(event);
  if (!unit) return false;
  event.preventDefault();
  step(event, unit);
  return true;
}

// The caret follows the mouse too: any selection made in the text moves it.
export function followSelection() {
  const selection = window.getSelection();
  if (!state.text || !selection.rangeCount || !state.text.contains(selection.focusNode)) return;
  state.caret = pointToOffset(state.text, selection.focusNode, selection.focusOffset);
  state.anchor = selection.isCollapsed
    ? null
    : pointToOffset(state.text, selection.anchorNode, selection.anchorOffset);
  drawCaret();
}

// After a selection was coded: the caret waits at its end, nothing selected.
export function caretAfter(offset) {
  state.caret = offset;
  state.anchor = null;
  window.getSelection().removeAllRanges();
  drawCaret();
}

// The reading caret: a thin bar drawn over the text at state.caret while the text has the focus.
export function drawCaret() {
  let marker = document.getElementById("reading-caret");
  if (!marker) {
    marker = document.createElement("div");
    marker.id = "reading-caret";
    marker.className = "reading-caret";
    marker.setAttribute("aria-hidden", "true");
    document.body.append(marker);
  }
  const focused = state.text && document.activeElement === state.text;
  marker.hidden = !focused;
  if (!focused) return;
  const point = offsetToPoint(state.text, state.caret);
  const range = document.createRange();
  range.setStart(point.node, point.offset);
  range.collapse(true);
  const rect = range.getClientRects()[0] || point.node.parentElement.getBoundingClientRect();
  marker.style.left = `${rect.left + window.scrollX - 1}px`;
  marker.style.top = `${rect.top + window.scrollY}px`;
  marker.style.height = `${Math.max(rect.height, 16)}px`;
}

// ---- find: "/" asks for a phrase; Enter puts the caret at its next occurrence ----------------

function plainText() {
  complete();
  const list = [...state.text.querySelectorAll("[data-start]")];
  return { list, text: list.map((segment) => segment.textContent).join("") };
}

export function findNext(phrase) {
  const needle = phrase.trim().toLowerCase();
  if (!needle) return false;
  const { list, text } = plainText();
  const haystack = text.toLowerCase();
  // Search after the caret, then from the top.
  const from = pointToUtf16(list, state.caret + 1);
  let index = haystack.indexOf(needle, from);
  if (index < 0) index = haystack.indexOf(needle);
  if (index < 0) return false;
  let seen = 0;
  for (const segment of list) {
    const length = segment.textContent.length;
    if (seen + length > index) {
      const node = segment.firstChild;
      state.caret = pointToOffset(state.text, node, index - seen);
      state.anchor = null;
      return true;
    }
    seen += length;
  }
  return false;
}

// The UTF-16 index in the joined text of the segments `list` of a code-point offset.
function pointToUtf16(list, offset) {
  let seen = 0;
  for (let i = 0; i < list.length; i++) {
    const text = list[i].textContent;
    const next = list[i + 1];
    if (!next || Number(next.dataset.start) > offset) {
      return seen + utf16Index(text, offset - Number(list[i].dataset.start));
    }
    seen += text.length;
  }
  return seen;
}

export function openFind() {
  const dialog = document.getElementById("find-dialog");
  if (!dialog) return;
  document.getElementById("find-input").select();
  dialog.showModal();
}

// The find form (method="dialog"): Enter looks for the phrase, and the caret goes there.
export function onFindSubmit(event) {
  event.preventDefault();
  const input = document.getElementById("find-input");
  const found = findNext(input.value);
  document.getElementById("find-dialog").close();
  state.text.focus({ preventScroll: true });
  if (found) show();
  return found;
}

export function openHelp() {
  const dialog = document.getElementById("shortcut-help");
  if (dialog) dialog.showModal();
}
