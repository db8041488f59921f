// Desa Binaan: the small script every page loads after htmx. No inline scripts: the CSP forbids them.
"use strict";

// htmx sends the CSRF token in a header, read from the page's meta tag.
document.addEventListener("htmx:configRequest", (event) => {
  const token = document.querySelector('meta[name="csrf-token"]');
  if (token) {
    event.detail.headers["X-CSRFToken"] = token.content;
  }
});

// A print button needs script: window.print() cannot be called from markup under the CSP.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});

// Closing a report: choosing an outcome puts its standard reply (the choice's hint) in the message
// to edit, unless the officer has already written one of their own.
document.addEventListener("change", (event) => {
  const choice = event.target.closest("form.close input[name='close-outcome']");
  if (!choice) {
    return;
  }
  const form = choice.form;
  const message = form.elements["close-message"];
  const standard = Array.from(form.querySelectorAll(".choice-hint"), (hint) => hint.textContent);
  if (message.value.trim() === "" || standard.includes(message.value)) {
    message.value = document.getElementById(`${choice.id}-hint`).textContent;
  }
  form.dataset.replyFilled = "";
});
