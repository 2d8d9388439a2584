/* "Save on this device" (schools.offline builds the lists this reads).
 *
 * On a page with a [data-offline-save] panel (a class page for its teacher, my-modules for a
 * pupil): press the button, see the size, confirm; the list's `content` is fetched without
 * cookies into the shared cache (so it is exactly what a visitor sees), its `learner` pages with
 * the pupil's cookies into that pupil's own cache, a <progress> bar counting the bytes; the list
 * is then recorded in the `saved` store: {url, version, saved, bytes, title, content: [urls],
 * learner: [urls], pupil}. "Update" fetches it again; "Remove from this device" deletes what no
 * other saved list still uses.
 *
 * On every page loaded online (at most once a minute): each saved list is asked for again; when
 * its content version changed, its pages are fetched again (files whose address names their
 * content, the static files, pictures and H5P packages, only when missing). A signed-in pupil
 * whose class is saved gets their own pages (quiz forms, my-modules) added when missing. */
(function () {
  'use strict';
  var DB = window.SafeOnlineDB;
  var CHECKED_KEY = 'so-saved-checked';
  var CHECK_EVERY_MS = 60 * 1000;
  var PARALLEL = 4;
  // Set by base.html on this script's tag: the prefixes of files whose address names their
  // content, and a signed-in pupil's own list.
  var SCRIPT = document.currentScript;

  function supported() {
    return DB && 'caches' in window && 'indexedDB' in window && window.fetch && window.Promise;
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, name) { return name in values ? values[name] : all; });
  }

  function megabytes(bytes, lang) {
    var number = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
    if (bytes < 1024 * 1024) return number.format(Math.max(1, Math.round(bytes / 1024))) + ' kB';
    return number.format(bytes / (1024 * 1024)) + ' MB';
  }

  /* Files whose address changes with their content: kept until missing. Pages are fetched again. */
  function lasting(url, prefixes) {
    var path = new URL(url, location.href).pathname;
    return prefixes.some(function (prefix) { return path.indexOf(prefix) === 0; }) && !/^\/h5p\/play\//.test(path);
  }

  function fetchList(url) {
    return fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } }).then(function (response) {
      var type = response.headers.get('Content-Type') || '';
      if (!response.ok || type.indexOf('application/json') !== 0) throw new Error('list ' + response.status);
      return response.json();
    });
  }

  /* Fetch `items` ({url, bytes, own}) into their caches, PARALLEL at a time; `onBytes(n)` after
   * each. `fresh(item)`: whether a cached copy may be kept as it is. */
  function store(items, learner, fresh, onBytes) {
    var queue = items.slice();
    return Promise.all([caches.open(DB.CONTENT), learner ? caches.open(DB.learnerCache(learner)) : null]).then(function (opened) {
      function one() {
        var item = queue.shift();
        if (!item) return Promise.resolve();
        var cache = item.own ? opened[1] : opened[0];
        if (!cache) return one();
        return cache.match(item.url).then(function (cached) {
          if (cached && fresh(item)) return null;
          var fetched = fetch(item.url, { credentials: item.own ? 'same-origin' : 'omit', cache: 'no-cache', redirect: 'error' })
            .then(function (response) {
              if (!response.ok) throw new Error(item.url + ' ' + response.status);
              return cache.put(item.url, response);
            });
          // A pupil's own page may be refused now (attempts used up): the rest is still saved.
          return item.own ? fetched.catch(function () {}) : fetched;
        }).then(function () { onBytes(item.bytes); return one(); });
      }
      var workers = [];
      for (var i = 0; i < PARALLEL; i++) workers.push(one());
      return Promise.all(workers);
    });
  }

  function itemsOf(list, learner) {
    var items = list.content.map(function (item) { return { url: item.url, bytes: item.bytes, own: false }; });
    if (learner && list.learner) {
      items = items.concat(list.learner.map(function (item) { return { url: item.url, bytes: item.bytes, own: true }; }));
    }
    return items;
  }

  function record(url, list, learner) {
    return DB.put('saved', {
      url: url,
      version: list.version,
      saved: Date.now(),
      bytes: list.bytes,
      title: list.title,
      content: list.content.map(function (item) { return new URL(item.url, location.href).href; }),
      learner: (list.learner || []).map(function (item) { return new URL(item.url, location.href).href; }),
      pupil: learner || null
    });
  }

  /* Delete what a removed list saved and no other saved list still uses. */
  function forget(url) {
    return DB.all('saved').then(function (all) {
      var gone = all.filter(function (saved) { return saved.url === url; })[0];
      if (!gone) return null;
      var kept = {};
      all.forEach(function (saved) {
        if (saved.url !== url) saved.content.forEach(function (address) { kept[address] = true; });
      });
      return caches.open(DB.CONTENT).then(function (cache) {
        return Promise.all(gone.content.filter(function (address) { return !kept[address]; }).map(function (address) {
          return cache.delete(address);
        }));
      }).then(function () {
        if (!gone.pupil || !gone.learner.length) return null;
        return caches.open(DB.learnerCache(gone.pupil)).then(function (cache) {
          return Promise.all(gone.learner.map(function (address) { return cache.delete(address); }));
        });
      }).then(function () { return DB.remove('saved', url); });
    });
  }

  /* --- The panel --------------------------------------------------------------------------- */

  function panel(root) {
    var lang = document.documentElement.lang || 'vi';
    var listUrl = root.getAttribute('data-list');
    var learner = root.getAttribute('data-learner') || null;
    var prefixes = JSON.parse((SCRIPT && SCRIPT.getAttribute('data-lasting')) || '[]');
    var text = function (name) { return root.getAttribute('data-text-' + name) || ''; };
    var el = function (name) { return root.querySelector('[data-offline-' + name + ']'); };
    var status = el('status');
    var size = el('size');
    var bar = el('progress');
    var buttons = {};
    ['save', 'confirm', 'cancel', 'update', 'remove'].forEach(function (name) {
      buttons[name] = root.querySelector('[data-offline-action="' + name + '"]');
    });
    var pending = null;

    function show(names) {
      Object.keys(buttons).forEach(function (name) { buttons[name].hidden = names.indexOf(name) < 0; });
      el('confirm').hidden = names.indexOf('confirm') < 0;
    }

    function say(message) { status.textContent = message; }

    /* The panel at rest: saved (when, how big) or not. After a save the full bar stays in view. */
    function idle(keepBar) {
      if (!keepBar) bar.hidden = true;
      return DB.get('saved', listUrl).then(function (saved) {
        if (saved) {
          var date = new Intl.DateTimeFormat(lang, { dateStyle: 'short', timeStyle: 'short' }).format(new Date(saved.saved));
          say(format(text('saved'), { date: date, size: megabytes(saved.bytes, lang) }));
          root.setAttribute('data-offline-state', 'saved');
          show(['update', 'remove']);
        } else {
          say('');
          root.setAttribute('data-offline-state', 'none');
          show(['save']);
        }
      });
    }

    function ask() {
      if (!navigator.onLine) { say(text('offline')); return; }
      say(text('measuring'));
      show([]);
      fetchList(listUrl).then(function (list) {
        pending = list;
        if (!list.content.length) { say(text('empty')); show(['save']); return; }
        size.textContent = format(text('size'), { size: megabytes(list.bytes, lang) });
        say('');
        root.setAttribute('data-offline-state', 'asking');
        show(['confirm', 'cancel']);
        buttons.confirm.focus();
      }).catch(function () { say(text('failed')); show(['save']); });
    }

    function save(list, fresh) {
      var items = itemsOf(list, learner);
      var total = items.reduce(function (sum, item) { return sum + item.bytes; }, 0) || 1;
      var done = 0;
      bar.max = total;
      bar.value = 0;
      bar.hidden = false;
      show([]);
      root.setAttribute('data-offline-state', 'saving');
      say(format(text('saving'), { size: megabytes(total, lang) }));
      return store(items, learner, fresh, function (bytes) {
        done += bytes;
        bar.value = Math.min(done, total);
      }).then(function () {
        bar.value = total;
        return record(listUrl, list, learner);
      }).then(function () { return idle(true); }).catch(function () {
        bar.hidden = true;
        say(text('failed'));
        root.setAttribute('data-offline-state', 'failed');
        show(['save']);
      });
    }

    buttons.save.addEventListener('click', ask);
    buttons.cancel.addEventListener('click', function () { pending = null; idle(false); });
    buttons.confirm.addEventListener('click', function () {
      var list = pending;
      pending = null;
      if (list) save(list, function () { return false; });
    });
    buttons.update.addEventListener('click', function () {
      if (!navigator.onLine) { say(text('offline')); return; }
      show([]);
      fetchList(listUrl).then(function (list) {
        return save(list, function (item) { return lasting(item.url, prefixes); });
      }).catch(function () { say(text('failed')); idle(false); });
    });
    buttons.remove.addEventListener('click', function () {
      forget(listUrl).then(function () { return idle(false); }).then(function () { say(text('removed')); });
    });

    el('controls').hidden = false;
    idle(false);
  }

  /* --- Keeping saved lists up to date -------------------------------------------------------- */

  function refresh(prefixes) {
    var last = Number(localStorage.getItem(CHECKED_KEY) || 0);
    if (!navigator.onLine || Date.now() - last < CHECK_EVERY_MS) return Promise.resolve();
    var pupil = document.body.getAttribute('data-pupil');
    return DB.all('saved').then(function (all) {
      if (!all.length) return null;
      localStorage.setItem(CHECKED_KEY, String(Date.now()));
      var lastingOnly = function (item) { return lasting(item.url, prefixes); };
      var work = all.reduce(function (chain, saved) {
        return chain.then(function () {
          return fetchList(saved.url).then(function (list) {
            var own = saved.pupil && saved.pupil === pupil ? pupil : null;
            if (list.version === saved.version && !own) return null;
            // Pages again when the content changed; files whose address names them, when missing.
            var fresh = list.version === saved.version ? function () { return true; } : lastingOnly;
            return store(itemsOf(list, own), own, fresh, function () {}).then(function () {
              return record(saved.url, list, own || saved.pupil);
            });
          }).catch(function () { /* not this reader's list now, or no connection: next time */ });
        });
      }, Promise.resolve());
      return work.then(function () { return pupil ? pupilPages(pupil, all, lastingOnly) : null; });
    });
  }

  /* A signed-in pupil whose class's modules are saved: their own pages too, when missing. */
  function pupilPages(pupil, all, fresh) {
    var url = SCRIPT && SCRIPT.getAttribute('data-pupil-list');
    if (!url) return null;
    var saved = {};
    all.forEach(function (list) { list.content.forEach(function (address) { saved[address] = true; }); });
    var before = all.filter(function (list) { return list.url === url && list.pupil === pupil; })[0];
    return fetchList(url).then(function (list) {
      var modules = list.modules.map(function (module) { return new URL(module.url, location.href).href; });
      if (!modules.length || !modules.every(function (address) { return saved[address]; })) return null;
      // Pages again only when the content changed since this pupil's list was last kept.
      var keep = before && before.version === list.version ? function () { return true; } : fresh;
      return store(itemsOf(list, pupil), pupil, keep, function () {}).then(function () {
        return record(url, list, pupil);
      });
    }).catch(function () {});
  }

  function start() {
    var panels = document.querySelectorAll('[data-offline-save]');
    if (!supported()) {
      Array.prototype.forEach.call(panels, function (root) {
        var note = root.querySelector('[data-offline-unsupported]');
        if (note) note.hidden = false;
      });
      return;
    }
    Array.prototype.forEach.call(panels, panel);
    var prefixes = JSON.parse((SCRIPT && SCRIPT.getAttribute('data-lasting')) || '[]');
    refresh(prefixes).catch(function () {});
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
