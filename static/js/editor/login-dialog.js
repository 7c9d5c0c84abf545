/* 重新登录 without leaving the page: a dialog that posts the ordinary login form, then the pending
 * text is saved on the same base version. Logging in from another tab works too: coming back to
 * this one checks the session and carries on. */
import { root } from "./dom.js";
import { csrfToken, setCsrfToken, sessionStatus } from "./api.js";

/** The login page's own CSRF token: the page's may be stale if someone logged in elsewhere. */
async function loginToken(url) {
  try {
    const response = await fetch(url, { credentials: "same-origin" });
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    return page.querySelector("[name=csrfmiddlewaretoken]")?.value || csrfToken();
  } catch (error) {
    return csrfToken();
  }
}

export function mountLoginDialog(autosave) {
  const button = document.getElementById("relogin-button");
  const dialog = document.getElementById("login-dialog");
  const form = document.getElementById("login-form");
  const error = document.getElementById("login-error");
  const modal = bootstrap.Modal.getOrCreateInstance(dialog);

  autosave.addEventListener("state", (event) => button.classList.toggle("d-none", event.detail.state !== "expired"));
  button.addEventListener("click", () => modal.show());
  dialog.addEventListener("shown.bs.modal", () => form.elements.password.focus());

  const carryOn = (session) => {
    setCsrfToken(session.csrf);
    modal.hide();
    if (String(session.user) !== root.dataset.user) {
      // Another person's login cannot save this writer's text; the safety copy keeps it.
      error.textContent = "登录的不是原来的用户，修改没有保存。";
      return;
    }
    autosave.resume();
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.classList.add("d-none");
    const data = new FormData(form);
    data.set("csrfmiddlewaretoken", await loginToken(form.action));
    // On success the login view redirects to `next`, which answers with the new session's token.
    data.set("next", root.dataset.sessionUrl);
    let session = null;
    try {
      const response = await fetch(form.action, { method: "POST", body: data, credentials: "same-origin" });
      if (response.ok && (response.headers.get("content-type") || "").includes("application/json")) session = await response.json();
    } catch (failure) {
      session = null;
    }
    if (!session) {
      error.textContent = "登录没有成功：请检查用户名和密码后重试；网络断开时请稍后再试。";
      error.classList.remove("d-none");
      return;
    }
    form.elements.password.value = "";
    carryOn(session);
  });

  document.addEventListener("visibilitychange", async () => {
    if (document.visibilityState !== "visible" || autosave.state !== "expired") return;
    const session = await sessionStatus();
    if (session) carryOn(session);
  });
}
