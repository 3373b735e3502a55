// The header's colour theme button, at once: switch <html data-theme> and remember
// the choice in the cookie the server reads (so the next page is drawn in it from
// the first paint), instead of posting the form. Without JavaScript the form posts
// to /theme/, which sets the same cookie and comes back.
(function () {
  "use strict";
  var NEXT = { auto: "dark", dark: "light", light: "auto" };
  var LABEL = { auto: "Auto", dark: "Dark", light: "Light" };
  // Scripts run: hide what only a page without them needs (an Apply button).
  document.documentElement.classList.add("js");

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("theme-form")) return;
    var button = form.querySelector("button[name=theme]");
    var choice = button && button.value;
    if (!NEXT[choice]) return;
    event.preventDefault();
    document.documentElement.setAttribute("data-theme", choice);
    var secure = location.protocol === "https:" ? "; Secure" : "";
    document.cookie =
      "theme=" + choice + "; Path=/; Max-Age=31536000; SameSite=Lax" + secure;
    button.value = NEXT[choice];
    form.querySelector(".theme-label").textContent = LABEL[choice];
  });
})();
