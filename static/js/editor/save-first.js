/* 查重, 规范检查 and 导出Word read the stored speech: save what is on screen first — as a revision of
 * its own, which later autosaves never overwrite — then go on. Read-only viewers have no autosave;
 * their actions go straight on. */

export function mountSaveFirst(autosave) {
  document.addEventListener("click", async (event) => {
    const action = event.target.closest("[data-save-first]");
    if (!action) return;
    event.preventDefault();
    const form = action.closest("form");
    action.disabled = true;
    if (action.dataset.busyLabel) action.textContent = action.dataset.busyLabel;
    const ok = autosave ? await autosave.checkpoint() : true;
    if (!ok) {
      action.disabled = false;
      if (action.dataset.label) action.textContent = action.dataset.label;
      return;
    }
    if (form) form.submit();
    else if (action.target === "_blank") window.open(action.href, "_blank");
    else window.location.href = action.href;
  });
}
