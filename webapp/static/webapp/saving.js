// The admin's document forms: saving reads the document and finds its facts, which can take a few
// seconds for a long one; say so at once, and let a second click not send the form again.
document.addEventListener("DOMContentLoaded", () => {
  "use strict";
  const form = document.querySelector("#content-main form");
  if (!form) return;
  let sent = false;
  form.addEventListener("submit", (event) => {
    if (sent) { event.preventDefault(); return; }
    sent = true;
    const note = document.createElement("p");
    note.id = "saving-note";
    note.setAttribute("role", "status");
    note.textContent = "Saving: the document is being read and its facts found. This can take a few seconds…";
    (form.querySelector(".submit-row") || form).prepend(note);
  });
});
