// greenroom's own enhancements. Every page works without this file; it adds
// dialogs, row selection and a collapsed menu on small screens. htmx (loaded
// beside it) does the partial page updates declared in the templates.
(function () {
  "use strict";

  function onReady(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  // The menu starts open for readers without JavaScript; collapse it on phones.
  onReady(function () {
    var toggle = document.querySelector(".nav-toggle");
    if (toggle && window.matchMedia("(max-width: 900px)").matches) toggle.open = false;
  });

  // Dialogs: a link with data-dialog loads its target into <dialog id="dialog">.
  // Without JavaScript the same link simply opens the page.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-dialog]");
    if (!link || !window.htmx || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    var dialog = document.getElementById("dialog");
    window.htmx.ajax("GET", link.getAttribute("href"), { target: dialog, swap: "innerHTML" })
      .then(function () {
        dialog.showModal();
        var heading = dialog.querySelector("h2");
        if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
      });
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-close-dialog]")) {
      event.target.closest("dialog").close();
    }
  });

  // Row selection in data tables: checkboxes, select-all, and a live count.
  function updateSelection(table) {
    var boxes = table.querySelectorAll("tbody input[data-select-row]");
    var chosen = 0;
    boxes.forEach(function (box) {
      box.closest("tr").classList.toggle("is-selected", box.checked);
      if (box.checked) chosen += 1;
    });
    var all = table.querySelector("thead input[data-select-all]");
    if (all) {
      all.checked = chosen > 0 && chosen === boxes.length;
      all.indeterminate = chosen > 0 && chosen < boxes.length;
    }
    var bar = document.querySelector("[data-selection-bar]");
    if (bar) {
      bar.hidden = chosen === 0;
      var count = bar.querySelector("[data-selection-count]");
      if (count) count.textContent = chosen + " selected";
    }
  }
  document.addEventListener("change", function (event) {
    var table = event.target.closest("table[data-selectable]");
    if (!table) return;
    if (event.target.matches("thead input[data-select-all]")) {
      table.querySelectorAll("tbody input[data-select-row]").forEach(function (box) {
        box.checked = event.target.checked;
      });
    }
    updateSelection(table);
  });
  // Copy the refs of the selected rows (for pasting into a ticket or a CLI command).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-selected]");
    if (!button) return;
    var refs = Array.prototype.map.call(
      document.querySelectorAll("tbody input[data-select-row]:checked"),
      function (box) { return box.value; });
    if (navigator.clipboard) navigator.clipboard.writeText(refs.join("\n"));
    button.textContent = "Copied " + refs.length;
  });
  // Filters left empty stay out of the URL htmx pushes, so a shared link reads cleanly.
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.verb !== "get") return;
    var parameters = event.detail.parameters;
    Object.keys(parameters).forEach(function (name) {
      if (parameters[name] === "") delete parameters[name];
    });
  });
  document.addEventListener("htmx:afterSwap", function () {
    document.querySelectorAll("table[data-selectable]").forEach(updateSelection);
  });
})();
