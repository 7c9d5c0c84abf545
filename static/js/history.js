/* 历史版本: tick two rows to compare, 只看改动 folds unchanged text, 上一处/下一处 jump between changes.
 * The table and the diff are swapped by htmx, so everything listens on the document. */

const MAX_TICKED = 2;
const ticked = [];

function syncTicks() {
  const boxes = Array.from(document.querySelectorAll(".sd-compare"));
  // Boxes re-rendered by paging keep their order of ticking where they are still ticked.
  for (const box of boxes) if (box.checked && !ticked.includes(box.value)) ticked.push(box.value);
  const button = document.getElementById("compare-button");
  if (button) button.disabled = ticked.length !== MAX_TICKED;
}

document.addEventListener("change", (event) => {
  const box = event.target.closest(".sd-compare");
  if (box) {
    if (box.checked) {
      ticked.push(box.value);
      // A third tick replaces the oldest: comparing is always between two versions.
      while (ticked.length > MAX_TICKED) {
        const oldest = ticked.shift();
        const other = document.querySelector(`.sd-compare[value="${CSS.escape(oldest)}"]`);
        if (other) other.checked = false;
      }
    } else {
      ticked.splice(ticked.indexOf(box.value), 1);
    }
    syncTicks();
  }
  if (event.target.id === "only-changes") {
    document.getElementById("diff").classList.toggle("sd-only-changes", event.target.checked);
  }
});

let position = 0;

function jump(step) {
  const numbers = [...new Set(Array.from(document.querySelectorAll("#diff .sd-change"), (el) => Number(el.dataset.change)))];
  const label = document.getElementById("change-position");
  if (!numbers.length) {
    label.textContent = "没有改动";
    return;
  }
  position = Math.min(Math.max(position + step, 1), numbers.length);
  document.querySelectorAll("#diff .sd-focus").forEach((el) => el.classList.remove("sd-focus"));
  const marks = document.querySelectorAll(`#diff .sd-change[data-change="${position}"]`);
  marks.forEach((el) => el.classList.add("sd-focus"));
  marks[0].scrollIntoView({ behavior: "smooth", block: "center" });
  label.textContent = `第 ${position} / ${numbers.length} 处`;
}

document.addEventListener("click", (event) => {
  if (event.target.id === "next-change") jump(1);
  if (event.target.id === "previous-change") jump(-1);
});

document.body.addEventListener("htmx:afterSwap", (event) => {
  if (event.detail.target.id === "diff") position = 0;
  syncTicks();
});
syncTicks();
