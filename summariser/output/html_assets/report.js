/* Eval report pages: sortable case tables, filter box + "only failures" toggle, expandable cases. */
(function () {
  "use strict";
  var doc = document;
  function all(root, sel) { return Array.prototype.slice.call(root.querySelectorAll(sel)); }
  function bodies(table) { return all(table, "tbody.case"); }

  function cellValue(tbody, col) {
    var cell = tbody.rows[0] && tbody.rows[0].cells[col];
    return cell ? (cell.getAttribute("data-v") || "") : "";
  }
  function compare(a, b, numeric) {
    if (a === "" || b === "") return a === b ? 0 : (a === "" ? 1 : -1);  // blanks last, either way
    if (numeric) return parseFloat(a) - parseFloat(b);
    return a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" });
  }
  function sortBy(table, th) {
    var col = th.cellIndex, numeric = th.getAttribute("data-sort") === "num";
    var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    all(table, "thead th[data-sort]").forEach(function (h) { h.setAttribute("aria-sort", "none"); });
    th.setAttribute("aria-sort", dir);
    var rows = bodies(table).map(function (tb, i) { return { tb: tb, v: cellValue(tb, col), i: i }; });
    rows.sort(function (x, y) {
      var c = compare(x.v, y.v, numeric);
      if (x.v !== "" && y.v !== "" && dir === "descending") c = -c;
      return c || x.i - y.i;
    });
    rows.forEach(function (r) { table.appendChild(r.tb); });
  }

  function applyFilter(table) {
    var box = doc.querySelector('[data-filter-for="' + table.id + '"]');
    var only = doc.querySelector('[data-only-for="' + table.id + '"]');
    var count = doc.querySelector('[data-count-for="' + table.id + '"]');
    var empty = doc.querySelector('[data-empty-for="' + table.id + '"]');
    var words = (box ? box.value : "").toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0, list = bodies(table);
    list.forEach(function (tb) {
      var text = tb.getAttribute("data-search") || "";
      var ok = words.every(function (w) { return text.indexOf(w) >= 0; });
      if (only && only.checked && !tb.classList.contains("is-flagged")) ok = false;
      tb.hidden = !ok;
      if (ok) shown++;
    });
    if (count) count.textContent = shown === list.length ? list.length + " shown" : shown + " of " + list.length + " shown";
    if (empty) empty.hidden = shown > 0;
  }

  function setOpen(tbody, open) {
    var btn = tbody.querySelector("button.expander"), detail = tbody.querySelector("tr.detail");
    if (!btn || !detail || btn.disabled) return;
    btn.setAttribute("aria-expanded", open ? "true" : "false");
    detail.hidden = !open;
    tbody.classList.toggle("is-open", open);
  }

  all(doc, "table.cases").forEach(function (table) {
    all(table, "thead th[data-sort] button.sort").forEach(function (btn) {
      btn.addEventListener("click", function () { sortBy(table, btn.parentElement); });
    });
    var box = doc.querySelector('[data-filter-for="' + table.id + '"]');
    var only = doc.querySelector('[data-only-for="' + table.id + '"]');
    if (box) {
      box.addEventListener("input", function () { applyFilter(table); });
      box.addEventListener("keydown", function (e) {
        if (e.key === "Escape") { box.value = ""; applyFilter(table); }
      });
    }
    if (only) only.addEventListener("change", function () { applyFilter(table); });
    applyFilter(table);
  });

  doc.addEventListener("click", function (e) {
    var t = e.target instanceof Element ? e.target : null;
    if (!t) return;
    var exp = t.closest("button.expander");
    if (exp) { setOpen(exp.closest("tbody"), exp.getAttribute("aria-expanded") !== "true"); return; }
    var bulk = t.closest("[data-expand-all], [data-collapse-all]");
    if (bulk) {
      var id = bulk.getAttribute("data-expand-all") || bulk.getAttribute("data-collapse-all");
      var table = doc.getElementById(id), open = bulk.hasAttribute("data-expand-all");
      if (table) bodies(table).forEach(function (tb) { if (!tb.hidden) setOpen(tb, open); });
    }
  });

  doc.addEventListener("keydown", function (e) {
    var t = e.target;
    var typing = t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
    if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
      var box = doc.querySelector("[data-filter-for]");
      if (box) { e.preventDefault(); box.focus(); }
    }
  });

  // Printing: open the collapsed sections so the paper copy holds everything that is on screen.
  var reopened = [];
  window.addEventListener("beforeprint", function () {
    reopened = all(doc, "details.more:not([open])");
    reopened.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    reopened.forEach(function (d) { d.open = false; });
    reopened = [];
  });
})();
