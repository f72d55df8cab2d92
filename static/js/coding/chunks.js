// The text's chunks, placed in the page. The server sends the text as one string of chunks
// (<div class="chunk" …>, a few thousand characters each); parsing the megabytes of a long
// document at once kept the page unusable for a good part of a second. So the first chunks are
// parsed at once and the others wait as empty chunks (the same opening tag, so the same
// estimated height): they are parsed in small tasks once the page is usable. Whatever reads the
// text as a whole (offsets, find, keyboard units, the open excerpt's segments, a patch) calls
// complete() first, which parses everything still waiting there and then. `data-complete` on
// the text says that every chunk is parsed.
//   The panel's listings that the first screens do not show (most of the code tree, the in-vivo
// code's parents, the codes of the form that works without JavaScript) wait too: they come inside
// <noscript data-deferred>, whose content a browser that runs scripts reads as one piece of text,
// not as elements, so the page is read, styled and laid out without some thousand elements before
// its text is usable. They are put in place when the page is idle after that, or at once when
// something needs them first (showDeferred: the focus entering the panel, a code's shortcut, a
// patch's counts). Without JavaScript they are ordinary markup.
import { state } from "./state.js";

export const CHUNK_START = '<div class="chunk"'; // never in the text itself: it is escaped
const FIRST = 8; // chunks parsed at once: several screens of text
const TASK_MS = 8; // the longest a background parse runs before the page may respond
const BATCH = 4; // chunks parsed together

let waiting = null; // { text, parts, next }: chunks from `next` on are still waiting

// Cut the chunks' HTML into one string per chunk.
function split(html) {
  const parts = [];
  let at = html.indexOf(CHUNK_START);
  while (at >= 0) {
    const next = html.indexOf(CHUNK_START, at + CHUNK_START.length);
    parts.push(html.slice(at, next < 0 ? html.length : next));
    at = next;
  }
  return parts;
}

// An empty chunk standing in for a waiting one: its own opening tag (class and data-lines).
function placeholder(part) {
  return `${part.slice(0, part.indexOf(">") + 1)}</div>`;
}

// Put the chunks' HTML into the text container: the first chunks parsed, the rest waiting.
export function placeText(text, html) {
  const parts = split(html);
  if (parts.length <= FIRST) {
    waiting = null;
    text.innerHTML = html;
    text.dataset.complete = "1";
    return;
  }
  text.innerHTML = parts.slice(0, FIRST).join("") + parts.slice(FIRST).map(placeholder).join("");
  waiting = { text, parts, next: FIRST };
}

// Parse waiting chunks [from, to) and put them in their placeholders' place.
function parse(from, to) {
  const { text, parts } = waiting;
  const holder = document.createElement("template");
  holder.innerHTML = parts.slice(from, to).join("");
  const fresh = [...holder.content.children];
  const current = state.text === text;
  for (let i = 0; i < fresh.length; i++) {
    const old = current && state.chunks.length ? state.chunks[from + i] : text.children[from + i];
    if (current && state.observer) {
      state.observer.unobserve(old);
      state.near.delete(old);
      state.dirty.delete(old);
    }
    old.replaceWith(fresh[i]);
    if (current && state.chunks.length) {
      state.chunks[from + i] = fresh[i];
      state.dirty.add(fresh[i]); // its stripes are drawn when it comes near the viewport
      if (state.observer) state.observer.observe(fresh[i]);
    }
  }
  if (current) state.segments = null; // the segments' list is read afresh
}

function finish() {
  if (waiting) {
    if (state.text === waiting.text) state.segments = null;
    waiting.text.dataset.complete = "1";
  }
  waiting = null;
}

// Parse every chunk still waiting, now.
export function complete() {
  if (!waiting || !waiting.text.isConnected) return finish();
  if (waiting.next < waiting.parts.length) parse(waiting.next, waiting.parts.length);
  finish();
}

// When the page is idle: the browser's idle callbacks where it has them, else the next task.
function whenIdle(task) {
  if (window.requestIdleCallback) window.requestIdleCallback(task, { timeout: 1000 });
  else setTimeout(() => task(null), 0);
}

// Parse the waiting chunks a few at a time while the page is idle, so reading, scrolling and
// selecting go first (an idle callback's `deadline` says how long the page can spare).
function completeLater(deadline = null) {
  if (!waiting) return;
  const began = performance.now();
  const budget = () => Math.min(TASK_MS, deadline ? deadline.timeRemaining() : TASK_MS);
  while (waiting && waiting.text.isConnected && performance.now() - began < budget()) {
    const to = Math.min(waiting.next + BATCH, waiting.parts.length);
    parse(waiting.next, to);
    waiting.next = to;
    if (to >= waiting.parts.length) return finish();
  }
  if (waiting && waiting.text.isConnected) whenIdle(completeLater);
  else finish();
}

// Put the workspace's deferred listings in place (once per rendered workspace).
export function showDeferred() {
  const workspace = state.workspace;
  if (!workspace || workspace.dataset.deferredShown) return;
  workspace.dataset.deferredShown = "1";
  for (const holder of workspace.querySelectorAll("noscript[data-deferred]")) {
    // A scripting browser serializes the noscript's text as it came (not escaped again), so
    // the server's markup is parsed here as it would have been in the page.
    const markup = document.createElement("template");
    markup.innerHTML = holder.innerHTML;
    holder.replaceWith(markup.content);
  }
}

// After the page is usable: when it is idle, the panel's listings, then whatever text still waits.
export function completeWhenIdle() {
  whenIdle(() => showDeferred());
  if (waiting) whenIdle(completeLater);
}
