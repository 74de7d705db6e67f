/* The desk page: paste or drop articles, brief them through the API, show each brief page beside its
   highlighted article, download JSON / Markdown. Same-origin fetch only; no framework, no network. */
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var text = $("text"), published = $("published"), go = $("go"), files = $("files"), drop = $("drop");
  var list = $("items"), status = $("status"), view = $("view"), empty = $("empty");
  var dlJson = $("dl-json"), dlMd = $("dl-md");
  var items = [], current = -1, busy = false, urls = [];

  function say(msg, bad) { status.textContent = msg; status.classList.toggle("is-error", !!bad); }
  function api(path, body) {
    return fetch(path, { method: "POST", headers: { "Content-Type": "application/json" },
                         body: JSON.stringify(body) })
      .then(function (r) {
        var kind = r.headers.get("Content-Type") || "";
        var read = kind.indexOf("json") >= 0 ? r.json() : r.text();
        return read.then(function (data) {
          if (!r.ok) {
            var e = (data && data.error) || { message: "HTTP " + r.status };
            throw new Error(e.message + (e.fix ? " — " + e.fix : ""));
          }
          return data;
        });
      });
  }
  function slug(s) { return (s || "brief").replace(/\.[a-z]+$/i, "").replace(/[^\w.-]+/g, "_").slice(0, 60) || "brief"; }
  function link(a, content, type, name) {
    urls.forEach(function (u) { if (u.a === a) URL.revokeObjectURL(u.url); });
    var url = URL.createObjectURL(new Blob([content], { type: type }));
    urls.push({ a: a, url: url });
    a.href = url; a.download = name; a.removeAttribute("aria-disabled"); a.tabIndex = 0;
  }
  function unlink(a) { a.removeAttribute("href"); a.setAttribute("aria-disabled", "true"); a.tabIndex = -1; }

  function renderList() {
    list.textContent = "";
    items.forEach(function (it, n) {
      var li = document.createElement("li"), b = document.createElement("button"), st = document.createElement("span");
      b.type = "button"; b.textContent = it.name; b.setAttribute("data-n", String(n));
      if (n === current) b.setAttribute("aria-current", "true");
      st.className = "state" + (it.error ? " bad" : "");
      st.textContent = it.error ? "failed" : it.brief ? "ready" : "briefing…";
      b.appendChild(st); li.appendChild(b); list.appendChild(li);
    });
  }
  function show(n) {
    current = n; renderList();
    var it = items[n];
    unlink(dlJson); unlink(dlMd);
    if (!it || !it.html) {
      view.hidden = true; empty.hidden = false;
      empty.textContent = it && it.error ? it.name + ": " + it.error : "The brief appears here.";
      return;
    }
    empty.hidden = true; view.hidden = false;
    view.srcdoc = it.html;
    link(dlJson, JSON.stringify(it.brief, null, 2) + "\n", "application/json", slug(it.name) + ".json");
    if (it.markdown) link(dlMd, it.markdown, "text/markdown", slug(it.name) + ".md");
  }
  function briefOne(it) {
    var body = { text: it.text };
    if (it.published) body.published = it.published;
    return api("v1/briefs", body)
      .then(function (brief) {
        it.brief = brief;
        var req = { brief: brief, text: it.text };
        return Promise.all([api("v1/render", Object.assign({ format: "html" }, req)),
                            api("v1/render", Object.assign({ format: "markdown" }, req))]);
      })
      .then(function (out) { it.html = out[0]; it.markdown = out[1]; })
      .catch(function (e) { it.error = e.message; });
  }
  function run(newItems) {
    if (busy || !newItems.length) return;
    busy = true; go.disabled = true;
    var first = items.length;
    items = items.concat(newItems);
    renderList();
    var chain = Promise.resolve(), done = 0, bad = 0;
    newItems.forEach(function (it, k) {
      chain = chain.then(function () {
        say("Briefing " + it.name + " (" + (k + 1) + " of " + newItems.length + ")…");
        return briefOne(it).then(function () {
          done++; if (it.error) bad++;
          if (k === 0 || first + k === current + 1) show(first + k); else renderList();
        });
      });
    });
    chain.then(function () {
      busy = false; go.disabled = false;
      say(bad ? bad + " of " + done + " failed: " + (newItems.filter(function (i) { return i.error; })[0].error)
              : (done === 1 ? "Brief ready." : done + " briefs ready."), bad > 0);
    });
  }
  function fromText() {
    var t = text.value;
    if (!t.trim()) { say("Paste an article first (or drop files).", true); text.focus(); return; }
    var name = (t.trim().split("\n")[0] || "Article").slice(0, 50);
    run([{ name: name, text: t, published: published.value || null }]);
  }
  function fromFiles(list) {
    var chosen = Array.prototype.filter.call(list || [], function (f) { return /\.(txt|md|html?)$/i.test(f.name) || /^text\//.test(f.type); });
    if (!chosen.length) { say("Drop .txt, .md or .html files.", true); return; }
    Promise.all(chosen.map(function (f) { return f.text(); })).then(function (texts) {
      if (texts.length === 1) text.value = texts[0];
      run(chosen.map(function (f, n) { return { name: f.name, text: texts[n], published: published.value || null }; }));
    });
  }

  $("compose").addEventListener("submit", function (e) { e.preventDefault(); fromText(); });
  text.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); fromText(); }
  });
  files.addEventListener("change", function () { fromFiles(files.files); files.value = ""; });
  list.addEventListener("click", function (e) {
    var b = e.target instanceof Element ? e.target.closest("button[data-n]") : null;
    if (b) show(Number(b.getAttribute("data-n")));
  });
  ["dragenter", "dragover"].forEach(function (k) {
    drop.addEventListener(k, function (e) { e.preventDefault(); drop.classList.add("is-over"); });
  });
  ["dragleave", "drop"].forEach(function (k) {
    drop.addEventListener(k, function () { drop.classList.remove("is-over"); });
  });
  drop.addEventListener("drop", function (e) { e.preventDefault(); fromFiles(e.dataTransfer && e.dataTransfer.files); });
  unlink(dlJson); unlink(dlMd);
})();
