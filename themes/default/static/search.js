// Search as you type. The header's box is a combobox (WAI-ARIA 1.2): its
// popup lists the best pages while typing, arrow keys move through them,
// Enter opens one (or, with none chosen, the search page). The search page
// (/search/?q=…&kind=…&tag=…&lang=…) shows every result with filter chips
// and counts, and keeps its URL in step so it can be shared. "/" or Ctrl-K
// focuses the box. Without this script the box still submits to the
// search page.
(function () {
  "use strict";
  var $ = function (sel, el) { return (el || document).querySelector(sel); };
  var form = $(".search-form"), input = $("#q"), popup = $("#search-results");
  if (!form || !input || !popup) return;
  var page = $("#search-page"), live = $(".search-live", form);
  var fill = function (tpl, vals) {
    return (tpl || "").replace(/\{(\w+)\}/g, function (m, k) { return k in vals ? vals[k] : m; });
  };
  // The string of an element's data attribute for a count: its "-one"
  // form for exactly one ("1 result", not "1 results").
  var one = function (node, key, n) {
    var single = node.dataset[key + "One"];
    return n === 1 && single ? single : node.dataset[key];
  };
  var el = function (tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  };

  // The reader's language, the page's: results in it come first (a
  // preference, not a filter).
  var READER_LANG = document.documentElement.lang || "";

  // Labels of kinds and languages, and the kinds' list pages.
  var labels = { kind: {}, lang: {} }, kindLinks = [];
  var tpl = $("#search-labels");
  if (tpl) {
    Array.prototype.forEach.call(tpl.content.querySelectorAll("[data-kind]"), function (a) {
      labels.kind[a.dataset.kind] = a.textContent;
      kindLinks.push({ label: a.dataset.plural || a.textContent, href: a.getAttribute("href") });
    });
    Array.prototype.forEach.call(tpl.content.querySelectorAll("[data-lang]"), function (s) {
      labels.lang[s.dataset.lang] = s.textContent;
    });
  }
  var label = function (facet, v) { return (labels[facet] && labels[facet][v]) || v; };

  // Where searches go. kb serve answers the endpoint; a plain web server
  // does not (a 404 page, or anything else that is not JSON), and then the
  // static bundle kb build wrote answers instead, through the script named
  // by data-static, loaded when first needed. One probe per page, sent when
  // the box gets the focus or at the first search.
  var backend = null;
  function probe() {
    if (!backend) {
      var fallback = function () { return form.dataset.static ? loadStatic() : "server"; };
      backend = fetch(form.dataset.endpoint + "?q=&limit=1&facets=0", { headers: { Accept: "application/json" } }).then(function (r) {
        return /json/.test(r.headers.get("Content-Type") || "") ? "server" : fallback();
      }, fallback);
      backend.catch(function () { backend = null; }); // try again next time
    }
    return backend;
  }
  function loadStatic() {
    return new Promise(function (ok, fail) {
      var s = document.createElement("script");
      s.src = form.dataset.static;
      s.onload = ok;
      s.onerror = function () { fail(new Error("search-static.js did not load")); };
      document.head.appendChild(s);
    }).then(function () {
      // What every query needs, while the reader types.
      window.kbStaticSearch.preload().catch(function () {});
      return "static";
    });
  }
  input.addEventListener("focus", probe);

  // askStatic answers like the endpoint, from the static bundle.
  function askStatic(params) {
    var p = {};
    params.forEach(function (v, k) {
      if (k === "tag") (p.tag = p.tag || []).push(v);
      else p[k] = v;
    });
    return window.kbStaticSearch(p).catch(function (e) {
      var err = new Error((e.body && e.body.error) || e.message);
      err.status = e.status || 500;
      throw err;
    });
  }

  // ask runs one search: a Promise of the endpoint's JSON answer. A failed
  // answer rejects with an Error carrying status and the body's message.
  function ask(params, signal) {
    return probe().then(function (how) {
      return how === "static" ? askStatic(params) : askServer(params, signal);
    });
  }

  function askServer(params, signal) {
    var url = form.dataset.endpoint + "?" + params.toString();
    return fetch(url, { headers: { Accept: "application/json" }, signal: signal }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) {
        if (r.ok) return body;
        var e = new Error(body.error || "HTTP " + r.status);
        e.status = r.status;
        throw e;
      });
    });
  }

  // marked appends to parent the text of html, a string the endpoint
  // escaped with the matched words in <mark>: only text and <mark> are
  // kept, whatever it holds.
  function marked(parent, html) {
    var t = document.createElement("template");
    t.innerHTML = html || "";
    Array.prototype.forEach.call(t.content.childNodes, function (n) {
      if (n.nodeName === "MARK") parent.appendChild(el("mark", null, n.textContent));
      else parent.appendChild(document.createTextNode(n.textContent));
    });
    return parent;
  }

  function meta(hit) {
    var bits = [label("kind", hit.kind)];
    if (Object.keys(labels.lang).length > 1) bits.push(label("lang", hit.lang));
    return bits.filter(Boolean).join(" · ");
  }

  function searchURL(q) {
    var u = new URL(form.action, location.href);
    u.search = q ? "?q=" + encodeURIComponent(q) : "";
    return u.pathname + u.search;
  }

  // A latest-wins runner: each call aborts the one before, and an answer
  // that comes back late is dropped.
  function runner(onDone, onFail) {
    var ctl = null;
    return function (params) {
      if (ctl) ctl.abort();
      var mine = ctl = new AbortController();
      return ask(params, mine.signal).then(function (res) {
        if (mine === ctl) onDone(res, params);
      }, function (err) {
        if (mine === ctl && err.name !== "AbortError") onFail(err, params);
      });
    };
  }

  // ---- The combobox in the header ----------------------------------------

  var options = [], active = -1, timer = 0, popupFor = null;
  var setActive = function (i) {
    if (active >= 0 && options[active]) options[active].setAttribute("aria-selected", "false");
    active = i;
    if (i >= 0 && options[i]) {
      options[i].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", options[i].id);
      options[i].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  };
  var open = function () {
    popup.hidden = false;
    input.setAttribute("aria-expanded", "true");
  };
  var close = function () {
    popup.hidden = true;
    input.setAttribute("aria-expanded", "false");
    setActive(-1);
  };

  // option adds a choice to the popup; its link is for the mouse only, the
  // keyboard stays in the box.
  function option(href, cls) {
    var o = el("div", "search-option" + (cls ? " " + cls : ""));
    o.id = "search-option-" + options.length;
    o.setAttribute("role", "option");
    o.setAttribute("aria-selected", "false");
    o.dataset.href = href;
    var a = el("a");
    a.href = href;
    a.tabIndex = -1;
    o.appendChild(a);
    options.push(o);
    popup.appendChild(o);
    return a;
  }

  // note adds a message to the popup: an option that cannot be chosen, as
  // a listbox holds only options.
  function note(text) {
    var n = el("div", "search-none", text);
    n.id = "search-none";
    n.setAttribute("role", "option");
    n.setAttribute("aria-disabled", "true");
    n.setAttribute("aria-selected", "false");
    popup.appendChild(n);
    return n;
  }

  // alsoIn returns the line naming a result's translations that match
  // too ("Also in: Nederlands"), each a link; null when there are none.
  // In the popup the links are for the mouse only, as the options' own.
  function alsoIn(hit, tag, popupLinks) {
    if (!hit.also_in || !hit.also_in.length) return null;
    var line = el(tag, "search-also", form.dataset.also + " ");
    hit.also_in.forEach(function (t, i) {
      if (i) line.appendChild(document.createTextNode(", "));
      var a = el("a", null, label("lang", t.lang));
      a.href = t.url;
      a.hreflang = t.lang;
      a.lang = t.lang;
      if (popupLinks) a.tabIndex = -1;
      line.appendChild(a);
    });
    return line;
  }

  function showPopup(res, params) {
    var q = params.get("q");
    popup.textContent = "";
    options = [];
    active = -1;
    input.removeAttribute("aria-activedescendant");
    res.hits.forEach(function (hit) {
      var a = option(hit.url);
      a.appendChild(marked(el("span", "search-title"), hit.title_html || hit.title));
      a.appendChild(el("span", "search-meta", meta(hit)));
      var frag = (hit.fragments && hit.fragments[0]) || "";
      if (frag) a.appendChild(marked(el("span", "search-frag"), frag));
      else if (hit.summary) a.appendChild(el("span", "search-frag", hit.summary));
      var also = alsoIn(hit, "span", true);
      if (also) a.parentNode.appendChild(also);
    });
    if (res.hits.length) {
      option(searchURL(q), "search-all").textContent = fill(one(form, "all", res.total), { total: res.total });
      live.textContent = fill(one(form, "count", res.total), { total: res.total, q: q });
    } else {
      var none = note(fill(form.dataset.none, { q: q }));
      kindLinks.forEach(function (k) { option(k.href, "search-kind").textContent = k.label; });
      live.textContent = none.textContent;
    }
    popupFor = q;
    if (document.activeElement === input) open();
  }

  var popupSearch = runner(showPopup, function (err) {
    popup.textContent = "";
    options = [];
    live.textContent = note(err.status === 400 ? err.message : form.dataset.error).textContent;
    if (document.activeElement === input) open();
  });

  function typed() {
    clearTimeout(timer);
    var q = input.value;
    if (page) {
      // The search page is the list: it follows the box.
      timer = setTimeout(function () { pageState.q = q; pageState.offset = 0; pageSearch(); }, 150);
      return;
    }
    if (!q.trim()) {
      close();
      popup.textContent = "";
      options = [];
      popupFor = null;
      return;
    }
    // A short pause: long enough to skip the words typed in one burst,
    // short enough that results follow the typing.
    timer = setTimeout(function () {
      popupSearch(new URLSearchParams({ q: q, limit: "8", facets: "0", pref: READER_LANG }));
    }, 60);
  }

  input.addEventListener("input", typed);
  input.addEventListener("focus", function () {
    if (!page && options.length && popupFor === input.value) open();
  });
  input.addEventListener("keydown", function (e) {
    if (page) return;
    switch (e.key) {
      case "ArrowDown":
      case "ArrowUp":
        e.preventDefault();
        if (popup.hidden) {
          if (options.length && popupFor === input.value) open();
          else if (input.value.trim()) typed();
          return;
        }
        if (!options.length) return;
        var n = options.length, down = e.key === "ArrowDown";
        setActive(active < 0 ? (down ? 0 : n - 1) : (active + (down ? 1 : n - 1)) % n);
        break;
      case "Enter":
        if (chosen()) e.preventDefault();
        break;
      case "Escape":
        if (!popup.hidden) {
          e.preventDefault();
          close();
        } else if (input.value) {
          e.preventDefault();
          input.value = "";
          typed();
        }
        break;
      case "Tab":
        close();
        break;
    }
  });
  // chosen opens the active option, if any: Enter on it does not search.
  function chosen() {
    if (popup.hidden || active < 0 || !options[active]) return false;
    location.assign(options[active].dataset.href);
    return true;
  }
  form.addEventListener("submit", function (e) {
    if (!page && chosen()) e.preventDefault();
  });
  // A click keeps the focus in the box until the link is followed.
  popup.addEventListener("mousedown", function (e) { e.preventDefault(); });
  document.addEventListener("click", function (e) {
    if (!form.contains(e.target)) close();
  });

  // "/" (outside a text field) or Ctrl-K (anywhere) focuses the box.
  document.addEventListener("keydown", function (e) {
    var t = e.target, editing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
    if ((e.key === "k" || e.key === "K") && (e.ctrlKey || e.metaKey) && !e.altKey) {
      e.preventDefault();
      input.focus();
      input.select();
    } else if (e.key === "/" && !editing && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      input.focus();
      input.select();
    }
  });

  // ---- The search page ----------------------------------------------------

  if (!page) return;
  var status = $(".search-status", page), filters = $(".search-filters", page);
  var list = $(".search-list", page), suggest = $(".search-suggest", page);
  var LIMIT = 20;
  var params0 = new URLSearchParams(location.search);
  var pageState = { q: params0.get("q") || "", kind: params0.get("kind") || "", lang: params0.get("lang") || "", tags: params0.getAll("tag"), offset: 0 };
  input.value = pageState.q;
  var more = el("button", "link-button search-more", page.dataset.more);
  more.type = "button";
  more.hidden = true;
  page.appendChild(more);

  function stateParams(withPaging) {
    var p = new URLSearchParams();
    if (pageState.q) p.set("q", pageState.q);
    if (pageState.kind) p.set("kind", pageState.kind);
    pageState.tags.forEach(function (t) { p.append("tag", t); });
    if (pageState.lang) p.set("lang", pageState.lang);
    if (withPaging) {
      if (READER_LANG) p.set("pref", READER_LANG);
      p.set("limit", String(LIMIT));
      if (pageState.offset) p.set("offset", String(pageState.offset));
    }
    return p;
  }

  function hitItem(hit) {
    var li = el("li", "search-hit");
    var h = el("h2", "search-hit-title"), a = el("a");
    a.href = hit.url;
    h.appendChild(marked(a, hit.title_html || hit.title));
    li.appendChild(h);
    var m = el("p", "search-meta");
    var dot = el("span", "dot kind-" + hit.kind);
    dot.setAttribute("aria-hidden", "true");
    m.appendChild(dot);
    m.appendChild(document.createTextNode(meta(hit)));
    if (hit.tags && hit.tags.length) m.appendChild(el("span", "search-tags", " · " + hit.tags.join(", ")));
    li.appendChild(m);
    var frags = (hit.fragments || []).slice(0, 2);
    if (frags.length) frags.forEach(function (f) { li.appendChild(marked(el("p", "search-frag"), f)); });
    else if (hit.summary) li.appendChild(el("p", "search-frag", hit.summary));
    var also = alsoIn(hit, "p", false);
    if (also) li.appendChild(also);
    return li;
  }

  // chips draws one group of filter chips: every value with its count,
  // and the chosen ones even when they count nothing. A group whose one
  // value every result has would filter nothing (one language) and is
  // left out, as the lists leave it out.
  function chips(facet, counts, chosen, total) {
    var values = Object.keys(counts || {});
    chosen.forEach(function (v) { if (values.indexOf(v) < 0) values.push(v); });
    if (!values.length || (values.length === 1 && !chosen.length && counts[values[0]] === total)) return;
    values.sort(function (a, b) { return ((counts[b] || 0) - (counts[a] || 0)) || label(facet, a).localeCompare(label(facet, b)); });
    var name = page.dataset["facet" + facet.charAt(0).toUpperCase() + facet.slice(1)];
    var g = el("div", "filter-group");
    g.setAttribute("role", "group");
    g.setAttribute("aria-label", name);
    var l = el("span", "filter-label", name);
    l.setAttribute("aria-hidden", "true");
    g.appendChild(l);
    values.forEach(function (v) {
      var c = el("button", "chip");
      c.type = "button";
      c.dataset.facet = facet;
      c.dataset.value = v;
      c.setAttribute("aria-pressed", String(chosen.indexOf(v) >= 0));
      c.appendChild(document.createTextNode(label(facet === "tags" ? "" : facet, v) + " "));
      c.appendChild(el("span", "chip-count", String(counts[v] || 0)));
      g.appendChild(c);
    });
    filters.appendChild(g);
  }

  function showPage(res, params) {
    var focused = document.activeElement && document.activeElement.closest && document.activeElement.closest(".chip");
    var refocus = focused && focused.dataset.facet + "\u0000" + focused.dataset.value;
    if (!params.get("offset")) {
      list.textContent = "";
      filters.textContent = "";
      chips("kind", res.facets.kind, pageState.kind ? [pageState.kind] : [], res.total);
      chips("lang", res.facets.lang, pageState.lang ? [pageState.lang] : [], res.total);
      chips("tags", res.facets.tags, pageState.tags, res.total);
      if (pageState.kind || pageState.lang || pageState.tags.length) {
        var clear = el("button", "link-button search-clear", page.dataset.clear);
        clear.type = "button";
        filters.appendChild(clear);
      }
    }
    res.hits.forEach(function (hit) { list.appendChild(hitItem(hit)); });
    pageState.offset = (Number(params.get("offset")) || 0) + res.hits.length;
    more.hidden = pageState.offset >= res.total;
    if (suggest) suggest.hidden = res.total > 0;
    var note = res.fuzzy ? page.dataset.fuzzy : res.partial ? page.dataset.partial : "";
    var count = pageState.q ? fill(one(form, "count", res.total), { total: res.total, q: pageState.q }) : res.total + " " + one(page, "results", res.total);
    status.textContent = res.total ? count + (note ? " " + note : "") : "";
    if (!res.total) status.textContent = pageState.q ? fill(form.dataset.none, { q: pageState.q }) : page.dataset.empty;
    if (refocus) {
      var again = Array.prototype.filter.call(filters.querySelectorAll(".chip"), function (c) {
        return c.dataset.facet + "\u0000" + c.dataset.value === refocus;
      })[0];
      if (again) again.focus();
    }
  }

  var pageRun = runner(showPage, function (err) {
    list.textContent = "";
    more.hidden = true;
    status.textContent = err.status === 400 ? err.message : form.dataset.error;
  });

  function pageSearch() {
    var p = stateParams(false), u = location.pathname + (p.toString() ? "?" + p.toString() : "");
    if (u !== location.pathname + location.search) history.replaceState(null, "", u);
    return pageRun(stateParams(true));
  }

  filters.addEventListener("click", function (e) {
    var c = e.target.closest("button");
    if (!c) return;
    if (c.classList.contains("search-clear")) {
      pageState.kind = pageState.lang = "";
      pageState.tags = [];
      input.focus();
    } else {
      var f = c.dataset.facet, v = c.dataset.value, on = c.getAttribute("aria-pressed") !== "true";
      if (f === "tags") pageState.tags = on ? pageState.tags.concat([v]) : pageState.tags.filter(function (t) { return t !== v; });
      else pageState[f] = on ? v : "";
    }
    pageState.offset = 0;
    pageSearch();
  });
  more.addEventListener("click", function () { pageRun(stateParams(true)); });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    clearTimeout(timer);
    pageState.q = input.value;
    pageState.offset = 0;
    pageSearch();
  });
  pageSearch();
})();
