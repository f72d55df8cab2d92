// Drag and drop in the codebook tree (leads only). Dropping a code on the top part of a row
// puts it just before that row (same parent); dropping on the rest of a row puts it under that
// row as its last sub-code; dropping on [data-drop-top] makes it a top-level code. The move is
// posted to the code's move URL (the same form the "Move…" page uses), then the page reloads.
const table = document.querySelector("#codebook-tree[data-move-url-template]");
const status = document.querySelector("#codebook-move-status");
const PLACEHOLDER = "00000000-0000-0000-0000-000000000000";

function csrfToken() {
  const field = document.querySelector("input[name=csrfmiddlewaretoken]");
  return field ? field.value : "";
}

function parentRow(row) {
  const ids = row.dataset.path.split("/").filter(Boolean);
  if (ids.length < 2) return null;
  const parentPath = `/${ids.slice(0, -1).join("/")}/`;
  return table.querySelector(`tr[data-path="${parentPath}"]`);
}

// Position among the new siblings, not counting the dragged code itself.
function siblingIndex(row, dragged) {
  const parent = parentRow(row);
  const depth = row.dataset.depth;
  return Array.from(table.querySelectorAll(`tr.codebook-row[data-depth="${depth}"]`))
    .filter((r) => parentRow(r) === parent && r.dataset.code !== dragged)
    .indexOf(row);
}

async function move(code, parent, position) {
  const body = new FormData();
  body.set("parent", parent || "");
  if (position !== null) body.set("position", String(position));
  const response = await fetch(table.dataset.moveUrlTemplate.replace(PLACEHOLDER, code), {
    method: "POST",
    body,
    headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true" },
    credentials: "same-origin",
  });
  if (response.ok) {
    window.location.reload();
  } else if (status) {
    status.textContent = await response.text();
  }
}

if (table) {
  let dragged = null;
  table.addEventListener("dragstart", (event) => {
    const row = event.target.closest("tr.codebook-row");
    if (!row) return;
    dragged = row.dataset.code;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged);
  });
  table.addEventListener("dragover", (event) => {
    if (event.target.closest("tr.codebook-row")) event.preventDefault();
  });
  table.addEventListener("drop", (event) => {
    const row = event.target.closest("tr.codebook-row");
    const code = dragged || event.dataTransfer.getData("text/plain");
    if (!row || !code || row.dataset.code === code) return;
    event.preventDefault();
    const box = row.getBoundingClientRect();
    if (event.clientY < box.top + box.height / 4) {
      const parent = parentRow(row);
      move(code, parent ? parent.dataset.code : "", siblingIndex(row, code));
    } else {
      move(code, row.dataset.code, null);
    }
    dragged = null;
  });
  const top = document.querySelector("[data-drop-top]");
  if (top) {
    top.addEventListener("dragover", (event) => event.preventDefault());
    top.addEventListener("drop", (event) => {
      event.preventDefault();
      const code = dragged || event.dataTransfer.getData("text/plain");
      if (code) move(code, "", null);
      dragged = null;
    });
  }
}
