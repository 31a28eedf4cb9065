// Submit a form when a [data-autosubmit] control changes (no inline handlers: the CSP forbids them).
document.querySelectorAll("[data-autosubmit]").forEach((control) => {
  control.addEventListener("change", () => control.form.submit());
});
