// Reading a server-rendered workspace into the state: on page load, and whenever the server
// re-renders the whole workspace (patch.js). The highlighted text is an answer of its own
// (data-text-url), fetched here: the browser keeps it and the server answers "not modified"
// while nothing it shows changed, so a long document opens without its megabytes travelling
// again. It comes with the data of the excerpts shown in it (#excerpt-data, one array each), and
// its chunks are parsed a few screens at once, the rest after the page is usable (text.js).
import { focusExcerpt } from "./panel.js";
import { excerptByCode, readJson, say, state } from "./state.js";
import { applyStripeMode, colourSheet, layOutLanes, watchChunks } from "./stripes.js";
import { CHUNK_START, completeWhenIdle, placeText, selectOffsets } from "./text.js";

function linkedExcerpt() {
  const hash = window.location.hash;
  return hash.startsWith("#excerpt-") ? excerptByCode(hash.slice(9)) : null;
}

// A search hit links to its words as #text-<start>-<end> (code points, like excerpts).
function linkedText() {
  const match = /^#text-(\d+)-(\d+)$/.exec(window.location.hash);
  return match ? [Number(match[1]), Number(match[2])] : null;
}

// Select the linked words (so they can be coded at once) and scroll them into view.
function showLinkedText(text) {
  const span = linkedText();
  if (!span || span[1] <= span[0]) return;
  // Once only: a later re-render of the workspace must not select the hit again.
  history.replaceState(null, "", window.location.pathname + window.location.search);
  try {
    const range = selectOffsets(text, span[0], span[1]);
    const target = range.startContainer.parentElement || text;
    target.scrollIntoView({ block: "center" });
  } catch {
    // An offset past the end (the text changed since the search): stay at the top.
  }
}

// The fields of an excerpt's array in #excerpt-data (coding/excerpts/workspace.py says the same).
function excerptOf([id, code, coder, layer, start, end, memo, version, codes]) {
  return { id, code, coder, layer, start, end, memo, version, codes, mine: layer === 0 };
}

// The excerpts' data at the head of the text answer: <script id="excerpt-data" …>[…]</script>.
function readData(head) {
  return JSON.parse(head.slice(head.indexOf(">") + 1, head.lastIndexOf("</script>")));
}

// The text's body, or null (offline: said by the caller). The page's first read is started by
// coding-text.js before these modules arrive; it is taken once (null left in its place, which
// also tells a late coding-text.js not to read it again), so a re-rendered workspace fetches its
// text anew.
async function readText(url) {
  const link = document.querySelector('link[rel="preload"][as="fetch"]');
  const early = link?.textBody;
  if (link) link.textBody = null;
  if (early && link.href === new URL(url, window.location.href).href) return early;
  try {
    const response = await fetch(url, { credentials: "same-origin" });
    return response.ok ? await response.text() : null;
  } catch {
    return null;
  }
}

// Fetch the text into its container (its address carries the page's coders and code filter; the
// page preloads the same address) and answer the excerpts' data rows; without an address the
// text is in the page already (?inline=1). Null when the text could not be had, or when a newer
// workspace replaced this one meanwhile.
async function loadText(text, i18n) {
  const url = text.dataset.textUrl;
  if (!url) {
    text.dataset.complete = "1";
    return readJson("excerpt-data");
  }
  const body = await readText(url);
  if (!text.isConnected) return null;
  const at = body === null ? -1 : body.indexOf(CHUNK_START);
  if (at < 0) {
    say(i18n.error, "error");
    return null;
  }
  const rows = readData(body.slice(0, at));
  placeText(text, body.slice(at));
  text.removeAttribute("aria-busy");
  performance.mark("coding:text");
  return rows;
}

// `focus`: the excerpt a write touched (opened, not selected), else the one the address links to
// (opened and selected). `data-ready` on the text says the workspace is usable, editor included.
export async function init(focus = null) {
  performance.mark("coding:init");
  const workspace = document.getElementById("workspace");
  if (!workspace) return;
  const text = document.getElementById("coding-text");
  const i18n = document.getElementById("coding-i18n").dataset;
  const rows = await loadText(text, i18n);
  if (!rows) return;
  Object.assign(state, {
    workspace,
    text,
    excerpts: new Map(rows.map((row) => [row[0], excerptOf(row)])),
    codes: new Map(readJson("code-data").map((code) => [code.id, code])),
    coderNames: new Map(
      [...document.querySelectorAll(".coding-overlay input[name=coders]")].map((input) => [
        Number(input.value),
        input.dataset.name,
      ]),
    ),
    mayCode: workspace.dataset.mayCode === "1",
    i18n: { selectFirst: i18n.selectFirst, noCodes: i18n.noCodes, error: i18n.error, cancelled: i18n.cancelled },
    chunks: [...text.querySelectorAll(":scope > .chunk")],
    segments: null,
    activeSegments: [],
    active: null,
    lastSelection: null,
    caret: 0,
  });
  state.sheet = colourSheet(state.codes);
  applyStripeMode();
  layOutLanes();
  watchChunks();
  const excerpt = focus ? excerptByCode(focus.code) || focus : linkedExcerpt();
  const opening = excerpt ? focusExcerpt(excerpt, !focus) : null;
  if (!excerpt && !focus) showLinkedText(text);
  performance.mark("coding:ready");
  performance.measure("coding:init", "coding:init", "coding:ready");
  await opening;
  text.dataset.ready = "1";
  completeWhenIdle(); // the panel's listings and the chunks still waiting
}
