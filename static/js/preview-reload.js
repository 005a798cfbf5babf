/* Live preview only (flask content preview): reload the page when the editor saves a file.
   Loaded by base.html only in preview mode; production pages never have it. It polls the
   preview's own endpoint, whose version goes up after each re-sync. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.fetch) { return; }
  var url = script.getAttribute("data-state-url");
  var loaded = script.getAttribute("data-version");
  var every = 300;

  function poll() {
    window.fetch(url, { cache: "no-store", credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (String(state.version) !== loaded) {
          window.location.reload();
          return;
        }
        window.setTimeout(poll, every);
      })
      .catch(function () { window.setTimeout(poll, 1000); }); /* the preview is restarting */
  }
  window.setTimeout(poll, every);
})();
