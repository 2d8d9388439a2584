/* Activities embedded in a lesson play in frames of their own (each a document of the site under
 * its own, narrower Content-Security-Policy). A frame tells the lesson, by postMessage, how tall
 * its content is and whether it could load; this script sizes the frame to its content and, for
 * an activity that cannot be played, tells "I've finished" not to wait for it. Only messages
 * from the site's own origin and from one of these frames are heard. Without JavaScript the
 * frames keep their height from the style sheet, and the lesson's form says all were skipped. */
(function () {
  'use strict';
  if (window.__activityFrames) return; // the script tag comes with every activity block
  window.__activityFrames = true;

  var MESSAGE = 'safe-online:activity';
  var MAX_HEIGHT = 20000;

  function frameFor(source) {
    var frames = document.querySelectorAll('iframe[data-activity-frame]');
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === source) return frames[i];
    }
    return null;
  }

  function skip(activity) {
    // The lesson's form, and the one a saved copy shows offline (data-offline-kind="finish").
    var forms = document.querySelectorAll('form[data-finish-lesson], form[data-offline-kind="finish"]');
    Array.prototype.forEach.call(forms, function (finish) {
      if (finish.querySelector('input[name="h5p_skipped"][value="' + activity + '"]')) return;
      var skipped = document.createElement('input');
      skipped.type = 'hidden';
      skipped.name = 'h5p_skipped';
      skipped.value = activity;
      finish.appendChild(skipped);
    });
  }

  window.addEventListener('message', function (event) {
    if (event.origin !== window.location.origin) return;
    var data = event.data;
    if (!data || data.type !== MESSAGE) return;
    var frame = frameFor(event.source);
    if (!frame) return;
    var height = Number(data.height);
    if (height > 0) frame.style.height = Math.min(Math.ceil(height), MAX_HEIGHT) + 'px';
    if (data.state === 'ready') frame.setAttribute('data-activity-ready', '');
    if (data.state === 'unavailable') {
      frame.setAttribute('data-activity-failed', '');
      // An activity that cannot be played is not required to finish the lesson.
      skip(frame.getAttribute('data-activity-frame'));
    }
  });
})();
