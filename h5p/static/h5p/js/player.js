/* The H5P player's own document (h5p/templates/h5p/player.html), framed by a lesson:
 * starts h5p-standalone, posts every xAPI statement the player emits (with a UUID added here, so
 * a retried post is recognised as a replay) to the site with this document's CSRF token, and
 * tells the lesson (courses/js/activity-frames.js) its height and whether the activity loaded.
 * A statement it cannot post (no report address: the anonymous player a device saved for use
 * offline; or no connection) goes to the lesson instead, whose offline.js queues it for the pupil
 * of the device (elearning/js/offline.js), with the same UUID.
 * A package that fails to load shows "this activity is unavailable"; the lesson goes on. */
(function () {
  'use strict';
  var LOAD_TIMEOUT_MS = 30000;
  var MESSAGE = 'safe-online:activity';
  var container = document.querySelector('[data-h5p-player]');
  if (!container) return;
  var config = JSON.parse(document.getElementById(container.getAttribute('data-h5p-player')).textContent);
  var frame = container.querySelector('[data-h5p-frame]');
  var report = config.report || {};

  function tell(message) {
    if (window.parent === window) return;
    message.type = MESSAGE;
    message.activity = config.activity;
    message.height = document.documentElement.scrollHeight;
    window.parent.postMessage(message, window.location.origin);
  }

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

  // The lesson this player is framed by (its address: /<lang>/h5p/play/<page>/<activity>/).
  var lesson = (window.location.pathname.match(/\/play\/(\d+)\//) || [])[1];

  function handOver(statement, reason) {
    if (window.parent === window) return;
    window.parent.postMessage({
      type: 'safe-online:statement', reason: reason, statement: statement,
      page: Number(lesson), activity: config.activity
    }, window.location.origin);
  }

  function post(statement, tries) {
    function retry() {
      if (tries < 3) setTimeout(function () { post(statement, tries + 1); }, 2000 * (tries + 1));
    }
    if (!navigator.onLine) {
      handOver(statement, 'network');
      return;
    }
    fetch(report.statements, {
      method: 'POST',
      credentials: 'same-origin',
      keepalive: true,
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': report.csrfToken },
      body: JSON.stringify(statement)
    }).then(function (response) {
      if (response.status >= 500 || response.status === 429) retry();
    }, function () {
      // No connection: the lesson keeps it on the device and sends it later.
      handOver(statement, 'network');
    });
  }

  function onStatement(event) {
    var statement = event && event.data && event.data.statement;
    if (!statement) return;
    var copy = JSON.parse(JSON.stringify(statement));
    delete copy.actor; // the site knows the learner from the session (or the device's pass)
    copy.id = uuid();
    if (report.statements) post(copy, 0);
    else handOver(copy, 'unsent');
  }

  function show(selector, visible) {
    var element = container.querySelector(selector);
    if (element) element.hidden = !visible;
  }

  function loadBundle(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement('script');
      script.src = src;
      script.onload = function () { resolve(window.H5PStandalone); };
      script.onerror = function () { reject(new Error('h5p-standalone did not load')); };
      document.head.appendChild(script);
    });
  }

  // The lesson sizes this frame to the content, whenever the content's height changes.
  if (window.ResizeObserver) {
    new ResizeObserver(function () { tell({}); }).observe(document.documentElement);
  }

  var timer;
  show('[data-h5p-loading]', true);
  tell({ state: 'loading' });
  loadBundle(container.getAttribute('data-h5p-bundle')).then(function (Standalone) {
    if (!Standalone) throw new Error('no player');
    var timeout = new Promise(function (resolve, reject) {
      timer = setTimeout(function () { reject(new Error('timed out')); }, LOAD_TIMEOUT_MS);
    });
    // A missing library makes the player fail with a confusing SyntaxError: any failure means
    // the same thing to the learner.
    return Promise.race([new Standalone.H5P(frame, config.options), timeout]);
  }).then(function () {
    clearTimeout(timer);
    if (window.H5P && window.H5P.externalDispatcher) window.H5P.externalDispatcher.on('xAPI', onStatement);
    // The content's own frame has no name of its own for screen readers.
    var iframe = frame.querySelector('iframe');
    if (iframe && !iframe.title) iframe.title = config.options.metadata.title;
    show('[data-h5p-loading]', false);
    container.setAttribute('data-h5p-ready', '');
    tell({ state: 'ready' });
  }).catch(function (error) {
    clearTimeout(timer);
    if (window.console) console.warn('H5P activity unavailable:', error);
    frame.hidden = true;
    show('[data-h5p-loading]', false);
    show('[data-h5p-unavailable]', true);
    container.setAttribute('data-h5p-failed', '');
    tell({ state: 'unavailable' });
  });
})();
