/* Runs inside the H5P player's frame (h5p-standalone's customJs): H5P's core saves the learner's
 * state with jQuery posts that carry no CSRF token; add the lesson page's token to them, so the
 * site needs no CSRF exemption. */
(function () {
  'use strict';
  var token = '';
  try {
    var holder = window.parent.document.querySelector('[data-h5p-csrf-token]');
    token = holder ? holder.getAttribute('data-h5p-csrf-token') : '';
  } catch (e) { /* not framed by the site */ }
  if (!token || !window.H5P || !window.H5P.jQuery) return;
  window.H5P.jQuery.ajaxSetup({
    beforeSend: function (xhr, settings) {
      if (!/^(GET|HEAD|OPTIONS|TRACE)$/i.test(settings.type || 'GET') && !settings.crossDomain) {
        xhr.setRequestHeader('X-CSRFToken', token);
      }
    }
  });
})();
