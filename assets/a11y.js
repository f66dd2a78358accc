/* Accessibility repairs for Dash's own components (dcc 4.4), applied whenever the page changes:
   - the dropdowns take keyboard focus on a hidden input marked aria-hidden: it is given the
     field's label and the combobox role instead, so a screen reader says what it is;
   - the date picker's wrapper carries popup attributes that its role does not allow;
   - the copy-link icon (dcc.Clipboard) is a bare div: it becomes a button reachable by Tab. */
(function () {
  function repairDropdowns() {
    document.querySelectorAll(".dash-dropdown-wrapper").forEach(function (wrapper) {
      var focus = wrapper.querySelector(".dash-dropdown-focus-target");
      var button = wrapper.querySelector("button.dash-dropdown");
      if (!focus || !button || !button.id) return;
      if (focus.getAttribute("aria-hidden") !== null) focus.removeAttribute("aria-hidden");
      focus.setAttribute("role", "combobox");
      focus.setAttribute("aria-haspopup", "listbox");
      focus.setAttribute("aria-expanded", button.getAttribute("aria-expanded") || "false");
      var labelled = ["label-" + button.id, button.id + "-value"].filter(function (id) { return document.getElementById(id); });
      focus.setAttribute("aria-labelledby", labelled.join(" "));
    });
  }

  function repairDatePickers() {
    document.querySelectorAll(".dash-datepicker-input-wrapper").forEach(function (wrapper) {
      ["aria-haspopup", "aria-expanded", "aria-disabled", "type"].forEach(function (name) {
        if (wrapper.hasAttribute(name)) wrapper.removeAttribute(name);
      });
    });
  }

  function repairClipboards() {
    document.querySelectorAll(".copy-link-icon").forEach(function (icon) {
      if (icon.getAttribute("role") === "button") return;
      icon.setAttribute("role", "button");
      icon.setAttribute("tabindex", "0");
      icon.setAttribute("aria-label", icon.getAttribute("title") || "");
      icon.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); icon.click(); }
      });
    });
  }

  var queued = false;
  function repair() {
    queued = false;
    repairDropdowns();
    repairDatePickers();
    repairClipboards();
  }
  new MutationObserver(function () {
    if (!queued) { queued = true; window.requestAnimationFrame(repair); }
  }).observe(document.documentElement, {subtree: true, childList: true, attributes: true,
    attributeFilter: ["aria-hidden", "aria-expanded", "aria-haspopup", "title"]});
})();
