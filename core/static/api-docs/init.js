// Starts Swagger UI on the docs page. A file rather than an inline script, for the CSP.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: root.getAttribute("data-spec-url"),
    domNode: root,
    validatorUrl: null, // the default badge would load an image from another host
    deepLinking: false,
    tryItOutEnabled: false
  });

  // Swagger UI names its parameter inputs only by a placeholder, which HTML_CodeSniffer and some
  // assistive technology do not read as a name, and gives an open operation's request-body label
  // and its content-type select the same id (WCAG 4.1.2, 4.1.1). Mend both each time it renders.
  function mend() {
    root.querySelectorAll("input[placeholder]:not([aria-label])").forEach(function (input) {
      input.setAttribute("aria-label", input.getAttribute("placeholder"));
    });
    var seen = {};
    root.querySelectorAll("[id]").forEach(function (element) {
      seen[element.id] = (seen[element.id] || 0) + 1;
      if (seen[element.id] > 1) element.id = element.id + "-" + seen[element.id];
    });
  }
  new MutationObserver(mend).observe(root, { childList: true, subtree: true });
})();
