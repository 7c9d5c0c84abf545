/* 素材推荐: while a section has focus, the side panel ranks blocks and corpus paragraphs for it and
 * shows its slot's 写作提示 and 参考范文. The ranking is the server's (drafting:recommend, BM25 over
 * jieba words); this module says which section and what is on screen, and inserts a chosen text.
 * Blocks are inserted by panels.js (the same .sd-insert buttons as the 段落素材库). */
import { root, sectionsEl, sectionFor } from "./dom.js";
import { currentKey } from "./outline.js";
import { appendText } from "./sections.js";

const pane = document.getElementById("pane-recommend");
const tab = document.getElementById("tab-recommend");
let shownFor = null; // "key|heading|first 200 characters" of what the panel was last asked about
let timer = null;

const visible = () => pane && pane.classList.contains("active");

function ask() {
  const key = currentKey();
  const section = key && sectionFor(key);
  if (!section || !visible()) return;
  const heading = section.querySelector(".sd-heading").value;
  const body = section.querySelector(".sd-body").value;
  const asked = [key, heading, body.slice(0, 200)].join("|");
  if (asked === shownFor) return;
  shownFor = asked;
  const params = new URLSearchParams({ section: section.dataset.id || "", heading, body: body.slice(-2000) });
  htmx.ajax("GET", root.dataset.recommendUrl + "?" + params.toString(), { source: "#recommend-panel", target: "#recommend-panel", swap: "innerHTML" });
}

function later(delay) {
  clearTimeout(timer);
  timer = setTimeout(ask, delay);
}

export function mountRecommend(changed) {
  if (!pane) return;
  sectionsEl.addEventListener("focusin", () => later(300));
  sectionsEl.addEventListener("input", () => later(1500));
  tab.addEventListener("shown.bs.tab", () => ask());
  document.addEventListener("click", (event) => {
    const button = event.target.closest(".sd-rec-insert");
    if (!button) return;
    const key = currentKey();
    const section = key && sectionFor(key);
    if (!section) return;
    appendText(section.querySelector(".sd-body"), button.dataset.text);
    button.textContent = "已插入";
    button.disabled = true;
    changed(300);
  });
}
