// The keyboard shortcut list: "?" (outside a text field) opens it, Esc closes it
// (the <dialog> element's own behaviour), and the focus goes back where it was.
// Without this script the list is not shown, and nothing else depends on it.
(function () {
  "use strict";

  const dialog = document.getElementById("shortcuts");
  if (!dialog || typeof dialog.showModal !== "function") return;
  let before = null;

  document.addEventListener("keydown", (event) => {
    if (event.key !== "?" || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    if (dialog.open) return;
    event.preventDefault();
    before = document.activeElement;
    dialog.showModal();
    dialog.querySelector("[data-shortcuts-close]").focus();
  });

  dialog.querySelector("[data-shortcuts-close]").addEventListener("click", () => {
    dialog.close();
  });

  dialog.addEventListener("close", () => {
    if (before && before.isConnected) before.focus();
    before = null;
  });
})();
