// The occupation picker (employment/widgets/occupation_picker.html): keyboard use, no duplicates.
// Enter in the search field searches instead of submitting the form; the arrow keys move between the field
// and its results; a picked occupation already chosen is ticked again rather than added twice.
(() => {
  const searchOf = (el) => el.closest("[data-picker]").querySelector("[data-picker-search]");

  document.addEventListener("keydown", (event) => {
    const el = event.target;
    if (!(el instanceof Element)) return;
    if (el.matches("[data-picker-search]")) {
      if (event.key === "Enter") {
        event.preventDefault();
        if (el.value !== el.dataset.searched) htmx.trigger(el, "search");
      } else if (event.key === "ArrowDown") {
        const first = el.closest("[data-picker]").querySelector(".picker-found button");
        if (first) { event.preventDefault(); first.focus(); }
      }
      return;
    }
    if (el.matches(".picker-found button")) {
      const items = [...el.closest(".picker-found").querySelectorAll("button")];
      const at = items.indexOf(el);
      if (event.key === "ArrowDown" && at < items.length - 1) { event.preventDefault(); items[at + 1].focus(); }
      if (event.key === "ArrowUp") { event.preventDefault(); (at > 0 ? items[at - 1] : searchOf(el)).focus(); }
      if (event.key === "Escape") { event.preventDefault(); searchOf(el).focus(); }
    }
  });

  document.addEventListener("htmx:beforeSwap", (event) => {
    const target = event.detail.target;
    if (!target.matches(".picker-chosen") || !target.closest("[data-multiple='1']")) return;
    const code = new URL(event.detail.pathInfo.requestPath, window.location.href).searchParams.get("pick");
    const existing = [...target.querySelectorAll("input")].find((input) => input.value === code);
    if (existing) {
      existing.checked = true;
      event.detail.shouldSwap = false;
    }
  });

  document.addEventListener("htmx:beforeRequest", (event) => {
    const el = event.detail.elt;
    if (el.matches && el.matches("[data-picker-search]")) el.dataset.searched = el.value;
  });

  document.addEventListener("htmx:afterSettle", (event) => {
    const target = event.detail.target;
    if (!target.matches) return;
    if (target.matches(".picker-chosen")) searchOf(target).focus();
    // New results replaced the one that had the focus: keep it in the results, not lost on the page.
    if (target.matches(".picker-found") && document.activeElement === document.body) {
      const first = target.querySelector("button");
      if (first) first.focus();
    }
  });
})();
