/* The patient page's charts: PHQ-9 and GAD-7 totals over time, each with its severity bands
   shaded and named (CLINICAL.md) and each treatment session marked by a dashed vertical line.

   Chart.js 4 (vendored UMD, no date adapter): the x axis is linear in epoch milliseconds and
   its ticks fall on midnights in the patient's time zone. The data comes from the page's
   json_script; the same numbers are in a table beside each chart, for screen readers, print
   and browsers without JavaScript. For tests: window.followupCharts = {phq9, gad7}, and
   window.followupCharts.sessionMarkers.phq9 is the number of session lines drawn. */
(function () {
  "use strict";

  var source = document.getElementById("patient-chart-data");
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var DAY = 86400000;
  var FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
  var INK = "#1c2530";
  var MUTED = "#4a5663";
  var SESSION = "#0b6468";
  // Light tints, darker as severity rises; the band's name is always written on it too.
  var BAND_FILL = {
    minimal: "rgba(31, 107, 58, 0.07)",
    mild: "rgba(176, 150, 0, 0.09)",
    moderate: "rgba(205, 120, 0, 0.11)",
    moderately_severe: "rgba(190, 70, 30, 0.12)",
    severe: "rgba(164, 22, 26, 0.14)"
  };

  // Dates in the patient's zone ---------------------------------------------------------------
  var zone = data.timezone;
  var dayFormat = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: zone });
  var fullFormat = new Intl.DateTimeFormat("en-GB", {
    weekday: "short", day: "numeric", month: "short", year: "numeric",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: zone, timeZoneName: "short"
  });
  var partsFormat = new Intl.DateTimeFormat("en-US", {
    year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric",
    second: "numeric", hourCycle: "h23", timeZone: zone
  });

  function zoneOffset(t) {
    var p = {};
    partsFormat.formatToParts(new Date(t)).forEach(function (part) { p[part.type] = part.value; });
    var wall = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour % 24, +p.minute, +p.second);
    return wall - Math.floor(t / 1000) * 1000;
  }

  function localMidnight(t) {
    var wall = t + zoneOffset(t);
    var midnight = wall - (((wall % DAY) + DAY) % DAY);
    return midnight - zoneOffset(midnight - zoneOffset(t));
  }

  function dayTicks(min, max, most) {
    var steps = [1, 2, 3, 7, 14, 28, 56, 91, 182, 364];
    var step = steps[steps.length - 1];
    for (var i = 0; i < steps.length; i++) {
      if ((max - min) / (steps[i] * DAY) <= most) { step = steps[i]; break; }
    }
    var ticks = [];
    var t = localMidnight(min);
    while (t <= max && ticks.length < 200) {
      if (t >= min) { ticks.push({ value: t }); }
      // A few hours past the next midnight, then back to it: right across clock changes.
      t = localMidnight(t + step * DAY + 3 * 3600000);
    }
    return ticks;
  }

  // Plugins -----------------------------------------------------------------------------------
  // Where the plotted line and points run, in pixels: band labels keep clear of them.
  function crosses(chart, box) {
    var points = chart.getDatasetMeta(0).data;
    function inside(x, y) {
      return x >= box.left - 5 && x <= box.right + 5 && y >= box.top - 5 && y <= box.bottom + 5;
    }
    for (var i = 0; i < points.length; i++) {
      if (inside(points[i].x, points[i].y)) { return true; }
      if (i === 0) { continue; }
      var a = points[i - 1];
      var b = points[i];
      var steps = Math.ceil(Math.hypot(b.x - a.x, b.y - a.y) / 3);
      for (var k = 1; k < steps; k++) {
        if (inside(a.x + (b.x - a.x) * k / steps, a.y + (b.y - a.y) * k / steps)) { return true; }
      }
    }
    return false;
  }

  var severityBands = {
    id: "severityBands",
    beforeDatasetsDraw: function (chart, args, options) {
      var area = chart.chartArea;
      var y = chart.scales.y;
      var ctx = chart.ctx;
      ctx.save();
      options.bands.forEach(function (band) {
        var top = y.getPixelForValue(Math.min(band.high + 0.5, options.max));
        var bottom = y.getPixelForValue(Math.max(band.low - 0.5, 0));
        ctx.fillStyle = BAND_FILL[band.code] || "rgba(0, 0, 0, 0.04)";
        ctx.fillRect(area.left, top, area.right - area.left, bottom - top);
        ctx.fillStyle = "rgba(28, 37, 48, 0.18)";
        ctx.fillRect(area.left, top, area.right - area.left, 1);
      });
      ctx.restore();
    },
    // Names on top, each where the line leaves room: right, left, then higher or lower in
    // its band; on a light backing so lines behind do not cut through the words.
    afterDatasetsDraw: function (chart, args, options) {
      var area = chart.chartArea;
      var y = chart.scales.y;
      var ctx = chart.ctx;
      var narrow = area.right - area.left < 420;
      ctx.save();
      ctx.font = "600 " + (narrow ? 10 : 11) + "px " + FONT;
      ctx.textBaseline = "middle";
      options.bands.forEach(function (band) {
        var top = y.getPixelForValue(Math.min(band.high + 0.5, options.max));
        var bottom = y.getPixelForValue(Math.max(band.low - 0.5, 0));
        if (bottom - top < 12) { return; }
        var text = narrow ? band.label : band.label + " " + band.low + "\u2013" + band.high;
        var width = ctx.measureText(text).width + 8;
        var middle = (top + bottom) / 2;
        var rows = [middle, top + 8, bottom - 8].filter(function (row, i) {
          return i === 0 || bottom - top >= 30;
        });
        var candidates = [];
        rows.forEach(function (row) {
          candidates.push({ left: area.right - 4 - width, right: area.right - 4, top: row - 7, bottom: row + 7, y: row });
          candidates.push({ left: area.left + 4, right: area.left + 4 + width, top: row - 7, bottom: row + 7, y: row });
        });
        var box = candidates.filter(function (c) { return !crosses(chart, c); })[0] || candidates[0];
        ctx.fillStyle = "rgba(255, 255, 255, 0.8)";
        ctx.fillRect(box.left, box.top, box.right - box.left, box.bottom - box.top);
        ctx.fillStyle = MUTED;
        ctx.textAlign = "left";
        ctx.fillText(text, box.left + 4, box.y);
      });
      ctx.restore();
    }
  };

  var sessionMarkers = {
    id: "sessionMarkers",
    beforeDatasetsDraw: function (chart, args, options) {
      var area = chart.chartArea;
      var x = chart.scales.x;
      var ctx = chart.ctx;
      var drawn = 0;
      var labelled = 0;
      var lastRight = -Infinity;
      ctx.save();
      ctx.font = "700 11px " + FONT;
      ctx.textAlign = "center";
      ctx.textBaseline = "bottom";
      options.sessions.forEach(function (session) {
        var px = x.getPixelForValue(session.x);
        if (px < area.left - 0.5 || px > area.right + 0.5) {
          return;
        }
        ctx.strokeStyle = SESSION;
        ctx.lineWidth = 1.5;
        ctx.setLineDash([5, 4]);
        ctx.beginPath();
        ctx.moveTo(px, area.top);
        ctx.lineTo(px, area.bottom);
        ctx.stroke();
        drawn += 1;
        // Labels above the plot; one too close to the last is left out (its line stays).
        var half = ctx.measureText(session.label).width / 2;
        if (px - half > lastRight + 4) {
          ctx.setLineDash([]);
          ctx.fillStyle = SESSION;
          ctx.fillText(session.label, px, area.top - 3);
          lastRight = px + half;
          labelled += 1;
        }
      });
      chart.$sessionMarkers = drawn;
      chart.$sessionLabels = labelled;
      ctx.restore();
    }
  };

  // Charts ------------------------------------------------------------------------------------
  function xRange() {
    var times = data.sessions.map(function (s) { return s.x; });
    Object.keys(data.instruments).forEach(function (code) {
      data.instruments[code].points.forEach(function (p) { times.push(p.x); });
    });
    if (!times.length) {
      var now = Date.now();
      return { min: now - 14 * DAY, max: now };
    }
    var min = Math.min.apply(null, times);
    var max = Math.max.apply(null, times);
    var pad = Math.max(DAY / 2, (max - min) * 0.04);
    return { min: min - pad, max: max + pad };
  }

  function bandOf(instrument, total) {
    for (var i = 0; i < instrument.bands.length; i++) {
      var band = instrument.bands[i];
      if (total >= band.low && total <= band.high) { return band.label; }
    }
    return "";
  }

  function draw(canvas, instrument, range) {
    var yTicks = instrument.bands.map(function (b) { return b.low; }).concat([instrument.max]);
    return new window.Chart(canvas, {
      type: "line",
      data: {
        datasets: [{
          label: instrument.name + " total",
          data: instrument.points,
          borderColor: INK,
          backgroundColor: INK,
          pointBackgroundColor: "#ffffff",
          pointBorderColor: INK,
          // A prorated total (a few items missing) is a triangle, and its tooltip says so.
          pointStyle: function (context) {
            return context.raw && context.raw.prorated ? "triangle" : "circle";
          },
          pointBorderWidth: 2,
          pointRadius: 4,
          pointHoverRadius: 6,
          borderWidth: 2,
          tension: 0
        }]
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        responsive: true,
        parsing: false,
        layout: { padding: { top: 16, right: 4 } },
        interaction: { mode: "nearest", intersect: false, axis: "x" },
        scales: {
          x: {
            type: "linear",
            min: range.min,
            max: range.max,
            grid: { color: "rgba(28, 37, 48, 0.06)" },
            afterBuildTicks: function (scale) {
              var most = Math.max(2, Math.floor((scale.width || canvas.clientWidth) / 56));
              scale.ticks = dayTicks(scale.min, scale.max, most);
            },
            ticks: {
              color: MUTED,
              maxRotation: 0,
              autoSkip: false,
              callback: function (value) { return dayFormat.format(new Date(value)); }
            }
          },
          y: {
            min: 0,
            max: instrument.max,
            grid: { display: false },
            afterBuildTicks: function (scale) {
              scale.ticks = yTicks.map(function (v) { return { value: v }; });
            },
            ticks: { color: MUTED, precision: 0 },
            title: { display: true, text: "Total", color: MUTED }
          }
        },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              title: function (items) { return items.length ? fullFormat.format(new Date(items[0].parsed.x)) : ""; },
              label: function (item) {
                return instrument.name + " " + item.parsed.y + (item.raw && item.raw.prorated ? " prorated" : "") +
                  " (" + bandOf(instrument, item.parsed.y).toLowerCase() + ")";
              }
            }
          },
          severityBands: { bands: instrument.bands, max: instrument.max },
          sessionMarkers: { sessions: data.sessions }
        }
      },
      plugins: [severityBands, sessionMarkers]
    });
  }

  var range = xRange();
  var charts = {};
  document.querySelectorAll("canvas[data-instrument]").forEach(function (canvas) {
    var code = canvas.getAttribute("data-instrument");
    var instrument = data.instruments[code];
    if (!instrument) {
      return;
    }
    canvas.parentElement.hidden = false;
    charts[code] = draw(canvas, instrument, range);
  });
  var section = document.getElementById("charts");
  if (section && Object.keys(charts).length) {
    section.classList.add("charts--ready");
  }
  var markers = {};
  Object.keys(charts).forEach(function (code) {
    Object.defineProperty(markers, code, {
      enumerable: true,
      get: function () { return charts[code].$sessionMarkers || 0; }
    });
  });
  charts.sessionMarkers = markers;
  window.followupCharts = charts;

  // Print every answer, folded or not, and the charts at the printed width.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (d) { d.open = true; opened.push(d); });
    Object.keys(charts).forEach(function (code) { if (charts[code].resize) { charts[code].resize(); } });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
})();
