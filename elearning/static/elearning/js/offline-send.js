/* Sends what pupils did offline (the `queue` store of offline-db.js) to POST /<lang>/offline/send/,
 * shared by the pages (offline.js) and the service worker (sw.js, Background Sync "so-send").
 *
 * One item at a time, oldest first, without cookies (`credentials: 'omit'`): an item is
 * authenticated by what it carries (the server's pass, or the quiz form's signed token), so an
 * item of a pupil who has signed out is still recorded for that pupil only, whoever is signed in
 * on the device now. Answers:
 * - 2xx (recorded, replay, not-stored): the item is "sent", with the server's message and link;
 * - 400, 403, 404, 409 and other 4xx but 408 and 429: "refused" for good, with the message;
 * - 408, 429, 5xx, no connection: it stays "waiting", and so do the items after it (their order
 *   matters: a lesson finished before the quiz).
 * Only one sender runs at a time on the device (Web Locks where the browser has them). */
(function (scope) {
  'use strict';
  var DB = scope.SafeOnlineDB;
  var running = null;

  function waiting(items) {
    return items.filter(function (item) { return item.state === 'waiting'; })
      .sort(function (a, b) { return a.created - b.created; });
  }

  function settle(item, state, data) {
    item.state = state;
    item.message = (data && data.message) || '';
    item.link = (data && data.url) || '';
    item.status = (data && data.status) || '';
    item.settled = Date.now();
    return DB.put('queue', item);
  }

  function sendOne(item) {
    return fetch(item.url, {
      method: 'POST',
      credentials: 'omit',
      cache: 'no-store',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(item.body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.ok) return settle(item, 'sent', data).then(function () { return true; });
        var transient = response.status === 408 || response.status === 429 || response.status >= 500;
        if (transient) return false;
        return settle(item, 'refused', data).then(function () { return true; });
      });
    }, function () { return false; });
  }

  function sendAll(onSettled) {
    return DB.all('queue').then(function (items) {
      var list = waiting(items);
      var sent = 0;
      function next(i) {
        if (i >= list.length) return { sent: sent, waiting: 0 };
        return sendOne(list[i]).then(function (settled) {
          if (!settled) return { sent: sent, waiting: list.length - i };
          sent += 1;
          if (onSettled) onSettled(list[i]);
          return next(i + 1);
        });
      }
      return next(0);
    });
  }

  /* Sends every waiting item; resolves {sent, waiting}. `onSettled(item)` hears each answer. */
  function run(onSettled) {
    if (running) return running;
    var work = function () { return sendAll(onSettled); };
    var locks = scope.navigator && scope.navigator.locks;
    running = (locks ? locks.request('so-send', work) : work()).then(function (result) {
      running = null;
      return result;
    }, function (error) {
      running = null;
      throw error;
    });
    return running;
  }

  scope.SafeOnlineSend = { run: run };
})(typeof self !== 'undefined' ? self : window);
