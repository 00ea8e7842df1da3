/* Shared by every dashboard page.
   Idle sign-out: the server signs a browser out after a spell without activity, and the
   automatic refreshes (header X-Followup-Poll) do not count as activity. A person at the screen
   who moves the pointer, scrolls or types is active, though: the next refresh after such an
   interaction goes without the header, so it keeps the session. */
(function () {
  "use strict";
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
})();
