// The trainers' pages' small behaviours, kept out of the HTML: the Content-Security-Policy allows no
// inline script (bot/web/security.py).
(function () {
  "use strict";
  // <button data-print>: print the page (the class invitation).
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });
  // <form data-confirm="question">: ask before sending (cancelling an announcement).
  // <form data-once>: its button is disabled once sent, so a double click sends one request (the server
  // sends the nudge once anyway).
  document.addEventListener("submit", function (event) {
    const question = event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    if (event.target.hasAttribute("data-once")) {
      event.target.querySelectorAll("button[type=submit]").forEach(function (button) {
        setTimeout(function () { button.disabled = true; }, 0);
      });
    }
  });
})();
