// What the text shows over its highlights: colours, margin stripes and the tooltip, in one
// module (two files before), so a first visit fetches fewer files.
import { state } from "./state.js";
import { codePointLength } from "./text.js";

// Code colours and the coding stripes in the margin. The server renders each segment's
// highlight classes and cuts the text into chunks that the browser lays out only near the
// viewport (content-visibility), so opening a long document costs no per-segment work here:
// code colours are one constructed stylesheet (a rule per code, allowed by the strict CSP),
// stripe lanes are computed from offsets alone, and a chunk's stripes are drawn when it first
// comes near the viewport (reading positions inside one laid-out chunk only).

const COLOUR = /^#[0-9a-f]{3,8}$/i;
const LANE_GAP = 90; // characters between two bars sharing a lane (about one line)
// Lane widths in px: compact bars, or labelled ones wide enough for a vertical code name.
const LANE = { compact: 6, labelled: 17 };
const SHORT = 24; // a label longer than this is cut (the bar's title holds the full path)
const STRIPES_KEY = "concord.stripes";

export function labelled() {
  return window.localStorage.getItem(STRIPES_KEY) !== "compact";
}

// Compact or labelled stripes: the choice is remembered in this browser.
export function setLabelled(on) {
  window.localStorage.setItem(STRIPES_KEY, on ? "labelled" : "compact");
  applyStripeMode();
  redrawStripes();
}

export function applyStripeMode() {
  const on = labelled();
  state.text.classList.toggle("labelled", on);
  const toggle = document.getElementById("stripe-mode");
  if (toggle) toggle.setAttribute("aria-pressed", on ? "true" : "false");
}

function initials(name) {
  return name
    .split(/\s+/u)
    .filter(Boolean)
    .map((part) => Array.from(part)[0].toUpperCase())
    .join("");
}

// The code's name, cut short, and the coder's initials when the excerpt is another coder's.
function stripeLabel(excerpt, codeId) {
  const chars = Array.from(state.codes.get(codeId)?.name || "?");
  const name = chars.length > SHORT ? `${chars.slice(0, SHORT - 1).join("")}…` : chars.join("");
  return excerpt.mine ? name : `${name} · ${initials(state.coderNames.get(excerpt.coder) || "")}`;
}

export function colourSheet(codes) {
  const rules = [];
  for (const code of codes.values()) {
    if (COLOUR.test(code.colour)) rules.push(`.c${code.id}{--hl:${code.colour}}`);
  }
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(rules.join("\n"));
  const previous = state.sheet;
  document.adoptedStyleSheets = [...document.adoptedStyleSheets.filter((s) => s !== previous), sheet];
  return sheet;
}

// One lane group per coder (own excerpts first, then each overlaid coder); inside a group a bar
// takes the first lane free at its start, so lanes stay few however many codes are in use.
function assignLanes(excerpts) {
  const groups = new Map();
  for (const excerpt of excerpts.values()) {
    const group = excerpt.mine ? 0 : excerpt.layer;
    if (!groups.has(group)) groups.set(group, []);
    for (const codeId of excerpt.codes) groups.get(group).push([excerpt.start, excerpt.end, `${excerpt.id}:${codeId}`]);
  }
  const lanes = new Map();
  let offset = 0;
  for (const group of [...groups.keys()].sort((a, b) => a - b)) {
    const items = groups.get(group).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const laneEnds = [];
    for (const [start, end, key] of items) {
      let lane = laneEnds.findIndex((last) => last + LANE_GAP <= start);
      if (lane < 0) lane = laneEnds.push(0) - 1;
      laneEnds[lane] = end;
      lanes.set(key, offset + lane);
    }
    if (laneEnds.length) offset += laneEnds.length + 1;
  }
  return { lanes, count: Math.max(offset - 1, 0) };
}

// Lanes for the excerpts shown now; one custom property on the text sizes every chunk's margin.
export function layOutLanes() {
  const { lanes, count } = assignLanes(state.excerpts);
  state.lanes = lanes;
  state.text.style.setProperty("--lanes", count);
}

// The chunk's [start, end) in code points.
export function chunkSpan(chunk) {
  const all = chunk.querySelectorAll(":scope > [data-start]");
  const last = all[all.length - 1];
  return { start: Number(all[0].dataset.start), end: Number(last.dataset.start) + codePointLength(last.textContent) };
}

function stripeTitle(excerpt, codeId) {
  const path = state.codes.get(codeId)?.path || "";
  return excerpt.mine ? path : `${path} (${state.coderNames.get(excerpt.coder) || ""})`;
}

