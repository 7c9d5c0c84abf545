/* Section cards: typing, changing a section's role, adding, deleting and undoing a delete. */
import { sectionsEl, sectionFor, outlineFor, keys, autoGrow, firstField, showWarning } from "./dom.js";
import { fetchSection } from "./api.js";
import { currentKey, setCurrent, relabel, renumber, place, reinsert } from "./outline.js";

export function mountSections(changed) {
  sectionsEl.addEventListener("input", (event) => {
    const section = event.target.closest(".sd-section");
    if (!section) return;
    if (event.target.classList.contains("sd-body")) autoGrow(event.target);
    if (event.target.classList.contains("sd-heading")) relabel(section);
    changed();
  });
  sectionsEl.addEventListener("change", (event) => {
    const section = event.target.closest(".sd-section");
    if (!section || !event.target.classList.contains("sd-role")) return;
    section.dataset.role = event.target.value;
    relabel(section);
    renumber();
    changed(300);
  });

  document.getElementById("add-section").addEventListener("click", async () => {
    try {
      const { li, section } = await fetchSection({ role: document.getElementById("new-section-role").value });
      place(li, section, currentKey());
      setCurrent(section.dataset.key);
      firstField(section).focus();
      changed(300);
    } catch (error) {
      if (error.status === 401) document.dispatchEvent(new Event("sd:expired"));
      else showWarning("添加段落失败，请检查网络后重试。");
    }
  });

  const undoStack = [];
  const toast = bootstrap.Toast.getOrCreateInstance(document.getElementById("undo-toast"));

  sectionsEl.addEventListener("click", (event) => {
    const button = event.target.closest(".sd-delete");
    if (!button) return;
    const section = button.closest(".sd-section");
    const key = section.dataset.key;
    const li = outlineFor(key);
    // The removed elements themselves are kept: undo puts back the very same card.
    undoStack.push({ key, li, section, index: keys().indexOf(key) });
    li.remove();
    section.remove();
    if (currentKey() === key) setCurrent(null);
    renumber();
    document.getElementById("undo-text").textContent = "已删除段落“" + li.querySelector(".sd-outline-label").textContent + "”";
    toast.show();
    changed(300);
  });

  function undoDelete() {
    const last = undoStack.pop();
    if (!last) return;
    reinsert(last.li, last.section, last.index);
    setCurrent(last.key);
    toast.hide();
    changed(300);
  }
  document.getElementById("undo-button").addEventListener("click", undoDelete);

  document.addEventListener("keydown", (event) => {
    const mod = event.ctrlKey || event.metaKey;
    if (mod && event.shiftKey && event.key.toLowerCase() === "z" && undoStack.length && !event.target.closest("input, textarea, select")) {
      // Inside a text field Ctrl+Z / Ctrl+Shift+Z stay the browser's own undo and redo.
      event.preventDefault();
      undoDelete();
    }
  });
}

/** Append text to a section body, on a new line when it already has text. */
export function appendText(textarea, text) {
  if (!text) return;
  textarea.value = textarea.value.trim() ? textarea.value.replace(/\s+$/, "") + "\n" + text : text;
  autoGrow(textarea);
}

