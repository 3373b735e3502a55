// The story editor: autosave on a short debounce, with the version each save is
// based on; a stale save (409) shows the conflict view instead of overwriting.
// Without this script the page is a plain form that posts and redirects.
(function () {
  "use strict";

  const form = document.getElementById("story-form");
  if (!form) return;

  const DEBOUNCE_MS = 1000;
  const MAX_RETRY_MS = 30000;
  const url = form.dataset.autosaveUrl; // absent on the new-story page
  const statusEl = document.getElementById("save-status");
  const versionInput = form.elements.namedItem("version");

  const dirty = new Set(); // fields changed since their last successful save
  const invalid = new Set(); // fields the server refused, until edited again
  let timer = null;
  let busy = false; // a save (autosave or an htmx section save) is in flight
  let paused = false; // a conflict is shown: nothing saves until it is resolved
  let retryDelay = 0;
  let submitting = false;
  let applying = false; // setting values ourselves: not the user's typing
  let waiters = [];

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers"))["x-csrftoken"];
    } catch (_) {
      return form.elements.namedItem("csrfmiddlewaretoken").value;
    }
  }

  function clock() {
    const d = new Date();
    return [d.getHours(), d.getMinutes(), d.getSeconds()]
      .map((n) => String(n).padStart(2, "0"))
      .join(":");
  }

  function setStatus(text, state) {
    if (!statusEl) return;
    statusEl.textContent = text;
    statusEl.dataset.state = state;
  }

  function field(name) {
    return form.elements.namedItem(name);
  }

  function autosaveFields() {
    return Array.from(form.querySelectorAll("[data-autosave]"));
  }

  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(save, delay);
  }

  function whenIdle() {
    return new Promise((resolve) => {
      if (busy) waiters.push(resolve);
      else resolve();
    });
  }

  function done() {
    busy = false;
    const ready = waiters;
    waiters = [];
    ready.forEach((resolve) => resolve());
  }

  function showErrors(errors) {
    for (const [name, messages] of Object.entries(errors)) {
      const box = document.getElementById("errors-" + name);
      const el = field(name);
      if (box) {
        box.replaceChildren(
          ...messages.map((message) => {
            const p = document.createElement("p");
            p.className = "error";
            p.textContent = message;
            return p;
          }),
        );
      }
      if (el && el.setAttribute) {
        el.setAttribute("aria-invalid", "true");
        const wrapper = el.closest(".field, .story-section");
        if (wrapper) wrapper.classList.add("field-invalid");
      }
    }
  }

  function clearErrors(name) {
    const box = document.getElementById("errors-" + name);
    const el = field(name);
    if (box) box.replaceChildren();
    if (el && el.removeAttribute) {
      el.removeAttribute("aria-invalid");
      const wrapper = el.closest(".field, .story-section");
      if (wrapper) wrapper.classList.remove("field-invalid");
    }
  }

  function retry(reason) {
    retryDelay = Math.min(retryDelay ? retryDelay * 2 : 1000, MAX_RETRY_MS);
    setStatus(
      `Not saved — retrying in ${Math.round(retryDelay / 1000)} s (${reason}).`,
      "retrying",
    );
    schedule(retryDelay);
  }

  async function save() {
    clearTimeout(timer);
    timer = null;
    const names = Array.from(dirty).filter((name) => !invalid.has(name));
    if (!url || paused || busy || names.length === 0) return;
    busy = true;
    const sent = {};
    const body = new FormData();
    body.append("version", versionInput.value);
    for (const name of names) {
      sent[name] = field(name).value;
      body.append(name, sent[name]);
    }
    setStatus("Saving…", "saving");
    try {
      let response;
      try {
        response = await fetch(url, {
          method: "POST",
          body,
          headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
          credentials: "same-origin",
        });
      } catch (_) {
        retry("the server cannot be reached");
        return;
      }
      await handle(response, sent);
    } finally {
      done();
    }
  }

  async function handle(response, sent) {
    if (response.ok) {
      const data = await response.json();
      versionInput.value = data.version;
      for (const [name, value] of Object.entries(sent)) {
        if (field(name).value === value) dirty.delete(name);
        clearErrors(name);
      }
      retryDelay = 0;
      document.body.dispatchEvent(new CustomEvent("storyChanged", { bubbles: true }));
      if (dirty.size) {
        setStatus("Unsaved changes…", "dirty");
        schedule(DEBOUNCE_MS);
      } else {
        setStatus(`Saved at ${clock()}`, "saved");
      }
    } else if (response.status === 409) {
      showConflict(await response.text(), true);
    } else if (response.status === 400 || response.status === 422) {
      const data = await response.json().catch(() => ({ errors: {} }));
      const errors = data.errors || {};
      Object.keys(errors).forEach((name) => invalid.add(name));
      showErrors(errors);
      setStatus("Not saved — fix the problem marked below.", "error");
      // The other changes were valid: save them without the refused field.
      if (Array.from(dirty).some((name) => !invalid.has(name))) schedule(0);
    } else if (response.status >= 500) {
      retry(`the server answered ${response.status}`);
    } else {
      setStatus(
        `Not saved — the server refused the save (${response.status}). ` +
          "Copy your text somewhere safe, then reload the page.",
        "error",
      );
    }
  }

  function markDirty(name) {
    dirty.add(name);
    invalid.delete(name);
    if (!url) return;
    if (paused) {
      setStatus("Not saved — resolve the conflict above first.", "conflict");
      return;
    }
    setStatus("Unsaved changes…", "dirty");
    schedule(retryDelay || DEBOUNCE_MS);
  }

  function setValue(el, value) {
    if (el.value === value) return;
    el.value = value;
    applying = true;
    try {
      // Let htmx refresh the live preview of this field.
      el.dispatchEvent(new Event("input", { bubbles: true }));
    } finally {
      applying = false;
    }
  }

  form.addEventListener("input", (event) => {
    if (applying || !event.target.matches("[data-autosave]")) return;
    markDirty(event.target.name);
  });

  // The plain Save button: let any save in flight finish first, so the version the
  // form carries is the latest one this page knows.
  form.addEventListener("submit", (event) => {
    submitting = true;
    if (!url || (!busy && !timer)) return;
    event.preventDefault();
    clearTimeout(timer);
    timer = null;
    whenIdle().then(() => form.submit());
  });

  window.addEventListener("beforeunload", (event) => {
    if (submitting || (dirty.size === 0 && !busy)) return;
    event.preventDefault();
    event.returnValue = "";
  });

  // ---- The conflict view -------------------------------------------------------

  function savedValues(section) {
    const values = {};
    section.querySelectorAll("[data-saved-field]").forEach((pre) => {
      values[pre.dataset.savedField] = pre.textContent;
    });
    return values;
  }

  function showConflict(html, fromAutosave) {
    const slot = document.getElementById("conflict-slot");
    slot.innerHTML = html; // our own server's fragment, user text escaped
    const section = slot.querySelector("#conflict");
    if (section) wireConflict(section, fromAutosave);
  }

  function wireConflict(section, mergeUntouched) {
    paused = true;
    clearTimeout(timer);
    timer = null;
    const version = section.dataset.version;
    const saved = savedValues(section);
    // Fields the user has not touched since they were saved take the newer text;
    // everything else is the user's, kept in the form until they choose.
    if (mergeUntouched) {
      for (const el of autosaveFields()) {
        if (!dirty.has(el.name) && el.name in saved) setValue(el, saved[el.name]);
      }
    }
    for (const el of autosaveFields()) {
      if (el.name in saved && el.value !== saved[el.name]) dirty.add(el.name);
    }

    function resolve() {
      versionInput.value = version;
      paused = false;
      section.remove();
      if (dirty.size) {
        save();
      } else {
        setStatus(`Up to date with version ${version}.`, "saved");
      }
    }

    if (section.dataset.differences === "0") {
      resolve();
      return;
    }
    section.querySelectorAll("[data-use-saved]").forEach((button) => {
      button.hidden = false;
      button.addEventListener("click", () => {
        const name = button.dataset.useSaved;
        setValue(field(name), saved[name]);
        button.textContent = "Saved text copied into the form";
        button.disabled = true;
      });
    });
    const resolveButton = section.querySelector("[data-resolve]");
    resolveButton.hidden = false;
    resolveButton.addEventListener("click", () => {
      resolve();
      versionInput.form.querySelector("[data-autosave]").focus();
    });
    setStatus(
      "Not saved — this story was changed elsewhere. Compare and merge above.",
      "conflict",
    );
  }

  // ---- In-place section saves (htmx) share the version and the queue ----------

  let sectionSent = null;

  document.body.addEventListener("htmx:confirm", (event) => {
    const elt = event.detail.elt;
    if (!elt.matches || !elt.matches("[data-section-save]")) return;
    event.preventDefault();
    if (paused) {
      setStatus("Not saved — resolve the conflict above first.", "conflict");
      return;
    }
    clearTimeout(timer);
    timer = null;
    whenIdle().then(() => {
      busy = true;
      sectionSent = field(elt.dataset.sectionSave).value;
      setStatus("Saving…", "saving");
      event.detail.issueRequest(true);
    });
  });

  document.body.addEventListener("storySaved", (event) => {
    if (event.detail && event.detail.version) versionInput.value = event.detail.version;
  });

  document.body.addEventListener("htmx:beforeSwap", (event) => {
    const status = event.detail.xhr.status;
    if (!form.contains(event.detail.elt)) return;
    if (status === 409) {
      event.detail.shouldSwap = false;
      showConflict(event.detail.xhr.responseText, true);
    } else if (status === 422) {
      // Validation messages go next to the field; the typed text stays put.
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.body.addEventListener("htmx:afterRequest", (event) => {
    const elt = event.detail.elt;
    if (!elt.matches || !elt.matches("[data-section-save]") || !busy) return;
    const name = elt.dataset.sectionSave;
    const status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (status >= 200 && status < 300) {
      if (field(name).value === sectionSent) dirty.delete(name);
      retryDelay = 0;
      setStatus(dirty.size ? "Unsaved changes…" : `Saved at ${clock()}`, "saved");
    } else if (status === 422) {
      invalid.add(name);
      setStatus("Not saved — fix the problem marked below.", "error");
    } else if (status !== 409) {
      dirty.add(name);
      done();
      retry("the server cannot be reached");
      return;
    }
    done();
    if (!paused && dirty.size) schedule(DEBOUNCE_MS);
  });

  // A conflict rendered by the server (a plain save that was stale).
  const pageConflict = document.getElementById("conflict");
  if (pageConflict) wireConflict(pageConflict, false);
})();
