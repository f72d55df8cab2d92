// Reconciliation view: keyboard moves between candidates and presses their decision buttons
// (each button carries data-key); htmx swaps the answered candidate in place, also when the
// answer is 400 (bad input) or 409 (someone decided first: their decision is shown).
const list = document.querySelector("[data-reconcile]");

function candidates() {
  return Array.from(list.querySelectorAll("[data-candidate]"));
}

function current() {
  const here = document.activeElement?.closest("[data-candidate]");
  return here || candidates()[0];
}

function go(target) {
  if (!target) return;
  target.focus();
  target.scrollIntoView({ block: "nearest" });
}

function step(by) {
  const all = candidates();
  const index = all.indexOf(current());
  go(all[Math.min(all.length - 1, Math.max(0, index + by))]);
}

function nextUndecided() {
  const all = candidates();
  const index = all.indexOf(current());
  const after = [...all.slice(index + 1), ...all.slice(0, index + 1)];
  go(after.find((c) => c.dataset.decided === "false"));
}

function press(key) {
  const button = current()?.querySelector(`button[data-key="${key}"]`);
  if (button) button.click();
}

document.addEventListener("keydown", (event) => {
  if (!list || event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.target.closest("input, textarea, select")) return;
  const key = event.key;
  if (key === "j") step(1);
  else if (key === "k") step(-1);
  else if (key === "n") nextUndecided();
  else if (key === "e") current()?.querySelector("[data-reason]")?.focus();
  else if (/^[0-9b]$/.test(key)) press(key);
  else return;
  event.preventDefault();
});

document.body.addEventListener("htmx:beforeSwap", (event) => {
  const status = event.detail.xhr.status;
  if (status === 400 || status === 409) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

document.body.addEventListener("htmx:afterSwap", (event) => {
  const swapped = event.detail.target?.id ? document.getElementById(event.detail.target.id) : null;
  if (!swapped) return;
  swapped.focus();
  if (swapped.dataset.decided === "true") nextUndecided();
});
