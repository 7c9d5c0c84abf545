// The preview frame takes seconds to render; say so until it has loaded, then say what it shows.
const frame = document.getElementById("preview-frame");
const status = document.getElementById("preview-status");
if (frame && status) {
  frame.addEventListener("load", () => {
    status.textContent = frame.dataset.loadedText;
  });
}
