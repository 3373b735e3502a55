// The editor's keyboard shortcuts (listed in the "?" dialog, templates/base.html):
// - Ctrl+S (Cmd+S on a Mac) saves at once, as the Save button does, instead of
//   waiting for the pause in typing; the browser's "Save page" is not wanted here.
// - Alt+Down and Alt+Up move to the next and previous STAR section's text.
(function () {
  "use strict";

  const form = document.getElementById("story-form");
  if (!form) return;

  function sections() {
    return Array.from(form.querySelectorAll(".story-section textarea"));
  }

  function jump(step) {
    const all = sections();
    const here = document.activeElement;
    let index = all.indexOf(here);
    if (index === -1) {
      // Not in a section: the first one after the focus (down) or before it (up).
      const after = all.findIndex(
        (el) =>
          !form.contains(here) ||
          here.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING,
      );
      const first = after === -1 ? all.length : after;
      index = step > 0 ? first - 1 : first;
    }
    const target = all[index + step];
    if (!target) return false;
    target.focus();
    return true;
  }

  document.addEventListener("keydown", (event) => {
    const key = event.key.toLowerCase();
    if ((event.ctrlKey || event.metaKey) && !event.altKey && key === "s") {
      event.preventDefault();
      form.requestSubmit();
    } else if (
      event.altKey &&
      !event.ctrlKey &&
      !event.metaKey &&
      (event.key === "ArrowDown" || event.key === "ArrowUp") &&
      jump(event.key === "ArrowDown" ? 1 : -1)
    ) {
      event.preventDefault();
    }
  });
})();
