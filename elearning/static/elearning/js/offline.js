/* The page's side of offline use (base.html loads it after offline-db.js and offline-send.js).
 *
 * - Registers the service worker (/sw.js).
 * - Keeps the device's identity: a page drawn for a signed-in pupil carries `data-pupil` on
 *   <body>; the pass (GET /<lang>/offline/pass/) is fetched when missing, old, or another
 *   learner's. A page drawn by the server with no `data-pupil` means the session ended: that
 *   pupil's identity and own cache are deleted. So does the end of the session's time (expires).
 *   A page from the device's caches comes marked `data-offline-copy` (sw.js) and proves nothing.
 * - Offline, "I've finished" and the quiz (`data-offline-kind` forms) and the H5P player's
 *   statements (postMessage from the player's frame, h5p/js/player.js) are queued for the pupil
 *   in IndexedDB instead, and sent when the connection returns (offline-send.js): on page load,
 *   on `online`, and by the worker's Background Sync. Online, such a form is posted as usual;
 *   if the post fails on the way, the worker shows the page's saved copy, which queues it.
 * - The indicator (`[data-offline-indicator]`, role=status) shows only this pupil's items: "Saved on
 *   this device, will send when online", then "Sent" (with the result's link), or the server's
 *   reason for refusing one. Another pupil's items are never shown; they are sent in the
 *   background, each for its own pupil (it carries the server's signature).
 * - "Log out" first sends what it can (a few seconds at most), then deletes the pupil's identity
 *   and own cache. Offline it deletes them at once and finishes signing out on the next page
 *   drawn online. */
