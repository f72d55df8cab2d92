// The coding view: highlights, coding stripes, applying codes to a selection (click, shortcut,
// palette), the excerpt editor, in-vivo codes, jumping between excerpts and filtering by code.
// Everything is read from data attributes and JSON data blocks (strict CSP: no inline code).
// Every write is a plain form POST sent with fetch. The server answers with a patch: the text
// chunks the write touched, re-rendered from what is stored, the excerpts shown in them and the
// code counts; only those chunks are swapped (see applyPatch). A write without a patch (a new
// code, or one touching many chunks) re-renders the whole workspace (HX-Request).
import { codePointLength, pointToOffset, selectionOffsets, selectOffsets, textSlice } from "./coding-select.js";

const MAX_NAME = 200;
let state = null;

function json(id) {
  const node = document.getElementById(id);
  return node ? JSON.parse(node.textContent) : [];
}

function csrf(workspace) {
  const field = workspace.querySelector("input[name=csrfmiddlewaretoken]");
  return field ? field.value : "";
}

function say(message, kind = "info") {
  const status = document.getElementById("coding-status");
  if (!status) return;
  status.textContent = message;
  status.dataset.kind = kind;
}

// The overlaid coders travel with each write, so a patch shows the same layers as the page.
function withOverlay(url) {
  return window.location.search ? url + window.location.search : url;
}

async function post(url, fields) {
  const body = fields instanceof FormData ? fields : new FormData();
  if (!(fields instanceof FormData)) {
    for (const [key, value] of Object.entries(fields)) {
      for (const item of Array.isArray(value) ? value : [value]) body.append(key, item);
    }
  }
  if (!body.has("csrfmiddlewaretoken")) body.append("csrfmiddlewaretoken", csrf(state.workspace));
  const response = await fetch(withOverlay(url), {
    method: "POST",
    body,
    headers: { Accept: "application/json", "X-CSRFToken": csrf(state.workspace) },
    credentials: "same-origin",
  });
  let payload = {};
  try {
    payload = await response.json();
  } catch {
    payload = { ok: false, error: state.i18n.error };
  }
  if (!response.ok || !payload.ok) {
    say(payload.error || state.i18n.error, "error");
    return null;
  }
  return payload;
}

async function refresh(focusCode = null, message = "") {
  const response = await fetch(window.location.pathname + window.location.search, {
    headers: { "HX-Request": "true" },
    credentials: "same-origin",
  });
  const html = await response.text();
  const scroll = window.scrollY;
  const holder = document.createElement("div");
  holder.innerHTML = html;
  const fresh = holder.querySelector("#workspace");
  if (!fresh) return;
  state.workspace.replaceWith(fresh);
  window.scrollTo(0, scroll);
  init(focusCode);
  if (message) say(message, "success");
}

// Swap in the chunks a write changed; every other chunk (and the reader's place) stays as it
// is. Returns false when the patch does not fit this page, so the caller reloads instead.
function applyPatch(patch, focusCode = null, message = "") {
  if (!patch || patch.document !== state.workspace.dataset.document) return false;
  const fresh = [];
  for (const { index, start } of patch.chunks) {
    const old = state.chunks[index];
    const first = old && old.querySelector("[data-start]");
    if (!first || Number(first.dataset.start) !== start) return false;
  }
  const holder = document.createElement("div");
  for (const { index, html } of patch.chunks) {
    holder.innerHTML = html;
    const chunk = holder.firstElementChild;
    const old = state.chunks[index];
    state.observer.unobserve(old);
    state.near.delete(old);
    state.dirty.delete(old);
    old.replaceWith(chunk);
    state.chunks[index] = chunk;
    fresh.push(chunk);
  }
  // The patch lists every excerpt overlapping its chunks: the others there are gone.
  const kept = new Set(patch.excerpts.map((excerpt) => excerpt.id));
  for (const [id, excerpt] of state.excerpts) {
    if (!kept.has(id) && fresh.some((chunk) => covers(chunk, excerpt))) state.excerpts.delete(id);
  }
  for (const excerpt of patch.excerpts) state.excerpts.set(excerpt.id, excerpt);
  for (const button of state.workspace.querySelectorAll(".code-button")) {
    const badge = button.querySelector(".code-count");
    if (badge) badge.textContent = String(patch.counts[button.dataset.id] || 0);
  }
  if (state.filter) {
    for (const chunk of fresh) {
      for (const segment of chunk.querySelectorAll(".seg.hl")) segment.className = segmentClasses(segment);
    }
  }
  const { lanes, count } = assignLanes(state.excerpts);
  state.lanes = lanes;
  state.text.style.setProperty("--lanes", count);
  state.segments = null;
  state.activeSegments = [];
  for (const chunk of fresh) state.observer.observe(chunk);
  redrawStripes();
  const focused = focusCode && [...state.excerpts.values()].find((item) => item.code === focusCode);
  if (focused) openEditor(focused);
  else closeEditor();
  if (message) say(message, "success");
  state.text.dataset.ready = "1";
  return true;
}

