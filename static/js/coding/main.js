// The coding view's entry module: reads the workspace (workspace.js) and wires the page's events
// to the modules, one listener per kind on the document, so a re-rendered workspace needs no
// rewiring. Everything is read from data attributes and JSON data blocks (strict CSP: no inline
// code); what the page shows is rendered by the server (highlights, chunks, the excerpt editor).
// The modules are few and whole (a first visit fetches each as a file of its own):
//   text.js       the text's chunks (and the panel's listings) parsed once the page is usable,
//                 DOM selections ⇄ code-point offsets, words/sentences/…, the reading caret, find
//   patch.js      writes, patches, workspace reloads; duplicate and long-excerpt questions; the
//                 server's excerpt editor, 410 notice
//   panel.js      next/previous, #excerpt-; code filter, code search; the panel on phones
//   stripes.js    colours, margin stripes, the tooltip    apply.js      codes, palette, keyboard
//   state.js      the one state object; fetch with CSRF, JSON, HTML fragments
import { applyCodes, choosePalette, filterPalette, onKeydown } from "./apply.js";
import { filterByCode, jump, searchCodes, toggleDrawer } from "./panel.js";
import { hideGone, openEditor, refresh, send, settle } from "./patch.js";
import { say, state } from "./state.js";
import { excerptsAt, hideTip, labelled, redrawStripes, setLabelled, showTip } from "./stripes.js";
import {
  drawCaret,
  followSelection,
  onFindSubmit,
  pointToOffset,
  selectionOffsets,
  showDeferred,
} from "./text.js";
import { init } from "./workspace.js";

const MAX_NAME = 200; // a code's name, as the in-vivo form's maxlength

function onSelectionChange() {
  if (!state.text) return;
  followSelection();
  const chosen = selectionOffsets(state.text);
  if (!chosen) return;
  state.lastSelection = chosen;
  const name = document.getElementById("in-vivo-name");
  if (name && !name.dataset.edited) {
    name.value = chosen.text.replace(/\s+/gu, " ").trim().slice(0, MAX_NAME);
  }
}

// Every coding form (data-coding-form) is a real form that works without JavaScript; here it is
// sent with fetch instead, taking the text selection along when it needs one.
async function onSubmit(event) {
  if (event.target.id === "find-form") return void onFindSubmit(event);
  const form = event.target.closest("form[data-coding-form]");
  if (!form || !state.workspace || !state.workspace.contains(form)) return;
  event.preventDefault();
  const fields = new FormData(form);
  if (form.hasAttribute("data-needs-selection")) {
    const chosen = selectionOffsets(state.text) || state.lastSelection;
    if (!chosen) return say(state.i18n.selectFirst, "error");
    for (const key of ["start", "end", "text"]) fields.set(key, chosen[key]);
  }
  const focus = form.dataset.focus ? { code: form.dataset.focus } : null;
  const payload = await send(form.action, fields, focus);
  if (!payload) return;
  if (payload.excerpt || focus) state.lastSelection = null;
  // "Undo delete" appears after a delete and goes once used; so does the deleted-excerpt notice.
  const restore = state.workspace.querySelector("form[data-restore]");
  if (restore && payload.restorable) restore.hidden = false;
  if (restore && form === restore) restore.hidden = true;
  if (form.hasAttribute("data-gone-restore")) hideGone();
  await settle(payload, focus);
}

function onClick(event) {
  if (!state.workspace) return;
  const target = event.target;
  const codeButton = target.closest(".code-button");
  if (codeButton && state.workspace.contains(codeButton)) return void applyCodes([codeButton.dataset.code]);
  const jumpButton = target.closest("[data-jump]");
  if (jumpButton) return jump(jumpButton.dataset.jump === "next" ? 1 : -1);
  if (target.closest("[data-gone-discard]")) {
    hideGone();
    return void refresh(); // the deleted excerpt leaves the text
  }
  const option = target.closest(".palette-option");
  if (option) return choosePalette(option);
  if (target.closest("#stripe-mode")) return setLabelled(!labelled());
  if (target.closest("#codebook-toggle")) return toggleDrawer();
  const stripe = target.closest(".stripe");
  if (stripe && state.text.contains(stripe)) {
    // A stripe selects its excerpt: marked in the text, open in the editor.
    const excerpt = state.excerpts.get(Number(stripe.dataset.ex));
    if (excerpt) openEditor(excerpt);
    return;
  }
  const segment = target.closest(".seg");
  if (segment && state.text.contains(segment) && window.getSelection().isCollapsed) {
    const selection = window.getSelection();
    if (selection.rangeCount && state.text.contains(selection.anchorNode)) {
      state.caret = pointToOffset(state.text, selection.anchorNode, selection.anchorOffset);
    }
    // A click in overlapping excerpts opens the innermost.
    const found = excerptsAt(segment).sort((a, b) => a.end - a.start - (b.end - b.start));
    if (found.length) openEditor(found[0]);
  }
}

function onInput(event) {
  const target = event.target;
  if (target.id === "code-search") searchCodes(target.value);
  else if (target.id === "palette-input") filterPalette(target.value);
  else if (target.id === "in-vivo-name") target.dataset.edited = "1"; // stop following the selection
}

function onChange(event) {
  if (event.target.id === "code-filter") filterByCode(event.target.value);
}

function onMouseOver(event) {
  const target = event.target;
  if (!state.text || !(target instanceof Element)) return;
  if (state.text.contains(target)) showTip(target.closest(".seg.hl"));
  else hideTip();
}

let resizing = 0;
document.addEventListener("keydown", onKeydown);
document.addEventListener("selectionchange", onSelectionChange);
document.addEventListener("submit", onSubmit);
document.addEventListener("click", onClick);
document.addEventListener("input", onInput);
document.addEventListener("change", onChange);
document.addEventListener("mouseover", onMouseOver);
document.addEventListener("focusin", (event) => {
  drawCaret(); // the caret shows while the text has the focus
  if (event.target.closest("#coding-panel")) showDeferred(); // the panel's controls, all of them
});
document.addEventListener("focusout", () => requestAnimationFrame(drawCaret));
window.addEventListener("resize", () => {
  cancelAnimationFrame(resizing);
  resizing = requestAnimationFrame(() => {
    if (state.text) redrawStripes();
    drawCaret();
  });
});
init();
