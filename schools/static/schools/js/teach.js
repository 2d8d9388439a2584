// Teaching in class: both screens (the projector's and the presenter's) follow the slide kept on
// the server. Without this script every button is a form that posts and the projector reloads
// itself; with it, keys and a clicker move the slide, the screens ask for the state every 1.5 s
// (a 304 when nothing changed) and reload when it did, the counters count without a reload, and
// the clock ticks.
(function () {
  "use strict";
  var root = document.querySelector("[data-teach]");
  if (!root) return;
  var stateUrl = root.getAttribute("data-state-url");
  var version = root.getAttribute("data-version");
  var etag = null;
  var leaving = false;
  var flush = null; // saves counts not yet sent, before the page is left

  function go(form) {
    if (!form || leaving) return;
    if (flush) flush();
    var button = form.querySelector("button");
    if (button && button.disabled) return;
    leaving = true;
    form.submit();
  }

  var NEXT = { ArrowRight: true, PageDown: true, " ": true, Spacebar: true };
  var PREV = { ArrowLeft: true, PageUp: true };
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    var target = event.target;
    var tag = target && target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable)) return;
    // Space on a focused button or link presses it, as usual.
    if (event.key === " " && (tag === "BUTTON" || tag === "A" || tag === "SUMMARY")) return;
    if (NEXT[event.key]) {
      event.preventDefault();
      go(document.querySelector("[data-teach-next]"));
    } else if (PREV[event.key]) {
      event.preventDefault();
      go(document.querySelector("[data-teach-prev]"));
    }
  });

  function poll() {
    if (leaving) return;
    var headers = { Accept: "application/json" };
    if (etag) headers["If-None-Match"] = etag;
    fetch(stateUrl, { headers: headers, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.status === 404 && !leaving) {
          // The projector's link stopped working (the lesson ended): the page says so.
          leaving = true;
          window.location.reload();
          return;
        }
        if (response.status === 200) {
          etag = response.headers.get("ETag");
          return response.json().then(function (state) {
            if (String(state.version) !== version && !leaving) {
              leaving = true;
              window.location.reload();
            }
          });
        }
      })
      .catch(function () { /* a dropped request: the next one tries again */ })
      .then(function () { window.setTimeout(poll, 1500); });
  }
  if (stateUrl) window.setTimeout(poll, 1500);

  // The presenter's clock, from the last start or resume.
  var clock = document.querySelector("time[data-started]");
  if (clock) {
    var started = Date.parse(clock.getAttribute("data-started"));
    var tick = function () {
      var seconds = Math.max(0, Math.floor((Date.now() - started) / 1000));
      var minutes = Math.floor(seconds / 60);
      var rest = seconds % 60;
      clock.textContent = minutes + ":" + (rest < 10 ? "0" : "") + rest;
    };
    if (!isNaN(started)) {
      tick();
      window.setInterval(tick, 1000);
    }
  }

  // Counters: + and − change the number here and save it in the background (the screen shows the
  // tallies only once revealed, so nothing needs to reload).
  var form = document.querySelector("[data-counter-form]");
  if (!form || !window.fetch || !window.FormData) return;
  var timer = null;
  var total = form.querySelector("[data-counter-total]");
  function save() {
    var data = new FormData(form);
    data.set("action", "save");
    timer = null;
    fetch(form.action, {
      method: "POST", body: data, credentials: "same-origin", keepalive: true,
      headers: { "X-Requested-With": "fetch" }
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (state && state.version !== undefined) {
          version = String(state.version);
          etag = null;
        }
      })
      .catch(function () { /* the "Save" button posts the counts again */ });
  }
  function sum() {
    var n = 0;
    Array.prototype.forEach.call(form.querySelectorAll("input[type=number]"), function (input) {
      n += parseInt(input.value, 10) || 0;
    });
    return n;
  }
  form.addEventListener("click", function (event) {
    var button = event.target.closest("[data-step]");
    if (!button) return;
    event.preventDefault();
    var input = button.closest("[data-counter]").querySelector("input[type=number]");
    input.value = Math.max(0, (parseInt(input.value, 10) || 0) + parseInt(button.getAttribute("data-step"), 10));
    if (total) total.textContent = total.textContent.replace(/^\d+/, String(sum()));
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 300);
  });
  form.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 600);
  });
  form.addEventListener("submit", function () { leaving = true; window.clearTimeout(timer); });
  flush = function () {
    if (timer) {
      window.clearTimeout(timer);
      save();
    }
  };
})();
