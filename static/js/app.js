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
