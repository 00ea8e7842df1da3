// Progressive enhancement for the web check-in. The form works without it; this shows how
// many questions are answered, moves focus to the error summary when there is one, and saves
// each answer as it is chosen, so an answer that needs a clinician (PHQ-9 item 9) reaches them
// even if the form is never sent, and the crisis box shows at once.
(function () {
  "use strict";

  var form = document.getElementById("checkin-form");
  if (!form) {
    return;
  }

  // Saving as you go: the form itself, CSRF token included, posted to the page's own address
  // with "autosave" set; the server keeps the answers as partial ones and never submits them.
  // One request at a time, each carrying every answer chosen so far, so the last one wins.
  var saving = false;
  var again = false;
  var sending = false;
  var afterSave = null;

  // The server's crisis box, shown under PHQ-9 item 9 where the patient just answered, and
  // announced to screen readers.
  function showCrisis(html) {
    if (document.querySelector(".crisis")) {
      return;
    }
    var holder = document.createElement("template");
    holder.innerHTML = html;
    var box = holder.content.querySelector(".crisis");
    if (!box) {
      return;
    }
    box.setAttribute("role", "alert");
    var anchor = document.getElementById("q-phq9_9");
    if (anchor) {
      anchor.parentNode.insertBefore(box, anchor.nextSibling);
    } else {
      form.parentNode.insertBefore(box, form);
    }
  }

  function save() {
    if (sending) {
      return;
    }
    if (saving) {
      again = true;
      return;
    }
    saving = true;
    var data = new FormData(form);
    data.append("autosave", "1");
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (result) {
        if (result && result.crisis && result.crisis_html) {
          showCrisis(result.crisis_html);
        }
      })
      .catch(function () {
        // Offline or the link closed: the Send button still sends every answer.
      })
      .then(function () {
        saving = false;
        if (afterSave) {
          afterSave();
        } else if (again) {
          again = false;
          save();
        }
      });
  }

  // Send waits for a save under way (at most 3 s), so the two never cross: a save arriving
  // after the form was sent would find the link used up.
  form.addEventListener("submit", function (event) {
    sending = true;
    if (!saving) {
      return;
    }
    event.preventDefault();
    var sent = false;
    afterSave = function () {
      if (!sent) {
        sent = true;
        form.submit();
      }
    };
    window.setTimeout(afterSave, 3000);
  });

  form.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.type === "radio" && window.fetch && window.FormData) {
      save();
    }
  });

  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }

  var progress = document.getElementById("progress");
  var questions = form.querySelectorAll("fieldset[data-required]");
  if (!progress || !questions.length) {
    return;
  }

  function update() {
    var answered = 0;
    for (var i = 0; i < questions.length; i++) {
      if (questions[i].querySelector("input[type=radio]:checked")) {
        answered++;
      }
    }
    var left = questions.length - answered;
    progress.textContent =
      answered + " of " + questions.length + " answered" +
      (left === 0 ? ". Ready to send." : "");
  }

  progress.hidden = false;
  update();
  form.addEventListener("change", update);
})();
