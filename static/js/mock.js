// Mock interview: shows how long the current answer has run against its target.
// The server keeps the real start and finish times (the page works without this
// script); the clock starts from the server's start time, so a reload resumes it.
(function () {
  "use strict";

  const timer = document.querySelector("[data-mock-timer]");
  if (!timer) return;
  // Both times are the server's: the difference is what has elapsed, whatever the
  // browser's own clock says.
  const started = parseInt(timer.dataset.started, 10) * 1000;
  const skew = Date.now() - parseInt(timer.dataset.now, 10) * 1000;
  const target = parseInt(timer.dataset.target, 10);
  if (![started, skew, target].every(Number.isFinite)) return;

  function format(seconds) {
    return Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
  }

  function render() {
    const elapsed = Math.max(0, Math.floor((Date.now() - skew - started) / 1000));
    const over = elapsed > target;
    timer.textContent =
      format(elapsed) + " of " + format(target) + (over ? " (over time)" : "");
    timer.classList.toggle("is-over", over);
  }

  timer.hidden = false;
  render();
  window.setInterval(render, 1000);
})();
