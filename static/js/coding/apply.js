// Applying codes: to the selection (a code's button, its shortcut, or the Ctrl+K palette) or,
// with nothing selected, to the excerpt open in the editor; and the page's keys (the text's
// caret and selection keys are text.js's).
import { drawerOpen, setDrawer, toggleDrawer } from "./panel.js";
import { closeEditor, editableActive, send, settle } from "./patch.js";
import { say, state } from "./state.js";
import {
  caretAfter,
  onArrow,
  openFind,
  openHelp,
  SELECT_KEYS,
  selectionOffsets,
  selectOffsets,
  selectUnit,
  showDeferred,
} from "./text.js";

export async function applyCodes(codeUuids) {
  const selection = selectionOffsets(state.text);
  const open = selection ? null : editableActive();
  if (open) {
    const focus = state.active;
    const payload = await send(open.url, { version: open.version, add_codes: codeUuids }, focus);
    if (payload) await settle(payload, focus);
    return;
  }
  const chosen = selection || state.lastSelection;
  if (!chosen) {
    say(state.i18n.selectFirst, "error");
    return;
  }
  const payload = await send(state.workspace.dataset.createUrl, { ...chosen, codes: codeUuids });
  if (payload) {
    state.lastSelection = null;
    caretAfter(chosen.end); // the keyboard goes on from the end of what was coded
    await settle(payload);
  }
}

// ---- the palette: every code, listed here; typing hides those that do not match -------------

// The options, built from the codes' JSON (#code-data, in the codebook's order) when the palette
// is first opened rather than sent in the page: most visits never open it. A re-rendered
// workspace brings an empty list again, and its codes.
function fillPalette() {
  const list = document.getElementById("palette-list");
  if (list.dataset.filled) return;
  const options = [...state.codes.values()].map((code) => {
    const option = document.createElement("li");
    option.className = "palette-option";
    option.setAttribute("role", "option");
    option.setAttribute("aria-selected", "false");
    option.setAttribute("translate", "no");
    option.dataset.code = code.code;
    option.dataset.name = code.path.toLowerCase();
    option.textContent = code.path;
    return option;
  });
  list.replaceChildren(...options);
  list.dataset.filled = "1";
}

function shownOptions() {
  return [...document.querySelectorAll("#palette-list .palette-option:not([hidden])")];
}

export function filterPalette(query) {
  const needle = query.trim().toLowerCase();
  let first = true;
  for (const option of document.querySelectorAll("#palette-list .palette-option")) {
    option.hidden = Boolean(needle) && !option.dataset.name.includes(needle);
    option.setAttribute("aria-selected", !option.hidden && first ? "true" : "false");
    if (!option.hidden) first = false;
  }
}

function openPalette() {
  const dialog = document.getElementById("code-palette");
  if (!dialog || !state.mayCode) return;
  const chosen = selectionOffsets(state.text);
  if (chosen) state.lastSelection = chosen;
  fillPalette();
  const input = document.getElementById("palette-input");
  input.value = "";
  filterPalette("");
  dialog.showModal();
  input.focus();
}

function movePalette(step) {
  const options = shownOptions();
  if (!options.length) return;
  const index = options.findIndex((option) => option.getAttribute("aria-selected") === "true");
  const next = (index + step + options.length) % options.length;
  options.forEach((option, i) => option.setAttribute("aria-selected", i === next ? "true" : "false"));
  options[next].scrollIntoView({ block: "nearest" });
}

export function choosePalette(option) {
  document.getElementById("code-palette").close();
  if (!option) return;
  if (state.lastSelection) selectOffsets(state.text, state.lastSelection.start, state.lastSelection.end);
  applyCodes([option.dataset.code]);
}

function onPaletteKey(event) {
  if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    event.preventDefault();
    movePalette(event.key === "ArrowDown" ? 1 : -1);
  } else if (event.key === "Enter") {
    event.preventDefault();
    choosePalette(shownOptions().find((option) => option.getAttribute("aria-selected") === "true"));
  }
}

// ---- the keyboard ------------------------------------------------------------------------------

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

export function onKeydown(event) {
  if (!state.workspace) return;
  if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "k") {
    event.preventDefault();
    openPalette();
    return;
  }
  if (event.target.id === "palette-input") return onPaletteKey(event);
  // Escape closes the excerpt editor, from the text or from inside it (not over an unsaved memo).
  const unsaved = event.target.matches("textarea") && event.target.value !== event.target.defaultValue;
  if (event.key === "Escape" && drawerOpen() && !unsaved && !event.target.closest("dialog")) {
    setDrawer(false);
    return;
  }
  if (event.key === "Escape" && state.active && !unsaved && !event.target.closest("dialog")) {
    closeEditor();
    return;
  }
  if (typing(event.target)) return;
  const letter = event.key.toLowerCase();
  if ((event.ctrlKey || event.metaKey) && (letter === "z" || letter === "y")) {
    // Undo and redo are the panel's forms (coding/excerpts/undo.py), sent like any other write.
    event.preventDefault();
    const redo = letter === "y" || event.shiftKey;
    const form = state.workspace.querySelector(redo ? "form[data-redo]" : "form[data-undo]");
    if (form) form.requestSubmit();
    return;
  }
  const inText = state.text.contains(event.target);
  if (inText && event.key.startsWith("Arrow") && onArrow(event)) return;
  if (event.key === "Escape") {
    caretAfter(state.caret);
    state.lastSelection = null;
    return;
  }
  const key = shortcutOf(event);
  showDeferred(); // the code with this shortcut may be one of them
  const button = state.workspace.querySelector(`.code-button[data-shortcut="${CSS.escape(key)}"]`);
  if (button && state.mayCode && (selectionOffsets(state.text) || editableActive())) {
    event.preventDefault();
    applyCodes([button.dataset.code]);
    return;
  }
  const plain = !event.ctrlKey && !event.altKey && !event.metaKey;
  if (plain && event.key === "?") {
    event.preventDefault();
    openHelp();
  } else if (plain && event.key.toLowerCase() === "c") {
    toggleDrawer();
  } else if (plain && inText && event.key === "/") {
    event.preventDefault();
    openFind();
  } else if (plain && inText && SELECT_KEYS[event.key]) {
    event.preventDefault();
    selectUnit(SELECT_KEYS[event.key]);
  }
}
