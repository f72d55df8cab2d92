// The coding view's state and its talks with the server: one module (two files before), so a
// first visit fetches fewer files.

// The coding view's state: one object shared by its modules, filled by init (workspace.js) from
// the server-rendered workspace. Everything the page shows is server HTML; this holds only what
// the script needs between events.
export const state = {
  workspace: null, // #workspace (replaced whole when the server re-renders it)
  text: null, // #coding-text: the document as chunks of segments
  excerpts: new Map(), // id → excerpt shown: {id, code, coder, layer, start, end, memo, version, codes, mine}
  codes: new Map(), // id → code of the codebook: {id, code, path, colour, …}
  coderNames: new Map(), // user id → name, for the coders one may overlay
  mayCode: false, // whether this member may code the document (palette and shortcuts)
  i18n: {}, // the few sentences the script says itself
  chunks: [], // the text's chunk elements, in document order
  lanes: new Map(), // "excerpt id:code id" → the stripe's lane (stripes.js)
  sheet: null, // the constructed stylesheet with one colour rule per code
  observer: null, // notices chunks coming near the viewport (stripes.js)
  near: new Set(), // chunks within a screen of the viewport
  dirty: new Set(), // chunks whose stripes need drawing
  segments: null, // the text's segments in order, collected once per render (patch.js)
  activeSegments: [], // the segments marked as the open excerpt's
  active: null, // the excerpt open in the editor
  lastSelection: null, // the last non-empty selection in the text: survives clicks in the panel
  caret: 0, // the reading caret (code point): where keyboard moves and selections start
  anchor: null, // where a keyboard selection began (code point), or null
};

export function say(message, kind = "info") {
  const status = document.getElementById("coding-status");
  if (!status) return;
  status.textContent = message;
  status.dataset.kind = kind;
}

// A JSON data block rendered by the server (json_script), or an empty list.
export function readJson(id) {
  const node = document.getElementById(id);
  return node ? JSON.parse(node.textContent) : [];
}

export function excerptByCode(code) {
  for (const excerpt of state.excerpts.values()) if (excerpt.code === code) return excerpt;
  return null;
}

// Talking to the server: form posts answered with JSON, and fragments of server HTML.

function csrf() {
  const field = state.workspace && state.workspace.querySelector("input[name=csrfmiddlewaretoken]");
  return field ? field.value : "";
}

// The page's overlaid coders and code filter (?coders=…&only=…) travel with every write, so the
// patch the server answers shows the same layers as the page (a URL's own parameters, such as
// a restore link's ?excerpt=, stay as they are).
function withView(url) {
  const target = new URL(url, window.location.href);
  const page = new URLSearchParams(window.location.search);
  for (const key of new Set(page.keys())) {
    if (target.searchParams.has(key)) continue;
    for (const value of page.getAll(key)) target.searchParams.append(key, value);
  }
  return target.href;
}

// POST fields (an object, or a form's FormData). Resolves to {ok, status, payload}; refusals are
// not said here, since a stale (409) or deleted (410) excerpt asks for more than a message.
// Sent urlencoded, not multipart: these writes carry no files, and the server parses a
// urlencoded body for a fraction of what multipart costs it (issue 21).
export async function post(url, fields) {
  const body = new URLSearchParams(fields instanceof FormData ? fields : undefined);
  if (!(fields instanceof FormData)) {
    for (const [key, value] of Object.entries(fields)) {
      for (const item of Array.isArray(value) ? value : [value]) body.append(key, item);
    }
  }
  if (!body.has("csrfmiddlewaretoken")) body.append("csrfmiddlewaretoken", csrf());
  let response;
  try {
    response = await fetch(withView(url), {
      method: "POST",
      body,
      headers: { Accept: "application/json", "X-CSRFToken": csrf() },
      credentials: "same-origin",
    });
  } catch {
    return { ok: false, status: 0, payload: {} }; // offline: refusal() says so generically
  }
  let payload = {};
  try {
    payload = await response.json();
  } catch {
    payload = {}; // not JSON (a proxy's error page): refusal() says so generically
  }
  return { ok: response.ok && payload.ok === true, status: response.status, payload };
}

// What to tell the user about a refused write: the server's sentence (`message`, which the
// 409 and 410 answers carry beside a machine-readable `error`), else its error, else a generic one.
export function refusal(payload) {
  return payload.message || payload.error || state.i18n.error;
}

// A fragment of server HTML: the excerpt editor, or with `workspace` the whole workspace (the
// view answers HX-Request with its workspace partial). Null, and the user told, on failure.
export async function fetchHtml(url, { workspace = false, onGone = null } = {}) {
  try {
    const response = await fetch(url, {
      headers: workspace ? { "HX-Request": "true" } : {},
      credentials: "same-origin",
    });
    if (response.ok) return await response.text();
    // 410: what was asked for was deleted meanwhile; the JSON says by whom (shown by onGone).
    if (response.status === 410 && onGone) {
      onGone(await response.json());
      return null;
    }
  } catch {
    // offline: told below, like a refusal
  }
  say(state.i18n.error, "error");
  return null;
}
