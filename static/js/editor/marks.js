/* 查重 marks in the preview pane: the last report's copied/quoted/common passages per section.
 * Redrawn after every save, so a section rewritten since the report turns grey. Each panel's request
 * names its own source element: htmx.ajax without one uses <body> for all, and htmx drops a request
 * while another from the same element is in flight (the preview's, after every save). */
import { root } from "./dom.js";

export function mountMarks(autosave) {
  const refresh = () => htmx.ajax("GET", root.dataset.marksUrl, { source: "#report-marks", target: "#report-marks", swap: "innerHTML" });
  if (autosave) autosave.addEventListener("saved", refresh);
}
