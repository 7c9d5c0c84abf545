/* Autosave as an explicit state machine. This file alone decides when the speech is sent, what a
 * reply means and what the status badge says. A save is acknowledged only by a JSON answer from
 * the save endpoint with the stored version: a redirect, a login page, any other reply is *not saved*.
 *
 *   saved ──edit──▶ dirty ──timer / Ctrl+S──▶ saving ──stored (or merged)──▶ saved (dirty if typed meanwhile)
 *                                               ├──network down, browser offline──▶ offline ──online──▶ saving
 *                                               ├──network error / 5xx / not JSON──▶ failed ──retry──▶ saving
 *                                               ├──401 or redirected to login──────▶ expired ──re-login──▶ saving
 *                                               ├──400 / 403 / 404─────────────────▶ invalid ──edit──▶ dirty
 *                                               └──409 (a section changed on both sides)──▶ conflict ──choice──▶ saving
 *
 * Besides the state, a few facts are tracked: `pending` (edits not yet in any request sent),
 * `request` (the save on its way), `version` (the base the next save is merged against, kept
 * through expiry, offline and conflicts so that nothing typed needs retyping) and `sent` (what
 * the last request carried, so an answer can tell which fields the writer has changed since).
 *
 * Events: "state" {state, title, warning, data}, "edit", "saved" {data, pending, sent}.
 */

export const STATES = {
  saved: ["已保存", "text-bg-light border"],
  dirty: ["未保存", "text-bg-light border border-warning"],
  saving: ["保存中…", "text-bg-light border"],
  failed: ["保存失败", "text-bg-warning"],
  offline: ["离线", "text-bg-secondary"],
  expired: ["未保存：登录已过期", "text-bg-danger"],
  invalid: ["无法保存", "text-bg-warning"],
  conflict: ["保存冲突", "text-bg-danger"],
};

// Which state may follow which. A transition outside this table is a bug in this file.
const NEXT = {
  saved: ["dirty", "saving", "offline", "expired"],
  dirty: ["dirty", "saving", "failed", "offline", "expired", "invalid", "conflict"],
  saving: ["saving", "saved", "dirty", "failed", "offline", "expired", "invalid", "conflict"],
  failed: ["failed", "dirty", "saving", "offline", "expired"],
  offline: ["offline", "saving", "saved", "expired"],
  expired: ["expired", "saving"],
  invalid: ["invalid", "dirty", "saving", "offline", "expired"],
  conflict: ["conflict", "saving", "expired"],
};
// In these states typing does not start a save: it would fail the same way. Edits are still
// recorded (and kept in the local safety copy) and go out with the next save.
const WAITING = new Set(["offline", "expired", "conflict"]);

// Multipart, not URL-encoded: percent-encoding triples the size of Chinese text, and a request sent
// while the page is closing (keepalive) may carry at most 64 KiB.
const KEEPALIVE_LIMIT = 60000;
const MAX_RETRY_DELAY = 15000;
const utf8 = new TextEncoder();

function payloadBytes(data) {
  let bytes = 0;
  for (const [name, value] of data) bytes += utf8.encode(name).length + utf8.encode(String(value)).length + 100;
  return bytes;
}

/** The speech as the save endpoint takes it (multipart form fields). */
export function formData(snapshot) {
  const data = new FormData();
  for (const [name, value] of Object.entries(snapshot.fields)) {
    if (value === false) continue;
    data.set(name, value === true ? "on" : value);
  }
  data.set("sections", JSON.stringify(snapshot.sections));
  data.set("placeholder_values", JSON.stringify(snapshot.placeholder_values));
  return data;
}

