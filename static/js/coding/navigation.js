// Moving through the excerpts: next and previous in document order, and going to one (a link's
// #excerpt-<code>, or the excerpt a write touched).
import { complete } from "./chunks.js";
import { openEditor } from "./editor.js";
import { selectOffsets } from "./selection.js";
import { state } from "./state.js";

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
