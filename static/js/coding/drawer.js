// The panel as a drawer on narrow screens (coding.css): the Codebook button or the C key opens
// and closes it; opening an excerpt opens it; Escape closes it and gives the focus back.
export function drawerMode() {
  const toggle = document.getElementById("codebook-toggle");
  return Boolean(toggle) && getComputedStyle(toggle).display !== "none";
}

function parts() {
  return [document.getElementById("codebook-toggle"), document.getElementById("coding-panel")];
}

export function drawerOpen() {
  const [, panel] = parts();
  return drawerMode() && Boolean(panel) && panel.classList.contains("open");
}

export function setDrawer(open, { focus = true } = {}) {
  const [toggle, panel] = parts();
  if (!toggle || !panel || !drawerMode()) return;
  panel.classList.toggle("open", open);
  toggle.setAttribute("aria-expanded", open ? "true" : "false");
  if (!focus) return;
  // Into the drawer (its code search) when it opens, back to the button when it closes.
  if (open) requestAnimationFrame(() => document.getElementById("code-search")?.focus());
  else toggle.focus();
}

export function toggleDrawer() {
  setDrawer(!drawerOpen());
}
