// One question at a time, with "Question 2 of 6" and previous / next buttons. Without
// JavaScript the form shows every question and still works: this only improves it.
(function () {
  var form = document.querySelector("[data-quiz]");
  if (!form) return;
  var questions = Array.prototype.slice.call(form.querySelectorAll("fieldset.question"));
  if (questions.length < 2) return;
  var progress = form.querySelector(".quiz-progress");
  var submit = form.querySelector(".quiz-submit");
  var nav = document.createElement("p");
  nav.className = "quiz-nav";
  var previous = document.createElement("button");
  var next = document.createElement("button");
  previous.type = next.type = "button";
  previous.className = "button button--secondary";
  next.className = "button";
  previous.textContent = form.dataset.labelPrevious;
  next.textContent = form.dataset.labelNext;
  nav.appendChild(previous);
  nav.appendChild(next);
  submit.parentNode.insertBefore(nav, submit);
  // After a refused submit, start at the first question still missing an answer.
  var current = 0;

  function show(index, focus) {
    current = index;
    questions.forEach(function (q, i) { q.hidden = i !== index; });
    progress.hidden = false;
    progress.textContent = form.dataset.labelProgress
      .replace("{number}", index + 1).replace("{total}", questions.length);
    previous.hidden = index === 0;
    next.hidden = index === questions.length - 1;
    submit.hidden = index !== questions.length - 1;
    if (focus) questions[index].querySelector("legend").focus();
  }
  questions.forEach(function (q) { q.querySelector("legend").tabIndex = -1; });
  previous.addEventListener("click", function () { show(current - 1, true); });
  next.addEventListener("click", function () { show(current + 1, true); });
  form.addEventListener("submit", function () {
    // Let the server say what is missing; show every question again so nothing is hidden.
    questions.forEach(function (q) { q.hidden = false; });
  });
  if (document.getElementById("quiz-errors")) {
    questions.forEach(function (q) { q.hidden = false; });
    return;
  }
  show(0, false);
})();
