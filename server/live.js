// kb live reload (kb serve only; never part of a built site).
// Listens for build results on {base}_kb/events: reloads the page after a
// build (keeping the scroll position), swaps the stylesheets when only CSS
// changed, and shows a failed build's errors in an overlay.
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me || !window.EventSource) return;
  var build = me.getAttribute("data-build") || "";
  var base = me.src.replace(/_kb\/live\.js(\?.*)?$/, "");
  var KEY = "kb-live-scroll";
  var here = location.pathname + location.search;

  // Restore the scroll position saved by the reload below.
  function restore() {
    var saved = null;
    try { saved = JSON.parse(sessionStorage.getItem(KEY) || "null"); } catch (e) { return; }
    if (!saved || saved.path !== here) return;
    window.scrollTo({ left: saved.x, top: saved.y, behavior: "instant" });
    if (document.readyState === "complete") sessionStorage.removeItem(KEY);
  }
  restore();
  window.addEventListener("load", restore);

  function reload() {
    try {
      sessionStorage.setItem(KEY, JSON.stringify({ path: here, x: window.scrollX, y: window.scrollY }));
    } catch (e) { /* private mode: reload anyway */ }
    location.reload();
  }

  // Replace the stylesheets with the ones the page links to now (their
  // names are fingerprinted), without reloading.
  function swapCSS() {
    fetch(location.href, { cache: "no-store", credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (text) {
        var doc = new DOMParser().parseFromString(text, "text/html");
        var fresh = doc.querySelectorAll('link[rel="stylesheet"]');
        var old = document.querySelectorAll('link[rel="stylesheet"]');
        if (fresh.length !== old.length) { reload(); return; }
        old.forEach(function (link, i) {
          var href = fresh[i].getAttribute("href");
          if (link.getAttribute("href") === href) return;
          var next = document.createElement("link");
          next.rel = "stylesheet";
          next.href = href;
          next.addEventListener("load", function () { link.remove(); });
          link.after(next);
        });
      })
      .catch(reload);
  }

  // The overlay is built with DOM calls and textContent only: the messages
  // come from the content, which anyone with commit access writes.
  var OVERLAY = "kb-live-errors";
  function clearErrors() {
    var el = document.getElementById(OVERLAY);
    if (el) el.remove();
  }
  // The errors of the page in view first (pages maps each file to the URL
  // of its page, relative to the base path), then the others, each group
  // in the build's order.
  function thisPageFirst(list, pages) {
    var mine = [], rest = [];
    var at = new URL(base, location.href).pathname;
    (list || []).forEach(function (d) {
      var u = pages && d.file ? pages[d.file] : null;
      (u && at + u.replace(/^\//, "") === location.pathname ? mine : rest).push(d);
    });
    return mine.concat(rest);
  }
  function showErrors(list, pages) {
    clearErrors();
    list = thisPageFirst(list, pages);
    var box = document.createElement("div");
    box.id = OVERLAY;
    box.setAttribute("role", "alert");
    var s = box.style;
    s.position = "fixed"; s.left = "0"; s.right = "0"; s.bottom = "0"; s.zIndex = "2147483647";
    s.maxHeight = "50vh"; s.overflow = "auto"; s.margin = "0"; s.padding = "1rem 1.25rem";
    s.background = "#2b0b0e"; s.color = "#ffd7d9"; s.borderTop = "4px solid #da3633";
    s.font = "14px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace";
    s.boxShadow = "0 -4px 16px rgba(0,0,0,.4)";
    var head = document.createElement("strong");
    head.textContent = build === "0"
      ? "kb: the build failed, so there is no site to show yet."
      : "kb: the build failed; this page shows the last good build.";
    head.style.display = "block";
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "×";
    close.setAttribute("aria-label", "Hide");
    close.style.cssFloat = "right"; close.style.font = "inherit"; close.style.background = "none";
    close.style.color = "inherit"; close.style.border = "0"; close.style.cursor = "pointer";
    close.addEventListener("click", clearErrors);
    var ul = document.createElement("ul");
    ul.style.margin = ".5rem 0 0"; ul.style.padding = "0"; ul.style.listStyle = "none";
    (list || []).forEach(function (d) {
      var li = document.createElement("li");
      var where = d.file || "";
      if (d.line) where += ":" + d.line + (d.col ? ":" + d.col : "");
      li.textContent = (where ? where + ": " : "") + (d.severity ? d.severity + ": " : "") + d.message + (d.rule ? " [" + d.rule + "]" : "");
      li.style.whiteSpace = "pre-wrap";
      ul.appendChild(li);
    });
    box.appendChild(close);
    box.appendChild(head);
    box.appendChild(ul);
    (document.body || document.documentElement).appendChild(box);
  }

  function data(e) {
    try { return JSON.parse(e.data); } catch (err) { return null; }
  }

  var es = new EventSource(base + "_kb/events");
  // A page the browser keeps for the back button would hold its stream
  // open: browsers allow six connections to a host, and a few pages later
  // every request would wait for one.
  // Such a page, shown again, connects anew by reloading (it may also be
  // older than the last build).
  window.addEventListener("pagehide", function () { es.close(); });
  window.addEventListener("pageshow", function (e) { if (e.persisted) reload(); });
  es.addEventListener("open", function () { me.setAttribute("data-state", "connected"); });
  // The state on connecting: reload if a build finished since this page was served.
  es.addEventListener("hello", function (e) {
    var d = data(e);
    clearErrors();
    if (d && String(d.id) !== build) reload();
  });
  es.addEventListener("reload", function () { reload(); });
  es.addEventListener("css", function (e) {
    var d = data(e);
    clearErrors();
    if (d) build = String(d.id);
    swapCSS();
  });
  es.addEventListener("error", function (e) {
    if (!e.data) return; // the connection dropped: EventSource reconnects by itself
    var d = data(e);
    if (d) showErrors(d.errors, d.pages);
  });
})();
