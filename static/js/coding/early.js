// The text answer, asked for as soon as the page's head is read. The page's script (main.js) runs
// only once the whole page is parsed and laid out; reading the megabytes of the text's body and
// decoding them waited for that on a first visit. This module runs from the head (an async
// script): it takes over the preloaded answer at once, so its body is read and decoded while
// the page is still being parsed, and workspace.js finds it done. Once only: a later load of the
// workspace (after a write) fetches afresh.
const preload = document.getElementById("coding-text-preload");
let early = preload ? { url: preload.href, body: fetchText(preload.href) } : null;

// The answer's body, or null when it could not be had (an error answer, or offline).
async function fetchText(url) {
  try {
    const response = await fetch(url, { credentials: "same-origin" });
    return response.ok ? await response.text() : null;
  } catch {
    return null;
  }
}

// The text answer at `url`: the one asked for early when it is that address, else fetched now.
export function textBody(url) {
  const wanted = new URL(url, document.baseURI).href;
  if (early && early.url === wanted) {
    const { body } = early;
    early = null;
    return body;
  }
  return fetchText(url);
}
