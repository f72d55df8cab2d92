// Moving through the excerpts, narrowing what is shown, and the panel as a drawer on phones, in
// one module (three files before), so a first visit fetches fewer files.
import { openEditor, refresh } from "./patch.js";
import { state } from "./state.js";
import { complete, selectOffsets } from "./text.js";

// Moving through the excerpts: next and previous in document order, and going to one (a link's
// #excerpt-<code>, or the excerpt a write touched).

function ordered() {
  return [...state.excerpts.values()].sort((a, b) => a.start - b.start || a.end - b.end || a.id - b.id);
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

// Scroll to the excerpt, optionally select its text, and open its editor (resolves when open).
export function focusExcerpt(excerpt, select = false) {
  complete(); // its anchor may be in a chunk still waiting to be parsed
  const anchor = document.getElementById(`excerpt-${excerpt.code}`);
  if (anchor) scrollSettled(anchor);
  if (select) selectOffsets(state.text, excerpt.start, excerpt.end);
  return openEditor(excerpt);
}

export function jump(direction) {
  const list = ordered();
  if (!list.length) return;
  let index;
  if (!state.active) index = direction > 0 ? 0 : list.length - 1;
  else {
    const position = list.findIndex((excerpt) => excerpt.id === state.active.id);
    index = (position + direction + list.length) % list.length;
  }
  focusExcerpt(list[index], true);
}

// Narrowing what the panel and the text show: the codebook search (in the page) and the code
// filter, which is part of the page's address (?only=<code id>) like the overlay: the server
// renders the filtered view, so changing it re-renders the workspace.

export function searchCodes(query) {
  const needle = query.trim().toLowerCase();
  for (const item of state.workspace.querySelectorAll(".code-item")) {
    item.hidden = Boolean(needle) && !item.dataset.name.includes(needle);
  }
}

export async function filterByCode(value) {
  const url = new URL(window.location.href);
  if (value) url.searchParams.set("only", value);
  else url.searchParams.delete("only");
  window.history.replaceState(null, "", url);
  // The overlay form (outside the workspace) carries the filter when it reloads the page.
  const carried = document.querySelector(".coding-overlay input[name=only]");
  if (carried) {
    carried.value = value;
    carried.disabled = !value;
  }
  const open = state.active;
  await refresh();
  if (open) await openEditor(open); // the editor stays open, and the reader where they were
}

// The panel as a drawer on narrow screens (coding.css): the Codebook button or the C key opens
// and closes it; opening an excerpt opens it; Escape closes it and gives the focus back.
export function drawerMode() {
  const toggle = document.getElementById("codebook-toggle");
  return Boolean(toggle) && getComputedStyle(toggle).display !== "none";
}

function parts() {
  return [document.getElementById("codebook-toggle"), document.getElementById("coding-panel")];
}

export function drawerOpen() {
  const [, panel] = parts();
  return drawerMode() && Boolean(panel) && panel.classList.contains("open");
}

export function setDrawer(open, { focus = true } = {}) {
  const [toggle, panel] = parts();
  if (!toggle || !panel || !drawerMode()) return;
  panel.classList.toggle("open", open);
  toggle.setAttribute("aria-expanded", open ? "true" : "false");
  if (!focus) return;
  // Into the drawer (its code search) when it opens, back to the button when it closes.
  if (open) requestAnimationFrame(() => document.getElementById("code-search")?.focus());
  else toggle.focus();
}

export function toggleDrawer() {
  setDrawer(!drawerOpen());
}
