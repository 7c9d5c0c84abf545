/* Requests the editor makes besides saving. */
import { root } from "./dom.js";

export function csrfToken() {
  return document.querySelector("#speech-meta [name=csrfmiddlewaretoken]").value;
}

/** A new section card from the server (empty with a role, or made from a block). */
export async function fetchSection(fields) {
  const response = await fetch(root.dataset.sectionNewUrl, {
    method: "POST",
    body: new URLSearchParams(fields),
    headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true" },
    credentials: "same-origin",
  });
  if (!response.ok) throw new Error(String(response.status));
  const holder = document.createElement("template");
  holder.innerHTML = await response.text();
  return { li: holder.content.querySelector(".sd-outline-item"), section: holder.content.querySelector(".sd-section") };
}
