/* The service worker, served as /sw.js by elearning.views.service_worker, which writes CONFIG in
 * (the scripts' and offline pages' addresses, the languages, the private sections, VERSION).
 *
 * What it does, and nothing more:
 * - navigations: the network first (a form posted to a lesson or quiz too); with no connection, the page from the current pupil's own
 *   cache (their quiz forms, their modules), then from the shared cache (lessons as a visitor
 *   sees them), then the offline page. A page from a cache comes marked `data-offline-copy` on
 *   its <body>, so that offline.js knows it is not a live page.
 * - the site's files (static files, pictures, H5P packages): from the shared cache where saved,
 *   else from the network.
 * - Background Sync "so-send": sends the queue (offline-send.js).
 * It stores nothing but the offline page and its files at install: the caches are filled by
 * save.js, and any entry outside the allow-list found in them is deleted, never served. Staff
 * pages, dashboards, accounts, results and JSON never come from a cache. */
'use strict';
var CONFIG = {} /* SW_CONFIG */;
importScripts(CONFIG.db, CONFIG.send);

var DB = self.SafeOnlineDB;
var SHELL = 'so-shell-' + CONFIG.version;

function shellUrls() {
  var urls = CONFIG.shell.slice();
  Object.keys(CONFIG.offlinePages).forEach(function (lang) { urls.push(CONFIG.offlinePages[lang]); });
  return urls;
}

self.addEventListener('install', function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) {
    // Without cookies: the offline page shows nobody's name.
    return Promise.all(shellUrls().map(function (url) {
      return fetch(url, { credentials: 'omit' }).then(function (response) {
        if (response.ok) return cache.put(url, response);
      });
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.map(function (name) {
      if (name.indexOf('so-shell-') === 0 && name !== SHELL) return caches.delete(name);
      if (name === DB.CONTENT || name.indexOf(DB.LEARNER_PREFIX) === 0) return sweep(name);
    }));
  }).then(function () { return self.clients.claim(); }));
});

/* --- What may be kept ------------------------------------------------------------------ */

function isFile(url) {
  return CONFIG.files.some(function (prefix) { return url.pathname.indexOf(prefix) === 0; }) &&
    !/^\/h5p\/play\//.test(url.pathname);
}

function languageOf(url) {
  var first = url.pathname.split('/')[1];
  return CONFIG.languages.indexOf(first) >= 0 ? first : null;
}

/* A page of the site that may be answered from a cache: under a language, outside the private
 * sections, not a result, not a document for download, not JSON, no query. */
function isPage(url) {
  if (url.origin !== self.location.origin || url.search) return false;
  var parts = url.pathname.split('/');
  if (!languageOf(url)) return false;
  if (CONFIG.private.indexOf(parts[2]) >= 0) return false;
  if (/\.(json|csv|pdf|webmanifest|txt|xml)$/.test(url.pathname)) return false;
  if (/\/results\//.test(url.pathname)) return false;
  // The H5P player's document is a page; its statements and state are the learner's.
  if (parts[2] === 'h5p' && !/^\/[a-z-]+\/h5p\/play\/\d+\/\d+\/$/.test(url.pathname)) return false;
  return true;
}

function allowed(url) {
  return url.origin === self.location.origin && (isPage(url) || (isFile(url) && !url.search));
}

/* Deletes from a cache whatever it should never have held. */
function sweep(name) {
  return caches.open(name).then(function (cache) {
    return cache.keys().then(function (requests) {
      return Promise.all(requests.map(function (request) {
        if (!allowed(new URL(request.url))) return cache.delete(request);
      }));
    });
  });
}

/* --- Answers ----------------------------------------------------------------------------- */

function currentLearner() {
  return DB.get('identity', 'current').then(function (identity) {
    return identity && identity.expires > Date.now() ? identity.learner : null;
  }, function () { return null; });
}

function fromCache(name, url) {
  return caches.has(name).then(function (has) {
    if (!has) return undefined;
    return caches.open(name).then(function (cache) { return cache.match(url, { ignoreVary: true }); });
  });
}

/* A copy of a cached page, marked as such (and no longer "redirected", which a navigation
 * refuses). */
function marked(response) {
  return response.text().then(function (html) {
    var headers = new Headers(response.headers);
    headers.delete('Content-Length');
    return new Response(html.replace(/<body\b/i, '<body data-offline-copy'), {
      status: response.status === 0 ? 200 : response.status,
      headers: headers
    });
  });
}

function offlinePage(url) {
  var lang = languageOf(url) || CONFIG.defaultLanguage;
  return fromCache(SHELL, CONFIG.offlinePages[lang] || CONFIG.offlinePages[CONFIG.defaultLanguage]).then(function (page) {
    return page ? marked(page) : Response.error();
  });
}

function savedPage(url) {
  if (!isPage(url)) return offlinePage(url);
  return currentLearner().then(function (learner) {
    return (learner ? fromCache(DB.learnerCache(learner), url.href) : Promise.resolve(undefined));
  }).then(function (own) {
    return own || fromCache(DB.CONTENT, url.href);
  }).then(function (page) {
    return page && page.ok ? marked(page) : offlinePage(url);
  });
}

function navigate(request) {
  var url = new URL(request.url);
  return fetch(request).catch(function () { return savedPage(url); });
}

function file(request) {
  var url = new URL(request.url);
  return fromCache(DB.CONTENT, url.href).then(function (saved) {
    return saved || fromCache(SHELL, url.href);
  }).then(function (saved) {
    return saved || fetch(request);
  });
}

self.addEventListener('fetch', function (event) {
  var request = event.request;
  var url = new URL(request.url);
  // Another origin's requests (videos, a CDN) go their own way, under their page's policy.
  if (url.origin !== self.location.origin) return;
  if (request.method === 'POST' && request.mode === 'navigate' && isPage(url)) {
    // "I've finished" or a quiz sent online: should the connection fail on the way, the page's
    // saved copy, where offline.js queues what was sent.
    event.respondWith(fetch(request).catch(function () { return savedPage(url); }));
    return;
  }
  if (request.method !== 'GET') return;
  if (request.mode === 'navigate') {
    event.respondWith(navigate(request));
  } else if (isFile(url)) {
    event.respondWith(file(request));
  }
});

/* --- Sending ----------------------------------------------------------------------------- */

self.addEventListener('sync', function (event) {
  if (event.tag === 'so-send') {
    event.waitUntil(self.SafeOnlineSend.run().then(function (result) {
      // Still waiting (no connection after all): the browser tries the sync again later.
      if (result && result.waiting) throw new Error('still waiting');
    }));
  }
});

self.addEventListener('message', function (event) {
  if (event.data && event.data.type === 'so-send') event.waitUntil(self.SafeOnlineSend.run());
});
