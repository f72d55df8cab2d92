// The panel's listings that the first screens do not show (most of the code tree, the in-vivo
// code's parents, the codes of the form that works without JavaScript) come inside
// <noscript data-deferred>. A browser that runs scripts reads a noscript's content as one piece
// of text, not as elements, so the page is read, styled and laid out without some thousand
// elements before its text is usable; they are put in place right after, when the page is idle,
// or at once when something needs them first (the focus entering the panel, a code's shortcut,
// a patch's counts). Without JavaScript they are ordinary markup.
import { state } from "./state.js";

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

// Once the page is idle: after the frame that shows the usable text.
export function showDeferredWhenIdle() {
  if (window.requestIdleCallback) window.requestIdleCallback(() => showDeferred(), { timeout: 1000 });
  else setTimeout(() => showDeferred(), 0);
}
