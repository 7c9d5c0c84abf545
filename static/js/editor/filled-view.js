/* Filled placeholders shown in the text. A section body whose placeholders have values shows, while
 * the writer is not typing in it, the text as it will print — 海淀区 where the textarea holds ×区 —
 * laid over the textarea with each value marked. The textarea keeps the placeholder tokens, so a later
 * change of a value still reaches every occurrence; focus shows the tokens again for editing.
 *
 * What is shown is taken from the server's preview (#preview-body), the one place that binds each
 * occurrence to its key: this module never guesses which `**` is a person. */
import { sectionsEl, sectionFor, keys } from "./dom.js";

const preview = document.getElementById("preview-body");

/** The printed body of a section as HTML, or null when no value is filled in it. The preview names
 * a stored section by its id (a section not stored yet has no printed text to show). */
function printedBody(section) {
  if (!section.dataset.id) return null;
  const paragraphs = preview.querySelectorAll(`p[data-section="${CSS.escape(section.dataset.id)}"]`);
  const lines = [];
  let filled = false;
  for (const p of paragraphs) {
    if (p.classList.contains("sd-p-heading")) continue; // an own-line heading is the heading field's
    const copy = p.cloneNode(true);
    copy.querySelector(".sd-p-heading")?.remove(); // a run-in heading, likewise
    if (copy.querySelector(".sd-filled")) filled = true;
    lines.push(copy.innerHTML.trim());
  }
  return filled ? lines.join("\n") : null;
}

function overlayFor(textarea) {
  let overlay = textarea.parentElement.querySelector(":scope > .sd-filled-view");
  if (!overlay) {
    overlay = document.createElement("div");
    overlay.className = "sd-filled-view";
    overlay.setAttribute("aria-hidden", "true"); // the textarea itself is what assistive tech reads
    textarea.parentElement.classList.add("sd-filled-host");
    textarea.after(overlay);
  }
  return overlay;
}

function hide(textarea) {
  textarea.classList.remove("sd-showing-filled");
  textarea.style.minHeight = "";
  const overlay = textarea.parentElement.querySelector(":scope > .sd-filled-view");
  if (overlay) overlay.hidden = true;
}

function show(key) {
  const section = sectionFor(key);
  const textarea = section && section.querySelector(".sd-body");
  if (!textarea || textarea === document.activeElement) return;
  const html = printedBody(section);
  if (html === null) {
    hide(textarea);
    return;
  }
  const overlay = overlayFor(textarea);
  overlay.innerHTML = html; // the server's escaped preview markup
  overlay.hidden = false;
  textarea.classList.add("sd-showing-filled");
  // The same type and box as the textarea, so the text sits where the writer's eye expects it.
  const style = getComputedStyle(textarea);
  for (const name of ["fontFamily", "fontSize", "lineHeight", "letterSpacing", "paddingTop", "paddingRight", "paddingBottom", "paddingLeft"]) {
    overlay.style[name] = style[name];
  }
  overlay.style.top = textarea.offsetTop + "px";
  overlay.style.left = textarea.offsetLeft + "px";
  overlay.style.width = textarea.offsetWidth + "px";
  // A value longer than its placeholder can make the printed text taller than the tokens.
  textarea.style.minHeight = "";
  overlay.style.height = "auto";
  if (overlay.scrollHeight > textarea.offsetHeight) textarea.style.minHeight = overlay.scrollHeight + "px";
  overlay.style.height = textarea.offsetHeight + "px";
}

export function refreshFilledView() {
  if (preview) keys().forEach(show);
}

export function mountFilledView() {
  if (!preview) return;
  sectionsEl.addEventListener("focusin", (event) => {
    if (event.target.classList.contains("sd-body")) hide(event.target);
  });
  sectionsEl.addEventListener("focusout", (event) => {
    const section = event.target.closest(".sd-section");
    if (section && event.target.classList.contains("sd-body")) show(section.dataset.key);
  });
  // The preview is re-read after every save: that is when a value or a binding may have changed.
  preview.addEventListener("htmx:afterSettle", refreshFilledView);
  window.addEventListener("resize", refreshFilledView);
  requestAnimationFrame(refreshFilledView);
}
