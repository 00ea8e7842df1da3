/* Shared by every dashboard page.
   Idle sign-out: the server signs a browser out after a spell without activity, and the
   automatic refreshes (header X-Followup-Poll) do not count as activity. A person at the screen
   who moves the pointer, scrolls or types is active, though: the next refresh after such an
   interaction goes without the header, and on pages that do not refresh themselves (a long
   note being typed) a keep-alive is posted at most once a minute. */
(function () {
  "use strict";
  var KEEP_ALIVE_MS = 60 * 1000;
  var lastInteraction = 0;
  var lastReported = Date.now();

  function interacted() {
    lastInteraction = Date.now();
  }
  ["pointerdown", "pointermove", "keydown", "wheel", "touchstart"].forEach(function (name) {
    window.addEventListener(name, interacted, { passive: true, capture: true });
  });

  document.addEventListener("htmx:configRequest", function (event) {
    var headers = event.detail.headers;
    if (headers["X-Followup-Poll"] && lastInteraction > lastReported) {
      delete headers["X-Followup-Poll"];
      lastReported = Date.now();
    }
  });

  var body = document.body;
  var url = body && body.dataset.keepAlive;
  if (!url) {
    return; // signed out: nothing to keep
  }
  window.setInterval(function () {
    if (lastInteraction <= lastReported || Date.now() - lastReported < KEEP_ALIVE_MS) {
      return;
    }
    lastReported = Date.now();
    window.fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": body.dataset.csrf || "" },
    }).catch(function () {});
  }, 5000);
})();
