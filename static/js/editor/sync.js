/* Bring the page in line with a speech from elsewhere: the server's answer to a merged save (the
 * other person's changes), or the local safety copy being restored.
 *
 * With `sent` (what the save carried), a field or section is replaced only if the writer has not
 * changed it since the save left: typing is never overwritten by an answer to an older request. */
import { outline, sectionsEl, sectionFor, outlineFor, keys, autoGrow } from "./dom.js";
import { fetchSection, parseSection } from "./api.js";
import { relabel, renumber } from "./outline.js";
import { placeholderValues, setPlaceholderValues } from "./placeholders.js";

const metaForm = document.getElementById("speech-meta");

function cardValue(section) {
  return { role: section.dataset.role, heading: section.querySelector(".sd-heading").value, body: section.querySelector(".sd-body").value };
}

const same = (a, b) => a && b && a.role === b.role && a.heading === b.heading && a.body === b.body;

function fill(section, item) {
  const select = section.querySelector(".sd-role");
  section.dataset.role = item.role;
  if (select) select.value = item.role;
  section.querySelector(".sd-heading").value = item.heading || "";
  const body = section.querySelector(".sd-body");
  body.value = item.body || "";
  autoGrow(body);
  if (item.id) section.dataset.id = String(item.id);
  if (item.source_block) section.dataset.sourceBlock = String(item.source_block);
}

function fieldValue(input) {
  return input.type === "checkbox" ? input.checked : input.value;
}

export async function applySpeech({ fields = {}, sections = [], placeholder_values: values }, { sent = null } = {}) {
  const sentSections = sent ? new Map(sent.sections.map((s) => [s.key, s])) : null;
  const before = keys();
  const order = [];
  for (const item of sections) {
    let section = sectionFor(item.key);
    if (!section) {
      let li;
      // A section this page never had: the server sends its card; a restored local one is rebuilt.
      ({ li, section } = item.html ? parseSection(item.html) : await fetchSection({ role: item.role }));
      outline.appendChild(li);
      sectionsEl.appendChild(section);
      fill(section, item);
      relabel(section);
      order.push(section.dataset.key);
      continue;
    }
    if (!sentSections || same(cardValue(section), sentSections.get(item.key))) {
      if (!same(cardValue(section), item)) {
        fill(section, item);
        relabel(section);
      }
    }
    if (item.id) section.dataset.id = String(item.id);
    order.push(item.key);
  }
  // Sections the other side deleted go, unless the writer has typed in them since.
  for (const key of before) {
    if (order.includes(key)) continue;
    const section = sectionFor(key);
    const untouched = !sentSections || (sentSections.has(key) && same(cardValue(section), sentSections.get(key)));
    if (untouched) {
      outlineFor(key).remove();
      section.remove();
    } else {
      const previous = before[before.indexOf(key) - 1];
      order.splice(previous ? order.indexOf(previous) + 1 : 0, 0, key);
    }
  }
  for (const key of order) {
    outline.appendChild(outlineFor(key));
    sectionsEl.appendChild(sectionFor(key));
  }
  for (const [name, value] of Object.entries(fields)) {
    const input = metaForm.elements[name];
    if (!input || (sent && fieldValue(input) !== sent.fields[name])) continue;
    if (input.type === "checkbox") input.checked = Boolean(value);
    else input.value = value ?? "";
  }
  if (values && (!sent || JSON.stringify(placeholderValues()) === JSON.stringify(sent.placeholder_values))) {
    setPlaceholderValues(values);
  }
  renumber();
}
