/* The flag queue, live: htmx polls the rows every 3 s (see queue.html), on the tick of a Web
   Worker's clock (queue-ticker.js) that a background tab does not slow down; this script says
   whether the page is up to date, keeps ages current, and gives a visible and audible cue for a
   new critical flag. Without it the page still works: forms post and come back.

   For tests: window.followupQueue.cues counts cues for new critical flags (never for the flags
   already there when the page loaded), .sounds the tones played for them;
   document.body.dataset.lastCue is the id of the flag that last gave a cue. */
(function () {
  "use strict";

  var root = document.getElementById("queue");
  if (!root) return;

  var STALE_AFTER_MS = 10000; // three missed polls: say so, and keep trying
  var FRESH_FOR_MS = 10 * 60 * 1000; // a new critical row stays highlighted this long at most
  var SOUND_KEY = "followup.queue.sound";

  var rowsBox = document.getElementById("queue-rows");
  var poller = document.getElementById("queue-poller");
  var statusBox = document.getElementById("queue-status");
  var statusText = document.getElementById("queue-status-text");
  var live = document.getElementById("queue-live");
  var staleNotice = document.getElementById("queue-stale");
  var alertBox = document.getElementById("queue-alert");
  var alertText = document.getElementById("queue-alert-text");
  var alertLink = document.getElementById("queue-alert-link");
  var soundBox = document.getElementById("queue-sound");
  var soundButton = document.getElementById("queue-sound-toggle");
  var soundState = document.getElementById("queue-sound-state");

  // The clock of the poll: a worker's, else (no workers) this page's own.
  function tick() {
    if (window.htmx) window.htmx.trigger(poller, "followup:tick");
  }
  try {
    new Worker(root.dataset.ticker).onmessage = tick;
  } catch (error) {
    window.setInterval(tick, 3000);
  }

  var state = {
    cues: 0,
    sounds: 0,
    version: "",
    lastSuccess: Date.now(),
    stale: false,
    seen: new Set(),
    fresh: new Map(), // flag id -> when it arrived
    actions: 0,
    actionStartedAt: 0,
    lastActionAt: 0,
    pollStartedAt: 0,
    open: 0,
  };
  window.followupQueue = state;

  var clock = new Intl.DateTimeFormat("en-GB", {
    timeZone: root.dataset.timezone || undefined,
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  });

  function say(text) {
    live.textContent = "";
    window.setTimeout(function () { live.textContent = text; }, 50);
  }

  // Up to date, or not ----------------------------------------------------------------------

  function timeTag(ms) {
    var time = document.createElement("time");
    time.dateTime = new Date(ms).toISOString();
    time.textContent = clock.format(new Date(ms));
    return time;
  }

  function markUpdated() {
    state.lastSuccess = Date.now();
    statusText.replaceChildren("Updated ", timeTag(state.lastSuccess));
    if (state.stale) {
      state.stale = false;
      statusBox.classList.remove("queue-status--stale");
      staleNotice.hidden = true;
      showTitle();
      say("The flag list is updating again.");
    }
  }

  function markStale() {
    var words = document.createElement("strong");
    words.append("Not updating – last updated ", timeTag(state.lastSuccess));
    statusText.replaceChildren(words, ". Retrying…");
    if (!state.stale) {
      state.stale = true;
      statusBox.classList.add("queue-status--stale");
      staleNotice.hidden = false;
      showTitle();
      say("Warning: the flag list is not updating. Retrying.");
    }
  }

  // A count only, never patient data; and a stale page says so even from a background tab.
  function showTitle() {
    document.title = (state.stale ? "Not updating – " : "") +
      (state.open ? "(" + state.open + ") " : "") + root.dataset.title;
  }

  window.setInterval(function () {
    if (Date.now() - state.lastSuccess > STALE_AFTER_MS) markStale();
  }, 2000);

  // Ages, as the server writes them ("4 min", "2 h 5 min", "3 d 2 h") -----------------------

  function ageText(ms) {
    var minutes = Math.max(Math.floor(ms / 60000), 0);
    if (minutes < 1) return "under 1 min";
    if (minutes < 60) return minutes + " min";
    var hours = Math.floor(minutes / 60);
    minutes = minutes % 60;
    if (hours < 24) return minutes ? hours + " h " + minutes + " min" : hours + " h";
    var days = Math.floor(hours / 24);
    hours = hours % 24;
    return hours ? days + " d " + hours + " h" : days + " d";
  }

  function refreshAges() {
    rowsBox.querySelectorAll("time[data-age]").forEach(function (time) {
      var at = Date.parse(time.dateTime);
      if (!isNaN(at)) time.textContent = ageText(Date.now() - at);
    });
  }
  window.setInterval(refreshAges, 15000);

  // Sound: Web Audio, off until a person turns it on (browsers need a gesture first) -------

  var audio = null;

  function soundWanted() {
    try { return window.localStorage.getItem(SOUND_KEY) === "on"; } catch (e) { return false; }
  }

  function audioContext() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return null;
    if (!audio) audio = new Context();
    if (audio.state === "suspended") audio.resume().then(showSound, showSound);
    return audio;
  }

  function showSound() {
    var on = soundWanted();
    soundButton.setAttribute("aria-pressed", on ? "true" : "false");
    if (!on) soundState.textContent = "Sound is off.";
    else if (!audio || audio.state === "running") soundState.textContent = "Sound is on.";
    else soundState.textContent = "Sound is on, but the browser holds it until you click or press a key on this page.";
  }

  function tone() {
    var context = audioContext();
    if (!context) return false;
    var start = context.currentTime + 0.05;
    [880, 660, 880, 660].forEach(function (frequency, i) {
      var oscillator = context.createOscillator();
      var gain = context.createGain();
      var at = start + i * 0.22;
      oscillator.type = "sine";
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.35, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.18);
      oscillator.connect(gain);
      gain.connect(context.destination);
      oscillator.start(at);
      oscillator.stop(at + 0.2);
    });
    return true;
  }

  soundBox.hidden = false;
  if (!window.AudioContext && !window.webkitAudioContext) {
    soundButton.disabled = true;
    soundState.textContent = "This browser cannot play the alert sound.";
  } else {
    if (soundWanted()) audioContext();
    showSound();
  }
  soundButton.addEventListener("click", function () {
    var on = !soundWanted();
    try { window.localStorage.setItem(SOUND_KEY, on ? "on" : "off"); } catch (e) { /* private mode */ }
    if (on) tone(); // a sample, so the volume can be checked now rather than in a crisis
    showSound();
  });
  // A remembered "on" needs one gesture on the page before the browser lets it play.
  ["pointerdown", "keydown"].forEach(function (type) {
    document.addEventListener(type, function () {
      if (soundWanted() && audio && audio.state === "suspended") audio.resume().then(showSound, showSound);
    });
  });

  // New critical flags ----------------------------------------------------------------------

  function cueKeys() {
    var keys = [];
    rowsBox.querySelectorAll("tr[data-cue]").forEach(function (row) {
      keys.push({ key: row.dataset.cue, row: row });
    });
    return keys;
  }

  // The flags the alert names: once none of them is open and critical any more (acknowledged
  // here, by phone or by a colleague), the alert goes; it never outlives what it announces.
  var alerted = [];

  function alertSettled() {
    return alerted.length && alerted.every(function (id) {
      var row = document.getElementById("flag-row-" + id);
      return !row || !row.dataset.cue;
    });
  }

  function cue(rows) {
    var first = rows[0];
    state.cues += 1;
    document.body.dataset.lastCue = first.dataset.flagId;
    alertText.textContent = rows.length === 1
      ? "New critical flag: " + first.dataset.reason + " (flag " + first.dataset.code + ")."
      : rows.length + " new critical flags.";
    alertLink.href = first.querySelector("td a").getAttribute("href");
    alerted = rows.map(function (row) { return row.dataset.flagId; });
    alertBox.hidden = false;
    if (soundWanted() && tone()) state.sounds += 1;
  }

  function afterRows() {
    var data = document.getElementById("queue-data");
    if (data) {
      state.version = data.dataset.version;
      state.open = parseInt(data.dataset.open, 10) || 0;
      showTitle();
    }
    var arrived = [];
    cueKeys().forEach(function (item) {
      if (!state.seen.has(item.key)) {
        state.seen.add(item.key);
        state.fresh.set(item.row.dataset.flagId, Date.now());
        arrived.push(item.row);
      }
    });
    var now = Date.now();
    state.fresh.forEach(function (since, id) {
      var row = document.getElementById("flag-row-" + id);
      if (!row || !row.dataset.cue || now - since > FRESH_FOR_MS) state.fresh.delete(id);
      else row.classList.add("flag--new");
    });
    if (arrived.length) cue(arrived);
    else if (!alertBox.hidden && alertSettled()) alertBox.hidden = true;
    refreshAges();
  }

  document.getElementById("queue-alert-dismiss").addEventListener("click", function () {
    alertBox.hidden = true;
    state.fresh.clear();
    rowsBox.querySelectorAll("tr.flag--new").forEach(function (row) { row.classList.remove("flag--new"); });
  });

  // The poll and the forms, through htmx's events --------------------------------------------

  // htmx names the requesting element in the detail of most events, but in beforeSwap's only
  // in its requestConfig (detail.elt is then the target).
  function isPoll(event) {
    var config = event.detail.requestConfig;
    return (config && config.elt ? config.elt : event.detail.elt) === poller;
  }
  // An action's form may be swapped out before htmx reports the end of its request (htmx then
  // reports it on another element), so actions are followed by their request, not their form.
  var actions = new Map(); // XMLHttpRequest -> its form

  // The rows shown, with their versions: a changed poll then sends only the rows that changed.
  function shownRows() {
    var pairs = [];
    rowsBox.querySelectorAll("tr[data-row-version]").forEach(function (row) {
      pairs.push(row.dataset.flagId + ":" + row.dataset.rowVersion);
    });
    return pairs.join(",");
  }

  document.body.addEventListener("htmx:configRequest", function (event) {
    if (!isPoll(event) || !state.version) return;
    event.detail.headers["X-Followup-Queue-Version"] = state.version;
    var shown = shownRows();
    if (shown) event.detail.headers["X-Followup-Queue-Rows"] = shown;
  });

  // Merges a changed poll's answer that carries only the new and changed rows: those replace
  // or join the rows shown (a resolve note being typed in a replaced row moves into its new
  // row, as hx-preserve does), rows no longer listed go, and all take the server's order.
  // False when the answer does not fit the rows shown: the next poll then asks for them all.
  function mergeRows(html) {
    var incoming = document.createElement("template");
    incoming.innerHTML = html;
    var data = incoming.content.querySelector("#queue-data");
    var current = document.getElementById("queue-data");
    var body = current && current.querySelector("tbody");
    if (!data || !body || data.dataset.order === undefined) return false;
    var sent = new Map();
    data.querySelectorAll("tbody > tr").forEach(function (row) { sent.set(row.id, row); });
    var order = data.dataset.order ? data.dataset.order.split(",") : [];
    var rows = [];
    for (var i = 0; i < order.length; i++) {
      var id = "flag-row-" + order[i];
      var row = sent.get(id) || document.getElementById(id);
      if (!row) return false;
      rows.push(row);
    }
    var focused = document.activeElement;
    var selection = focused && "selectionStart" in focused
      ? [focused.selectionStart, focused.selectionEnd] : null;
    rows.forEach(function (row, index) {
      var old = document.getElementById(row.id);
      if (old && old !== row) {
        row.querySelectorAll("[hx-preserve][id]").forEach(function (fresh) {
          var kept = old.querySelector("#" + CSS.escape(fresh.id));
          if (kept) fresh.replaceWith(kept);
        });
        old.remove();
      }
      if (body.children[index] !== row) body.insertBefore(row, body.children[index] || null);
      if (old !== row && window.htmx) window.htmx.process(row);
    });
    while (body.children.length > rows.length) body.lastElementChild.remove();
    ["queue-summary", "queue-more"].forEach(function (id) {
      var fresh = data.querySelector("#" + id);
      var shown = document.getElementById(id);
      if (fresh && shown) shown.replaceWith(fresh);
    });
    ["version", "open", "total"].forEach(function (key) { current.dataset[key] = data.dataset[key]; });
    if (focused && focused.isConnected && document.activeElement !== focused) {
      focused.focus();
      if (selection) focused.setSelectionRange(selection[0], selection[1]);
    }
    return true;
  }

  document.body.addEventListener("htmx:beforeRequest", function (event) {
    if (isPoll(event)) {
      // An acknowledge or resolve in flight brings fresh rows itself (for 20 s at most).
      if (actions.size > 0 && Date.now() - state.actionStartedAt < 20000) event.preventDefault();
      else state.pollStartedAt = Date.now();
      return;
    }
    var elt = event.detail.elt;
    var form = elt && elt.closest ? elt.closest("form[data-flag-action]") : null;
    if (!form) return;
    actions.set(event.detail.xhr, form);
    state.actions = actions.size;
    state.actionStartedAt = Date.now();
    form.querySelectorAll("[data-form-error]").forEach(function (slot) { slot.hidden = true; slot.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach(function (field) { field.removeAttribute("aria-invalid"); });
  });

  document.body.addEventListener("htmx:beforeSwap", function (event) {
    if (!isPoll(event)) return;
    // A poll that left before an action finished carries the rows as they were before it.
    if (state.pollStartedAt < state.lastActionAt) {
      event.detail.shouldSwap = false;
      return;
    }
    if (event.detail.xhr.getResponseHeader("X-Followup-Queue-Delta") === "1") {
      event.detail.shouldSwap = false;
      if (mergeRows(event.detail.serverResponse)) afterRows();
      else state.version = "";
    }
  });

  function showError(form, xhr) {
    var plain = xhr && /text\/plain/.test(xhr.getResponseHeader("Content-Type") || "");
    var message = plain && xhr.responseText
      ? xhr.responseText
      : xhr && xhr.status
        ? "That did not work (error " + xhr.status + "). Reload the page and try again."
        : "The server could not be reached. Check the connection and try again.";
    var slot = form.querySelector("[data-form-error]");
    slot.textContent = "⚠ " + message;
    slot.hidden = false;
    slot.setAttribute("role", "alert");
    var note = form.querySelector("textarea");
    if (note) {
      note.setAttribute("aria-invalid", "true");
      note.focus();
    }
  }

  document.body.addEventListener("htmx:afterRequest", function (event) {
    if (isPoll(event)) {
      if (event.detail.successful) markUpdated();
      else markStale();
      return;
    }
    var xhr = event.detail.xhr;
    var form = actions.get(xhr);
    if (!form) return;
    actions.delete(xhr);
    state.actions = actions.size;
    state.lastActionAt = Date.now();
    if (!event.detail.successful) showError(form, xhr);
  });

  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target === rowsBox) afterRows();
  });

  // The flags already there when the page loaded give no cue.
  cueKeys().forEach(function (item) { state.seen.add(item.key); });
  afterRows();
  markUpdated();
})();
