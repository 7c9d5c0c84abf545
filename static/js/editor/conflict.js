/* A save refused because a section changed on both sides (409): the server's explanation with both
 * texts per section, and the writer's choice per section. The choice is saved on the same base, so
 * every other section still merges. */

export function mountConflict(autosave) {
  const conflictEl = document.getElementById("conflict");

  autosave.addEventListener("state", (event) => {
    if (event.detail.state !== "conflict" || !event.detail.data) return;
    conflictEl.innerHTML = event.detail.data.html;
    conflictEl.classList.remove("d-none");
    conflictEl.scrollIntoView({ behavior: "smooth", block: "start" });
  });

  conflictEl.addEventListener("click", (event) => {
    const button = event.target.closest("[data-conflict]");
    if (!button) return;
    const how = button.dataset.conflict; // "chosen" | "mine" | "theirs"
    const resolutions = {};
    for (const radio of conflictEl.querySelectorAll("input[type=radio]:checked")) {
      resolutions[radio.dataset.key] = how === "chosen" ? radio.value : how;
    }
    conflictEl.classList.add("d-none");
    conflictEl.innerHTML = "";
    autosave.resolve(resolutions);
  });
}
