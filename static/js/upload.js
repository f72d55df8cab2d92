// Drag-and-drop for the upload form: dropped files go into the ordinary multi-file input, so the
// form posts exactly as it does without JavaScript. Lists the chosen files with their sizes.
function formatSize(bytes) {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.floor(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

function showFiles(zone, input) {
  const list = zone.querySelector("[data-dropzone-list]");
  if (!list) return;
  list.replaceChildren(
    ...Array.from(input.files).map((file) => {
      const item = document.createElement("li");
      item.textContent = `${file.name} (${formatSize(file.size)})`;
      return item;
    }),
  );
}

for (const zone of document.querySelectorAll("[data-dropzone]")) {
  const input = document.getElementById(zone.dataset.input);
  if (!input) continue;
  input.addEventListener("change", () => showFiles(zone, input));
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("is-dragover");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("is-dragover"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("is-dragover");
    if (!event.dataTransfer || !event.dataTransfer.files.length) return;
    const transfer = new DataTransfer();
    for (const file of input.files) transfer.items.add(file);
    for (const file of event.dataTransfer.files) transfer.items.add(file);
    input.files = transfer.files;
    showFiles(zone, input);
  });
}
