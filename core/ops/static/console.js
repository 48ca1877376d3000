// console.js asks for confirmation before a console form posts: a form with
// data-confirm shows that message in the browser's confirm dialog, with
// {value} replaced by the field named in data-confirm-field. Served from the
// console's own origin, so the pages need no inline script.
"use strict";
document.addEventListener("submit", function (event) {
  var form = event.target;
  var message = form.getAttribute("data-confirm");
  if (!message) {
    return;
  }
  var fieldName = form.getAttribute("data-confirm-field");
  if (fieldName && form.elements[fieldName]) {
    message = message.replace("{value}", form.elements[fieldName].value.trim());
  }
  if (!window.confirm(message)) {
    event.preventDefault();
    return;
  }
  // One post per form: a second press while the store answers would only
  // be refused as a conflict.
  var button = form.querySelector("button[type=submit]");
  if (button) {
    button.setAttribute("aria-disabled", "true");
    form.addEventListener("submit", function (again) { again.preventDefault(); });
  }
});

// After a post, move focus to its outcome so a screen reader or keyboard
// user starts there.
document.addEventListener("DOMContentLoaded", function () {
  var outcome = document.getElementById("outcome");
  if (outcome) {
    outcome.focus();
  }
});
