// Keyboard shortcuts of the clerical review: A same person, R different persons, U unsure, N next pair.
// The buttons carry data-shortcut; a key press clicks the one that is on screen (htmx then swaps in the
// next pair, so the listener stays on the document). No inline scripts: the CSP forbids them.
// Listening starts once the document is parsed: htmx (loaded earlier) has then bound the decision form, so a
// key press is never sent as a full page post.
document.addEventListener("DOMContentLoaded", () => {
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    const active = document.activeElement;
    if (active && ["INPUT", "TEXTAREA", "SELECT"].includes(active.tagName)) return;
    const pair = document.getElementById("pair");
    if (!pair || pair.classList.contains("htmx-request")) return;  // one decision at a time
    const target = pair.querySelector(`[data-shortcut="${event.key.toLowerCase()}"]`);
    if (!target || target.disabled) return;
    event.preventDefault();
    // A pair just swapped in may not be bound by htmx yet (it binds when the swap settles): bind it now.
    if (window.htmx) window.htmx.process(pair);
    target.click();
  });
});
