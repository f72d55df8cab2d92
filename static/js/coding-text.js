// The coding view's text answer, read as soon as this small script arrives rather than once the
// view's modules (static/js/coding/) have all arrived and run: on a first visit the text's
// megabytes are read into a string while the modules still travel. The page preloads the answer
// (<link rel="preload" as="fetch"> in its head); the promise of its body waits on that link for
// workspace.js, which takes it once (or, should this script come last, has read the text itself).
(() => {
  const link = document.querySelector('link[rel="preload"][as="fetch"]');
  if (!link || "textBody" in link) return;
  link.textBody = fetch(link.href, { credentials: "same-origin" })
    .then((response) => (response.ok ? response.text() : null))
    .catch(() => null);
})();