// Whether the excerpt has a segment in this chunk (its offsets overlap the chunk's).
function covers(chunk, excerpt) {
  const all = chunk.querySelectorAll(":scope > [data-start]");
  const start = Number(all[0].dataset.start);
  const last = all[all.length - 1];
  const end = Number(last.dataset.start) + codePointLength(last.textContent);
  return excerpt.start < Math.max(end, start + 1) && start < excerpt.end;
}

function closeEditor() {
  state.active = null;
  const editor = document.getElementById("excerpt-editor");
  editor.replaceChildren();
  editor.hidden = true;
  delete editor.dataset.excerpt;
}

// After a write: patch the changed chunks, or re-render the workspace when that is not enough.
function settle(payload, focusCode = null) {
  if (!applyPatch(payload.patch, focusCode, payload.message)) refresh(focusCode, payload.message);
}

// The last non-empty selection in the text survives clicks into the panel.
function currentSelection() {
  return selectionOffsets(state.text) || state.lastSelection;
}

async function applyCodes(codeUuids) {
  const selection = selectionOffsets(state.text);
  if (!selection && state.active && editable(state.active)) {
    const excerpt = state.active;
    const payload = await post(updateUrl(excerpt), { version: excerpt.version, add_codes: codeUuids });
    if (payload) settle(payload, excerpt.code);
    return;
  }
  const chosen = selection || state.lastSelection;
  if (!chosen) {
    say(state.i18n.selectFirst, "error");
    return;
  }
  const payload = await post(state.workspace.dataset.createUrl, { ...chosen, codes: codeUuids });
  if (payload) {
    state.lastSelection = null;
    window.getSelection().removeAllRanges();
    settle(payload, payload.excerpt.code);
  }
}

function updateUrl(excerpt) {
  return state.workspace.dataset.updateUrl.replace(/0{8}-0{4}-0{4}-0{4}-0{12}/, excerpt.code);
}

function deleteUrl(excerpt) {
  return state.workspace.dataset.deleteUrl.replace(/0{8}-0{4}-0{4}-0{4}-0{12}/, excerpt.code);
}

// ---- highlights and stripes ------------------------------------------------------------------
// The server renders each segment's highlight classes and cuts the text into chunks that the
// browser lays out only near the viewport (content-visibility). So opening a long document
// costs no per-segment work here: code colours are one constructed stylesheet (a rule per code,
// allowed by the strict CSP), stripe lanes are computed from offsets alone, and a chunk's
// stripes are drawn when it first comes near the viewport (reading positions inside one
// laid-out chunk only). Segment classes are recomputed only when the code filter changes.

const COLOUR = /^#[0-9a-f]{3,8}$/i;
const LANE_GAP = 90; // characters between two bars sharing a lane (about one line)

function shownExcerpt(excerpt) {
  return !state.filter || excerpt.codes.includes(state.filter);
}

