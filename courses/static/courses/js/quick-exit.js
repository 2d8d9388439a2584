// Quick exit: leave for a neutral site and replace this page in the history, so that the
// Back button does not bring the lesson back. Without JavaScript the link still leaves.
document.addEventListener("click", function (event) {
  var link = event.target.closest("[data-quick-exit]");
  if (!link) return;
  event.preventDefault();
  document.body.style.visibility = "hidden";
  window.location.replace(link.href);
});
// Tells tests (and nothing else) that the Back-proof exit is in place.
document.documentElement.setAttribute("data-quick-exit-ready", "");
