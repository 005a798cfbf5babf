// Events pages, progressive enhancement only: without JavaScript the filter panel is simply open.
(function () {
  "use strict";
  // Same breakpoint as static/css/events.css: below it the filters sit above the results,
  // folded so that the first events are on the first screen.
  var SMALL = "(max-width: 47.99rem)";

  function initFilterPanel(details) {
    if (window.matchMedia && window.matchMedia(SMALL).matches) {
      details.open = false;
    }
  }

  if (window.Portal && window.Portal.register) {
    window.Portal.register("filter-panel", initFilterPanel);
    window.Portal.start();
  }
})();