function colourSheet(codes) {
  const rules = [];
  for (const code of codes.values()) {
    if (COLOUR.test(code.colour)) rules.push(`.c${code.id}{--hl:${code.colour}}`);
  }
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(rules.join("\n"));
  const previous = state && state.sheet;
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

// The same rule as coding/excerpts/rendering.py, applied when the filter changes.
function segmentClasses(segment) {
  const classes = [segment.classList.contains("speaker") ? "seg speaker hl" : "seg hl"];
  let mine = null;
  let own = 0;
  const layers = new Set();
  for (const id of segment.dataset.ex.split(" ")) {
    const excerpt = state.excerpts.get(Number(id));
    if (!excerpt || !shownExcerpt(excerpt)) continue;
    if (excerpt.mine) {
      own++;
      if (!mine || excerpt.end - excerpt.start < mine.end - mine.start) mine = excerpt;
    } else if (excerpt.layer) {
      layers.add(Math.min(excerpt.layer, 5));
    }
  }
  if (mine) {
    classes.push(own > 1 ? "mine overlap" : "mine");
    if (mine.codes.length) classes.push(`c${mine.codes[0]}`);
  }
  for (const layer of [...layers].sort()) classes.push(`layer-${layer}`);
  if (segment.classList.contains("active")) classes.push("active");
  return classes.join(" ");
}

function restyle() {
  for (const segment of state.text.querySelectorAll(".seg.hl")) {
    const wanted = segmentClasses(segment);
    if (segment.className !== wanted) segment.className = wanted;
  }
  redrawStripes();
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
      if (!excerpt || !shownExcerpt(excerpt)) continue;
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
  const all = chunk.querySelectorAll(":scope > [data-start]");
  const chunkStart = Number(all[0].dataset.start);
  const lastSegment = all[all.length - 1];
  const chunkEnd = Number(lastSegment.dataset.start) + codePointLength(lastSegment.textContent);
  const bars = [];
  for (const [excerpt, [first, last]] of ends) {
    // An excerpt that runs on from the previous chunk or into the next one reaches its edge,
    // so its stripe looks unbroken.
    const y1 = excerpt.start < chunkStart ? 0 : first.getBoundingClientRect().top - box.top;
    const y2 = excerpt.end > chunkEnd ? box.height : last.getBoundingClientRect().bottom - box.top;
    for (const codeId of excerpt.codes) {
      bars.push([excerpt, codeId, y1, Math.max(y2 - y1, 4)]);
    }
  }
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
    bar.style.left = `${(state.lanes.get(`${excerpt.id}:${codeId}`) || 0) * 6 + 2}px`;
    holder.append(bar);
  }
  if (old) old.replaceWith(holder);
  else chunk.append(holder);
}

function redrawStripes() {
  for (const chunk of state.chunks) state.dirty.add(chunk);
  for (const chunk of state.near) drawChunk(chunk);
}

function watchChunks() {
  state.near = new Set();
  state.dirty = new Set(state.chunks);
  // Draw a chunk's stripes once it comes within a screen of the viewport, and again after a
  // resize or a filter change if it is still dirty.
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
  for (const chunk of state.chunks) state.observer.observe(chunk);
}

// ---- tooltip and editor ----------------------------------------------------------------------

function excerptsAt(segment) {
  if (!segment || !segment.dataset.ex) return [];
  return segment.dataset.ex
    .split(" ")
    .map((id) => state.excerpts.get(Number(id)))
    .filter((excerpt) => excerpt && shownExcerpt(excerpt));
}

function describe(excerpt) {
  const names = excerpt.codes.map((id) => state.codes.get(id)?.path || "?");
  return { names: names.length ? names.join(", ") : state.i18n.noCodes, memo: excerpt.memo };
}

function showTip(segment) {
  const tip = document.getElementById("coding-tip");
  const found = excerptsAt(segment);
  if (!found.length) {
    tip.hidden = true;
    return;
  }
  tip.replaceChildren();
  for (const excerpt of found) {
    const { names, memo } = describe(excerpt);
    const row = document.createElement("div");
    const strong = document.createElement("strong");
    strong.textContent = names;
    row.append(strong);
    if (!excerpt.mine) row.append(` (${state.coderNames.get(excerpt.coder) || ""})`);
    if (memo) {
      const note = document.createElement("div");
      note.className = "text-body-secondary";
      note.textContent = memo;
      row.append(note);
    }
    tip.append(row);
  }
  const rect = segment.getBoundingClientRect();
  tip.style.setProperty("--tip-left", `${rect.left + window.scrollX}px`);
  tip.style.setProperty("--tip-top", `${rect.bottom + window.scrollY + 4}px`);
  tip.hidden = false;
}

function element(tag, attrs = {}, text = "") {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text) node.textContent = text;
  return node;
}

// Whether this member may change the excerpt: their own when they may code the document; a
// lead (or owner) also any other coder's excerpt shown here (the server checks again).
function editable(excerpt) {
  return excerpt.mine ? state.mayCode : state.mayEditOthers;
}

// Segments in document order, collected once per render (for marking the open excerpt).
function segments() {
  if (!state.segments) state.segments = [...state.text.querySelectorAll("[data-start]")];
  return state.segments;
}

