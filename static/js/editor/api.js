/* Requests the editor makes besides saving, and the CSRF token they carry. */
import { root } from "./dom.js";

const tokenInput = () => document.querySelector("#speech-meta [name=csrfmiddlewaretoken]");

export function csrfToken() {
  return tokenInput().value;
}

/** A new token after a re-login (Django rotates it on login): for fetch calls and for htmx. */
export function setCsrfToken(token) {
  tokenInput().value = token;
  document.body.setAttribute("hx-headers", JSON.stringify({ "X-CSRFToken": token }));
}

export class RequestError extends Error {
  constructor(status) {
    super(String(status));
    this.status = status;
  }
}

/** Turn a fragment of section HTML (outline item + card) into its two elements. */
export function parseSection(html) {
  const holder = document.createElement("template");
  holder.innerHTML = html;
  return { li: holder.content.querySelector(".sd-outline-item"), section: holder.content.querySelector(".sd-section") };
}

/** A new section card from the server (empty with a role, or made from a block). */
export async function fetchSection(fields) {
  const response = await fetch(root.dataset.sectionNewUrl, {
    method: "POST",
    body: new URLSearchParams(fields),
    headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    credentials: "same-origin",
  });
  const json = (response.headers.get("content-type") || "").includes("application/json");
  if (!response.ok || !json || response.redirected) throw new RequestError(response.status);
  return parseSection((await response.json()).html);
}

/** Who is logged in now and a fresh CSRF token, or null when nobody is. */
export async function sessionStatus() {
  try {
    const response = await fetch(root.dataset.sessionUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (!response.ok || !(response.headers.get("content-type") || "").includes("application/json")) return null;
    return await response.json();
  } catch (error) {
    return null;
  }
}
