/* 改绑: the 占位符 panel lists every occurrence under the key it is bound to; when the rule bound
 * one wrongly (a name where a district is meant), the writer picks another key and the occurrence
 * becomes a typed token {{key}} in the section's text. The token stays in the text and is filled
 * like any placeholder, so a later change of the value still reaches it. */
import { root, sectionFor, showWarning } from "./dom.js";

export function mountBindings(changed, autosave) {
  let rebound = false;
  document.addEventListener("change", (event) => {
    const select = event.target.closest(".sd-ph-rebind");
    if (!select || !select.value) return;
    const item = select.closest(".sd-ph-occurrence");
    const section = sectionFor(item.dataset.section);
    const field = section && section.querySelector(item.dataset.field === "heading" ? ".sd-heading" : ".sd-body");
    const start = Number(item.dataset.start);
    const end = Number(item.dataset.end);
    if (!field || field.value.slice(start, end) !== item.dataset.text) {
      // The text moved since the panel was drawn: redraw it instead of guessing.
      showWarning("这段文字刚改过，占位符列表正在更新，请稍后再改绑。");
      htmx.ajax("GET", root.dataset.placeholdersUrl, { source: "#placeholder-panel", target: "#placeholder-panel", swap: "innerHTML" });
      return;
    }
    field.value = field.value.slice(0, start) + "{{" + select.value + "}}" + field.value.slice(end);
    field.dispatchEvent(new Event("input", { bubbles: true }));
    item.classList.add("opacity-50");
    select.disabled = true;
    rebound = true;
    changed(300);
  });
  autosave.addEventListener("saved", () => {
    if (!rebound) return;
    rebound = false;
    htmx.ajax("GET", root.dataset.placeholdersUrl, { source: "#placeholder-panel", target: "#placeholder-panel", swap: "innerHTML" });
  });
}