function markActive(excerpt) {
  for (const segment of state.activeSegments || []) segment.classList.remove("active");
  const all = segments();
  let low = 0;
  let high = all.length - 1;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (Number(all[middle].dataset.start) <= excerpt.start) low = middle;
    else high = middle - 1;
  }
  const marked = [];
  for (let i = low; i < all.length && Number(all[i].dataset.start) < excerpt.end; i++) {
    const segment = all[i];
    if (segment.dataset.ex && segment.dataset.ex.split(" ").includes(String(excerpt.id))) {
      segment.classList.add("active");
      marked.push(segment);
    }
  }
  state.activeSegments = marked;
}

function openEditor(excerpt) {
  state.active = excerpt;
  const editor = document.getElementById("excerpt-editor");
  editor.replaceChildren();
  editor.hidden = false;
  editor.dataset.excerpt = excerpt.code;
  const mayEdit = editable(excerpt);
  const body = element("div", { class: "card-body p-2" });
  body.append(element("h2", { class: "h6" }, `${state.i18n.excerpt} ${excerpt.start}–${excerpt.end}`));
  if (!excerpt.mine) {
    const owner = state.coderNames.get(excerpt.coder) || "";
    body.append(element("p", { class: "small mb-1", "data-excerpt-coder": "" }, `${state.i18n.codedBy} ${owner}`));
  }
  body.append(element("blockquote", { class: "small excerpt-quote" }, textSlice(state.text, excerpt.start, excerpt.end)));
  const list = element("ul", { class: "list-unstyled small" });
  for (const id of excerpt.codes) {
    const code = state.codes.get(id);
    const item = element("li", { class: "d-flex align-items-center gap-1" });
    const swatch = element("span", { class: `code-swatch c${id}` });
    item.append(swatch, element("span", {}, code?.path || "?"));
    if (mayEdit && code) {
      const button = element("button", { type: "button", class: "btn btn-sm btn-link p-0 ms-auto", "data-remove-code": code.code }, state.i18n.remove);
      item.append(button);
    }
    list.append(item);
  }
  if (!excerpt.codes.length) list.append(element("li", { class: "text-body-secondary" }, state.i18n.noCodes));
  body.append(list);
  if (mayEdit && !excerpt.mine) {
    body.append(element("p", { class: "small text-body-secondary" }, state.i18n.othersHint));
  }
  if (mayEdit) {
    const memoForm = element("form", { method: "post", action: updateUrl(excerpt), "data-coding-form": "", "data-focus": excerpt.code });
    memoForm.append(element("input", { type: "hidden", name: "version", value: excerpt.version }));
    memoForm.append(element("input", { type: "hidden", name: "set_memo", value: "on" }));
    memoForm.append(element("label", { class: "form-label small mb-0", for: "excerpt-memo" }, state.i18n.memo));
    const memo = element("textarea", { class: "form-control form-control-sm mb-1", id: "excerpt-memo", name: "memo", rows: "3" });
    memo.value = excerpt.memo;
    memoForm.append(memo, element("button", { type: "submit", class: "btn btn-sm btn-outline-primary" }, state.i18n.save));
    body.append(memoForm);
  }
  if (mayEdit && excerpt.mine) {
    const adjust = element("div", { class: "d-flex flex-wrap gap-1 my-2 small align-items-center" });
    for (const [label, edge, delta] of [["◀", "start", -1], ["▶", "start", 1], ["◀", "end", -1], ["▶", "end", 1]]) {
      const name = edge === "start" ? state.i18n.start : state.i18n.end;
      adjust.append(element("button", { type: "button", class: "btn btn-sm btn-outline-secondary", "data-adjust": edge, "data-delta": delta, "aria-label": `${name} ${label}` }, `${name} ${label}`));
    }
    adjust.append(element("button", { type: "button", class: "btn btn-sm btn-outline-secondary", "data-adjust": "selection" }, state.i18n.toSelection));
    body.append(adjust);

    const remove = element("form", { method: "post", action: deleteUrl(excerpt), "data-coding-form": "" });
    remove.append(element("input", { type: "hidden", name: "version", value: excerpt.version }));
    remove.append(element("button", { type: "submit", class: "btn btn-sm btn-outline-danger" }, state.i18n.delete));
    body.append(remove);
  }
  editor.append(body);
  markActive(excerpt);
}

