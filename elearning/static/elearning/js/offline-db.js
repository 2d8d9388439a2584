/* The device's offline store, shared by the pages (offline.js, save.js) and the service worker
 * (sw.js, through importScripts): one IndexedDB database and the names of the caches.
 *
 * Stores (database "safe-online", version 1):
 * - identity: the pupil signed in on this device, one record {id: "current", learner, name, pass,
 *   expires (ms since the epoch), lang}; cleared at sign-out and when it expires.
 * - queue: what a pupil did offline, waiting to be sent, keyed by its idempotency key:
 *   {key, learner, kind: "finish" | "quiz" | "h5p", body (what POST /<lang>/offline/send/ takes),
 *   created (ms), state: "waiting" | "sent" | "refused", message}; index "learner".
 * - saved: the lists saved with "Save on this device", keyed by the list's address:
 *   {url, version, saved (ms), bytes, title}.
 *
 * Caches: CONTENT (what every reader sees alike: lessons, pictures, the H5P player and packages,
 * the site's static files) and learnerCache(id) (one pupil's own pages: their quiz forms). */
(function (scope) {
  'use strict';
  var NAME = 'safe-online';
  var VERSION = 1;
  var opening = null;

  function open() {
    if (opening) return opening;
    opening = new Promise(function (resolve, reject) {
      if (!scope.indexedDB) { reject(new Error('no IndexedDB')); return; }
      var request = scope.indexedDB.open(NAME, VERSION);
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains('identity')) db.createObjectStore('identity', { keyPath: 'id' });
        if (!db.objectStoreNames.contains('queue')) {
          db.createObjectStore('queue', { keyPath: 'key' }).createIndex('learner', 'learner');
        }
        if (!db.objectStoreNames.contains('saved')) db.createObjectStore('saved', { keyPath: 'url' });
      };
      request.onsuccess = function () {
        var db = request.result;
        // Another tab (or a newer service worker) upgrading the database closes this one.
        db.onversionchange = function () { db.close(); opening = null; };
        resolve(db);
      };
      request.onerror = function () { opening = null; reject(request.error); };
    });
    return opening;
  }

  function run(storeName, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(storeName, mode);
        var result;
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
        var request = work(tx.objectStore(storeName));
        if (request) request.onsuccess = function () { result = request.result; };
      });
    });
  }

  scope.SafeOnlineDB = {
    CONTENT: 'so-content',
    LEARNER_PREFIX: 'so-learner-',
    learnerCache: function (learner) { return 'so-learner-' + learner; },
    open: open,
    get: function (store, key) { return run(store, 'readonly', function (s) { return s.get(key); }); },
    all: function (store) { return run(store, 'readonly', function (s) { return s.getAll(); }); },
    byLearner: function (learner) {
      return run('queue', 'readonly', function (s) { return s.index('learner').getAll(learner); });
    },
    put: function (store, value) { return run(store, 'readwrite', function (s) { return s.put(value); }); },
    remove: function (store, key) { return run(store, 'readwrite', function (s) { return s.delete(key); }); }
  };
})(typeof self !== 'undefined' ? self : window);
