/* The queue's clock, run in a Web Worker: Chromium throttles a hidden page's own timers to one
   wake-up a minute after a few minutes in the background, but not a worker's, so a queue left
   in a background tab still refreshes (and sounds) within seconds. */
setInterval(function () {
  postMessage("tick");
}, 3000);
