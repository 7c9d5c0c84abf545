/* A refused save (409): the server's explanation with the two texts, and the writer's choice. */

export function mountConflict(autosave) {
  const conflictEl = document.getElementById("conflict");

  autosave.addEventListener("state", (event) => {
    if (event.detail.state !== "conflict" || !event.detail.data) return;
    const { data } = event.detail;
    conflictEl.innerHTML = data.html;
    conflictEl.classList.remove("d-none");
    conflictEl.dataset.version = String(data.version);
    conflictEl.scrollIntoView({ behavior: "smooth", block: "start" });
  });

  conflictEl.addEventListener("click", (event) => {
    const button = event.target.closest("[data-conflict]");
    if (!button) return;
    if (button.dataset.conflict === "keep-mine") {
      // Save the same text again, now on top of the other person's version.
      const version = Number(conflictEl.dataset.version);
      conflictEl.classList.add("d-none");
      conflictEl.innerHTML = "";
      autosave.resolveWith(version);
    } else {
      autosave.pending = false;
      autosave.leaving = true;
      window.location.reload();
    }
  });
}
