// The plain sign-in page (components/sign_in_page.py) works without this script; it adds what
// NiceGUI's fields had: a button that shows the password being typed, and no second attempt
// counted against the throttle when Enter is pressed again while the first is on its way.
(() => {
  const toggle = document.getElementById("eq-password-toggle");
  for (const holder of document.querySelectorAll(".eq-secret")) {
    const field = holder.querySelector("input");
    const button = toggle.content.firstElementChild.cloneNode(true);
    button.addEventListener("click", () => {
      const show = field.type === "password";
      field.type = show ? "text" : "password";
      button.setAttribute("aria-pressed", String(show));
    });
    holder.append(button);
  }
  const forms = document.querySelectorAll('form[action="/auth/sign-in"]');
  for (const form of forms) {
    form.addEventListener("submit", (event) => {
      if (form.dataset.sent) event.preventDefault();
      form.dataset.sent = "1";
    });
  }
  // Back to this page from the next one: its forms may be sent again.
  window.addEventListener("pageshow", () => {
    for (const form of forms) delete form.dataset.sent;
  });
})();
