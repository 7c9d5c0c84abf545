/* 查重 marks in the preview pane: the last report's copied/quoted/common passages per section.
 * Redrawn after every save, so a section rewritten since the report turns grey. */
import { root } from "./dom.js";

export function mountMarks(autosave) {
  const refresh = () => htmx.ajax("GET", root.dataset.marksUrl, { target: "#report-marks", swap: "innerHTML" });
  if (autosave) autosave.addEventListener("saved", refresh);
}
