// 批注 in the editor: remember the words last selected in a section, hand them to the comment form,
// and take a reader from a comment back to its words. Sections are found through the DOM the editor
// renders (section.sd-section[data-id], .sd-heading, .sd-body), never through editor.js internals;
// the review panel is replaced by htmx after each action, so everything listens on the document.

const SECTION = "section.sd-section";
const FIELDS = ".sd-heading, .sd-body";

// A section's text as the server anchors comments in it: heading, a newline, body (body alone when
// there is no heading). Offsets are counted in this text.
function sectionText(section) {
  const heading = section.querySelector(".sd-heading")?.value ?? "";
  const body = section.querySelector(".sd-body")?.value ?? "";
  return heading ? `${heading}\n${body}` : body;
}

function fieldStart(section, field) {
  const heading = section.querySelector(".sd-heading")?.value ?? "";
  return field.classList.contains("sd-body") && heading ? heading.length + 1 : 0;
}

let selection = null;

function remember(event) {
  const field = event.target;
  if (!(field instanceof HTMLElement) || !field.matches(FIELDS)) return;
  const section = field.closest(SECTION);
  if (!section) return;
  const { selectionStart: start, selectionEnd: end } = field;
  const text = field.value.slice(start, end).trim();
  if (!text) return;
  selection = {
    sectionId: section.dataset.id || "",
    text,
    offset: fieldStart(section, field) + start + field.value.slice(start, end).indexOf(text),
  };
  show();
}

function show() {
  const form = document.getElementById("comment-form");
  if (!form || !selection) return;
  form.querySelector("#comment-section").value = selection.sectionId;
  form.querySelector("#comment-anchor-text").value = selection.text;
  form.querySelector("#comment-anchor-offset").value = String(selection.offset);
  const label = form.querySelector("#comment-anchor");
  label.textContent = selection.sectionId
    ? `批注：“${selection.text.length > 40 ? `${selection.text.slice(0, 40)}…` : selection.text}”`
    : "这个段落还没有保存，请等“已保存”后再选中文字批注。";
}

function nearest(text, words, near) {
  let best = -1;
  for (let at = text.indexOf(words); at >= 0; at = text.indexOf(words, at + 1)) {
    if (best < 0 || Math.abs(at - near) < Math.abs(best - near)) best = at;
  }
  return best;
}

// From a comment to its words: scroll to the section and select them in the field that holds them.
function reveal(item) {
  const section = document.querySelector(`${SECTION}[data-id="${CSS.escape(item.dataset.sectionId || "")}"]`);
  if (!section) return;
  section.scrollIntoView({ block: "center" });
  const words = item.dataset.anchor || "";
  const at = nearest(sectionText(section), words, Number(item.dataset.offset || 0));
  const heading = section.querySelector(".sd-heading");
  const body = section.querySelector(".sd-body");
  const headingLength = heading?.value ? heading.value.length + 1 : 0;
  const [field, start] = at >= 0 && at < headingLength ? [heading, at] : [body, at - headingLength];
  field?.focus();
  if (field && at >= 0) field.setSelectionRange(start, start + words.length);
}

document.addEventListener("select", remember, true);
document.addEventListener("mouseup", remember, true);
document.addEventListener("keyup", remember, true);
document.addEventListener("click", (event) => {
  const anchor = event.target instanceof Element ? event.target.closest(".sd-comment-anchor") : null;
  if (anchor) reveal(anchor.closest(".sd-comment"));
});
// The panel arrives after the page (and again after each action): words selected before it came
// are handed to its form then; a comment sent uses its words up.
document.body.addEventListener("htmx:load", (event) => {
  if (event.detail.elt instanceof Element && event.detail.elt.id === "review-panel") show();
});
document.addEventListener("submit", (event) => {
  if (event.target instanceof Element && event.target.id === "comment-form") selection = null;
});
