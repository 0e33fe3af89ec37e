// A copy button for a text on the page (the API key's header). Without JavaScript the
// button stays hidden and one click on the text selects all of it (CSS user-select: all).
(function () {
  "use strict";
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    const source = document.getElementById(button.dataset.copy);
    const status = button.parentElement.querySelector(".samen-copy__status");
    if (!source || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.textContent.trim()).then(
        function () {
          status.textContent = button.dataset.copied;
        },
        function () {
          window.getSelection().selectAllChildren(source);
          status.textContent = button.dataset.failed;
        }
      );
    });
  });
})();
