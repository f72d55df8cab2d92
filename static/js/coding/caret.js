// Keyboard-first reading and selection in the text. A visible reading caret (state.caret, a
// code point) moves by character, word, sentence, paragraph or speaker turn; with Shift the
// selection extends from where it began (state.anchor) by the same units; one key selects the
// unit under the caret; "/" finds a phrase and puts the caret there. The selection is a real
// DOM selection, so the code shortcuts and Ctrl+K apply codes to it as to a mouse selection.
import { complete } from "./chunks.js";
import { offsetToPoint, pointToOffset, utf16Index } from "./selection.js";
import { state } from "./state.js";
import { textLength, unitsAround } from "./units.js";

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
