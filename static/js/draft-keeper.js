// Keeps the editor's text in this browser until the server has saved it, so a
// crash, a closed tab or a server that is down loses nothing: every change is
// stored in localStorage (one draft per story, or per create key for a new story),
// a save the server acknowledges removes it, and a page that finds a draft that
// differs from what it shows offers it back. Separate from editor.js, which saves.
(function () {
  "use strict";

  const form = document.getElementById("story-form");
  const offer = document.getElementById("draft-offer");
  if (!form || !offer || !window.localStorage) return;

  const PREFIX = `draft:${offer.dataset.owner}:`;
  const NEW_PREFIX = `${PREFIX}new:`;
  const fields = Array.from(
    form.querySelectorAll("textarea[name], input[type=text][name]"),
  );
  let edits = 0;
  let sent = 0;

  // The story's draft, or a new story's: its address becomes the story's after
  // the first save, and the key follows it.
  function key() {
    const story = location.pathname.match(/\/stories\/(\d+)\/$/);
    if (story) return `${PREFIX}story:${story[1]}`;
    const createKey = form.elements.namedItem("create_key");
    return createKey ? NEW_PREFIX + createKey.value : null;
  }

  function value(name) {
    const field = form.elements.namedItem(name);
    return field ? field.value : "";
  }

  function read(storageKey) {
    try {
      return JSON.parse(localStorage.getItem(storageKey));
    } catch {
      return null;
    }
  }

  function store() {
    const storageKey = key();
    if (!storageKey) return;
    const draft = {
      savedAt: Date.now(),
      version: value("version"),
      createKey: value("create_key"),
      fields: Object.fromEntries(fields.map((f) => [f.name, f.value])),
    };
    try {
      localStorage.setItem(storageKey, JSON.stringify(draft));
    } catch {
      // Storage full or refused: the page still saves as before.
    }
  }

  form.addEventListener("input", () => {
    edits += 1;
    store();
  });

  form.addEventListener("htmx:beforeRequest", (event) => {
    if (event.detail.elt === form) sent = edits;
  });

  form.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.elt !== form || !event.detail.successful) return;
    const xhr = event.detail.xhr;
    if (xhr && xhr.responseURL.includes("/accounts/login/")) return; // not saved
    // Saved: unless more was typed while the save was on its way, nothing is
    // left that the server does not have.
    if (edits === sent) {
      localStorage.removeItem(key());
      localStorage.removeItem(NEW_PREFIX + value("create_key"));
    } else {
      store();
    }
  });

  // A new story's page has a fresh create key: offer the newest new-story draft.
  function findDraft() {
    const storageKey = key();
    if (!storageKey || !storageKey.startsWith(NEW_PREFIX)) {
      return [storageKey, read(storageKey)];
    }
    let found = [null, null];
    for (let i = 0; i < localStorage.length; i++) {
      const candidate = localStorage.key(i);
      if (!candidate.startsWith(NEW_PREFIX)) continue;
      const draft = read(candidate);
      if (draft && (!found[1] || draft.savedAt > found[1].savedAt)) {
        found = [candidate, draft];
      }
    }
    return found;
  }

  const [draftKey, draft] = findDraft();
  if (!draft || !draft.fields) return;
  const differs = fields.some(
    (f) => f.name in draft.fields && draft.fields[f.name] !== f.value,
  );
  if (!differs) {
    localStorage.removeItem(draftKey);
    return;
  }

  offer.querySelector("[data-draft-text]").textContent =
    `Unsaved text from ${new Date(draft.savedAt).toLocaleString()} was kept in ` +
    "this browser:";
  offer.hidden = false;

  offer.querySelector("[data-draft-restore]").addEventListener("click", () => {
    // Saved on the version it was typed on: if the story changed since, the
    // save is refused as a conflict and both texts are shown, none lost.
    const version = form.elements.namedItem("version");
    if (version && draft.version) version.value = draft.version;
    const createKey = form.elements.namedItem("create_key");
    if (createKey && draft.createKey) createKey.value = draft.createKey;
    if (draftKey !== key()) localStorage.removeItem(draftKey);
    offer.hidden = true;
    for (const field of fields) {
      if (!(field.name in draft.fields) || field.value === draft.fields[field.name]) {
        continue;
      }
      field.value = draft.fields[field.name];
      // As if typed: saved, previewed and stored again like any change.
      field.dispatchEvent(new Event("input", { bubbles: true }));
    }
  });

  offer.querySelector("[data-draft-discard]").addEventListener("click", () => {
    localStorage.removeItem(draftKey);
    offer.hidden = true;
  });
})();
