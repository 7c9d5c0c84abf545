/* The speech editor, mounted from templates/drafting/editor.html. Each concern is its own module:
 *
 *   dom.js          where things are on the page
 *   api.js          requests besides saving, the CSRF token
 *   outline.js      提纲: navigation, numbering, reordering
 *   sections.js     section cards: typing, add, delete, undo
 *   autosave.js     the autosave state machine (the only code that sends the speech)
 *   status.js       the status badge and warning line
 *   conflict.js     a section changed on both sides, and the writer's choice
 *   sync.js         showing a merged answer or a restored copy on the page
 *   safety-copy.js  the local copy of unsaved text (恢复未保存的修改)
 *   login-dialog.js 重新登录 without leaving the page
 *   panels.js       段落素材库: inserting blocks
 *   placeholders.js 占位符 values and the unfilled count
 *   save-first.js   查重 / 规范检查 / 导出Word save before they go
 *   goto.js         去修改: the words of a 规范检查 finding, in view and selected
 *   recommend.js    素材推荐 and 参考范文 for the section in focus
 *   bindings.js     改绑: one placeholder occurrence bound to another key
 *   marks.js        查重 marks of the last report in the preview pane
 *   filled-view.js  filled placeholder values shown in the section text (tokens stay underneath)
 *
 * A new side panel is one more module with a `mount…(autosave)` function, imported and called
 * below; it calls `autosave.edit()` when it changes the speech.
 * The server stays the single source of the speech's rules: part markers come from the page and
 * from each save's answer; counts, the preview and the placeholder list are re-read after a save.
 */
import { root, sectionsEl, sectionFor, keys, autoGrow } from "./dom.js";
import { csrfToken } from "./api.js";
import { Autosave } from "./autosave.js";
import { mountStatus } from "./status.js";
import { mountConflict } from "./conflict.js";
import { applySpeech } from "./sync.js";
import { mountSafetyCopy } from "./safety-copy.js";
import { mountLoginDialog } from "./login-dialog.js";
import { mountNavigation, mountReordering, renumber, applyMarkers } from "./outline.js";
import { mountSections } from "./sections.js";
import { mountBlockPanel } from "./panels.js";
import { mountPlaceholders, placeholderValues, refreshPlaceholders } from "./placeholders.js";
import { mountSaveFirst } from "./save-first.js";
import { mountGoto } from "./goto.js";
import { mountRecommend } from "./recommend.js";
import { mountBindings } from "./bindings.js";
import { mountMarks } from "./marks.js";
import { mountFilledView } from "./filled-view.js";

const canEdit = root.dataset.canEdit === "1";
const metaForm = document.getElementById("speech-meta");

// Enter in a meta field must not submit the form: everything is saved by autosave.
metaForm.addEventListener("submit", (event) => event.preventDefault());
// Grow the textareas once they are visible (scrollHeight is 0 before layout).
requestAnimationFrame(() => sectionsEl.querySelectorAll(".sd-body").forEach(autoGrow));
mountNavigation();
mountGoto();
mountFilledView();

/** The speech as it is on screen: what a save sends and what the local safety copy keeps. */
function snapshot() {
  const fields = {};
  for (const input of metaForm.elements) {
    if (!input.name || input.name === "csrfmiddlewaretoken") continue;
    fields[input.name] = input.type === "checkbox" ? input.checked : input.value;
  }
  return {
    fields,
    sections: keys().map((key) => {
      const s = sectionFor(key);
      return {
        key,
        id: s.dataset.id ? Number(s.dataset.id) : null,
        role: s.dataset.role,
        heading: s.querySelector(".sd-heading").value,
        body: s.querySelector(".sd-body").value,
        source_block: s.dataset.sourceBlock ? Number(s.dataset.sourceBlock) : null,
      };
    }),
    placeholder_values: { ...placeholderValues() },
  };
}

/** What the server's answer to a save changes on the page. */
async function showSaved({ data, pending, sent }) {
  root.dataset.version = String(data.version);
  if (data.merged) await applySpeech(data, { sent });
  for (const [key, id] of Object.entries(data.ids || {})) {
    const section = sectionFor(key);
    if (!section) continue;
    section.dataset.id = String(id);
    const link = section.querySelector(".sd-to-block");
    link.href = root.dataset.toBlockUrl.replace("/0/", "/" + id + "/");
    link.classList.remove("d-none");
  }
  // The outline changed while this save was on its way: the answer's markers are already stale.
  if (pending || data.merged) renumber();
  else applyMarkers(data.markers);
  for (const [key, label] of Object.entries(data.counts || {})) {
    const section = sectionFor(key);
    if (section) section.querySelector(".sd-count").textContent = label;
  }
  document.getElementById("total-count").textContent = "全文 " + data.total;
  document.getElementById("title-display").textContent = metaForm.elements.title.value;
  htmx.ajax("GET", root.dataset.previewUrl, { target: "#preview-body", swap: "innerHTML" });
  refreshPlaceholders(data.placeholders);
}

if (canEdit) {
  const autosave = new Autosave({
    url: root.dataset.saveUrl,
    loginUrl: root.dataset.loginUrl,
    version: Number(root.dataset.version),
    snapshot,
    csrf: csrfToken,
  });
  const changed = (delay) => autosave.edit(delay);
  mountStatus(autosave);
  mountConflict(autosave);
  mountLoginDialog(autosave);
  mountSafetyCopy(autosave, { snapshot, restore: (speech) => applySpeech(speech) });
  autosave.addEventListener("saved", (event) => showSaved(event.detail));
  autosave.watchPageLeave();
  // A panel's htmx request or a new section met an expired session: the same state as a save.
  document.body.addEventListener("htmx:responseError", (event) => {
    if (event.detail.xhr.status === 401) autosave.expire();
  });
  document.addEventListener("sd:expired", () => autosave.expire());

  mountReordering(changed);
  mountSections(changed);
  mountBlockPanel(changed);
  mountPlaceholders(changed);
  mountSaveFirst(autosave);
  mountRecommend(changed);
  mountBindings(changed, autosave);
  mountMarks(autosave);

  metaForm.addEventListener("input", () => changed());
  metaForm.addEventListener("change", (event) => {
    if (event.target.name === "numbering") renumber();
    changed(event.target.type === "checkbox" || event.target.tagName === "SELECT" ? 300 : 2000);
  });
  document.getElementById("save-button").addEventListener("click", () => autosave.save({ explicit: true }));
  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
      event.preventDefault();
      autosave.save({ explicit: true });
    }
  });
  // For scripts and tests that need to wait until the screen is stored.
  window.speechEditor = { saved: () => autosave.settled(), autosave };
} else {
  mountSaveFirst(null);
}
