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
  segments: null, // the text's segments in order, collected once per render (editor.js)
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
