// Small progressive enhancements; every page works without JavaScript.
document.documentElement.classList.add("js");
document.addEventListener("click", (event) => {
  const menu = event.target.closest(".menu-button");
  if (menu) {
    const nav = document.getElementById(menu.getAttribute("aria-controls"));
    const open = nav.classList.toggle("open");
    menu.setAttribute("aria-expanded", String(open));
  }
});
document.addEventListener("click", (event) => {
  const target = event.target.closest("[data-confirm]");
  if (target && !window.confirm(target.dataset.confirm)) {
    event.preventDefault();
  }
});
document.addEventListener("change", (event) => {
  const form = event.target.closest("form[data-autosubmit]");
  if (form && event.target.matches("select")) {
    form.requestSubmit();
  }
});
