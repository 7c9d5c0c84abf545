/* The 段落素材库 panel: insert a block into the current section or as a new section.
 * The panel's list and filters are htmx; this module only handles the insert buttons. */
import { sectionFor, showWarning } from "./dom.js";
import { fetchSection } from "./api.js";
import { currentKey, setCurrent, relabel, place } from "./outline.js";
import { appendText } from "./sections.js";

export function mountBlockPanel(changed) {
  document.addEventListener("click", async (event) => {
    const button = event.target.closest(".sd-insert");
    if (!button) return;
    button.disabled = true;
    try {
      const { li, section } = await fetchSection({ block: button.dataset.block });
      const current = currentKey();
      const target = current && sectionFor(current);
      if (button.dataset.mode === "into" && target) {
        // Into the current section: a part without a heading takes the block's; otherwise the
        // block's heading sentence becomes ordinary text, because a section has one marker only.
        const heading = section.querySelector(".sd-heading").value;
        const body = section.querySelector(".sd-body").value;
        const headingInput = target.querySelector(".sd-heading");
        if (target.dataset.role === "part" && !headingInput.value.trim() && heading) {
          headingInput.value = heading;
          relabel(target);
          appendText(target.querySelector(".sd-body"), body);
        } else {
          // A run-in heading sentence flows into its body; an own-line heading stays a paragraph.
          const joiner = /[。！？!?]$/.test(heading) ? "" : "\n";
          appendText(target.querySelector(".sd-body"), [heading, body].filter(Boolean).join(joiner));
        }
        if (!target.dataset.sourceBlock) target.dataset.sourceBlock = button.dataset.block;
        target.scrollIntoView({ behavior: "smooth", block: "start" });
      } else {
        place(li, section, current);
        setCurrent(section.dataset.key);
        section.scrollIntoView({ behavior: "smooth", block: "start" });
      }
      button.closest(".sd-block").classList.add("sd-inserted");
      changed(300);
    } catch (error) {
      if (error.status === 401) document.dispatchEvent(new Event("sd:expired"));
      else showWarning("插入素材失败，请检查网络后重试。");
    } finally {
      button.disabled = false;
    }
  });
}