// Bars for the excerpts in one chunk: reads first (positions inside this chunk), then writes.
function drawChunk(chunk) {
  state.dirty.delete(chunk);
  const old = chunk.querySelector(":scope > .stripes");
  const ends = new Map(); // excerpt → [first segment, last segment] inside this chunk
  for (const segment of chunk.querySelectorAll(".seg.hl")) {
    for (const id of segment.dataset.ex.split(" ")) {
      const excerpt = state.excerpts.get(Number(id));
      if (!excerpt) continue;
      const seen = ends.get(excerpt);
      if (seen) seen[1] = segment;
      else ends.set(excerpt, [segment, segment]);
    }
  }
  if (!ends.size) {
    if (old) old.remove();
    return;
  }
  const box = chunk.getBoundingClientRect();
  const { start: chunkStart, end: chunkEnd } = chunkSpan(chunk);
  const bars = [];
  for (const [excerpt, [first, last]] of ends) {
    // An excerpt that runs on from the previous chunk or into the next one reaches its edge,
    // so its stripe looks unbroken.
    const y1 = excerpt.start < chunkStart ? 0 : first.getBoundingClientRect().top - box.top;
    const y2 = excerpt.end > chunkEnd ? box.height : last.getBoundingClientRect().bottom - box.top;
    for (const codeId of excerpt.codes) bars.push([excerpt, codeId, y1, Math.max(y2 - y1, 4)]);
  }
  const width = labelled() ? LANE.labelled : LANE.compact;
  const holder = document.createElement("span");
  holder.className = "stripes";
  holder.setAttribute("aria-hidden", "true");
  for (const [excerpt, codeId, y, height] of bars) {
    const bar = document.createElement("span");
    bar.className = excerpt.mine ? `stripe c${codeId}` : `stripe c${codeId} o${Math.min(excerpt.layer, 5)}`;
    bar.dataset.ex = excerpt.id;
    bar.title = stripeTitle(excerpt, codeId);
    bar.style.top = `${y}px`;
    bar.style.height = `${height}px`;
    bar.style.left = `${(state.lanes.get(`${excerpt.id}:${codeId}`) || 0) * width + 2}px`;
    // Generated content (CSS), never a text node: a selection across the margin must not
    // take the labels along.
    if (width === LANE.labelled) bar.dataset.label = stripeLabel(excerpt, codeId);
    holder.append(bar);
  }
  if (old) old.replaceWith(holder);
  else chunk.append(holder);
}

export function redrawStripes() {
  for (const chunk of state.chunks) state.dirty.add(chunk);
  for (const chunk of state.near) drawChunk(chunk);
}

// Draw a chunk's stripes once it comes within a screen of the viewport, and again after a
// resize or a write if it is still dirty. A chunk still waiting to be parsed (empty, text.js)
// has no stripes to draw: it is watched once parsed, when it takes its placeholder's place.
export function watchChunks() {
  if (state.observer) state.observer.disconnect();
  state.near = new Set();
  state.dirty = new Set(state.chunks);
  state.observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (entry.isIntersecting) state.near.add(entry.target);
        else state.near.delete(entry.target);
      }
      for (const chunk of state.near) if (state.dirty.has(chunk)) drawChunk(chunk);
    },
    { rootMargin: "100% 0px" },
  );
  for (const chunk of state.chunks) if (chunk.hasChildNodes()) state.observer.observe(chunk);
}

// A chunk the server re-rendered takes the old one's place, and its stripes are drawn afresh.
export function replaceChunk(index, fresh) {
  const old = state.chunks[index];
  state.observer.unobserve(old);
  state.near.delete(old);
  state.dirty.delete(old);
  old.replaceWith(fresh);
  state.chunks[index] = fresh;
  state.observer.observe(fresh);
}

// The tooltip over highlighted text: each excerpt's codes, its coder (when not one's own) and
// its memo, read from the excerpt and code data blocks.

// The excerpts shown in a segment (the server lists their ids in data-ex).
export function excerptsAt(segment) {
  if (!segment || !segment.dataset.ex) return [];
  return segment.dataset.ex
    .split(" ")
    .map((id) => state.excerpts.get(Number(id)))
    .filter(Boolean);
}

export function hideTip() {
  const tip = document.getElementById("coding-tip");
  if (tip) tip.hidden = true;
}

export function showTip(segment) {
  const tip = document.getElementById("coding-tip");
  const found = excerptsAt(segment);
  if (!found.length) return hideTip();
  tip.replaceChildren();
  for (const excerpt of found) {
    const names = excerpt.codes.map((id) => state.codes.get(id)?.path || "?");
    const row = document.createElement("div");
    const strong = document.createElement("strong");
    strong.textContent = names.length ? names.join(", ") : state.i18n.noCodes;
    strong.translate = !names.length; // code names are the project's words: translate="no"
    row.append(strong);
    if (!excerpt.mine) row.append(` (${state.coderNames.get(excerpt.coder) || ""})`);
    if (excerpt.memo) {
      const note = document.createElement("div");
      note.className = "text-body-secondary";
      note.textContent = excerpt.memo;
      note.translate = false;
      row.append(note);
    }
    tip.append(row);
  }
  const rect = segment.getBoundingClientRect();
  tip.style.setProperty("--tip-left", `${rect.left + window.scrollX}px`);
  tip.style.setProperty("--tip-top", `${rect.bottom + window.scrollY + 4}px`);
  tip.hidden = false;
}
