// Writes and what they show: the patches, the questions a new excerpt may raise and the excerpt
// editor, in one module (three files before), so a first visit fetches fewer files.
import { setDrawer } from "./panel.js";
import { excerptByCode, fetchHtml, post, refusal, say, state } from "./state.js";
import { chunkSpan, layOutLanes, redrawStripes, replaceChunk } from "./stripes.js";
import { complete, showDeferred } from "./text.js";
import { init } from "./workspace.js";

// Writes and what follows them. Every write is a plain form POST sent with fetch (send). The
// server answers with a patch: the text chunks the write touched, re-rendered from what is
// stored, the excerpts shown in them and the code counts; only those chunks are swapped
// (applyPatch). A write without a patch (a new code, or one touching many chunks) re-renders
// the whole workspace (refresh), as do a stale write and a change of the code filter.

// Whether the excerpt has a segment in this chunk (its offsets overlap the chunk's).
function covers(chunk, excerpt) {
  const { start, end } = chunkSpan(chunk);
  return excerpt.start < Math.max(end, start + 1) && start < excerpt.end;
}

// A patch fits when it is for this document and its chunks start where this page's do.
function fits(patch) {
  if (!patch || patch.document !== state.workspace.dataset.document) return false;
  return patch.chunks.every(({ index, start }) => {
    const first = state.chunks[index] && state.chunks[index].querySelector("[data-start]");
    return first && Number(first.dataset.start) === start;
  });
}

// Swap in the chunks a write changed; every other chunk (and the reader's place) stays as it
// is. Resolves to false when the patch does not fit this page, so the caller reloads instead.
async function applyPatch(patch, focus, message) {
  complete();
  if (!fits(patch)) return false;
  const holder = document.createElement("div");
  const fresh = [];
  for (const { index, html } of patch.chunks) {
    holder.innerHTML = html;
    const chunk = holder.firstElementChild;
    replaceChunk(index, chunk);
    fresh.push(chunk);
  }
  // The patch lists every excerpt overlapping its chunks: the others there are gone.
  const kept = new Set(patch.excerpts.map((excerpt) => excerpt.id));
  for (const [id, excerpt] of state.excerpts) {
    if (!kept.has(id) && fresh.some((chunk) => covers(chunk, excerpt))) state.excerpts.delete(id);
  }
  for (const excerpt of patch.excerpts) state.excerpts.set(excerpt.id, excerpt);
  showDeferred(); // every code's count
  for (const button of state.workspace.querySelectorAll(".code-button")) {
    const badge = button.querySelector(".code-count");
    // A partial patch counts only the codes the write can have changed: the others stay.
    if (!badge || (patch.counts_partial && !(button.dataset.id in patch.counts))) continue;
    badge.textContent = String(patch.counts[button.dataset.id] || 0);
  }
  layOutLanes();
  state.segments = null;
  state.activeSegments = [];
  redrawStripes();
  if (message) say(message, "success");
  if (focus) await openEditor(focus);
  else closeEditor();
  state.text.dataset.ready = "1";
  return true;
}

// Re-render the whole workspace from the server, keeping the reader's place.
export async function refresh(focus = null, message = "", kind = "success") {
  const html = await fetchHtml(window.location.pathname + window.location.search, { workspace: true });
  if (html === null) return;
  const holder = document.createElement("div");
  holder.innerHTML = html;
  const fresh = holder.querySelector("#workspace");
  if (!fresh) return;
  const scroll = window.scrollY;
  state.workspace.replaceWith(fresh);
  window.scrollTo(0, scroll);
  if (message) say(message, kind);
  await init(focus);
}

// After a successful write: patch the changed chunks, or re-render the workspace when that is
// not enough. The editor reopens on the excerpt written (or `focus`), else closes.
export async function settle(payload, focus = null) {
  const target = payload.excerpt || focus;
  if (!(await applyPatch(payload.patch, target, payload.message))) await refresh(target, payload.message);
}

