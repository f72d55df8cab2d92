// Writes and what follows them. Every write is a plain form POST sent with fetch (send). The
// server answers with a patch: the text chunks the write touched, re-rendered from what is
// stored, the excerpts shown in them and the code counts; only those chunks are swapped
// (applyPatch). A write without a patch (a new code, or one touching many chunks) re-renders
// the whole workspace (refresh), as do a stale write and a change of the code filter.
import { fetchHtml, post, refusal } from "./api.js";
import { complete, showDeferred } from "./chunks.js";
import { closeEditor, openEditor, showGone } from "./editor.js";
import { ask, asks, withAnswer } from "./guard.js";
import { say, state } from "./state.js";
import { chunkSpan, layOutLanes, redrawStripes, replaceChunk } from "./stripes.js";
import { init } from "./workspace.js";

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
// excerpt the coder should confirm (guard.js) is sent again with the answer.
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
