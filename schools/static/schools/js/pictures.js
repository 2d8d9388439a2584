// One grid of twelve pictures instead of three rows: each tap fills the next place, and the
// third tap signs in. Without this script the three rows of radio buttons work on their own.
(function () {
  "use strict";
  var form = document.querySelector("[data-picture-form]");
  if (!form) return;
  var rows = Array.prototype.slice.call(form.querySelectorAll("[data-picture-row]"));
  var pad = form.querySelector("[data-picture-pad]");
  var slots = form.querySelector("[data-picture-slots]");
  var clear = form.querySelector("[data-picture-clear]");
  var submit = form.querySelector("[data-picture-submit]");
  if (!rows.length || !pad || !slots) return;
  var chosen = [];

  function render() {
    slots.textContent = "";
    for (var i = 0; i < rows.length; i++) {
      var slot = document.createElement("span");
      slot.setAttribute("aria-hidden", "true");
      slot.className = "picture-slot" + (chosen[i] ? " picture-slot--filled" : "");
      slot.textContent = chosen[i] ? "●" : "○";
      slots.appendChild(slot);
    }
    var label = document.createElement("span");
    label.className = "visually-hidden";
    label.textContent = chosen.length + " / " + rows.length;
    slots.appendChild(label);
    clear.hidden = chosen.length === 0;
    submit.hidden = chosen.length < rows.length;
  }

  function pick(value) {
    if (chosen.length >= rows.length) return;
    var input = rows[chosen.length].querySelector('input[value="' + value + '"]');
    if (input) input.checked = true;
    chosen.push(value);
    render();
    if (chosen.length === rows.length) form.requestSubmit ? form.requestSubmit() : form.submit();
  }

  rows[0].querySelectorAll("label.picture-choice").forEach(function (label) {
    var input = label.querySelector("input");
    var img = label.querySelector("img");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "picture-choice picture-choice--button";
    button.setAttribute("data-picture", input.value);
    button.appendChild(img.cloneNode());
    button.addEventListener("click", function () { pick(input.value); });
    pad.appendChild(button);
  });
  rows.forEach(function (row) {
    row.hidden = true;
    row.querySelectorAll("input").forEach(function (input) { input.checked = false; });
  });
  clear.addEventListener("click", function () {
    chosen = [];
    rows.forEach(function (row) {
      row.querySelectorAll("input").forEach(function (input) { input.checked = false; });
    });
    render();
  });
  pad.hidden = false;
  slots.hidden = false;
  render();
})();
