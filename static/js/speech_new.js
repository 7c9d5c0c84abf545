// 新建讲话稿: the chosen template card stays marked while htmx swaps in the form below it.
document.getElementById("template-cards")?.addEventListener("click", (event) => {
  const link = event.target.closest("[data-select-card]");
  if (!link) return;
  document.querySelectorAll(".sd-template-card").forEach((card) => card.classList.remove("selected"));
  link.closest(".sd-template-card").classList.add("selected");
});
