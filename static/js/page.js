// Behaviour every page may ask for through data- attributes, so that templates carry no inline script
// or on*= handler (the Content-Security-Policy allows scripts from the app's own files only).
//   <form data-confirm="确定删除吗？">  asks before submitting
//   <button data-print>                 prints the page

document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);

document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
