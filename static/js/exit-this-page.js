// "Exit this page", after the GOV.UK Frontend component of that name.
// Without JavaScript the button is a plain link to a neutral page. With it, the page is first
// blanked, then replaced (location.replace), so Back does not return here; pressing Shift three
// times (within 5 seconds of each other) does the same, and a status message counts the presses.
(function () {
  "use strict";
  var TIMEOUT = 5000; // milliseconds allowed between Shift presses
  var keyListening = false;

  function initExitThisPage(root) {
    var button = root.querySelector(".exit-this-page__button");
    var status = root.querySelector(".exit-this-page__status");
    if (!button || !status) { return; }
    var texts = {
      activated: root.getAttribute("data-i18n-activated"),
      timedOut: root.getAttribute("data-i18n-timed-out"),
      twoMore: root.getAttribute("data-i18n-press-two-more-times"),
      oneMore: root.getAttribute("data-i18n-press-one-more-time")
    };
    var presses = 0;
    var lastKeyWasModified = false;
    var pressTimer = null;
    var messageTimer = null;
    var overlay = null;

    // Three lights on the button show how many times Shift has been pressed.
    var indicator = document.createElement("span");
    indicator.className = "exit-this-page__indicator";
    indicator.setAttribute("aria-hidden", "true");
    for (var i = 0; i < 3; i++) {
      var light = document.createElement("span");
      light.className = "exit-this-page__light";
      indicator.appendChild(light);
    }
    button.appendChild(indicator);

    function showPresses() {
      indicator.classList.toggle("exit-this-page__indicator--visible", presses > 0);
      Array.prototype.forEach.call(indicator.children, function (light, index) {
        light.classList.toggle("exit-this-page__light--on", index < presses);
      });
    }

    function exitPage() {
      status.textContent = "";
      // Hide the page at once (also from screen readers and the keyboard) while the next one loads.
      document.body.classList.add("exit-this-page-hide-content");
      overlay = document.createElement("div");
      overlay.className = "exit-this-page-overlay";
      overlay.setAttribute("role", "alert");
      document.body.appendChild(overlay);
      overlay.textContent = texts.activated;
      window.location.replace(button.href);
    }

    function clearTimers() {
      if (pressTimer) { window.clearTimeout(pressTimer); pressTimer = null; }
      if (messageTimer) { window.clearTimeout(messageTimer); messageTimer = null; }
    }

    function expire() {
      clearTimers();
      presses = 0;
      status.textContent = texts.timedOut;
      messageTimer = window.setTimeout(function () { status.textContent = ""; }, TIMEOUT);
      showPresses();
    }

    function onKeyUp(event) {
      // Only Shift on its own counts: Shift+A fires a keyup for A (shiftKey true), then one for Shift.
      if (event.key === "Shift" && !lastKeyWasModified) {
        presses += 1;
        showPresses();
        if (messageTimer) { window.clearTimeout(messageTimer); messageTimer = null; }
        if (presses >= 3) {
          presses = 0;
          clearTimers();
          exitPage();
        } else {
          status.textContent = presses === 1 ? texts.twoMore : texts.oneMore;
          if (pressTimer) { window.clearTimeout(pressTimer); }
          pressTimer = window.setTimeout(expire, TIMEOUT);
        }
      } else if (pressTimer) {
        expire();
      }
      lastKeyWasModified = event.shiftKey;
    }

    button.addEventListener("click", function (event) {
      event.preventDefault();
      exitPage();
    });
    // One page may hold the button twice (e.g. top and bottom): Shift is counted once.
    if (!keyListening) {
      keyListening = true;
      document.addEventListener("keyup", onKeyUp, true);
    }
    // Back into a page kept in the browser's memory: take the blank overlay away again.
    window.addEventListener("pageshow", function () {
      document.body.classList.remove("exit-this-page-hide-content");
      if (overlay) { overlay.parentNode.removeChild(overlay); overlay = null; }
      status.textContent = "";
      presses = 0;
      clearTimers();
      showPresses();
    });
  }

  if (window.Portal && window.Portal.register) {
    window.Portal.register("exit-this-page", initExitThisPage);
    window.Portal.start();
  }
})();
