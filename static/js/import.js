// 导入语料: upload the chosen files one by one so the page can show progress and keep earlier results
// when a later file fails or the connection drops. Without JavaScript the form posts them all at once.
const form = document.getElementById("import-form");

function escapeHtml(text) {
  return text.replace(/[<>&"]/g, (c) => ({"<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;"})[c]);
}

form?.addEventListener("submit", async (event) => {
  const input = form.querySelector("input[type=file]");
  if (!input.files.length || !window.fetch) return;
  event.preventDefault();
  const files = Array.from(input.files);
  const bar = document.querySelector("#import-progress .progress-bar");
  const label = document.getElementById("import-progress-label");
  const count = document.getElementById("import-progress-count");
  const rows = document.getElementById("import-rows");
  const button = document.getElementById("import-submit");
  const maxBytes = Number(form.dataset.maxBytes || 0);
  document.getElementById("import-progress").classList.remove("d-none");
  document.getElementById("import-results").classList.remove("d-none");
  button.disabled = true;
  const token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  for (const [i, file] of files.entries()) {
    label.textContent = `正在导入：${file.name}`;
    count.textContent = `${i + 1} / ${files.length}`;
    let html;
    if (maxBytes && file.size > maxBytes) {
      // The server refuses it anyway; saying so here spares uploading it.
      html = errorRow(file.name, form.dataset.tooLarge);
    } else {
      const data = new FormData();
      data.append("files", file);
      try {
        const response = await fetch(location.pathname, {
          method: "POST",
          body: data,
          headers: {"HX-Request": "true", "X-CSRFToken": token},
        });
        html = await response.text();
        if (!response.ok && !html.includes("import-row")) throw new Error(response.status);
      } catch (err) {
        html = errorRow(file.name, `上传失败，请检查网络后重试（${err.message}）。`);
      }
    }
    rows.insertAdjacentHTML("beforeend", html);
    bar.style.width = `${Math.round(((i + 1) / files.length) * 100)}%`;
  }
  label.textContent = "导入完成";
  button.disabled = false;
  input.value = "";
});

function errorRow(name, message) {
  return `<tr class="import-row" data-status="error"><td>${escapeHtml(name)}</td><td><span class="badge text-bg-danger">错误</span><div class="small text-danger import-error">${escapeHtml(message)}</div></td><td colspan="4"></td></tr>`;
}
