/* Where things are on the editor page. Every module reads the page through these helpers, so a
 * change of markup touches one file. */

export const root = document.getElementById("editor");
export const outline = document.getElementById("outline");
export const sectionsEl = document.getElementById("sections");

export const sectionFor = (key) => document.getElementById("sec-" + key);
export const outlineFor = (key) => outline.querySelector(`.sd-outline-item[data-key="${CSS.escape(key)}"]`);
/** Section keys in outline order: the outline is the order of the speech. */
export const keys = () => Array.from(outline.querySelectorAll(".sd-outline-item"), (li) => li.dataset.key);

export function autoGrow(textarea) {
  textarea.style.height = "auto";
  textarea.style.height = textarea.scrollHeight + 2 + "px";
}

/** The field a writer starts typing in: a part's heading, any other section's body. */
export function firstField(section) {
  return section.dataset.role === "part" ? section.querySelector(".sd-heading") : section.querySelector(".sd-body");
}

const warningEl = document.getElementById("save-warning");

export function showWarning(text) {
  warningEl.textContent = text;
  warningEl.classList.remove("d-none");
}

export function hideWarning() {
  warningEl.classList.add("d-none");
  warningEl.textContent = "";
}
