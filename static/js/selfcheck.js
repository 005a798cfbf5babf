// Self-check stepper: one question per screen with progress, Back and Next.
// Progressive enhancement: without JavaScript the same form shows every question at once.
// The form is always posted to the server, which scores it, so the score shown is the server's.
// Answers are kept in sessionStorage (this tab only; never sent anywhere) so that switching
// language half-way keeps them; the result page clears them.
(function () {
  "use strict";
  var PREFIX = "selfcheck:";

  function load(toolId) {
    try { return JSON.parse(window.sessionStorage.getItem(PREFIX + toolId) || "null"); }
    catch (error) { return null; }
  }
  function save(toolId, data) {
    try { window.sessionStorage.setItem(PREFIX + toolId, JSON.stringify(data)); } catch (error) { /* private mode */ }
  }
  function clear(toolId) {
    try { window.sessionStorage.removeItem(PREFIX + toolId); } catch (error) { /* private mode */ }
  }

  function make(tag, className, text) {
    var element = document.createElement(tag);
    if (className) { element.className = className; }
    if (text) { element.textContent = text; }
    return element;
  }

  function initStepper(form) {
    var toolId = form.getAttribute("data-tool");
    var questions = Array.prototype.slice.call(form.querySelectorAll(".sc-question"));
    var submitRow = form.querySelector(".sc-submit-row");
    var crisisBlocks = Array.prototype.slice.call(form.querySelectorAll(".sc-crisis"));
    var total = questions.length;
    var current = 0;
    if (!total) { return; }

    function answerOf(question) {
      var checked = question.querySelector("input[type=radio]:checked");
      return checked ? checked.value : null;
    }
    function answers() {
      var result = {};
      questions.forEach(function (question) {
        var value = answerOf(question);
        if (value !== null) { result[question.getAttribute("data-item")] = value; }
      });
      return result;
    }
    function remember() { save(toolId, { answers: answers(), step: current }); }

    // Restore answers from this tab (e.g. after switching language), unless the server
    // has just sent the form back with the answers it received: then those win.
    var saved = form.getAttribute("data-restore") === "true" ? load(toolId) : null;
    if (saved && saved.answers) {
      Object.keys(saved.answers).forEach(function (itemId) {
        var inputs = form.querySelectorAll("input[type=radio]");
        Array.prototype.forEach.call(inputs, function (input) {
          if (input.name === "q-" + itemId && input.value === String(saved.answers[itemId])) { input.checked = true; }
        });
      });
      current = Math.min(Math.max(parseInt(saved.step, 10) || 0, 0), total - 1);
    } else {
      var firstMissing = form.querySelector(".sc-missing");
      current = firstMissing ? Math.max(questions.indexOf(firstMissing), 0) : 0;
    }

    // Build the stepper controls.
    form.classList.add("sc-stepper");
    var progress = make("div", "sc-progress");
    var progressText = make("p", "sc-progress-text");
    progressText.setAttribute("aria-live", "polite");
    var bar = make("progress", "sc-progress-bar");
    bar.max = total;
    bar.setAttribute("aria-label", form.getAttribute("data-label-progress"));
    progress.appendChild(progressText);
    progress.appendChild(bar);
    questions[0].parentNode.insertBefore(progress, questions[0]);

    var nav = make("div", "sc-nav");
    var back = make("button", "button-secondary sc-back", form.getAttribute("data-label-back"));
    var next = make("button", "button sc-next", form.getAttribute("data-label-next"));
    back.type = "button";
    next.type = "button";
    nav.appendChild(back);
    nav.appendChild(next);
    var message = make("p", "sc-step-message", form.getAttribute("data-label-choose"));
    message.setAttribute("role", "alert");
    message.hidden = true;
    var announcer = make("p", "visually-hidden");
    announcer.setAttribute("aria-live", "polite");
    var after = questions[total - 1].nextSibling;
    form.insertBefore(message, after);
    form.insertBefore(nav, after);
    form.insertBefore(announcer, after);
    // Crisis messages sit right under the question, where they are seen at once.
    crisisBlocks.forEach(function (block) { form.insertBefore(block, nav.nextSibling); });

    function show(index, moveFocus) {
      current = index;
      questions.forEach(function (question, position) {
        if (position === index) { question.removeAttribute("data-hidden"); }
        else { question.setAttribute("data-hidden", ""); }
      });
      var last = index === total - 1;
      progressText.textContent = form.getAttribute("data-label-of")
        .replace("{current}", String(index + 1)).replace("{total}", String(total));
      bar.value = index + 1;
      back.hidden = index === 0;
      next.hidden = last;
      if (last) { submitRow.removeAttribute("data-hidden"); } else { submitRow.setAttribute("data-hidden", ""); }
      message.hidden = true;
      if (moveFocus) {
        var first = questions[index].querySelector("input[type=radio]:checked") ||
          questions[index].querySelector("input[type=radio]");
        if (first) { first.focus(); }
      }
      remember();
    }

    function checkCrisis() {
      var given = answers();
      crisisBlocks.forEach(function (block) {
        var above = block.getAttribute("data-above");
        var atMost = block.getAttribute("data-at-most");
        var fires = block.getAttribute("data-crisis-items").split(" ").some(function (itemId) {
          if (!(itemId in given)) { return false; }
          var value = parseInt(given[itemId], 10);
          return (above !== "" && value > parseInt(above, 10)) || (atMost !== "" && value <= parseInt(atMost, 10));
        });
        if (fires && block.hidden) {
          block.hidden = false;
          var title = block.querySelector("h2");
          var text = block.querySelector("p");
          announcer.textContent = (title ? title.textContent + ". " : "") + (text ? text.textContent : "");
        }
      });
    }

    next.addEventListener("click", function () {
      if (answerOf(questions[current]) === null) { message.hidden = false; return; }
      show(Math.min(current + 1, total - 1), true);
    });
    back.addEventListener("click", function () { show(Math.max(current - 1, 0), true); });
    form.addEventListener("change", function () {
      message.hidden = true;
      remember();
      checkCrisis();
    });
    form.addEventListener("submit", function (event) {
      var missing = questions.filter(function (question) { return answerOf(question) === null; });
      if (missing.length) {
        event.preventDefault();
        show(questions.indexOf(missing[0]), true);
        message.hidden = false;
      }
    });

    // The language links on a form the server sent back point at the result URL, which only
    // knows POST: send them to the questions in the other language, where the answers are restored.
    Array.prototype.forEach.call(document.querySelectorAll(".lang-toggle"), function (toggle) {
      if (/\/result$/.test(toggle.getAttribute("href"))) {
        toggle.setAttribute("href", toggle.getAttribute("href").replace(/\/result$/, "/questions"));
      }
    });

    show(current, false);
    checkCrisis();
  }

  function initResult(element) {
    clear(element.getAttribute("data-tool"));
  }

  if (window.Portal && window.Portal.register) {
    window.Portal.register("selfcheck-stepper", initStepper);
    window.Portal.register("selfcheck-result", initResult);
    window.Portal.start();
  }
})();
