// Progressive enhancement for the web check-in. The form works without it; this only shows
// how many questions are answered and moves focus to the error summary when there is one.
(function () {
  "use strict";

  var form = document.getElementById("checkin-form");
  if (!form) {
    return;
  }

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
