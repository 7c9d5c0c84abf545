/* The speech editor: outline with drag-and-drop, sections edited in place, autosave with optimistic
 * locking, the 段落素材库 and 占位符 panels.
 *
 * The server stays the single source of the speech's rules: part markers come from the page (one list
 * per numbering style, computed by the server) and from each save's answer; counts, the preview and
 * the placeholder list are re-read after every save.
 */
(function () {
  "use strict";

  const root = document.getElementById("editor");
  if (!root) return;

  const outline = document.getElementById("outline");
  const sectionsEl = document.getElementById("sections");
  const canEdit = root.dataset.canEdit === "1";

  const autoGrow = (ta) => {
    ta.style.height = "auto";
    ta.style.height = ta.scrollHeight + 2 + "px";
  };
  // Grow the textareas once they are visible (scrollHeight is 0 before layout).
  requestAnimationFrame(() => sectionsEl.querySelectorAll(".sd-body").forEach(autoGrow));

  const sectionFor = (key) => document.getElementById("sec-" + key);
  const outlineFor = (key) => outline.querySelector(`.sd-outline-item[data-key="${CSS.escape(key)}"]`);
  const keys = () => Array.from(outline.querySelectorAll(".sd-outline-item"), (li) => li.dataset.key);

  outline.addEventListener("click", (event) => {
    const link = event.target.closest(".sd-outline-label");
    if (!link) return;
    event.preventDefault();
    const section = sectionFor(link.closest(".sd-outline-item").dataset.key);
    section.scrollIntoView({ behavior: "smooth", block: "start" });
    (section.querySelector(".sd-role").value === "part" ? section.querySelector(".sd-heading") : section.querySelector(".sd-body")).focus({ preventScroll: true });
  });

  // 查重, 规范检查 and 导出Word read the stored speech: save what is on screen first, then go on.
  document.addEventListener("click", async (event) => {
    const action = event.target.closest("[data-save-first]");
    if (!action) return;
    event.preventDefault();
    const form = action.closest("form");
    action.disabled = true;
    if (action.dataset.busyLabel) action.textContent = action.dataset.busyLabel;
    const ok = window.speechEditor ? await window.speechEditor.saved() : true;
    if (!ok) {
      action.disabled = false;
      if (action.dataset.label) action.textContent = action.dataset.label;
      return;
    }
    if (form) form.submit();
    else if (action.target === "_blank") window.open(action.href, "_blank");
    else window.location.href = action.href;
  });

  if (!canEdit) return;

  /* ---- state ------------------------------------------------------------------------------ */

  const metaForm = document.getElementById("speech-meta");
  const stateEl = document.getElementById("save-state");
  const warningEl = document.getElementById("save-warning");
  const conflictEl = document.getElementById("conflict");
  const csrfToken = metaForm.querySelector("[name=csrfmiddlewaretoken]").value;
  const markers = { yi: JSON.parse(root.dataset.markersYi), di: JSON.parse(root.dataset.markersDi) };
  let placeholderValues = JSON.parse(document.getElementById("placeholder-values").textContent || "{}");
  let version = Number(root.dataset.version);
  let dirty = false;
  let saving = false;
  let again = false;
  let timer = null;
  let retryDelay = 0;
  let inConflict = false;
  let leaving = false;
  let current = null;
  const undoStack = [];

  const STATES = {
    saved: ["已保存", "text-bg-light border"],
    dirty: ["未保存", "text-bg-light border border-warning"],
    saving: ["保存中…", "text-bg-light border"],
    failed: ["保存失败", "text-bg-warning"],
    invalid: ["无法保存", "text-bg-warning"],
    conflict: ["保存冲突", "text-bg-danger"],
  };
  function setState(name, title) {
    const [text, classes] = STATES[name];
    stateEl.textContent = text;
    stateEl.className = "badge " + classes;
    stateEl.title = title || "";
    root.dataset.state = name;
  }
  function showWarning(text) {
    warningEl.textContent = text;
    warningEl.classList.remove("d-none");
  }
  function hideWarning() {
    warningEl.classList.add("d-none");
    warningEl.textContent = "";
  }

  /* ---- numbering and labels --------------------------------------------------------------- */

  function renumber() {
    const style = metaForm.elements.numbering.value;
    let n = 0;
    for (const key of keys()) {
      const section = sectionFor(key);
      const marker = section.dataset.role === "part" ? markers[style][n++] || "" : "";
      section.querySelector(".sd-marker").textContent = marker;
      outlineFor(key).querySelector(".sd-marker").textContent = marker;
    }
  }

  function relabel(section) {
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

  function setCurrent(key) {
    current = key;
    outline.querySelectorAll(".sd-outline-item.sd-current").forEach((li) => li.classList.remove("sd-current"));
    const li = key && outlineFor(key);
    if (li) li.classList.add("sd-current");
  }

  /* ---- saving ----------------------------------------------------------------------------- */

  // Multipart, not URL-encoded: percent-encoding triples the size of Chinese text, and a request sent
  // while the page is closing (keepalive) may carry at most 64 KiB.
  const KEEPALIVE_LIMIT = 60000;
  const utf8 = new TextEncoder();

  function payload() {
    const data = new FormData(metaForm);
    data.set("base_version", String(version));
    data.set(
      "sections",
      JSON.stringify(
        keys().map((key) => {
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
      ),
    );
    data.set("placeholder_values", JSON.stringify(placeholderValues));
    return data;
  }

  function payloadBytes(data) {
    let bytes = 0;
    for (const [name, value] of data) bytes += utf8.encode(name).length + utf8.encode(String(value)).length + 100;
    return bytes;
  }

  function changed(delay = 2000) {
    dirty = true;
    if (inConflict) return;
    setState("dirty");
    clearTimeout(timer);
    timer = setTimeout(save, delay);
  }

  async function save({ keepalive = false } = {}) {
    if (inConflict) return;
    if (saving && !keepalive) {
      again = true;
      return;
    }
    clearTimeout(timer);
    timer = null;
    saving = true;
    dirty = false;
    setState("saving");
    const body = payload();
    let response;
    try {
      response = await fetch(root.dataset.saveUrl, {
        method: "POST",
        body,
        keepalive: keepalive && payloadBytes(body) < KEEPALIVE_LIMIT,
        headers: { "X-CSRFToken": csrfToken, Accept: "application/json" },
        credentials: "same-origin",
      });
    } catch (error) {
      saving = false;
      return retry("网络连接中断");
    }
    let data = {};
    try {
      data = await response.json();
    } catch (error) {
      data = {};
    }
    saving = false;
    if (response.ok) {
      retryDelay = 0;
      hideWarning();
      applySaved(data);
      if (again) {
        // Ctrl+S or a structural change arrived while this save was on its way.
        again = false;
        clearTimeout(timer);
        timer = setTimeout(save, 0);
        setState("dirty");
      } else if (dirty) {
        if (!timer) timer = setTimeout(save, 2000);
        setState("dirty");
      } else {
        setState("saved", "第 " + data.revision + " 版，" + data.saved_at + " 保存");
      }
    } else if (response.status === 409) {
      showConflict(data);
    } else if (response.status === 400) {
      // Bad input will not get better by retrying; the next edit tries again.
      dirty = true;
      setState("invalid");
      showWarning("没有保存：" + (data.error || "内容有误，请检查后再试。"));
    } else if (response.status === 403 || response.status === 404) {
      dirty = true;
      setState("invalid");
      showWarning("没有保存：您已没有修改这篇讲话稿的权限，或它已被删除。请复制您的修改后刷新页面。");
    } else {
      retry("服务器错误 " + response.status);
    }
  }

  function retry(reason) {
    dirty = true;
    retryDelay = Math.min(retryDelay ? retryDelay * 2 : 2000, 30000);
    setState("failed", reason);
    showWarning(`保存失败（${reason}），${retryDelay / 1000} 秒后自动重试。修改还在本页上，请不要关闭页面。`);
    clearTimeout(timer);
    timer = setTimeout(save, retryDelay);
  }

  function applySaved(data) {
    version = data.version;
    root.dataset.version = String(version);
    for (const [key, id] of Object.entries(data.ids || {})) {
      const section = sectionFor(key);
      if (!section) continue;
      section.dataset.id = String(id);
      const link = section.querySelector(".sd-to-block");
      link.href = root.dataset.toBlockUrl.replace("/0/", "/" + id + "/");
      link.classList.remove("d-none");
    }
    if (dirty) {
      // The outline changed while this save was on its way: the answer's markers are already stale.
      renumber();
    } else {
      for (const [key, marker] of Object.entries(data.markers || {})) {
        const section = sectionFor(key);
        if (!section) continue;
        section.querySelector(".sd-marker").textContent = marker;
        outlineFor(key).querySelector(".sd-marker").textContent = marker;
      }
    }
    for (const [key, label] of Object.entries(data.counts || {})) {
      const section = sectionFor(key);
      if (section) section.querySelector(".sd-count").textContent = label;
    }
    document.getElementById("total-count").textContent = "全文 " + data.total;
    document.getElementById("title-display").textContent = metaForm.elements.title.value;
    htmx.ajax("GET", root.dataset.previewUrl, { target: "#preview-body", swap: "innerHTML" });
    placeholderKeys = data.placeholders || [];
    const shown = Array.from(document.querySelectorAll("#placeholder-panel .sd-ph"), (el) => el.dataset.key);
    if (JSON.stringify(shown) !== JSON.stringify(placeholderKeys)) {
      htmx.ajax("GET", root.dataset.placeholdersUrl, { target: "#placeholder-panel", swap: "innerHTML" });
    }
    countUnfilled();
  }

  // The badge on the 占位符 tab counts names still without a value.
  let placeholderKeys = Array.from(document.querySelectorAll("#placeholder-panel .sd-ph"), (el) => el.dataset.key);
  function countUnfilled() {
    document.getElementById("placeholder-count").textContent = String(placeholderKeys.filter((key) => !placeholderValues[key]).length);
  }

  function showConflict(data) {
    inConflict = true;
    dirty = true;
    setState("conflict");
    conflictEl.innerHTML = data.html;
    conflictEl.classList.remove("d-none");
    conflictEl.dataset.version = String(data.version);
    conflictEl.scrollIntoView({ behavior: "smooth", block: "start" });
  }

  conflictEl.addEventListener("click", (event) => {
    const button = event.target.closest("[data-conflict]");
    if (!button) return;
    if (button.dataset.conflict === "keep-mine") {
      // Save the same text again, now on top of the other person's version.
      version = Number(conflictEl.dataset.version);
      inConflict = false;
      conflictEl.classList.add("d-none");
      conflictEl.innerHTML = "";
      save();
    } else {
      dirty = false;
      leaving = true;
      window.location.reload();
    }
  });

  window.speechEditor = {
    /** Resolves true once everything typed is stored, false on a conflict or after 15 s of failures. */
    async saved() {
      const deadline = Date.now() + 15000;
      while ((dirty || saving || timer) && !inConflict && Date.now() < deadline) {
        if (!saving) await save();
        else await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return !dirty && !saving && !inConflict;
    },
  };

  // Leaving the page (closing the tab, following a link, switching away): send what is unsaved now.
  function flush() {
    if (dirty && !inConflict) save({ keepalive: true });
  }
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") flush();
  });
  window.addEventListener("pagehide", flush);
  // A speech too long for a keepalive request cannot be saved once the page is gone: ask to stay.
  // So is anything typed while a conflict waits for the user's choice.
  window.addEventListener("beforeunload", (event) => {
    const tooLong = dirty && !inConflict && payloadBytes(payload()) >= KEEPALIVE_LIMIT;
    if (tooLong) save();
    if (tooLong || (inConflict && !leaving)) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  /* ---- editing ---------------------------------------------------------------------------- */

  function wire(section) {
    section.querySelectorAll(".sd-body").forEach(autoGrow);
  }

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
  sectionsEl.addEventListener("focusin", (event) => {
    const section = event.target.closest(".sd-section");
    if (section) setCurrent(section.dataset.key);
  });
  metaForm.addEventListener("input", () => changed());
  metaForm.addEventListener("change", (event) => {
    if (event.target.name === "numbering") renumber();
    changed(event.target.type === "checkbox" || event.target.tagName === "SELECT" ? 300 : 2000);
  });
  document.getElementById("save-button").addEventListener("click", () => save());

  document.addEventListener("input", (event) => {
    if (!event.target.classList.contains("sd-ph-input")) return;
    const key = event.target.dataset.key;
    const value = event.target.value.trim();
    if (value) placeholderValues[key] = value;
    else delete placeholderValues[key];
    countUnfilled();
    changed();
  });

  /* ---- outline: reorder, add, delete, undo -------------------------------------------------- */

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

  // Where a new section goes when no section is current: after the last one of its kind, so that a
  // new part lands before the closing rather than after it.
  function defaultPlace(role) {
    const all = keys();
    const same = all.filter((key) => sectionFor(key).dataset.role === role);
    if (same.length) return same[same.length - 1];
    const closing = all.findIndex((key) => sectionFor(key).dataset.role === "closing");
    return closing > 0 ? all[closing - 1] : all[all.length - 1];
  }

  function place(li, section, afterKey) {
    const anchor = afterKey || defaultPlace(section.dataset.role);
    const after = anchor && outlineFor(anchor);
    if (after) {
      after.after(li);
      sectionFor(anchor).after(section);
    } else {
      outline.appendChild(li);
      sectionsEl.appendChild(section);
    }
    wire(section);
    relabel(section);
    renumber();
  }

  async function fetchSection(fields) {
    const body = new URLSearchParams(fields);
    const response = await fetch(root.dataset.sectionNewUrl, {
      method: "POST",
      body,
      headers: { "X-CSRFToken": csrfToken, "HX-Request": "true" },
      credentials: "same-origin",
    });
    if (!response.ok) throw new Error(String(response.status));
    const holder = document.createElement("template");
    holder.innerHTML = await response.text();
    return { li: holder.content.querySelector(".sd-outline-item"), section: holder.content.querySelector(".sd-section") };
  }

  document.getElementById("add-section").addEventListener("click", async () => {
    try {
      const { li, section } = await fetchSection({ role: document.getElementById("new-section-role").value });
      place(li, section, current);
      setCurrent(section.dataset.key);
      (section.dataset.role === "part" ? section.querySelector(".sd-heading") : section.querySelector(".sd-body")).focus();
      changed(300);
    } catch (error) {
      showWarning("添加段落失败，请检查网络后重试。");
    }
  });

  function appendText(textarea, text) {
    if (!text) return;
    textarea.value = textarea.value.trim() ? textarea.value.replace(/\s+$/, "") + "\n" + text : text;
    autoGrow(textarea);
  }

  document.addEventListener("click", async (event) => {
    const button = event.target.closest(".sd-insert");
    if (!button) return;
    button.disabled = true;
    try {
      const { li, section } = await fetchSection({ block: button.dataset.block });
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
      showWarning("插入素材失败，请检查网络后重试。");
    } finally {
      button.disabled = false;
    }
  });

  const toast = bootstrap.Toast.getOrCreateInstance(document.getElementById("undo-toast"));

  sectionsEl.addEventListener("click", (event) => {
    const button = event.target.closest(".sd-delete");
    if (!button) return;
    const section = button.closest(".sd-section");
    const key = section.dataset.key;
    const li = outlineFor(key);
    undoStack.push({ key, li, section, index: keys().indexOf(key) });
    li.remove();
    section.remove();
    if (current === key) setCurrent(null);
    renumber();
    document.getElementById("undo-text").textContent = "已删除段落“" + li.querySelector(".sd-outline-label").textContent + "”";
    toast.show();
    changed(300);
  });

  function undoDelete() {
    const last = undoStack.pop();
    if (!last) return;
    const before = keys()[last.index];
    if (before) {
      outline.insertBefore(last.li, outlineFor(before));
      sectionsEl.insertBefore(last.section, sectionFor(before));
    } else {
      outline.appendChild(last.li);
      sectionsEl.appendChild(last.section);
    }
    renumber();
    setCurrent(last.key);
    toast.hide();
    changed(300);
  }
  document.getElementById("undo-button").addEventListener("click", undoDelete);

  /* ---- keyboard ---------------------------------------------------------------------------- */

  document.addEventListener("keydown", (event) => {
    const mod = event.ctrlKey || event.metaKey;
    if (mod && event.key.toLowerCase() === "s") {
      event.preventDefault();
      save();
    } else if (event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
      event.preventDefault();
      moveCurrent(event.key === "ArrowUp" ? -1 : 1);
    } else if (mod && event.shiftKey && event.key.toLowerCase() === "z" && undoStack.length && !event.target.closest("input, textarea, select")) {
      // Inside a text field Ctrl+Z / Ctrl+Shift+Z stay the browser's own undo and redo.
      event.preventDefault();
      undoDelete();
    }
  });

  setState("saved");
})();
