// "Select all" for the document list's bulk actions. The table is re-rendered by htmx while
// documents are being read, so the listener is delegated from the document.
document.addEventListener("change", (event) => {
  const master = event.target.closest("[data-select-all]");
  if (!master) return;
  const name = master.dataset.selectAll;
  for (const box of document.querySelectorAll(`input[type=checkbox][name="${name}"]`)) {
    box.checked = master.checked;
  }
});
