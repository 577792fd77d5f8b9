// Small behaviours that need no framework. Loaded after htmx; no inline scripts (strict CSP).
document.addEventListener("htmx:configRequest", (event) => {
  const token = document.querySelector('meta[name="csrf-token"]');
  if (token) event.detail.headers["X-CSRFToken"] = token.content;
});
// "/" focuses the search field, as in most search-heavy tools.
document.addEventListener("keydown", (event) => {
  const field = document.getElementById("search-q");
  if (event.key === "/" && field && document.activeElement !== field &&
      !["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement.tagName)) {
    event.preventDefault();
    field.focus();
  }
});
// The language switch submits itself when a language is chosen.
document.addEventListener("change", (event) => {
  if (event.target.matches("[data-autosubmit]")) event.target.form.submit();
});