// Send a write; resolves to the server's answer, or null when it was refused (and said so). A
// stale excerpt (409: changed meanwhile in another tab or by a lead) re-renders the workspace
// from what is stored now, then says why; a deleted one (410) offers to restore it; a new
// excerpt the coder should confirm (below) is sent again with the answer.
export async function send(url, fields, focus = null) {
  const { ok, status, payload } = await post(url, fields);
  if (ok) return payload;
  if (status === 409 && asks(payload)) {
    const answer = await ask(payload);
    if (answer) return send(url, withAnswer(fields, answer), focus);
    say(state.i18n.cancelled, "info");
  } else if (status === 409) {
    await refresh(payload.excerpt || focus, refusal(payload), "error");
  } else if (status === 410) {
    closeEditor();
    showGone(payload);
  } else {
    say(refusal(payload), "error");
  }
  return null;
}

// The questions a new excerpt may raise (services.excerpt_create): a near-duplicate of one of
// the coder's own excerpts with the same code ("duplicate": E or Enter extends that excerpt,
// K keeps both) and a passage longer than the project's limit ("too_long": Enter codes it).
// Escape cancels. `ask` resolves to the fields to send again with the write, or null.
const ANSWERS = {
  merge: (payload) => ({ merge_into: payload.existing.code, merge_version: payload.existing.version }),
  keep: () => ({ keep_both: "on" }),
  long: () => ({ long_ok: "on" }),
};

export function asks(payload) {
  return payload.error === "duplicate" || payload.error === "too_long";
}

export function ask(payload) {
  const dialog = document.getElementById("coding-offer");
  if (!dialog) return Promise.resolve(null);
  dialog.querySelector("[data-offer-message]").textContent = payload.message;
  const duplicate = payload.error === "duplicate";
  const buttons = [...dialog.querySelectorAll("[data-offer]")];
  for (const button of buttons) {
    const answer = button.dataset.offer;
    button.hidden = answer !== "cancel" && (answer === "long") === duplicate;
  }
  return new Promise((resolve) => {
    let answered = null;
    const finish = (answer) => {
      answered = answer;
      dialog.close();
    };
    const onClick = (event) => {
      const button = event.target.closest("[data-offer]");
      if (button) finish(button.dataset.offer);
    };
    const onKey = (event) => {
      const key = event.key.toLowerCase();
      if (duplicate && (key === "e" || key === "k")) {
        event.preventDefault();
        finish(key === "e" ? "merge" : "keep");
      }
    };
    dialog.addEventListener("click", onClick);
    dialog.addEventListener("keydown", onKey);
    dialog.addEventListener(
      "close",
      () => {
        dialog.removeEventListener("click", onClick);
        dialog.removeEventListener("keydown", onKey);
        resolve(ANSWERS[answered] ? ANSWERS[answered](payload) : null);
      },
      { once: true },
    );
    dialog.showModal();
    buttons.find((button) => !button.hidden && button.dataset.offer !== "cancel").focus();
  });
}

// The write's fields with the answer added (a form's FormData is copied, not changed).
export function withAnswer(fields, answer) {
  if (!(fields instanceof FormData)) return { ...fields, ...answer };
  const copy = new FormData();
  for (const [key, value] of fields) copy.append(key, value);
  for (const [key, value] of Object.entries(answer)) copy.set(key, value);
  return copy;
}

// The excerpt editor in the panel. The server renders it (the excerpt-editor partial of
// coding_view.html, at coding:excerpt-editor): its codes with "Remove", the memo, the boundary
// moves and "Delete" are plain coding forms (sent by main.js like any other). This module only
// fetches it, swaps it in, and marks the open excerpt's segments in the text.

const ZERO = /0{8}-0{4}-0{4}-0{4}-0{12}/;

function panel() {
  return document.getElementById("excerpt-editor");
}

// Segments in document order, collected once per render (for marking the open excerpt).
function segments() {
  complete();
  if (!state.segments) state.segments = [...state.text.querySelectorAll("[data-start]")];
  return state.segments;
}

function unmarkActive() {
  for (const segment of state.activeSegments) segment.classList.remove("active");
  state.activeSegments = [];
}

