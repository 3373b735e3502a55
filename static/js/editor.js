// The story editor: only what htmx cannot do. htmx saves the form as the user types
// (hx-trigger), one save at a time (hx-sync), and the server answers with the
// status, the new version, the errors or the conflict view. This script adds:
// - a retry, backing off, of a save the server never answered;
// - a warning before leaving the page while a change is not saved;
// - the conflict view's "Use the saved text" buttons (a copy within the page), and
//   no saving as the user types while the conflict is shown.
// Without it the page is a plain form that posts and redirects.
(function () {
  "use strict";

  const form = document.getElementById("story-form");
  if (!form || typeof htmx === "undefined") return;

  const MAX_RETRY_MS = 30000;
  let edits = 0; // changes typed on this page
  let sent = 0; // edits the save in flight carries
  let saved = 0; // edits the server has saved
  let retryDelay = 0;

  form.addEventListener("input", () => {
    edits += 1;
  });

  form.addEventListener("htmx:beforeRequest", (event) => {
    if (event.detail.elt === form) sent = edits;
  });

  form.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.elt !== form) return;
    const xhr = event.detail.xhr;
    const status = xhr ? xhr.status : 0;
    if (xhr && xhr.responseURL.includes("/accounts/login/")) {
      showStatus(
        "Not saved — you have been logged out. Log in in another tab, then save: " +
          "this page keeps your text.",
      );
    } else if (status >= 200 && status < 300) {
      saved = Math.max(saved, sent);
      retryDelay = 0;
    } else if (status === 0 || status >= 500) {
      // The save may or may not have landed; resending it is safe (same tab).
      retryDelay = Math.min(retryDelay ? retryDelay * 2 : 1000, MAX_RETRY_MS);
      const reason = status ? `the server answered ${status}` : "no answer";
      showStatus(`Not saved — retrying in ${retryDelay / 1000} s (${reason}).`);
      setTimeout(() => htmx.trigger(form, "retrySave"), retryDelay);
    } else if (status !== 409 && status !== 422) {
      showStatus(
        `Not saved — the server refused the save (${status}). ` +
          "Copy your text somewhere safe, then reload the page.",
      );
    }
  });

  // While a conflict is shown, typing does not save: every such save would be
  // refused again, and redraw the conflict under the user's eyes. Save, or the
  // conflict's "Done merging" button, still does.
  form.addEventListener("htmx:confirm", (event) => {
    if (event.detail.elt !== form || !document.getElementById("conflict")) return;
    const trigger = event.detail.triggeringEvent;
    if (!trigger || trigger.type !== "submit") event.preventDefault();
  });

  function showStatus(text) {
    const span = document.createElement("span");
    span.className = "status-problem";
    span.textContent = text;
    document.getElementById("save-status").replaceChildren(span);
  }

  window.addEventListener("beforeunload", (event) => {
    if (saved >= edits) return;
    event.preventDefault();
    event.returnValue = "";
  });

  htmx.onLoad((root) => {
    root.querySelectorAll("[data-use-saved]").forEach((button) => {
      button.hidden = false;
    });
  });

  form.addEventListener("click", (event) => {
    const button = event.target.closest("[data-use-saved]");
    if (!button) return;
    const field = form.elements.namedItem(button.dataset.useSaved);
    const text = button.closest(".conflict-field").querySelector("[data-saved-text]");
    field.value = text.textContent;
    // As if typed: the preview and the coach follow, and it is unsaved until merged.
    field.dispatchEvent(new Event("input", { bubbles: true }));
    button.textContent = "Saved text copied into the form";
    button.disabled = true;
  });
})();