async function adjustBoundaries(edge, delta) {
  const excerpt = state.active;
  let { start, end } = excerpt;
  if (edge === "selection") {
    const chosen = currentSelection();
    if (!chosen) return say(state.i18n.selectFirst, "error");
    ({ start, end } = chosen);
  } else if (edge === "start") {
    start += delta;
  } else {
    end += delta;
  }
  if (start < 0 || start >= end) return;
  const text = textSlice(state.text, start, end);
  const payload = await post(updateUrl(excerpt), { version: excerpt.version, start, end, text });
  if (payload) settle(payload, excerpt.code);
}

// ---- navigation ------------------------------------------------------------------------------

function ordered() {
  return [...state.excerpts.values()]
    .filter((excerpt) => shownExcerpt(excerpt))
    .sort((a, b) => a.start - b.start || a.end - b.end || a.id - b.id);
}

// Blocks far from the screen are laid out at an estimated height (content-visibility), so a
// long jump can land off target once the blocks around it take their real height: scroll again
// on the next frames until the anchor stays put (bounded, so it can never loop).
function scrollSettled(anchor, tries = 8) {
  anchor.scrollIntoView({ block: "center" });
  let last = anchor.getBoundingClientRect().top;
  const check = (left) =>
    requestAnimationFrame(() => {
      const top = anchor.getBoundingClientRect().top;
      if (Math.abs(top - last) < 2 || left <= 0) return;
      anchor.scrollIntoView({ block: "center" });
      last = anchor.getBoundingClientRect().top;
      check(left - 1);
    });
  check(tries);
}

function focusExcerpt(excerpt, select = false) {
  if (!excerpt) return;
  const anchor = document.getElementById(`excerpt-${excerpt.code}`);
  if (anchor) scrollSettled(anchor);
  if (select) selectOffsets(state.text, excerpt.start, excerpt.end);
  openEditor(excerpt);
}

function jump(direction) {
  const list = ordered();
  if (!list.length) return;
  const here = state.active ? state.active : null;
  let index;
  if (!here) index = direction > 0 ? 0 : list.length - 1;
  else {
    const position = list.findIndex((excerpt) => excerpt.id === here.id);
    index = (position + direction + list.length) % list.length;
  }
  focusExcerpt(list[index], true);
}

// ---- palette ---------------------------------------------------------------------------------

function openPalette() {
  const dialog = document.getElementById("code-palette");
  if (!dialog || !state.mayCode) return;
  const chosen = selectionOffsets(state.text);
  if (chosen) state.lastSelection = chosen;
  const input = document.getElementById("palette-input");
  input.value = "";
  fillPalette("");
  dialog.showModal();
  input.focus();
}

function fillPalette(query) {
  const list = document.getElementById("palette-list");
  list.replaceChildren();
  const needle = query.trim().toLowerCase();
  let first = true;
  for (const code of state.codes.values()) {
    if (needle && !code.path.toLowerCase().includes(needle)) continue;
    const item = element("li", { role: "option", class: "palette-option", "data-code": code.code, "aria-selected": first ? "true" : "false" }, code.path);
    list.append(item);
    first = false;
  }
}

function movePalette(step) {
  const options = [...document.querySelectorAll("#palette-list .palette-option")];
  if (!options.length) return;
  const index = options.findIndex((option) => option.getAttribute("aria-selected") === "true");
  const next = (index + step + options.length) % options.length;
  options.forEach((option, i) => option.setAttribute("aria-selected", i === next ? "true" : "false"));
  options[next].scrollIntoView({ block: "nearest" });
}

function choosePalette(option) {
  const dialog = document.getElementById("code-palette");
  dialog.close();
  if (!option) return;
  if (state.lastSelection) selectOffsets(state.text, state.lastSelection.start, state.lastSelection.end);
  applyCodes([option.dataset.code]);
}

// ---- keyboard --------------------------------------------------------------------------------

function shortcutOf(event) {
  const parts = [];
  if (event.ctrlKey) parts.push("ctrl");
  if (event.altKey) parts.push("alt");
  if (event.metaKey) parts.push("meta");
  if (event.shiftKey && event.key.length > 1) parts.push("shift");
  parts.push(event.key.toLowerCase());
  return parts.join("+");
}

function typing(target) {
  return target.closest("input, textarea, select, dialog, [contenteditable]");
}

