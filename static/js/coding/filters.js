// Narrowing what the panel and the text show: the codebook search (in the page) and the code
// filter, which is part of the page's address (?only=<code id>) like the overlay: the server
// renders the filtered view, so changing it re-renders the workspace.
import { openEditor } from "./editor.js";
import { refresh } from "./patch.js";
import { state } from "./state.js";

export function searchCodes(query) {
  const needle = query.trim().toLowerCase();
  for (const item of state.workspace.querySelectorAll(".code-item")) {
    item.hidden = Boolean(needle) && !item.dataset.name.includes(needle);
  }
}

export async function filterByCode(value) {
  const url = new URL(window.location.href);
  if (value) url.searchParams.set("only", value);
  else url.searchParams.delete("only");
  window.history.replaceState(null, "", url);
  // The overlay form (outside the workspace) carries the filter when it reloads the page.
  const carried = document.querySelector(".coding-overlay input[name=only]");
  if (carried) {
    carried.value = value;
    carried.disabled = !value;
  }
  const open = state.active;
  await refresh();
  if (open) await openEditor(open); // the editor stays open, and the reader where they were
}