export class Autosave extends EventTarget {
  /**
   * @param {object} options
   * @param {string} options.url        the save endpoint
   * @param {string} options.loginUrl   where an expired session is sent
   * @param {number} options.version    the version the page was loaded at
   * @param {() => object} options.snapshot  the speech as it is on screen
   * @param {() => string} options.csrf      the current CSRF token
   */
  constructor({ url, loginUrl, version, snapshot, csrf }) {
    super();
    Object.assign(this, { url, loginUrl, version, snapshot, csrf });
    this.state = "saved";
    this.pending = false;
    this.request = null;
    this.again = null;
    this.timer = null;
    this.retryDelay = 0;
    this.sent = null;
    this.resolutions = null;
  }

  go(state, detail = {}) {
    if (!NEXT[this.state].includes(state)) console.error(`autosave: ${this.state} → ${state} is not a transition`);
    this.state = state;
    this.dispatchEvent(new CustomEvent("state", { detail: { state, ...detail } }));
  }

  schedule(delay) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.save();
    }, delay);
  }

  /** Something on screen changed; save after `delay` ms of quiet. */
  edit(delay = 2000) {
    this.pending = true;
    this.dispatchEvent(new Event("edit"));
    if (WAITING.has(this.state)) return;
    if (!navigator.onLine) return this.goOffline();
    this.go("dirty");
    this.schedule(delay);
  }

  /** Save now (Ctrl+S, the timer, leaving the page); not while waiting for re-login or a choice. */
  save(options = {}) {
    if (this.state === "conflict" || this.state === "expired") return Promise.resolve();
    return this.start(options);
  }

  async start({ keepalive = false, explicit = false } = {}) {
    if (this.request && !keepalive) {
      this.again = { explicit: explicit || Boolean(this.again && this.again.explicit) };
      return;
    }
    clearTimeout(this.timer);
    this.timer = null;
    this.pending = false;
    this.go("saving");
    const snapshot = this.snapshot();
    const body = formData(snapshot);
    body.set("base_version", String(this.version));
    if (explicit) body.set("explicit", "on");
    if (this.resolutions) body.set("resolutions", JSON.stringify(this.resolutions));
    this.sent = snapshot;
    const request = this.send(body, keepalive, snapshot);
    this.request = request;
    try {
      await request;
    } finally {
      if (this.request === request) this.request = null;
    }
  }

  async send(body, keepalive, sent) {
    let response;
    try {
      response = await fetch(this.url, {
        method: "POST",
        body,
        keepalive: keepalive && payloadBytes(body) < KEEPALIVE_LIMIT,
        headers: { "X-CSRFToken": this.csrf(), Accept: "application/json" },
        credentials: "same-origin",
      });
    } catch (error) {
      this.request = null;
      return this.networkDown();
    }
    let data = null;
    if ((response.headers.get("content-type") || "").includes("application/json")) {
      try {
        data = await response.json();
      } catch (error) {
        data = null;
      }
    }
    this.request = null;
    const toLogin = response.redirected && new URL(response.url).pathname.startsWith(this.loginUrl);
    if (response.status === 401 || toLogin) return this.expire();
    if (response.ok && !response.redirected && data && typeof data.version === "number") {
      return this.stored(data, sent);
    }
    if (response.status === 409 && data) {
      this.pending = true;
      return this.go("conflict", { data });
    }
    if (response.status === 400 && data) {
      // Bad input will not get better by retrying; the next edit tries again.
      this.pending = true;
      return this.go("invalid", { warning: "没有保存：" + (data.error || "内容有误，请检查后再试。") });
    }
    if (response.status === 403 || response.status === 404) {
      this.pending = true;
      return this.go("invalid", { warning: "没有保存：您已没有修改这篇讲话稿的权限，或它已被删除。请复制您的修改后刷新页面。" });
    }
    this.retry(response.ok ? "服务器的回答不是保存结果" : "服务器错误 " + response.status);
  }

  stored(data, sent) {
    this.retryDelay = 0;
    this.version = data.version;
    this.resolutions = null;
    this.dispatchEvent(new CustomEvent("saved", { detail: { data, pending: this.pending, sent } }));
    if (this.again) {
      // Ctrl+S or a structural change arrived while this save was on its way.
      const { explicit } = this.again;
      this.again = null;
      this.go("dirty");
      this.start({ explicit });
    } else if (this.pending) {
      this.go("dirty");
      if (!this.timer) this.schedule(2000);
    } else {
      const how = data.merged ? "，已与同时进行的修改合并" : "";
      this.go("saved", { title: "第 " + data.revision + " 版，" + data.saved_at + " 保存" + how });
    }
  }

  networkDown() {
    this.pending = true;
    if (!navigator.onLine) return this.goOffline();
    this.retry("网络连接中断");
  }

  goOffline() {
    clearTimeout(this.timer);
    this.timer = null;
    this.go("offline", { warning: "网络已断开：修改保存在本机浏览器中，联网后会自动保存。请不要清除浏览器数据。" });
  }

  /** The browser is back online: send what waited. */
  online() {
    if (this.state !== "offline" && this.state !== "failed") return;
    if (this.pending) this.save();
    else this.go("saved");
  }

  /** The session is gone (expired, logged out elsewhere): nothing can be saved until re-login. */
  expire() {
    this.pending = true;
    clearTimeout(this.timer);
    this.timer = null;
    this.go("expired", {
      title: "登录已过期，修改没有保存到服务器",
      warning: "没有保存：登录已过期。修改还在本页上，也存在本机浏览器中。请点“重新登录”，登录后会自动保存，不用重新输入。",
    });
  }

  /** Logged in again: save what is pending, on the same base version. */
  resume() {
    if (this.state === "expired") this.start();
  }

  retry(reason) {
    this.pending = true;
    this.retryDelay = Math.min(this.retryDelay ? this.retryDelay * 2 : 2000, MAX_RETRY_DELAY);
    this.go("failed", {
      title: reason,
      warning: `保存失败（${reason}），${this.retryDelay / 1000} 秒后自动重试。修改还在本页上，也存在本机浏览器中。`,
    });
    this.schedule(this.retryDelay);
  }

  /** After a conflict: save again on the same base with the writer's choice per section. */
  resolve(resolutions) {
    if (this.state !== "conflict") return;
    this.resolutions = resolutions;
    return this.start();
  }

  /**
   * Store the screen as a revision of its own (an explicit save, never collapsed into a later
   * autosave), then wait until everything is stored. 查重 and export read that revision: a report
   * must keep pointing at the text it checked.
   */
  async checkpoint() {
    await this.save({ explicit: true });
    return this.settled();
  }

  /** Resolves true once everything typed is stored, false when that cannot happen by waiting. */
  async settled() {
    const deadline = Date.now() + 15000;
    const stuck = () => ["conflict", "expired", "invalid", "offline"].includes(this.state);
    while ((this.pending || this.request || this.timer) && !stuck() && Date.now() < deadline) {
      if (!this.request) await this.save();
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return !this.pending && !this.request && !stuck();
  }

  /** Leaving the page (closing the tab, following a link, switching away): send what is unsaved now. */
  watchPageLeave() {
    const flush = () => {
      if (this.pending && !WAITING.has(this.state)) this.save({ keepalive: true });
    };
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") flush();
    });
    window.addEventListener("pagehide", flush);
    window.addEventListener("online", () => this.online());
    window.addEventListener("offline", () => {
      if (this.pending && !WAITING.has(this.state)) this.goOffline();
    });
    // Anything not yet on the server: ask before leaving. The local safety copy keeps it anyway,
    // but a writer who sees the question can wait for the save.
    window.addEventListener("beforeunload", (event) => {
      const tooLong = this.pending && !WAITING.has(this.state) && payloadBytes(formData(this.snapshot())) >= KEEPALIVE_LIMIT;
      if (tooLong) this.save();
      if (tooLong || (this.pending && WAITING.has(this.state))) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  }
}
