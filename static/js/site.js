// Progressive enhancement only: every control here also works without JavaScript.
(function () {
  "use strict";
  var ONE_YEAR = 60 * 60 * 24 * 365;

  function setCookie(name, value) {
    document.cookie = name + "=" + encodeURIComponent(value) + "; Max-Age=" + ONE_YEAR + "; Path=/; SameSite=Lax";
  }

  function cookie(name) {
    var found = document.cookie.split("; ").filter(function (pair) { return pair.indexOf(name + "=") === 0; })[0];
    return found ? decodeURIComponent(found.slice(name.length + 1)) : null;
  }

  // Text size: switch at once instead of reloading the page; the cookie keeps it for next time.
  // The page's HTML is the same for everyone (so caches may share it): /text-size.css applies the
  // cookie without JavaScript, and here the current size is marked for screen readers too.
  function initTextSize(group) {
    var chosen = group.querySelector('[data-text-size="' + (cookie("textsize") || "normal") + '"]');
    if (chosen) { chosen.setAttribute("aria-current", "true"); }
    group.addEventListener("click", function (event) {
      var link = event.target.closest("[data-text-size]");
      if (!link) { return; }
      event.preventDefault();
      var size = link.getAttribute("data-text-size");
      var html = document.documentElement;
      html.classList.remove("text-normal", "text-large", "text-larger");
      html.classList.add("text-" + size);
      var sheet = document.getElementById("text-size-css");
      if (sheet) { sheet.disabled = true; }  // its highlight would mark the previous size
      setCookie("textsize", size);
      group.querySelectorAll("[data-text-size]").forEach(function (other) {
        if (other === link) { other.setAttribute("aria-current", "true"); }
        else { other.removeAttribute("aria-current"); }
      });
    });
  }

  // Print buttons are hidden without JavaScript (the browser's own print works there).
  function initPrint(button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  }

  var modules = { "text-size": initTextSize, "print": initPrint };
  window.Portal = window.Portal || {};
  window.Portal.register = function (name, init) { modules[name] = init; };
  window.Portal.setCookie = setCookie;

  function start() {
    document.querySelectorAll("[data-module]").forEach(function (element) {
      element.getAttribute("data-module").split(" ").forEach(function (name) {
        if (modules[name] && !element["data-started-" + name]) {
          element["data-started-" + name] = true;
          modules[name](element);
        }
      });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
  window.Portal.start = start;
})();
