// kb's page behaviour, all optional: the site works without it.
// Colour-scheme toggle, sidebar menu on small screens, a table of contents
// that follows the scroll, list filters and the symptom checklist count.
// Search lives in search.js.
(function () {
  "use strict";
  var root = document.documentElement;
  var $ = function (sel, el) { return (el || document).querySelector(sel); };
  var $$ = function (sel, el) { return Array.prototype.slice.call((el || document).querySelectorAll(sel)); };
  var fill = function (tpl, vals) {
    return tpl.replace(/\{(\w+)\}/g, function (m, k) { return k in vals ? vals[k] : m; });
  };

  // Colour scheme: follows the system until the reader picks one.
  var toggle = $(".theme-toggle");
  if (toggle) {
    var isDark = function () {
      var t = root.getAttribute("data-theme");
      return t ? t === "dark" : matchMedia("(prefers-color-scheme: dark)").matches;
    };
    var sync = function () { toggle.setAttribute("aria-pressed", String(isDark())); };
    sync();
    toggle.addEventListener("click", function () {
      var next = isDark() ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try { localStorage.setItem("kb-theme", next); } catch (e) {}
      sync();
    });
    matchMedia("(prefers-color-scheme: dark)").addEventListener("change", sync);
  }

  // Sidebar as a menu on small screens.
  var menu = $(".menu-toggle"), side = $("#sidebar");
  if (menu && side) {
    menu.addEventListener("click", function () {
      var open = side.classList.toggle("open");
      menu.setAttribute("aria-expanded", String(open));
      if (open) { var a = $("a", side); if (a) a.focus(); }
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && side.classList.contains("open")) {
        side.classList.remove("open");
        menu.setAttribute("aria-expanded", "false");
        menu.focus();
      }
    });
  }

  // Table of contents: mark the section being read.
  var tocLinks = $$(".toc a[href^='#']");
  var targets = tocLinks.map(function (a) { return document.getElementById(decodeURIComponent(a.hash.slice(1))); });
  if (tocLinks.length) {
    var current = -1, queued = false;
    var spy = function () {
      queued = false;
      var line = window.innerHeight * 0.3, idx = 0;
      for (var i = 0; i < targets.length; i++) {
        if (targets[i] && targets[i].getBoundingClientRect().top <= line) idx = i;
      }
      if (window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 2) {
        for (var j = targets.length - 1; j >= 0; j--) {
          if (targets[j] && targets[j].getBoundingClientRect().top < window.innerHeight) { idx = j; break; }
        }
      }
      // Headings side by side (a channel agreement's columns) share a top:
      // prefer the one the reader jumped to.
      var hash = decodeURIComponent(location.hash.slice(1));
      for (var k = 0; k < targets.length; k++) {
        if (targets[k] && targets[idx] && targets[k].id === hash &&
            Math.abs(targets[k].getBoundingClientRect().top - targets[idx].getBoundingClientRect().top) < 2) idx = k;
      }
      if (idx === current) return;
      if (current >= 0) tocLinks[current].removeAttribute("aria-current");
      tocLinks[idx].setAttribute("aria-current", "true");
      current = idx;
    };
    window.addEventListener("scroll", function () {
      if (!queued) { queued = true; requestAnimationFrame(spy); }
    }, { passive: true });
    window.addEventListener("resize", spy);
    window.addEventListener("hashchange", spy);
    spy();
  }

  // Filter chips: within a facet any chosen value matches, across facets all.
  $$("[data-filters]").forEach(function (box) {
    // The cards of every list beside the chips: a page's list in the
    // reader's language and the one of pages only in other languages.
    var cards = $$("[data-filterable] .card", box.parentNode), chips = $$(".chip", box);
    if (!cards.length) return;
    var status = $("[data-filter-status]", box), clear = $("[data-filter-clear]", box);
    var apply = function () {
      var want = {};
      chips.forEach(function (c) {
        if (c.getAttribute("aria-pressed") === "true") (want[c.dataset.facet] = want[c.dataset.facet] || []).push(c.dataset.value);
      });
      var shown = 0, any = Object.keys(want).length > 0;
      cards.forEach(function (card) {
        var ok = Object.keys(want).every(function (facet) {
          var have = (card.dataset[facet] || "").split(" ");
          return want[facet].some(function (v) { return have.indexOf(v) >= 0; });
        });
        card.hidden = !ok;
        if (ok) shown++;
      });
      status.textContent = any ? fill(status.dataset.template, { shown: shown, total: cards.length }) : "";
      clear.hidden = !any;
    };
    chips.forEach(function (c) {
      c.addEventListener("click", function () {
        c.setAttribute("aria-pressed", String(c.getAttribute("aria-pressed") !== "true"));
        apply();
      });
    });
    clear.addEventListener("click", function () {
      chips.forEach(function (c) { c.setAttribute("aria-pressed", "false"); });
      apply();
      if (chips[0]) chips[0].focus();
    });
  });

  // Symptom checklist: count the signals the reader recognises.
  $$("[data-checklist]").forEach(function (list) {
    var status = list.parentNode.querySelector("[data-checklist-status]");
    if (!status) return;
    list.addEventListener("change", function () {
      var n = $$("input:checked", list).length;
      status.textContent = n ? fill(status.dataset.template, { checked: n, total: status.dataset.total }) : "";
    });
  });
})();
