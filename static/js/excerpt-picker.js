// The write-up's excerpt picker: "Cite" puts [[excerpt:CODE]] on a line of its own at the
// cursor, where the write-up renders it as a quote; the search box narrows the list.
const picker = document.querySelector("#excerpt-picker");
if (picker) {
  const area = document.querySelector(picker.dataset.target);
  picker.addEventListener("click", (event) => {
    const button = event.target.closest("[data-cite]");
    if (!button || !area) return;
    const at = area.selectionStart ?? area.value.length;
    const before = area.value.slice(0, at);
    const after = area.value.slice(area.selectionEnd ?? at);
    const lead = before && !before.endsWith("\n") ? "\n" : "";
    const tail = after.startsWith("\n") ? "" : "\n";
    const insert = `${lead}${button.dataset.cite}${tail}`;
    area.value = before + insert + after;
    const cursor = before.length + insert.length;
    area.focus();
    area.setSelectionRange(cursor, cursor);
  });
  const filter = document.querySelector("[data-excerpt-filter]");
  filter?.addEventListener("input", () => {
    const words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    for (const item of picker.children) {
      item.hidden = !words.every((w) => item.dataset.search.includes(w));
    }
  });
}