function markActive(excerpt) {
  unmarkActive();
  if (excerpt.id === undefined) return;
  const all = segments();
  let low = 0;
  let high = all.length - 1;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (Number(all[middle].dataset.start) <= excerpt.start) low = middle;
    else high = middle - 1;
  }
  const id = String(excerpt.id);
  for (let i = low; i < all.length && Number(all[i].dataset.start) < excerpt.end; i++) {
    const segment = all[i];
    if (segment.dataset.ex && segment.dataset.ex.split(" ").includes(id)) {
      segment.classList.add("active");
      state.activeSegments.push(segment);
    }
  }
}

// Bring the editor to where the user is looking: the panel scrolls itself (it keeps its own
// scroll position, so after scrolling down the codebook the editor's top was out of sight);
// where the panel does not scroll (narrow screens) the page scrolls as little as it can.
function reveal(editor) {
  const box = editor.closest(".coding-panel");
  if (box && box.scrollHeight > box.clientHeight + 1) {
    const offset = editor.getBoundingClientRect().top - box.getBoundingClientRect().top;
    if (offset < 0 || offset > box.clientHeight / 2) box.scrollTop += offset - 8;
  } else {
    editor.scrollIntoView({ block: "nearest" });
  }
}

// Which control of the editor has the focus, as an index among its controls (the editor is
// re-rendered after its own writes, and the user's place in it must survive that).
const CONTROLS = "button, textarea, input:not([type=hidden]), [tabindex]";

function focusedControl(editor) {
  if (!editor.contains(document.activeElement)) return -1;
  return [...editor.querySelectorAll(CONTROLS)].indexOf(document.activeElement);
}

function restoreFocus(editor, index) {
  if (index < 0) return;
  const controls = [...editor.querySelectorAll(CONTROLS)];
  const target = controls[Math.min(index, controls.length - 1)] || editor;
  target.focus({ preventScroll: true });
}

// Open the editor of an excerpt (one shown, or a write's answer: at least its code). Resolves
// once the server's editor is in place, in view, with the focus where it was in the editor.
export async function openEditor(excerpt) {
  const shown = excerptByCode(excerpt.code) || excerpt;
  state.active = shown;
  const editor = panel();
  const focused = focusedControl(editor);
  editor.hidden = false;
  editor.dataset.excerpt = shown.code;
  editor.setAttribute("aria-busy", "true");
  markActive(shown);
  const html = await fetchHtml(state.workspace.dataset.editorUrl.replace(ZERO, shown.code), {
    onGone: showGone,
  });
  // Another excerpt may have been opened meanwhile: the last one opened wins.
  if (!editor.isConnected || editor.dataset.excerpt !== shown.code) return;
  editor.removeAttribute("aria-busy");
  if (html === null) return closeEditor();
  editor.innerHTML = html;
  setDrawer(true, { focus: false }); // on a phone the editor is in the drawer
  reveal(editor);
  restoreFocus(editor, focused);
}

export function closeEditor() {
  state.active = null;
  const editor = panel();
  // The focus would be lost with the editor: back to the text, at the reader's place.
  if (editor.contains(document.activeElement)) state.text.focus({ preventScroll: true });
  editor.replaceChildren();
  editor.hidden = true;
  editor.removeAttribute("aria-busy");
  delete editor.dataset.excerpt;
  unmarkActive();
}

// Where to send a change of the open excerpt ({url, version}), if the member may change it;
// the server's editor says so (null while it is still loading).
export function editableActive() {
  const root = panel().querySelector("[data-editor-for]");
  if (!state.active || !root || root.dataset.editorFor !== state.active.code) return null;
  if (root.dataset.editable !== "1") return null;
  return { url: root.dataset.updateUrl, version: root.dataset.version };
}

// A write found its excerpt deleted meanwhile (410): say by whom, and offer to restore it.
export function showGone(payload) {
  const gone = document.getElementById("excerpt-gone");
  gone.querySelector("[data-gone-message]").textContent = payload.message || state.i18n.error;
  const restore = gone.querySelector("form[data-gone-restore]");
  restore.hidden = !payload.restore_url;
  if (payload.restore_url) restore.action = payload.restore_url;
  gone.hidden = false;
}

export function hideGone() {
  const gone = document.getElementById("excerpt-gone");
  if (gone) gone.hidden = true;
}
