// The excerpt editor in the panel. The server renders it (the excerpt-editor partial of
// coding_view.html, at coding:excerpt-editor): its codes with "Remove", the memo, the boundary
// moves and "Delete" are plain coding forms (sent by main.js like any other). This module only
// fetches it, swaps it in, and marks the open excerpt's segments in the text.
import { fetchHtml } from "./api.js";
import { complete } from "./chunks.js";
import { setDrawer } from "./drawer.js";
import { excerptByCode, state } from "./state.js";

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
