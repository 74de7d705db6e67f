/* The brief page: field -> evidence (scroll + flash), highlight -> citing fields (popover). No framework. */
(function () {
  "use strict";
  var doc = document;
  var art = doc.getElementById("article");
  var pane = doc.getElementById("article-pane");
  var pop = doc.getElementById("cite-pop");
  if (!art || !pane || !pop) return;
  var list = pop.querySelector(".pop-list");
  var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var opener = null;

  function words(el, name) { return (el.getAttribute(name) || "").split(" ").filter(Boolean); }
  function each(sel, fn) { Array.prototype.forEach.call(doc.querySelectorAll(sel), fn); }
  function marksFor(evs) {
    if (!evs.length) return [];
    var sel = evs.map(function (n) { return 'mark.hl[data-ev~="' + n + '"]'; }).join(",");
    return Array.prototype.slice.call(art.querySelectorAll(sel));
  }
  function go(el) { el.scrollIntoView({ block: "center", inline: "nearest", behavior: reduce ? "auto" : "smooth" }); }
  function flash(els) {
    each(".flash", function (el) { el.classList.remove("flash"); });
    els.forEach(function (el) { void el.offsetWidth; el.classList.add("flash"); });
  }
  function closePop(restoreFocus) {
    if (pop.hidden) return;
    pop.hidden = true;
    each("mark.hl.is-open", function (el) { el.classList.remove("is-open"); });
    if (restoreFocus && opener) opener.focus();
    opener = null;
  }
  function activateField(field) {
    var marks = marksFor(words(field, "data-ev"));
    if (!marks.length) return;
    closePop(false);
    each(".field.is-current", function (el) { el.classList.remove("is-current"); });
    field.classList.add("is-current");
    go(marks[0]);
    flash(marks);
  }
  function openPop(mark) {
    closePop(false);
    list.textContent = "";
    words(mark, "data-fields").forEach(function (id) {
      var field = doc.getElementById(id);
      if (!field) return;
      var li = doc.createElement("li");
      var btn = doc.createElement("button");
      btn.type = "button";
      btn.className = "pop-item k-" + (field.getAttribute("data-kind") || "other");
      btn.setAttribute("data-target", id);
      btn.textContent = field.getAttribute("data-label") || id;
      li.appendChild(btn);
      list.appendChild(li);
    });
    pop.hidden = false;
    var box = pane.getBoundingClientRect(), r = mark.getBoundingClientRect();
    var left = r.left - box.left + pane.scrollLeft;
    pop.style.left = Math.max(8, Math.min(left, pane.clientWidth - pop.offsetWidth - 8)) + "px";
    pop.style.top = (r.bottom - box.top + pane.scrollTop + 8) + "px";
    mark.classList.add("is-open");
    opener = mark;
  }
  function showField(id) {
    var field = doc.getElementById(id);
    if (!field) return;
    closePop(false);
    go(field);
    flash([field]);
    field.focus({ preventScroll: true });
  }

  doc.addEventListener("click", function (e) {
    var t = e.target instanceof Element ? e.target : null;
    if (!t) return;
    var item = t.closest(".pop-item");
    if (item) { showField(item.getAttribute("data-target")); return; }
    var field = t.closest(".field[data-ev]");
    if (field) { activateField(field); return; }
    var mark = t.closest("mark.hl");
    if (mark) { openPop(mark); return; }
    if (!t.closest("#cite-pop")) closePop(false);
  });
  window.addEventListener("resize", function () { closePop(false); });
  doc.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { closePop(true); return; }
    if (e.key !== "Enter" && e.key !== " ") return;
    var t = e.target instanceof Element ? e.target : null;
    if (!t) return;
    if (t.matches(".field[data-ev]")) { e.preventDefault(); activateField(t); }
    else if (t.matches("mark.hl")) {
      e.preventDefault();
      openPop(t);
      var first = list.querySelector("button");
      if (first) first.focus();
    }
  });
})();