(function () {
  'use strict';
  var DB = window.SafeOnlineDB;
  var Send = window.SafeOnlineSend;
  var status = document.querySelector('[data-offline-indicator]');
  if (!status || !DB || !Send || !window.indexedDB) return;

  var body = document.body;
  var pupil = body.hasAttribute('data-pupil') ? Number(body.getAttribute('data-pupil')) : null;
  // A page the device answered from its caches, or the offline page: not drawn for this session.
  var copy = body.hasAttribute('data-offline-copy') || body.hasAttribute('data-offline-page');
  var config = status.dataset;
  var PASS_REFRESH_MS = 30 * 60 * 1000;
  var SIGNOUT_WAIT_MS = 3000;
  var PENDING = 'so-pending-form';
  var identity = null;
  var shown = []; // this pupil's answered items, shown on this page, already deleted from the store

  function later(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }
  function quietly() { /* the store or the network failed: the page works as without this script */ }

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

  /* --- The service worker ---------------------------------------------------------------- */

  if ('serviceWorker' in navigator && config.swUrl) {
    navigator.serviceWorker.register(config.swUrl, { scope: '/' }).catch(quietly);
  }

  function askForSync() {
    if (!('serviceWorker' in navigator)) return;
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync) return registration.sync.register('so-send');
    }).catch(quietly);
  }

  /* --- Identity ---------------------------------------------------------------------------- */

  /* Deletes one pupil's data from the device: identity, own cache, own saved list and answered
   * items. Their waiting items stay, sealed, to be sent for them. */
  function forget(learner) {
    return DB.get('identity', 'current').then(function (current) {
      var work = [window.caches ? caches.delete(DB.learnerCache(learner)) : Promise.resolve()];
      if (current && current.learner === learner) work.push(DB.remove('identity', 'current'));
      return Promise.all(work);
    }).then(function () {
      // The pupil's own saved list (save.js), whose pages were in that cache.
      return DB.all('saved').then(function (lists) {
        return Promise.all(lists.filter(function (list) { return String(list.pupil) === String(learner); })
          .map(function (list) { return DB.remove('saved', list.url); }));
      });
    }).then(function () {
      return DB.byLearner(learner);
    }).then(function (items) {
      return Promise.all(items.filter(function (item) { return item.state !== 'waiting'; })
        .map(function (item) { return DB.remove('queue', item.key); }));
    }).then(function () {
      if (identity && identity.learner === learner) identity = null;
    });
  }

  function fetchPass() {
    if (!config.passUrl) return Promise.resolve(null);
    return fetch(config.passUrl, {
      credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' }
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (data) {
      if (!data || data.learner !== pupil) return null;
      var fresh = {
        id: 'current', learner: data.learner, name: data.name, pass: data.pass,
        expires: Date.parse(data.expires), stores: data.stores, lang: document.documentElement.lang,
        fetched: Date.now()
      };
      return DB.put('identity', fresh).then(function () { return fresh; });
    }).catch(function () { return null; });
  }

  function identify() {
    return DB.get('identity', 'current').then(function (current) {
      if (current && !(current.expires > Date.now())) {
        // The session's time is over: as if the pupil had signed out.
        return forget(current.learner).then(function () { return null; });
      }
      return current || null;
    }).then(function (current) {
      if (copy) return current;
      if (pupil === null) {
        // The server drew this page for someone else, or for no one: the pupil's session ended.
        return current ? forget(current.learner).then(function () { return null; }) : null;
      }
      if (current && current.learner !== pupil) {
        return forget(current.learner).then(fetchPass);
      }
      if (!current || Date.now() - (current.fetched || 0) > PASS_REFRESH_MS) {
        return fetchPass().then(function (fresh) { return fresh || current; });
      }
      return current;
    });
  }

  /* The pupil pressed "Log out" offline: finished on the first page drawn online for them. */
  function finishPendingSignOut() {
    return DB.get('identity', 'signout').then(function (pending) {
      if (!pending) return false;
      if (copy) {
        say([text(config.labelSignedOut)]);
        return true;
      }
      return DB.remove('identity', 'signout').then(function () {
        var form = document.querySelector('form[data-offline-signout]');
        if (pupil === pending.learner && form) {
          form.__signedOut = true;
          form.submit();
          return true;
        }
        return false;
      });
    });
  }

  /* --- The indicator ----------------------------------------------------------------------- */

  function text(value, tag) {
    var element = document.createElement(tag || 'p');
    element.textContent = value;
    return element;
  }

  function say(lines) {
    status.textContent = '';
    lines.forEach(function (line) { status.appendChild(line); });
  }

  function line(item) {
    if (item.state === 'refused' || item.status === 'not-stored') {
      return text(item.message || config.labelRefused);
    }
    var p = document.createElement('p');
    p.appendChild(text(config.labelSent, 'strong')).className = 'offline-status__sent';
    if (item.message) p.appendChild(document.createTextNode(' ' + item.message));
    // A quiz's result is worth opening; a lesson's link is only its module.
    if (item.link && item.kind === 'quiz') {
      var a = document.createElement('a');
      a.href = item.link;
      a.textContent = config.labelSee;
      p.appendChild(document.createTextNode(' '));
      p.appendChild(a);
    }
    return p;
  }

  function render() {
    if (!identity) return Promise.resolve();
    var learner = identity.learner;
    return DB.byLearner(learner).then(function (items) {
      var answered = items.filter(function (item) { return item.state !== 'waiting'; });
      var lines = [];
      if (items.some(function (item) { return item.state === 'waiting'; })) {
        var p = text(config.labelWaiting);
        p.className = 'offline-status__waiting';
        lines.push(p);
      }
      var known = shown.map(function (item) { return item.key; });
      shown = shown.concat(answered.filter(function (item) { return known.indexOf(item.key) < 0; }));
      // An H5P activity sends several statements: one line for each thing said.
      var said = [];
      shown.forEach(function (item) {
        var words = item.state + item.status + item.message + item.link;
        if (said.indexOf(words) >= 0) return;
        said.push(words);
        lines.push(line(item));
      });
      say(lines);
      // Shown once: an answered item is then deleted from the device.
      return Promise.all(answered.map(function (item) { return DB.remove('queue', item.key); }));
    }).catch(quietly);
  }

  /* Another pupil's answered items say nothing to the one here: deleted unseen. */
  function tidy() {
    return DB.all('queue').then(function (items) {
      return Promise.all(items.filter(function (item) {
        return item.state !== 'waiting' && (!identity || item.learner !== identity.learner);
      }).map(function (item) { return DB.remove('queue', item.key); }));
    }).catch(quietly);
  }

  function send() {
    return Send.run(function () { render(); }).then(render, quietly);
  }

  /* --- Queuing ------------------------------------------------------------------------------ */

  /* This page may queue for the pupil of the device: a page drawn for them, or a saved copy. */
  function mayQueue() {
    return identity !== null && (copy || pupil === identity.learner);
  }

  function queue(kind, fields, key, at) {
    key = key || uuid();
    var payload = { kind: kind, key: key, at: at || new Date().toISOString() };
    Object.keys(fields).forEach(function (name) { payload[name] = fields[name]; });
    payload.pass = identity.pass; // a quiz's own token signs it too; the server checks both name one pupil
    var item = {
      key: key, learner: identity.learner, kind: kind, body: payload, url: config.sendUrl,
      created: Date.now(), state: 'waiting', message: ''
    };
    return DB.put('queue', item).then(function () {
      askForSync();
      return render();
    }).then(function () {
      if (navigator.onLine) send();
    });
  }

  function queueForm(form) {
    var kind = form.getAttribute('data-offline-kind');
    return queue(kind, formFields(form)).then(function () {
      // Done here: the form is not sent twice, and the pupil sees where it went.
      form.hidden = true;
      var note = text('✓ ' + config.labelWaiting);
      note.className = 'status status--done';
      note.setAttribute('data-offline-queued', kind);
      form.parentNode.insertBefore(note, form.nextSibling);
    });
  }

  function formFields(form) {
    var fields = { page: Number(form.getAttribute('data-page')) };
    if (form.getAttribute('data-offline-kind') === 'finish') {
      // The activities the player could not play here (courses/js/activity-frames.js), as the
      // online form sends them: an activity never blocks a lesson.
      fields.skipped = [];
      form.querySelectorAll('input[name="h5p_skipped"]').forEach(function (input) { fields.skipped.push(input.value); });
    }
    if (form.getAttribute('data-offline-kind') === 'quiz') {
      fields.fields = [];
      new FormData(form).forEach(function (value, name) {
        if (name !== 'csrfmiddlewaretoken' && typeof value === 'string') fields.fields.push([name, value]);
      });
    }
    return fields;
  }

  function onSubmit(event) {
    var form = event.target;
    if (form.hasAttribute('data-offline-signout')) {
      signOut(event, form);
      return;
    }
    if (!form.hasAttribute('data-offline-kind') || !mayQueue()) return;
    if (copy || !navigator.onLine) {
      event.preventDefault();
      queueForm(form).catch(quietly);
      return;
    }
    // Online: the form goes to the server as without this script. Should the connection fail on
    // the way, the worker answers with this page's saved copy, which queues what is noted here.
    try {
      sessionStorage.setItem(PENDING, JSON.stringify({
        learner: identity.learner, kind: form.getAttribute('data-offline-kind'), fields: formFields(form),
        at: new Date().toISOString()
      }));
    } catch (e) { /* no session storage: a failed post is then lost, as without this script */ }
  }

  /* A form sent online whose post failed on the way (this page is the worker's copy): queued. */
  function pendingForm() {
    var pending = null;
    try {
      pending = JSON.parse(sessionStorage.getItem(PENDING) || 'null');
      sessionStorage.removeItem(PENDING);
    } catch (e) { return Promise.resolve(); }
    if (!pending || !copy || !identity || pending.learner !== identity.learner) return Promise.resolve();
    return queue(pending.kind, pending.fields, null, pending.at);
  }

  /* The H5P player in a frame of this lesson hands over a statement it could not post. */
  function onMessage(event) {
    if (event.origin !== window.location.origin) return;
    var data = event.data;
    if (!data || data.type !== 'safe-online:statement' || !data.statement || !mayQueue()) return;
    var frames = document.querySelectorAll('iframe[data-activity-frame]');
    var ours = Array.prototype.some.call(frames, function (frame) { return frame.contentWindow === event.source; });
    // On a page drawn online, the player posts for itself; it hands over only what failed.
    if (!ours || (!copy && data.reason !== 'network')) return;
    var statement = data.statement;
    queue('h5p', { page: Number(data.page), activity: Number(data.activity), statement: statement }, statement.id)
      .catch(quietly);
  }

  function signOut(event, form) {
    if (form.__signedOut || !identity) return;
    event.preventDefault();
    var learner = identity.learner;
    if (!copy && navigator.onLine) {
      Promise.race([Send.run(), later(SIGNOUT_WAIT_MS)]).catch(quietly).then(function () {
        return forget(learner);
      }).catch(quietly).then(function () {
        form.__signedOut = true;
        form.submit();
      });
      return;
    }
    forget(learner).then(function () {
      return DB.put('identity', { id: 'signout', learner: learner });
    }).catch(quietly).then(function () {
      say([text(config.labelSignedOut)]);
      hideOwnPage();
    });
  }

  /* Offline sign-out: what this page showed of the pupil goes from the screen. */
  function hideOwnPage() {
    var main = document.getElementById('main');
    if (!main) return;
    Array.prototype.forEach.call(main.children, function (child) {
      if (child !== status) child.hidden = true;
    });
  }

  /* A saved lesson, opened offline by the pupil of the device: they can finish it here. */
  function reveal() {
    if (!copy || !identity) return;
    Array.prototype.forEach.call(document.querySelectorAll('form[data-offline-kind][hidden]'), function (form) {
      form.hidden = false;
    });
    Array.prototype.forEach.call(document.querySelectorAll('[data-offline-note]'), function (note) {
      note.hidden = true;
    });
  }

  document.addEventListener('submit', onSubmit);
  window.addEventListener('message', onMessage);
  window.addEventListener('online', function () { send(); });

  finishPendingSignOut().then(function (stop) {
    if (stop) return;
    return identify().then(function (current) {
      identity = current;
      reveal();
      return Promise.all([tidy(), pendingForm()]);
    }).then(render).then(function () {
      if (navigator.onLine) return send();
    });
  }).catch(quietly);
})();
