/* The local safety copy: what is on screen and not yet acknowledged by the server is kept in this
 * browser (localStorage, one entry per speech and user) until a save is acknowledged. After a
 * crash, a closed tab, a server restart or an expired session, the next load offers
 * 恢复未保存的修改 with what differs from the stored text. */
import { root } from "./dom.js";

const KEY = `speechdraft:unsaved:${root.dataset.user}:${root.dataset.speech}`;
const WRITE_DELAY = 300;

function read() {
  try {
    return JSON.parse(localStorage.getItem(KEY) || "null");
  } catch (error) {
    return null;
  }
}

function sectionText(s) {
  return [s.heading, s.body].filter(Boolean).join("\n");
}

/** A few lines showing what the copy would change: the page's text struck out, the copy's added. */
function describe(stored, current) {
  const holder = document.createDocumentFragment();
  const now = new Map(current.sections.map((s) => [s.key, s]));
  const line = (label, before, after) => {
    // Only the changed middle, with a little context: whole sections would drown the change.
    let start = 0;
    while (start < before.length && start < after.length && before[start] === after[start]) start++;
    let end = 0;
    while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
    const p = document.createElement("p");
    p.className = "mb-1";
    const strong = document.createElement("strong");
    strong.textContent = label + "：";
    p.append(strong, (start > 20 ? "…" : "") + before.slice(Math.max(0, start - 20), start));
    if (before.length - end > start) {
      const del = document.createElement("del");
      del.textContent = before.slice(start, before.length - end);
      p.append(del);
    }
    if (after.length - end > start) {
      const ins = document.createElement("ins");
      ins.textContent = after.slice(start, after.length - end);
      p.append(ins);
    }
    p.append(before.slice(before.length - end, before.length - end + 20) + (end > 20 ? "…" : ""));
    holder.append(p);
  };
  for (const s of stored.sections) {
    const before = now.has(s.key) ? sectionText(now.get(s.key)) : "";
    if (before !== sectionText(s)) line(s.heading || "段落", before, sectionText(s));
  }
  for (const s of current.sections) {
    if (!stored.sections.some((t) => t.key === s.key)) line(s.heading || "段落", sectionText(s), "");
  }
  for (const [name, value] of Object.entries(stored.fields)) {
    if (current.fields[name] !== value && typeof value === "string") line("标题等信息", String(current.fields[name] ?? ""), value);
  }
  return holder;
}

/**
 * @param {Autosave} autosave
 * @param {() => object} snapshot    the speech as on screen
 * @param {(speech) => Promise} restore  puts a stored speech on screen
 */
export function mountSafetyCopy(autosave, { snapshot, restore }) {
  let timer = null;
  const write = () => {
    clearTimeout(timer);
    timer = null;
    try {
      localStorage.setItem(KEY, JSON.stringify({ base: autosave.version, at: Date.now(), speech: snapshot() }));
    } catch (error) {
      // Storage full or disabled: the page still holds the text; the status badge tells the truth.
    }
  };
  autosave.addEventListener("edit", () => {
    if (!timer) timer = setTimeout(write, WRITE_DELAY);
  });
  autosave.addEventListener("saved", (event) => {
    if (event.detail.pending) return;
    clearTimeout(timer);
    timer = null;
    localStorage.removeItem(KEY);
  });
  window.addEventListener("pagehide", () => {
    if (autosave.pending || timer) write();
  });

  const stored = read();
  const banner = document.getElementById("local-copy");
  if (!stored || !stored.speech) return;
  const current = snapshot();
  if (JSON.stringify(stored.speech) === JSON.stringify(current)) {
    localStorage.removeItem(KEY);
    return;
  }
  const when = new Date(stored.at);
  document.getElementById("local-copy-text").textContent =
    `这篇讲话稿有 ${when.toLocaleString("zh-CN", { hour12: false })} 没有保存到服务器的修改，保存在本机浏览器中。`;
  document.getElementById("local-copy-diff").replaceChildren(describe(stored.speech, current));
  banner.classList.remove("d-none");
  document.getElementById("local-copy-restore").addEventListener("click", async () => {
    banner.classList.add("d-none");
    await restore(stored.speech);
    // Saved on the version it was typed on: the server merges what changed there since.
    autosave.version = Math.min(autosave.version, stored.base || autosave.version);
    autosave.edit(0);
  });
  document.getElementById("local-copy-discard").addEventListener("click", () => {
    banner.classList.add("d-none");
    localStorage.removeItem(KEY);
  });
}
