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
})();
