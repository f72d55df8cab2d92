// The questions a new excerpt may raise (services.excerpt_create): a near-duplicate of one of
// the coder's own excerpts with the same code ("duplicate": E or Enter extends that excerpt,
// K keeps both) and a passage longer than the project's limit ("too_long": Enter codes it).
// Escape cancels. `ask` resolves to the fields to send again with the write, or null.
const ANSWERS = {
  merge: (payload) => ({ merge_into: payload.existing.code, merge_version: payload.existing.version }),
  keep: () => ({ keep_both: "on" }),
  long: () => ({ long_ok: "on" }),
};

export function asks(payload) {
  return payload.error === "duplicate" || payload.error === "too_long";
}

export function ask(payload) {
  const dialog = document.getElementById("coding-offer");
  if (!dialog) return Promise.resolve(null);
  dialog.querySelector("[data-offer-message]").textContent = payload.message;
  const duplicate = payload.error === "duplicate";
  const buttons = [...dialog.querySelectorAll("[data-offer]")];
  for (const button of buttons) {
    const answer = button.dataset.offer;
    button.hidden = answer !== "cancel" && (answer === "long") === duplicate;
  }
  return new Promise((resolve) => {
    let answered = null;
    const finish = (answer) => {
      answered = answer;
      dialog.close();
    };
    const onClick = (event) => {
      const button = event.target.closest("[data-offer]");
      if (button) finish(button.dataset.offer);
    };
    const onKey = (event) => {
      const key = event.key.toLowerCase();
      if (duplicate && (key === "e" || key === "k")) {
        event.preventDefault();
        finish(key === "e" ? "merge" : "keep");
      }
    };
    dialog.addEventListener("click", onClick);
    dialog.addEventListener("keydown", onKey);
    dialog.addEventListener(
      "close",
      () => {
        dialog.removeEventListener("click", onClick);
        dialog.removeEventListener("keydown", onKey);
        resolve(ANSWERS[answered] ? ANSWERS[answered](payload) : null);
      },
      { once: true },
    );
    dialog.showModal();
    buttons.find((button) => !button.hidden && button.dataset.offer !== "cancel").focus();
  });
}

// The write's fields with the answer added (a form's FormData is copied, not changed).
export function withAnswer(fields, answer) {
  if (!(fields instanceof FormData)) return { ...fields, ...answer };
  const copy = new FormData();
  for (const [key, value] of fields) copy.append(key, value);
  for (const [key, value] of Object.entries(answer)) copy.set(key, value);
  return copy;
}
