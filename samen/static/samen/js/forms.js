// The error summary (templates/samen/forms/error_summary.html, docs/accessibility.md): when a
// page shows one, the focus starts there, so a screen reader reads it first and a keyboard
// user is one Tab from the first link. A link moves the focus to its field and shows the
// field with its label (a fragment link alone scrolls but leaves the focus behind).
(function () {
  "use strict";

  function focusSummary(root) {
    const summary = root.querySelector("[data-error-summary]");
    if (summary) summary.focus();
  }

  focusSummary(document);
  // A form with errors that htmx put into the page.
  document.addEventListener("htmx:afterSwap", (event) => focusSummary(event.detail.target));

  document.addEventListener("click", (event) => {
    const link = event.target.closest("[data-error-summary] a[href^='#']");
    if (!link) return;
    const field = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!field) return;
    event.preventDefault();
    (field.closest(".utrecht-form-field") || field).scrollIntoView();
    field.focus({ preventScroll: true });
  });
})();