function onKeydown(event) {
  if (!state) return;
  if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "k") {
    event.preventDefault();
    openPalette();
    return;
  }
  if (typing(event.target)) return;
  const inText = state.text.contains(event.target) || event.target === state.text;
  if (inText && event.shiftKey && event.key.startsWith("Arrow")) {
    // Keyboard selection: extend from the caret (or the text's start) by a character or line.
    const selection = window.getSelection();
    if (!selection.rangeCount || !state.text.contains(selection.anchorNode)) {
      selectOffsets(state.text, state.caret || 0, state.caret || 0);
    }
    const forward = event.key === "ArrowRight" || event.key === "ArrowDown";
    const unit = event.key === "ArrowUp" || event.key === "ArrowDown" ? "line" : "character";
    selection.modify("extend", forward ? "forward" : "backward", unit);
    event.preventDefault();
    return;
  }
  if (inText && !event.shiftKey && (event.key === "ArrowRight" || event.key === "ArrowLeft")) {
    const selection = window.getSelection();
    if (!selection.rangeCount || !state.text.contains(selection.anchorNode)) {
      selectOffsets(state.text, state.caret || 0, state.caret || 0);
    }
    selection.modify("move", event.key === "ArrowRight" ? "forward" : "backward", "character");
    event.preventDefault();
    return;
  }
  if (event.key === "Escape") {
    window.getSelection().removeAllRanges();
    state.lastSelection = null;
    return;
  }
  const key = shortcutOf(event);
  const button = state.workspace.querySelector(`.code-button[data-shortcut="${CSS.escape(key)}"]`);
  if (button && state.mayCode && (selectionOffsets(state.text) || (state.active && editable(state.active)))) {
    event.preventDefault();
    applyCodes([button.dataset.code]);
  }
}

// ---- wiring ----------------------------------------------------------------------------------

function onSelectionChange() {
  if (!state) return;
  const chosen = selectionOffsets(state.text);
  if (!chosen) return;
  state.lastSelection = chosen;
  const name = document.getElementById("in-vivo-name");
  if (name && !name.dataset.edited) {
    name.value = chosen.text.replace(/\s+/gu, " ").trim().slice(0, MAX_NAME);
  }
}

async function onSubmit(event) {
  const form = event.target.closest("form[data-coding-form]");
  if (!form || !state || !state.workspace.contains(form)) return;
  event.preventDefault();
  const fields = new FormData(form);
  if (form.hasAttribute("data-needs-selection")) {
    const chosen = currentSelection();
    if (!chosen) return say(state.i18n.selectFirst, "error");
    for (const key of ["start", "end", "text"]) fields.set(key, chosen[key]);
  }
  const payload = await post(form.action, fields);
  if (!payload) return;
  if (payload.excerpt || form.dataset.focus) state.lastSelection = null;
  // "Undo delete" appears after a delete and goes once used.
  const restore = state.workspace.querySelector("form[data-restore]");
  if (restore && payload.restorable) restore.hidden = false;
  if (restore && form === restore) restore.hidden = true;
  settle(payload, payload.excerpt ? payload.excerpt.code : form.dataset.focus || null);
}

function onClick(event) {
  const codeButton = event.target.closest(".code-button");
  if (codeButton && state.workspace.contains(codeButton)) {
    applyCodes([codeButton.dataset.code]);
    return;
  }
  const jumpButton = event.target.closest("[data-jump]");
  if (jumpButton) return jump(jumpButton.dataset.jump === "next" ? 1 : -1);
  const adjust = event.target.closest("[data-adjust]");
  if (adjust) return adjustBoundaries(adjust.dataset.adjust, Number(adjust.dataset.delta || 0));
  const removeCode = event.target.closest("[data-remove-code]");
  if (removeCode && state.active) {
    const excerpt = state.active;
    post(updateUrl(excerpt), { version: excerpt.version, remove_codes: [removeCode.dataset.removeCode] }).then(
      (payload) => payload && settle(payload, excerpt.code),
    );
    return;
  }
  const option = event.target.closest(".palette-option");
  if (option) return choosePalette(option);
  const stripe = event.target.closest(".stripe");
  if (stripe && state.text.contains(stripe)) {
    const excerpt = state.excerpts.get(Number(stripe.dataset.ex));
    if (excerpt) openEditor(excerpt);
    return;
  }
  const segment = event.target.closest(".seg");
  if (segment && state.text.contains(segment) && window.getSelection().isCollapsed) {
    const selection = window.getSelection();
    if (selection.rangeCount && state.text.contains(selection.anchorNode)) {
      state.caret = pointToOffset(state.text, selection.anchorNode, selection.anchorOffset);
    }
    const found = excerptsAt(segment).sort((a, b) => a.end - a.start - (b.end - b.start));
    if (found.length) openEditor(found[0]);
  }
}

