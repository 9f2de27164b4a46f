// The trainers' pages' two small behaviours, kept out of the HTML: the Content-Security-Policy allows no
// inline script (bot/web/security.py).
(function () {
  "use strict";
  // <button data-print>: print the page (the class invitation).
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });
  // <form data-confirm="question">: ask before sending (cancelling an announcement).
  document.addEventListener("submit", function (event) {
    const question = event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });
})();
