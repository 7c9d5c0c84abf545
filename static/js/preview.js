// 打印预览: once the PDF has loaded in the frame, replace "正在排版…" with what the preview shows.
const frame = document.getElementById("preview-frame");
frame?.addEventListener("load", () => {
  document.getElementById("preview-status").textContent = frame.dataset.loadedStatus;
});
