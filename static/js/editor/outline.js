/* The outline (提纲): navigation, part numbering, the current section, reordering by drag-and-drop
 * or Alt+↑/↓, and where a new section goes.
 *
 * Part markers come from the server (one list per numbering style, on the page as data- attributes),
 * so the numbering rules live in one place. */
import { outline, root, sectionsEl, sectionFor, outlineFor, keys, autoGrow, firstField } from "./dom.js";

const markers = { yi: JSON.parse(root.dataset.markersYi), di: JSON.parse(root.dataset.markersDi) };
const metaForm = document.getElementById("speech-meta");

let current = null;
export const currentKey = () => current;

export function setCurrent(key) {
  current = key;
  outline.querySelectorAll(".sd-outline-item.sd-current").forEach((li) => li.classList.remove("sd-current"));
  const li = key && outlineFor(key);
  if (li) li.classList.add("sd-current");
}

export function renumber() {
  const style = metaForm.elements.numbering.value;
  let n = 0;
  for (const key of keys()) {
    const section = sectionFor(key);
    const marker = section.dataset.role === "part" ? markers[style][n++] || "" : "";
    section.querySelector(".sd-marker").textContent = marker;
    outlineFor(key).querySelector(".sd-marker").textContent = marker;
  }
}

/** Markers as the server computed them for the text it stored. */
export function applyMarkers(byKey) {
  for (const [key, marker] of Object.entries(byKey || {})) {
    const section = sectionFor(key);
    if (!section) continue;
    section.querySelector(".sd-marker").textContent = marker;
    outlineFor(key).querySelector(".sd-marker").textContent = marker;
  }
}

export function relabel(section) {
  const li = outlineFor(section.dataset.key);
  const role = section.dataset.role;
  const select = section.querySelector(".sd-role");
  li.dataset.role = role;
  li.querySelector(".sd-outline-label").textContent =
    role === "part" ? section.querySelector(".sd-heading").value.trim() || "（未命名部分）" : select.options[select.selectedIndex].text;
}

function syncOrder() {
  for (const key of keys()) sectionsEl.appendChild(sectionFor(key));
  renumber();
}

// Where a new section goes when no section is current: after the last one of its kind, so that a
// new part lands before the closing rather than after it.
function defaultPlace(role) {
  const all = keys();
  const same = all.filter((key) => sectionFor(key).dataset.role === role);
  if (same.length) return same[same.length - 1];
  const closing = all.findIndex((key) => sectionFor(key).dataset.role === "closing");
  return closing > 0 ? all[closing - 1] : all[all.length - 1];
}

/** Put a new section (its outline item and its card) after `afterKey`, or where its kind belongs. */
export function place(li, section, afterKey) {
  const anchor = afterKey || defaultPlace(section.dataset.role);
  const after = anchor && outlineFor(anchor);
  if (after) {
    after.after(li);
    sectionFor(anchor).after(section);
  } else {
    outline.appendChild(li);
    sectionsEl.appendChild(section);
  }
  section.querySelectorAll(".sd-body").forEach(autoGrow);
  relabel(section);
  renumber();
}

/** Put a section back at position `index` of the outline (undo of a delete). */
export function reinsert(li, section, index) {
  const before = keys()[index];
  if (before) {
    outline.insertBefore(li, outlineFor(before));
    sectionsEl.insertBefore(section, sectionFor(before));
  } else {
    outline.appendChild(li);
    sectionsEl.appendChild(section);
  }
  renumber();
}

/** Clicking an outline entry scrolls to its section; works for read-only viewers too. */
export function mountNavigation() {
  outline.addEventListener("click", (event) => {
    const link = event.target.closest(".sd-outline-label");
    if (!link) return;
    event.preventDefault();
    const section = sectionFor(link.closest(".sd-outline-item").dataset.key);
    section.scrollIntoView({ behavior: "smooth", block: "start" });
    firstField(section).focus({ preventScroll: true });
  });
}

/** Reordering for writers; `changed(delay)` tells autosave that the speech changed. */
export function mountReordering(changed) {
  new Sortable(outline, {
    handle: ".sd-drag-handle",
    animation: 150,
    // Mouse-event dragging behaves the same in every browser and under test automation.
    forceFallback: true,
    onEnd(event) {
      if (event.oldIndex === event.newIndex) return;
      syncOrder();
      changed(300);
    },
  });

  function moveCurrent(step) {
    if (!current) return;
    const li = outlineFor(current);
    const sibling = step < 0 ? li.previousElementSibling : li.nextElementSibling;
    if (!sibling) return;
    if (step < 0) outline.insertBefore(li, sibling);
    else outline.insertBefore(sibling, li);
    const focused = document.activeElement;
    syncOrder();
    if (focused) focused.focus();
    changed(300);
  }

  document.addEventListener("keydown", (event) => {
    if (event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
      event.preventDefault();
      moveCurrent(event.key === "ArrowUp" ? -1 : 1);
    }
  });

  sectionsEl.addEventListener("focusin", (event) => {
    const section = event.target.closest(".sd-section");
    if (section) setCurrent(section.dataset.key);
  });
  // A writer who clicked into a section before the modules had loaded is already there: no focusin
  // will come, and a block inserted next must still go into that section, not after the last one.
  const active = document.activeElement instanceof Element ? document.activeElement.closest(".sd-section") : null;
  if (active && sectionsEl.contains(active)) setCurrent(active.dataset.key);
}
