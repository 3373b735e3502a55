// Practice mode: a countdown timer for one spoken answer.
// Without this script the page still works: the stories and the rating form show
// from the start. With it, they stay hidden while the clock runs (only the question
// shows), and appear when time is up or the user says they are done.
(function () {
  "use strict";

  const root = document.querySelector("[data-practice]");
  if (!root) return;
  const timer = root.querySelector("[data-timer]");
  const display = root.querySelector("[data-timer-display]");
  const status = root.querySelector("[data-timer-status]");
  const toggle = root.querySelector("[data-timer-toggle]");
  const reset = root.querySelector("[data-timer-reset]");
  const done = root.querySelector("[data-timer-done]");
  const limitInput = root.querySelector("[data-timer-seconds]");
  const after = root.querySelector("[data-practice-after]");
  const spoken = root.querySelector("[data-spoken-seconds]");
  // Set by the recorder (recorder.js) when a recording is kept: its real length
  // then stands, whatever the clock says.
  const recording = root.querySelector("[data-recording-field]");

  let limit = readLimit();
  let elapsed = 0; // seconds, fractional
  let startedAt = null; // Date.now() minus what had elapsed, while running
  let ticker = null;

  function readLimit() {
    const value = parseInt(limitInput.value, 10);
    return Number.isFinite(value) && value > 0 ? Math.min(value, 900) : 120;
  }

  function format(seconds) {
    const whole = Math.max(0, Math.ceil(seconds));
    return Math.floor(whole / 60) + ":" + String(whole % 60).padStart(2, "0");
  }

  function render() {
    display.textContent = format(limit - elapsed);
    toggle.textContent = ticker ? "Pause" : elapsed > 0 ? "Resume" : "Start";
    root.classList.toggle("is-running", Boolean(ticker));
  }

  function announce(message) {
    status.textContent = message;
  }

  function tick() {
    elapsed = (Date.now() - startedAt) / 1000;
    if (elapsed >= limit) {
      elapsed = limit;
      finish("Time is up.");
      return;
    }
    render();
  }

  function start() {
    if (ticker) return;
    if (elapsed >= limit) elapsed = 0;
    after.hidden = true;
    startedAt = Date.now() - elapsed * 1000;
    ticker = window.setInterval(tick, 200);
    limitInput.disabled = true;
    render();
    announce("Timer started: " + format(limit - elapsed) + " left.");
  }

  function stop() {
    if (ticker) window.clearInterval(ticker);
    ticker = null;
    limitInput.disabled = false;
  }

  function pause() {
    if (!ticker) return;
    tick();
    stop();
    render();
    announce("Paused with " + format(limit - elapsed) + " left.");
  }

  function finish(message) {
    stop();
    render();
    if (!recording || !recording.value) spoken.value = String(Math.round(elapsed));
    after.hidden = false;
    announce(message + " Rate this round below.");
    after.focus();
  }

  function resetTimer() {
    stop();
    elapsed = 0;
    limit = readLimit();
    after.hidden = true;
    render();
    announce("Timer reset to " + format(limit) + ".");
  }

  toggle.addEventListener("click", function () {
    if (ticker) pause();
    else start();
  });
  reset.addEventListener("click", resetTimer);
  done.addEventListener("click", function () {
    if (ticker) tick();
    finish("Done.");
  });
  limitInput.addEventListener("change", function () {
    if (!ticker) resetTimer();
  });

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    // Typing in a field is typing; Space on a button or link is its own click.
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    const key = event.key.toLowerCase();
    if (key === " " && event.target.closest("button, a, summary")) return;
    if (key === " " || key === "k") {
      event.preventDefault();
      if (ticker) pause();
      else start();
    } else if (key === "r") {
      resetTimer();
    } else if (key === "d") {
      if (ticker) tick();
      finish("Done.");
    }
  });

  // Before the first start only the question and the clock show.
  timer.hidden = false;
  after.hidden = true;
  render();
})();
