/* The status badge and the warning line under the toolbar: they show what autosave says. */
import { root, showWarning, hideWarning } from "./dom.js";
import { STATES } from "./autosave.js";

export function mountStatus(autosave) {
  const badge = document.getElementById("save-state");
  const show = ({ state, title, warning }) => {
    const [text, classes] = STATES[state];
    badge.textContent = text;
    badge.className = "badge " + classes;
    badge.title = title || "";
    root.dataset.state = state;
    if (warning) showWarning(warning);
  };
  autosave.addEventListener("state", (event) => show(event.detail));
  autosave.addEventListener("saved", () => hideWarning());
  show({ state: autosave.state });
}
