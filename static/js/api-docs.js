// Starts Swagger UI on /api/v1/docs (sakme/api/docs.py). A static file, not an inline script (strict CSP).
(() => {
  const config = JSON.parse(document.getElementById("swagger-settings").textContent);
  const token = document.querySelector('meta[name="csrf-token"]');
  config.dom_id = "#swagger-ui";
  config.presets = [SwaggerUIBundle.presets.apis];
  // "Try it out" runs with the page's session: Django wants the CSRF token on anything but a read.
  config.requestInterceptor = (request) => {
    if (token && !["GET", "HEAD", "OPTIONS"].includes((request.method || "GET").toUpperCase())) {
      request.headers["X-CSRFToken"] = token.content;
    }
    return request;
  };
  window.ui = SwaggerUIBundle(config);
})();
