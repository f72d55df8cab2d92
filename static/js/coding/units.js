// The units the keyboard moves and selects by (word, sentence, paragraph, speaker turn), as
// code-point ranges [start, end) around an offset, read from the rendered text. Only a window
// of text around the offset is read, so this costs the same in a 1.5 M-character document.
// Paragraphs and turns come from the server's markers (document.paragraphs / turns), else
// from blank lines; sentences and words from Intl.Segmenter, within one paragraph (the line
// breaks of a hard-wrapped PDF paragraph do not end its sentences).
import { complete } from "./chunks.js";
import { codePointLength } from "./selection.js";
import { state } from "./state.js";

const RADIUS = 4000; // code points read either side of the offset
const BLANK_LINE = /\n[^\S\n]*\n\s*/gu;
const cache = { segments: null, list: [], markers: {} };

function segments() {
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
  segments();
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
  const list = segments();
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
  const list = segments();
  if (!list.length) return 0;
  const last = list[list.length - 1];
  return Number(last.dataset.start) + codePointLength(last.textContent);
}