function init(focusCode = null) {
  performance.mark("coding:init");
  const workspace = document.getElementById("workspace");
  if (!workspace) return;
  const i18n = document.getElementById("coding-i18n").dataset;
  const excerpts = new Map(json("excerpt-data").map((excerpt) => [excerpt.id, excerpt]));
  const codes = new Map(json("code-data").map((code) => [code.id, code]));
  const previous = state;
  if (previous && previous.observer) previous.observer.disconnect();
  const sheet = colourSheet(codes);
  const text = document.getElementById("coding-text");
  const { lanes, count } = assignLanes(excerpts);
  state = {
    workspace,
    text,
    excerpts,
    codes,
    sheet,
    lanes,
    chunks: [...text.querySelectorAll(":scope > .chunk")],
    near: new Set(), // chunks within a screen of the viewport (see watchChunks)
    dirty: new Set(), // chunks whose stripes need drawing
    coderNames: new Map(
      [...document.querySelectorAll(".coding-overlay input[name=coders]")].map((input) => [
        Number(input.value),
        input.dataset.name,
      ]),
    ),
    mayCode: workspace.dataset.mayCode === "1",
    mayEditOthers: workspace.dataset.mayEditOthers === "1",
    filter: previous ? previous.filter : null,
    lastSelection: null,
    active: null,
    caret: 0,
    i18n: {
      selectFirst: i18n.selectFirst,
      remove: i18n.remove,
      memo: i18n.memo,
      save: i18n.save,
      delete: i18n.delete,
      start: i18n.start,
      end: i18n.end,
      toSelection: i18n.toSelection,
      excerpt: i18n.excerpt,
      noCodes: i18n.noCodes,
      error: i18n.error,
      codedBy: i18n.codedBy,
      othersHint: i18n.othersHint,
    },
  };
  // One custom property on the container sizes the stripe margin of every chunk.
  text.style.setProperty("--lanes", count);
  const filter = document.getElementById("code-filter");
  if (state.filter) {
    filter.value = String(state.filter);
    if (filter.value) restyle();
    else state.filter = null;
  }
  filter.addEventListener("change", () => {
    state.filter = filter.value ? Number(filter.value) : null;
    restyle();
  });
  const search = document.getElementById("code-search");
  search.addEventListener("input", () => {
    const needle = search.value.trim().toLowerCase();
    for (const item of workspace.querySelectorAll(".code-item")) {
      item.hidden = Boolean(needle) && !item.dataset.name.includes(needle);
    }
  });
  const name = document.getElementById("in-vivo-name");
  if (name) name.addEventListener("input", () => { name.dataset.edited = "1"; });
  const paletteInput = document.getElementById("palette-input");
  paletteInput.addEventListener("input", () => fillPalette(paletteInput.value));
  paletteInput.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown") { event.preventDefault(); movePalette(1); }
    if (event.key === "ArrowUp") { event.preventDefault(); movePalette(-1); }
    if (event.key === "Enter") {
      event.preventDefault();
      choosePalette(document.querySelector('#palette-list .palette-option[aria-selected="true"]'));
    }
  });
  text.addEventListener("mouseover", (event) => showTip(event.target.closest(".seg.hl")));
  text.addEventListener("mouseleave", () => { document.getElementById("coding-tip").hidden = true; });
  watchChunks();
  const wanted = focusCode || (window.location.hash.startsWith("#excerpt-") ? window.location.hash.slice(9) : null);
  if (wanted) {
    const excerpt = [...excerpts.values()].find((item) => item.code === wanted);
    if (excerpt) focusExcerpt(excerpt, !focusCode);
  }
  text.dataset.ready = "1";
  performance.mark("coding:ready");
  performance.measure("coding:init", "coding:init", "coding:ready");
}

let resizing = 0;
document.addEventListener("keydown", onKeydown);
document.addEventListener("selectionchange", onSelectionChange);
document.addEventListener("submit", onSubmit);
document.addEventListener("click", onClick);
window.addEventListener("resize", () => {
  cancelAnimationFrame(resizing);
  resizing = requestAnimationFrame(() => state && redrawStripes());
});
init();
