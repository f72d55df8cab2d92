// Codebook tree: indentation from data-depth, expand/collapse of sub-codes, and
// search-as-you-type (a code matches by name; its ancestors stay visible for context).
const table = document.querySelector("#codebook-tree");

function rows() {
  return Array.from(table.querySelectorAll("tr.codebook-row"));
}

function indent() {
  for (const cell of table.querySelectorAll("[data-indent]")) {
    cell.style.setProperty("padding-left", `${Number(cell.dataset.indent) * 1.5 + 0.25}rem`);
  }
}

function descendants(row) {
  const path = row.dataset.path;
  return rows().filter((r) => r !== row && r.dataset.path.startsWith(path));
}

function toggle(button) {
  const row = button.closest("tr");
  const open = button.getAttribute("aria-expanded") === "true";
  button.setAttribute("aria-expanded", String(!open));
  button.textContent = open ? "▸" : "▾";
  for (const child of descendants(row)) {
    child.hidden = open;
    const inner = child.querySelector("[data-toggle-subtree]");
    if (!open && inner) {
      inner.setAttribute("aria-expanded", "true");
      inner.textContent = "▾";
    }
  }
}

function filter(term) {
  const all = rows();
  term = term.trim().toLowerCase();
  if (!term) {
    all.forEach((r) => (r.hidden = false));
    return;
  }
  const byPath = new Map(all.map((r) => [r.dataset.path, r]));
  const visible = new Set();
  for (const row of all) {
    if (!row.dataset.name.includes(term)) continue;
    visible.add(row);
    // Keep the ancestors so the match is seen in its place in the tree.
    const ids = row.dataset.path.split("/").filter(Boolean);
    for (let i = 1; i < ids.length; i++) {
      const ancestor = byPath.get(`/${ids.slice(0, i).join("/")}/`);
      if (ancestor) visible.add(ancestor);
    }
  }
  all.forEach((r) => (r.hidden = !visible.has(r)));
}

if (table) {
  indent();
  table.addEventListener("click", (event) => {
    const button = event.target.closest("[data-toggle-subtree]");
    if (button) toggle(button);
  });
  const input = document.querySelector("[data-codebook-filter]");
  if (input) input.addEventListener("input", () => filter(input.value));
}
