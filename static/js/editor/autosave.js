/* Autosave as an explicit state machine. This file alone decides when the speech is sent, what a
 * reply means and what the status badge says.
 *
 *   saved ──edit──▶ dirty ──timer / Ctrl+S──▶ saving ──stored──▶ saved (or dirty if typed meanwhile)
 *                                               ├──network error / 5xx──▶ failed ──retry──▶ saving
 *                                               ├──400 / 403 / 404──────▶ invalid ──edit──▶ dirty
 *                                               └──409──────────────────▶ conflict ──choice──▶ saving
 *
 * Besides the state, two facts are tracked: `pending` (edits not yet in any request sent) and
 * `request` (the save on its way, if any). The save carries the version it was based on; the
 * server refuses it with 409 when the speech moved on.
 */

export const STATES = {
  saved: ["已保存", "text-bg-light border"],
  dirty: ["未保存", "text-bg-light border border-warning"],
  saving: ["保存中…", "text-bg-light border"],
  failed: ["保存失败", "text-bg-warning"],
  invalid: ["无法保存", "text-bg-warning"],
  conflict: ["保存冲突", "text-bg-danger"],
};

// Which state may follow which. A transition outside this table is a bug in this file.
const NEXT = {
  saved: ["dirty", "saving"],
  dirty: ["dirty", "saving", "failed", "invalid", "conflict"],
  saving: ["saving", "saved", "dirty", "failed", "invalid", "conflict"],
  failed: ["failed", "dirty", "saving"],
  invalid: ["invalid", "dirty", "saving"],
  conflict: ["conflict", "dirty"],
};

// Multipart, not URL-encoded: percent-encoding triples the size of Chinese text, and a request sent
// while the page is closing (keepalive) may carry at most 64 KiB.
const KEEPALIVE_LIMIT = 60000;
const utf8 = new TextEncoder();

function payloadBytes(data) {
  let bytes = 0;
  for (const [name, value] of data) bytes += utf8.encode(name).length + utf8.encode(String(value)).length + 100;
  return bytes;
}

export class Autosave extends EventTarget {
  /**
   * @param {object} options
   * @param {string} options.url       the save endpoint
   * @param {number} options.version   the version the page was loaded at
   * @param {() => FormData} options.payload  the speech as it is on screen
   * @param {() => string} options.csrf       the current CSRF token
   */
  constructor({ url, version, payload, csrf }) {
    super();
    this.url = url;
    this.version = version;
    this.payload = payload;
    this.csrf = csrf;
    this.state = "saved";
    this.pending = false;
    this.request = null;
    this.again = false;
    this.timer = null;
    this.retryDelay = 0;
    this.leaving = false;
  }

  go(state, detail = {}) {
    if (!NEXT[this.state].includes(state)) console.error(`autosave: ${this.state} → ${state} is not a transition`);
    this.state = state;
    this.dispatchEvent(new CustomEvent("state", { detail: { state, ...detail } }));
  }

  schedule(delay) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.save(), delay);
  }

  /** Something on screen changed; save after `delay` ms of quiet. */
  edit(delay = 2000) {
    this.pending = true;
    if (this.state === "conflict") return;
    this.go("dirty");
    this.schedule(delay);
  }

  async save({ keepalive = false } = {}) {
    if (this.state === "conflict") return;
    if (this.request && !keepalive) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.timer = null;
    this.pending = false;
    this.go("saving");
    const body = this.payload();
    body.set("base_version", String(this.version));
    const request = this.send(body, keepalive);
    this.request = request;
    try {
      await request;
    } finally {
      if (this.request === request) this.request = null;
    }
  }

  async send(body, keepalive) {
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
      return this.retry("网络连接中断");
    }
    let data = {};
    try {
      data = await response.json();
    } catch (error) {
      data = {};
    }
    this.request = null;
    if (response.ok) {
      this.retryDelay = 0;
      this.version = data.version;
      this.dispatchEvent(new CustomEvent("saved", { detail: { data, pending: this.pending } }));
      if (this.again) {
        // Ctrl+S or a structural change arrived while this save was on its way.
        this.again = false;
        this.schedule(0);
        this.go("dirty");
      } else if (this.pending) {
        if (!this.timer) this.schedule(2000);
        this.go("dirty");
      } else {
        this.go("saved", { title: "第 " + data.revision + " 版，" + data.saved_at + " 保存" });
      }
    } else if (response.status === 409) {
      this.pending = true;
      this.go("conflict", { data });
    } else if (response.status === 400) {
      // Bad input will not get better by retrying; the next edit tries again.
      this.pending = true;
      this.go("invalid", { warning: "没有保存：" + (data.error || "内容有误，请检查后再试。") });
    } else if (response.status === 403 || response.status === 404) {
      this.pending = true;
      this.go("invalid", { warning: "没有保存：您已没有修改这篇讲话稿的权限，或它已被删除。请复制您的修改后刷新页面。" });
    } else {
      this.retry("服务器错误 " + response.status);
    }
  }

  retry(reason) {
    this.pending = true;
    this.retryDelay = Math.min(this.retryDelay ? this.retryDelay * 2 : 2000, 30000);
    this.go("failed", {
      title: reason,
      warning: `保存失败（${reason}），${this.retryDelay / 1000} 秒后自动重试。修改还在本页上，请不要关闭页面。`,
    });
    this.schedule(this.retryDelay);
  }

  /** After a conflict: save the same text again on top of `version`. */
  resolveWith(version) {
    this.version = version;
    this.go("dirty");
    return this.save();
  }

  /** Resolves true once everything typed is stored, false on a conflict or after 15 s of failures. */
  async settled() {
    const deadline = Date.now() + 15000;
    while ((this.pending || this.request || this.timer) && this.state !== "conflict" && Date.now() < deadline) {
      if (!this.request) await this.save();
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return !this.pending && !this.request && this.state !== "conflict";
  }

  /** Leaving the page (closing the tab, following a link, switching away): send what is unsaved now. */
  watchPageLeave() {
    const flush = () => {
      if (this.pending && this.state !== "conflict") this.save({ keepalive: true });
    };
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") flush();
    });
    window.addEventListener("pagehide", flush);
    // A speech too long for a keepalive request cannot be saved once the page is gone: ask to stay.
    // So is anything typed while a conflict waits for the user's choice.
    window.addEventListener("beforeunload", (event) => {
      const inConflict = this.state === "conflict";
      const tooLong = this.pending && !inConflict && payloadBytes(this.payload()) >= KEEPALIVE_LIMIT;
      if (tooLong) this.save();
      if (tooLong || (inConflict && !this.leaving)) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  }
}
