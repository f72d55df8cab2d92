// Codebook tree: indentation from data-depth, expand/collapse of sub-codes,
// search-as-you-type (a code matches by name; its ancestors stay visible for context), and,
// for leads, opening a code's edit page in the side panel (the link works without JavaScript).
const table = document.querySelector("#codebook-tree");

function rows() {
  return Array.from(table.querySelectorAll("tr.codebook-row"));
}

function indent() {
  for (const row of rows()) {
    const cell = row.querySelector(".codebook-name");
    if (cell) cell.style.setProperty("padding-left", `${Number(row.dataset.depth) * 1.5 + 0.25}rem`);
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

// One listener for every code's link, instead of an hx-get on each of a thousand rows.
function openInPanel(event) {
  const link = event.target.closest("a.fw-medium[id^='code-name-']");
  const panel = document.querySelector(table.dataset.panel);
  if (!link || !panel || !window.htmx || event.ctrlKey || event.metaKey || event.shiftKey) return;
  event.preventDefault();
  window.htmx.ajax("GET", link.href, { target: panel, swap: "innerHTML" }).then(() => {
    // The panel may be off screen (long tree, or below it on a narrow screen).
    panel.scrollIntoView({ block: "nearest" });
    panel.focus({ preventScroll: true });
  });
}

if (table) {
  indent();
  table.addEventListener("click", (event) => {
    const button = event.target.closest("[data-toggle-subtree]");
    if (button) toggle(button);
    else if (table.dataset.panel) openInPanel(event);
  });
  const input = document.querySelector("[data-codebook-filter]");
  if (input) input.addEventListener("input", () => filter(input.value));
}
