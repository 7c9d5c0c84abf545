/* 去修改 from 规范检查 (…/speeches/7/?find=一府两院&n=1#sec-s42): bring the words into view, selected.
 *
 * The browser jumps to the #sec- anchor as soon as the page is parsed, before fonts are in and the
 * textareas have grown to their text, so on a long speech it lands on the wrong section. This module
 * waits until the layout has settled, then selects the n-th occurrence of the words in the section
 * (heading first, then body) and scrolls the page to the line they are on. */
import { sectionFor, autoGrow } from "./dom.js";

const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));

async function layoutSettled() {
  if (document.fonts) await document.fonts.ready;
  await nextFrame();
  document.querySelectorAll(".sd-body").forEach(autoGrow);
  await nextFrame();
}

function occurrence(fields, words, n) {
  let seen = 0;
  for (const field of fields) {
    for (let at = field.value.indexOf(words); at >= 0; at = field.value.indexOf(words, at + 1)) {
      if (seen === n) return { field, at };
      seen += 1;
    }
  }
  // The text changed since the check: the first occurrence is the best guess left.
  for (const field of fields) {
    const at = field.value.indexOf(words);
    if (at >= 0) return { field, at };
  }
  return null;
}

/** Page offset of the line holding character `index` of a textarea, measured on a hidden copy. */
export function lineTop(field, index) {
  const top = field.getBoundingClientRect().top + window.scrollY;
  if (field.tagName !== "TEXTAREA") return top;
  const style = getComputedStyle(field);
  const mirror = document.createElement("div");
  for (const name of [
    "boxSizing", "width", "paddingTop", "paddingRight", "paddingBottom", "paddingLeft",
    "borderTopWidth", "borderRightWidth", "borderBottomWidth", "borderLeftWidth",
    "fontFamily", "fontSize", "fontWeight", "lineHeight", "letterSpacing", "wordBreak", "overflowWrap",
  ]) {
    mirror.style[name] = style[name];
  }
  Object.assign(mirror.style, { position: "absolute", visibility: "hidden", whiteSpace: "pre-wrap", top: "0", left: "-9999px" });
  mirror.textContent = field.value.slice(0, index);
  const marker = document.createElement("span");
  marker.textContent = "\u200b";
  mirror.appendChild(marker);
  document.body.appendChild(mirror);
  const offset = marker.offsetTop;
  mirror.remove();
  return top + offset;
}

export async function mountGoto() {
  const params = new URLSearchParams(window.location.search);
  const words = params.get("find");
  const anchor = window.location.hash.match(/^#sec-(.+)$/);
  if (!words || !anchor) return;
  const section = sectionFor(decodeURIComponent(anchor[1]));
  if (!section) return;
  await layoutSettled();
  const found = occurrence([section.querySelector(".sd-heading"), section.querySelector(".sd-body")], words, Number(params.get("n") || 0));
  if (!found) {
    section.scrollIntoView({ block: "start" });
    return;
  }
  found.field.focus({ preventScroll: true });
  found.field.setSelectionRange(found.at, found.at + words.length);
  window.scrollTo({ top: Math.max(0, lineTop(found.field, found.at) - window.innerHeight / 3), behavior: "instant" });
  section.classList.add("sd-goto");
}
