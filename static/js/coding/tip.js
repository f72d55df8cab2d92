// The tooltip over highlighted text: each excerpt's codes, its coder (when not one's own) and
// its memo, read from the excerpt and code data blocks.
import { state } from "./state.js";

// The excerpts shown in a segment (the server lists their ids in data-ex).
export function excerptsAt(segment) {
  if (!segment || !segment.dataset.ex) return [];
  return segment.dataset.ex
    .split(" ")
    .map((id) => state.excerpts.get(Number(id)))
    .filter(Boolean);
}

export function hideTip() {
  const tip = document.getElementById("coding-tip");
  if (tip) tip.hidden = true;
}

export function showTip(segment) {
  const tip = document.getElementById("coding-tip");
  const found = excerptsAt(segment);
  if (!found.length) return hideTip();
  tip.replaceChildren();
  for (const excerpt of found) {
    const names = excerpt.codes.map((id) => state.codes.get(id)?.path || "?");
    const row = document.createElement("div");
    const strong = document.createElement("strong");
    strong.textContent = names.length ? names.join(", ") : state.i18n.noCodes;
    strong.translate = !names.length; // code names are the project's words: translate="no"
    row.append(strong);
    if (!excerpt.mine) row.append(` (${state.coderNames.get(excerpt.coder) || ""})`);
    if (excerpt.memo) {
      const note = document.createElement("div");
      note.className = "text-body-secondary";
      note.textContent = excerpt.memo;
      note.translate = false;
      row.append(note);
    }
    tip.append(row);
  }
  const rect = segment.getBoundingClientRect();
  tip.style.setProperty("--tip-left", `${rect.left + window.scrollX}px`);
  tip.style.setProperty("--tip-top", `${rect.bottom + window.scrollY + 4}px`);
  tip.hidden = false;
}
