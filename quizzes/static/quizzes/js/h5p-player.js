/* H5P activities in lessons: starts h5p-standalone for each [data-h5p-player] on the page, one
 * after another, and posts every xAPI statement the player emits (with a UUID added here, so a
 * retried post is recognised as a replay) to the site with the page's CSRF token. A package that
 * fails to load shows "this activity is unavailable"; the rest of the lesson never depends on it. */
(function () {
  'use strict';
  if (window.__h5pLessonPlayers) return; // the script tag comes with every activity block
  window.__h5pLessonPlayers = true;

  var LOAD_TIMEOUT_MS = 30000;
  var CONTENT_ID = 'http://h5p.org/x-api/h5p-local-content-id';
  var reports = {}; // H5P content id -> {statements, csrfToken}
  var listening = [];
  var bundle = null;

  function uuid() {
    if (window.crypto && crypto.randomUUID) {
      try { return crypto.randomUUID(); } catch (e) { /* not a secure context */ }
    }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }

  function loadBundle(src) {
    if (!bundle) {
      bundle = new Promise(function (resolve, reject) {
        var script = document.createElement('script');
        script.src = src;
        // Keep our own reference: a later load would replace window.H5PStandalone.
        script.onload = function () { resolve(window.H5PStandalone); };
        script.onerror = function () { reject(new Error('h5p-standalone did not load')); };
        document.head.appendChild(script);
      });
    }
    return bundle;
  }

  function post(report, statement, tries) {
    function retry() {
      if (tries < 3) setTimeout(function () { post(report, statement, tries + 1); }, 2000 * (tries + 1));
    }
    fetch(report.statements, {
      method: 'POST',
      credentials: 'same-origin',
      keepalive: true,
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': report.csrfToken },
      body: JSON.stringify(statement)
    }).then(function (response) {
      if (response.status >= 500 || response.status === 429) retry();
    }).catch(retry);
  }

  function onStatement(event) {
    var statement = event && event.data && event.data.statement;
    var definition = statement && statement.object && statement.object.definition;
    var extensions = (definition && definition.extensions) || {};
    var report = reports[String(extensions[CONTENT_ID])];
    if (!report || !report.statements) return;
    var copy = JSON.parse(JSON.stringify(statement));
    delete copy.actor; // the site knows the learner from the session
    copy.id = uuid();
    post(report, copy, 0);
  }

  function listen() {
    var dispatcher = window.H5P && window.H5P.externalDispatcher;
    if (!dispatcher || listening.indexOf(dispatcher) !== -1) return;
    listening.push(dispatcher);
    dispatcher.on('xAPI', onStatement);
  }

  function show(container, selector, visible) {
    var element = container.querySelector(selector);
    if (element) element.hidden = !visible;
  }

  function start(container) {
    var config = JSON.parse(document.getElementById(container.getAttribute('data-h5p-player')).textContent);
    var frame = container.querySelector('[data-h5p-frame]');
    var timer;
    show(container, '[data-h5p-loading]', true);
    return loadBundle(container.getAttribute('data-h5p-bundle')).then(function (Standalone) {
      if (!Standalone) throw new Error('no player');
      reports[config.options.id] = config.report;
      var timeout = new Promise(function (resolve, reject) {
        timer = setTimeout(function () { reject(new Error('timed out')); }, LOAD_TIMEOUT_MS);
      });
      // A missing library makes the player fail with a confusing SyntaxError: any failure means
      // the same thing to the learner.
      return Promise.race([new Standalone.H5P(frame, config.options), timeout]);
    }).then(function () {
      clearTimeout(timer);
      listen();
      // The player's iframe has no name of its own for screen readers.
      var iframe = frame.querySelector('iframe');
      if (iframe && !iframe.title) iframe.title = config.options.metadata.title;
      show(container, '[data-h5p-loading]', false);
      container.setAttribute('data-h5p-ready', '');
    }).catch(function (error) {
      clearTimeout(timer);
      if (window.console) console.warn('H5P activity unavailable:', error);
      frame.hidden = true;
      show(container, '[data-h5p-loading]', false);
      show(container, '[data-h5p-unavailable]', true);
      container.setAttribute('data-h5p-failed', '');
      // An activity that cannot be played is not required to finish the lesson.
      var finish = document.querySelector('form[data-finish-lesson]');
      if (finish) {
        var skipped = document.createElement('input');
        skipped.type = 'hidden';
        skipped.name = 'h5p_skipped';
        skipped.value = String(config.activity);
        finish.appendChild(skipped);
      }
    });
  }

  function startAll() {
    var containers = Array.prototype.slice.call(document.querySelectorAll('[data-h5p-player]'));
    // One after another: h5p-standalone is not safe to start several times at once.
    containers.reduce(function (previous, container) {
      return previous.then(function () { return start(container); });
    }, Promise.resolve());
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', startAll);
  else startAll();
})();
