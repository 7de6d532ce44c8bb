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

// Conditional questions: show a question only when the answer it depends on has a given value.
function applyConditions(form) {
  const conditions = JSON.parse(form.dataset.conditions || "{}");
  for (const [name, rule] of Object.entries(conditions)) {
    const chosen = Array.from(form.querySelectorAll(`[name="${rule.field}"]`))
      .filter((input) => (input.type === "checkbox" || input.type === "radio" ? input.checked : input.value))
      .map((input) => input.value);
    const show = chosen.some((value) => rule.values.includes(value));
    const target = form.querySelector(`[name="${name}"]`);
    const wrapper = target && target.closest(".field");
    if (wrapper) {
      wrapper.hidden = !show;
    }
  }
}
document.querySelectorAll("form[data-conditions]").forEach((form) => {
  applyConditions(form);
  form.addEventListener("change", () => applyConditions(form));
});

document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
