/* The 占位符 panel: values typed here travel with the speech's save; the tab's badge counts names
 * still without a value. The list itself is re-read from the server when the saved text's
 * placeholders differ from the ones shown. */
import { root } from "./dom.js";

let values = JSON.parse(document.getElementById("placeholder-values").textContent || "{}");
const shownKeys = () => Array.from(document.querySelectorAll("#placeholder-panel .sd-ph"), (el) => el.dataset.key);
let keysInText = shownKeys();

export const placeholderValues = () => values;

export function setPlaceholderValues(next) {
  values = { ...next };
  for (const input of document.querySelectorAll(".sd-ph-input")) input.value = values[input.dataset.key] || "";
  countUnfilled();
}

function countUnfilled() {
  const badge = document.getElementById("placeholder-count");
  if (badge) badge.textContent = String(keysInText.filter((key) => !values[key]).length);
}

/** After a save: the server says which placeholders the stored text holds. */
export function refreshPlaceholders(keys) {
  keysInText = keys || [];
  if (JSON.stringify(shownKeys()) !== JSON.stringify(keysInText)) {
    htmx.ajax("GET", root.dataset.placeholdersUrl, { target: "#placeholder-panel", swap: "innerHTML" });
  }
  countUnfilled();
}

export function mountPlaceholders(changed) {
  document.addEventListener("input", (event) => {
    if (!event.target.classList.contains("sd-ph-input")) return;
    const key = event.target.dataset.key;
    const value = event.target.value.trim();
    if (value) values[key] = value;
    else delete values[key];
    countUnfilled();
    changed();
  });
}
