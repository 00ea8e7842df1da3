/* Shared by every dashboard page.
   Idle sign-out: the server signs a browser out after a spell without activity, and the
   automatic refreshes (header X-Followup-Poll) do not count as activity. A person at the screen
   who moves the pointer, scrolls or types is active, though: the next refresh after such an
   interaction goes without the header, and on pages that do not refresh themselves (a long
   note being typed) a keep-alive is posted at most once a minute.
   Before the server signs an untouched screen out, a notice offers to stay signed in; once it
   has, the page reloads, so the sign-in page replaces any patient data left on the screen. */
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
  var idleMs = Number(body.dataset.idleSeconds || 0) * 1000;
  var WARN_BEFORE_MS = 90 * 1000; // the server notes activity at most every 30 s: warn early
  var notice = null;

  function keepAlive() {
    lastReported = Date.now();
    hideNotice();
    window.fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": body.dataset.csrf || "" },
    }).catch(function () {});
  }

  function showNotice() {
    if (notice) return;
    notice = document.createElement("div");
    notice.className = "idle-notice";
    notice.setAttribute("role", "alertdialog");
    notice.setAttribute("aria-label", "About to sign out");
    var text = document.createElement("p");
    text.textContent = "You will be signed out soon: nobody has used this screen for a while.";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn--primary";
    button.textContent = "Stay signed in";
    button.addEventListener("click", keepAlive);
    notice.appendChild(text);
    notice.appendChild(button);
    body.appendChild(notice);
  }

  function hideNotice() {
    if (notice) notice.remove();
    notice = null;
  }

  window.setInterval(function () {
    var now = Date.now();
    if (lastInteraction > lastReported && now - lastReported >= KEEP_ALIVE_MS) {
      keepAlive();
      return;
    }
    if (!idleMs) return;
    var idle = now - lastReported;
    if (idle >= idleMs + 2000) {
      window.location.reload(); // the server has signed out: show its sign-in page instead
    } else if (idle >= idleMs - WARN_BEFORE_MS) {
      showNotice();
    }
  }, 5000);
})();
