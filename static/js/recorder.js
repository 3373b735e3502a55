// Record a spoken answer with the microphone, play it back, keep or discard it.
// Without this script the recorder says it needs JavaScript; without a microphone
// (or permission, or MediaRecorder) it says which, and the rest of the page works.
// A kept recording's real length replaces the timer's in [data-spoken-seconds].
(function () {
  "use strict";

  const root = document.querySelector("[data-recorder]");
  if (!root) return;
  const why = root.querySelector("[data-recorder-why]");
  const controls = root.querySelector("[data-recorder-controls]");
  const recordButton = root.querySelector("[data-recorder-record]");
  const stopButton = root.querySelector("[data-recorder-stop]");
  const clock = root.querySelector("[data-recorder-clock]");
  const take = root.querySelector("[data-recorder-take]");
  const preview = root.querySelector("[data-recorder-preview]");
  const keepButton = root.querySelector("[data-recorder-keep]");
  const discardButton = root.querySelector("[data-recorder-discard]");
  const status = root.querySelector("[data-recorder-status]");
  const form = root.querySelector("[data-recorder-form]");
  const list = root.querySelector("[data-recorder-list]");

  const MAX_SECONDS = 600;
  // Voice needs little: 32 kbit/s keeps ten minutes near 2.4 MB.
  const BITS_PER_SECOND = 32000;
  const TYPES = ["audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus", "audio/mp4"];

  let recorder = null;
  let stream = null;
  let chunks = [];
  let startedAt = 0;
  let seconds = 0;
  let ticker = null;
  let blob = null;
  let previewUrl = null;

  function unavailable(message) {
    controls.hidden = true;
    why.textContent = message;
    why.hidden = false;
  }

  function say(message) {
    status.textContent = message;
  }

  function format(value) {
    const whole = Math.floor(value);
    return Math.floor(whole / 60) + ":" + String(whole % 60).padStart(2, "0");
  }

  function supportedType() {
    if (typeof MediaRecorder.isTypeSupported !== "function") return "";
    return TYPES.find((type) => MediaRecorder.isTypeSupported(type)) || "";
  }

  function releaseMicrophone() {
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
  }

  function clearTake() {
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    previewUrl = null;
    blob = null;
    preview.removeAttribute("src");
    take.hidden = true;
  }

  async function start() {
    clearTake();
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (error) {
      if (error.name === "NotAllowedError" || error.name === "SecurityError") {
        unavailable("Recording is off: the browser was not allowed to use the microphone. Allow it in the site's settings and reload to record.");
      } else if (error.name === "NotFoundError") {
        unavailable("Recording is off: no microphone was found.");
      } else {
        unavailable("Recording is off: the microphone could not be opened.");
      }
      return;
    }
    const type = supportedType();
    const options = { audioBitsPerSecond: BITS_PER_SECOND };
    if (type) options.mimeType = type;
    try {
      recorder = new MediaRecorder(stream, options);
    } catch (error) {
      releaseMicrophone();
      unavailable("Recording is off: this browser cannot record audio.");
      return;
    }
    chunks = [];
    recorder.addEventListener("dataavailable", (event) => {
      if (event.data.size) chunks.push(event.data);
    });
    recorder.addEventListener("stop", finished);
    recorder.start(1000);
    startedAt = performance.now();
    seconds = 0;
    ticker = window.setInterval(tick, 250);
    recordButton.hidden = true;
    stopButton.hidden = false;
    stopButton.focus();
    root.classList.add("is-recording");
    say("Recording. Press Stop recording when you are done.");
  }

  function tick() {
    seconds = (performance.now() - startedAt) / 1000;
    clock.textContent = format(seconds);
    if (seconds >= MAX_SECONDS) stop();
  }

  function stop() {
    if (!recorder || recorder.state === "inactive") return;
    seconds = Math.min(MAX_SECONDS, (performance.now() - startedAt) / 1000);
    window.clearInterval(ticker);
    ticker = null;
    recorder.stop();
  }

  function finished() {
    releaseMicrophone();
    root.classList.remove("is-recording");
    stopButton.hidden = true;
    recordButton.hidden = false;
    recordButton.textContent = "Record again";
    clock.textContent = format(seconds);
    blob = new Blob(chunks, { type: recorder.mimeType || "audio/webm" });
    recorder = null;
    previewUrl = URL.createObjectURL(blob);
    preview.src = previewUrl;
    take.hidden = false;
    keepButton.disabled = false;
    keepButton.focus();
    say("Recorded " + format(seconds) + ". Play it back, then keep it or discard it.");
  }

  async function keep() {
    if (!blob) return;
    keepButton.disabled = true;
    say("Keeping the recording…");
    const data = new FormData(form);
    const extension = blob.type.includes("ogg") ? "ogg" : blob.type.includes("mp4") ? "m4a" : "webm";
    data.append("duration_seconds", seconds.toFixed(2));
    data.append("file", blob, "answer." + extension);
    let response;
    try {
      response = await fetch(root.dataset.uploadUrl, {
        method: "POST",
        body: data,
        headers: { "HX-Request": "true" },
        credentials: "same-origin",
      });
    } catch (error) {
      keepButton.disabled = false;
      say("Not kept: the server could not be reached. Try again.");
      return;
    }
    const html = await response.text();
    if (response.status !== 201) {
      keepButton.disabled = false;
      const page = new DOMParser().parseFromString(html, "text/html");
      const refusal = page.querySelector("[role=alert]");
      say(refusal ? refusal.textContent : "Not kept: the server refused it (" + response.status + ").");
      return;
    }
    const item = new DOMParser().parseFromString(html, "text/html").querySelector("[data-recording]");
    list.prepend(item);
    if (window.htmx) window.htmx.process(item);
    clearTake();
    recordButton.textContent = "Record";
    spoke(item.dataset.recording, item.dataset.seconds);
    say("Kept: " + item.dataset.seconds + " seconds. It is in the list below.");
  }

  // The real length replaces the timer's estimate, and the round is logged with it.
  function spoke(id, value) {
    const field = document.querySelector("[data-recording-field]");
    if (field) field.value = id;
    const spoken = document.querySelector("[data-spoken-seconds]");
    if (spoken && value !== undefined) spoken.value = value;
  }

  function discard() {
    clearTake();
    recordButton.textContent = "Record";
    recordButton.focus();
    say("Discarded.");
  }

  document.body.addEventListener("recordingDeleted", (event) => {
    const field = document.querySelector("[data-recording-field]");
    if (field && String(field.value) === String(event.detail.id)) field.value = "";
    say("Recording deleted.");
  });

  if (!window.isSecureContext) {
    unavailable("Recording is off: the browser allows the microphone only over a secure (HTTPS) connection.");
    return;
  }
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    unavailable("Recording is off: this browser gives no access to a microphone.");
    return;
  }
  if (typeof window.MediaRecorder !== "function") {
    unavailable("Recording is off: this browser cannot record audio (no MediaRecorder).");
    return;
  }
  recordButton.addEventListener("click", start);
  stopButton.addEventListener("click", stop);
  keepButton.addEventListener("click", keep);
  discardButton.addEventListener("click", discard);
  why.hidden = true;
  controls.hidden = false;
})();
