// The coding view's text answer, read as soon as this small script arrives rather than once the
// view's modules (static/js/coding/) have all arrived and run: on a first visit the text's
// megabytes are read into a string while the modules still travel. The page preloads the answer
// (<link rel="preload" as="fetch"> in its head); the promise of its body waits on that link for
// workspace.js, which takes it once (or, should this script come last, has read the text itself).
//   The body is decoded piece by piece as it arrives (a stream), not all at once when its last
// byte is in: in a fresh browser the answer travels while the page is still read and styled, so
// most of the decoding (3.8 MB of UTF-8 for a 1.5 M-character document) falls into gaps of the
// main thread, not between the modules' start and the text being shown.
(() => {
  const link = document.querySelector('link[rel="preload"][as="fetch"]');
  if (!link || "textBody" in link) return;
  async function read(response) {
    if (!response.ok) return null;
    if (!response.body || !window.TextDecoderStream) return response.text();
    const parts = [];
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return parts.join("");
      parts.push(value);
    }
  }
  link.textBody = fetch(link.href, { credentials: "same-origin" })
    .then(read)
    .catch(() => null);
})();
