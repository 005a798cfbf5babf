// "Was this page useful?" and centre corrections, sent without leaving the page. Without
// JavaScript (or when this fails) the same forms post normally and a thank-you page follows.
(function () {
  "use strict";

  function removeErrors(form) {
    form.querySelectorAll(".feedback-error").forEach(function (element) { element.remove(); });
    form.querySelectorAll("[aria-invalid]").forEach(function (element) { element.removeAttribute("aria-invalid"); });
    form.querySelectorAll("[data-error-for]").forEach(function (element) {
      var ids = (element.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
        return id && id !== element.getAttribute("data-error-for");
      });
      if (ids.length) { element.setAttribute("aria-describedby", ids.join(" ")); }
      else { element.removeAttribute("aria-describedby"); }
      element.removeAttribute("data-error-for");
    });
  }

  // The message goes where the server's page puts it: under the legend, or above the text box,
  // and the field (or the group) names it in aria-describedby.
  function showError(form, name, message) {
    var field = form.querySelector("[name='" + name + "']");
    if (!field) { return; }
    var described = name === "useful" ? field.closest("fieldset") : field;
    var id = (field.id || name).replace(/-(yes|no)$/, "") + "-error";
    var error = document.createElement("p");
    error.className = "feedback-error";
    error.id = id;
    var hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = form.getAttribute("data-error-prefix") || "";
    error.appendChild(hidden);
    error.appendChild(document.createTextNode(" " + message));
    if (name === "useful") {
      described.querySelector("legend").insertAdjacentElement("afterend", error);
    } else {
      field.insertAdjacentElement("beforebegin", error);
      field.setAttribute("aria-invalid", "true");
    }
    var ids = (described.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    ids.push(id);
    described.setAttribute("aria-describedby", ids.join(" "));
    described.setAttribute("data-error-for", id);
  }

  function say(section, form, text, className) {
    var message = document.createElement("p");
    message.className = className;
    message.setAttribute("tabindex", "-1");
    message.textContent = text;
    form.replaceWith(message);
    message.focus();
  }

  function init(section) {
    var form = section.querySelector("form");
    if (!form || !window.fetch || !window.URLSearchParams) { return; }
    var button = form.querySelector("button[type='submit']");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      removeErrors(form);
      button.disabled = true;
      fetch(form.action, {
        method: "POST",
        body: new URLSearchParams(new FormData(form)),
        headers: { "Accept": "application/json" },
        credentials: "same-origin"
      }).then(function (response) {
        return response.json().then(function (body) { return { status: response.status, body: body }; });
      }).then(function (result) {
        button.disabled = false;
        var body = result.body;
        if (body.ok) {
          say(section, form, body.message, "feedback-thanks");
        } else if (body.errors) {
          Object.keys(body.errors).forEach(function (name) { showError(form, name, body.errors[name]); });
          // The first problem in the form's own order (a selector list matches in document order).
          var first = form.querySelector("fieldset[data-error-for] input, [aria-invalid='true']");
          if (first) { first.focus(); }
        } else {
          say(section, form, body.title + " " + body.message, "feedback-error");
        }
      }).catch(function () {
        form.submit();  // the page is still there: send it the plain way
      });
    });
  }

  if (window.Portal && window.Portal.register) {
    window.Portal.register("feedback", init);
    window.Portal.start();
  }
})();
