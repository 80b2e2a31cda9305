// kb's search without a server: window.kbStaticSearch(params) answers like
// GET {base}_search (same JSON), from the static bundle `kb build` writes to
// {base}_kb/static-search/ (see search/static.go). It fetches only the parts
// of the bundle a query needs: the index and the pages' data once, the
// dictionary chunk of each word, the postings of its terms, the pages'
// tags when it filters or counts by them, and the pages it shows (with the
// chunks naming their files).
// Ranking mirrors the server: bleve's tf-idf per field, title and headings
// above summary and body, the words' best field plus a share of the others,
// prefix matching of the word being typed, typo tolerance when nothing
// matches exactly, words next to each other ranked higher, quoted phrases
// checked on the text.
//
// The client is one script joined from the files of this folder, each
// named after the file of package search it mirrors; this one mirrors
// search.go. They share the object self.kbSearch.
(function (K) {
  "use strict";
  // P holds the methods of a Pass (see search.js).
  var P = K.pass = K.pass || {};

  // Pass is one evaluation of a query against what is loaded; what is
  // missing is noted, fetched, and the pass run again.
  function Pass(bd, q, req, mode) {
    this.bd = bd; this.R = bd.R; this.N = bd.N; this.D = bd.D; this.man = bd.man;
    this.meta = bd.loaded.get("m");
    this.q = q; this.req = req; this.mode = mode;
    this.missing = new Set();
  }
  Pass.prototype = P;

  P.need = function (id) {
    var v = this.bd.loaded.get(id);
    if (v === undefined) this.missing.add(id);
    return v;
  };

  // dictEntry returns the dictionary entry of a lower-cased word, null
  // when the bundle has none, undefined while its chunk is not loaded.
  P.dictEntry = function (w) {
    var c = this.need("d" + K.chunkOf(this.man.dict, w));
    if (!c) return undefined;
    return c.map.get(w) || null;
  };

  // tokenTerms returns what analysis an makes of one lower-cased token.
  P.tokenTerms = function (an, tok, entry) {
    if (entry) {
      var i = this.man.analyses.indexOf(an);
      if (i >= 0) return K.decodeTerm(tok, entry[1 + i]);
    }
    var stop = this.meta.stopSets;
    return K.analyzeToken(an, tok, stop).map(function (t) {
      return { t: t, stop: K.analyzeToken(an, t, stop).length === 0 };
    });
  };

  // terms returns the terms of text in analysis an, in order.
  P.terms = function (an, s) {
    var toks = K.tokenize(s).map(K.lower), out = [];
    for (var i = 0; i < toks.length; i++) {
      var e = this.dictEntry(toks[i]);
      var ts = this.tokenTerms(an, toks[i], e);
      out.push.apply(out, ts);
    }
    return out;
  };

  P.postEntry = function (key) {
    var c = this.need("p" + K.chunkOf(this.man.post, key));
    return c ? c.entry(key) : null;
  };
  P.wordsEntry = function (key) {
    var c = this.need("w" + K.chunkOf(this.man.words, key));
    return c ? c.entry(key) : null;
  };

  // run evaluates fn(pass) until everything it needs is loaded.
  async function run(bd, make) {
    for (var round = 0; ; round++) {
      var pass = make();
      var out = pass.eval();
      if (pass.missing.size === 0 || round > 8) return { pass: pass, out: out };
      await Promise.all(Array.from(pass.missing).map(function (id) { return bd.load(id); }));
    }
  }

  // modes lists the modes to try in turn until one finds something.
  function modes(q, R) {
    if (q.empty) return ["exact"];
    var ms = ["exact"];
    if (q.words.some(function (w) { return K.runeCount(w) >= R.FuzzyMin; })) ms.push("fuzzy");
    return ms;
  }

  // scores computes the score of every page for the query in the
  // analyses ans (the request's language, or all of them), without
  // filters. As on the server, a page of any language matches the terms
  // of every analysis asked for ("project" of the English analysis in a
  // Dutch page): the pages of each analysis are scored in turn.
  P.scores = function (ans) {
    var out = null, pages = this.man.analyses;
    for (var i = 0; i < pages.length; i++) {
      var s = this.langQuery(pages[i], ans);
      if (!s) continue;
      if (!out) out = s;
      else for (var d = 0; d < this.N; d++) if (s[d] > 0) out[d] = s[d];
    }
    return out;
  };

  P.eval = function () {
    var req = this.req, ans;
    if (req.lang) ans = [K.anCode(req.lang)];
    else ans = this.man.analyses.slice();
    var main = this.scores(ans);
    this.nwords = this.lastWords;
    var all = req.lang ? this.scores(this.man.analyses) : main;
    return { main: main, all: all };
  };

  // byURL reports whether the results shown depend on the pages' order
  // by URL: a tie at or before the last one's place, or a group of two
  // pages of one language among them (see K.group).
  function byURL(shown, tie) {
    return shown.length > 0 && (tie <= shown[shown.length - 1].at || shown.some(function (e) { return e.byURL; }));
  }

  async function search(params) {
    var t0 = performance.now();
    var bd = await K.getBundle();
    var R = bd.R, meta = bd.loaded.get("m"), N = bd.N;
    var req = K.request(params, R);
    var q = K.parseQuery(req.query, R);
    var res = { query: req.query, total: 0, took_ms: 0, hits: [], facets: { kind: {}, tags: {}, lang: {} } };
    if (q.empty && q.exclude.length === 0 && K.trimSpace(req.query) !== "") {
      res.took_ms = Math.round((performance.now() - t0) * 1000) / 1000;
      return res;
    }
    var ms = modes(q, R), r, sel, mode, only = null, hl;
    // The pages' tags, for filtering or counting by them.
    if (req.tags.length || !req.noFacets) await bd.load("t");
    for (var i = 0; i < ms.length; i++) {
      mode = ms[i];
      r = await run(bd, function () { return new Pass(bd, q, req, mode); });
      hl = new K.Highlighter(r.pass);
      only = null;
      if (hl.checksText()) {
        // Quoted phrases, and excluded ones, are checked on the text of
        // the best pages matching every word (the filters aside), as
        // search's plan.phraseIDs does.
        var best = K.ranked(r.out.main, null, meta);
        if (best.tie < R.PhraseCandidates && !meta.rank) {
          await bd.load("r");
          best = K.ranked(r.out.main, null, meta);
        }
        var cands = best.slice(0, R.PhraseCandidates);
        await Promise.all(cands.map(function (n) { return bd.load("f" + n); }));
        only = new Uint8Array(N);
        for (var c = 0; c < cands.length; c++) if (hl.verify(bd.loaded.get("f" + cands[c]))) only[cands[c]] = 1;
        res.approximate = best.length > cands.length || undefined;
      }
      sel = K.filtered(r.out.main, req, meta, N, "", only);
      var any = false;
      for (var d = 0; d < N; d++) if (sel[d]) { any = true; break; }
      if (any) break;
    }
    if (!res.approximate) delete res.approximate;
    if (mode !== "exact" || (r.pass.typos || []).some(Boolean)) res.fuzzy = true;

    // Translations are grouped unless a language is asked for (see
    // search/groups.go).
    var groups = req.lang ? null : bd.loaded.get("g0").doc_group;
    // A listing is in URL order; results of equal scores too, which
    // needs r/ only when it orders what is shown.
    if (q.empty) await bd.load("r");
    var order = K.ranked(r.out.main, sel, meta, q.empty);
    var entries = K.group(order, groups, meta, req.pref);
    if (!meta.rank && byURL(entries.slice(req.offset, req.offset + req.limit), order.tie)) {
      await bd.load("r");
      order = K.ranked(r.out.main, sel, meta);
      entries = K.group(order, groups, meta, req.pref);
    }
    res.total = entries.length;
    // Partial: no page holds every word (see search/backfill.go).
    if (r.pass.nwords > 1 && order.length > 0 && Math.floor(r.out.main[order[0]] / R.TierScale) < r.pass.nwords) res.partial = true;
    var shown = entries.slice(req.offset, req.offset + req.limit);
    await Promise.all(shown.map(function (e) {
      return Promise.all([e.n].concat(e.also).map(function (n) { return bd.load("f" + n); }));
    }));
    if (!req.noFacets) {
      res.facets.kind = K.facet(req.kind ? K.filtered(r.out.main, req, meta, N, "kind", only) : sel, meta, N, "kind", R.FacetKinds, groups);
      res.facets.tags = K.facet(req.tags.length ? K.filtered(r.out.main, req, meta, N, "tags", only) : sel, meta, N, "tags", R.FacetTags, groups);
      res.facets.lang = K.facet(req.lang ? K.filtered(r.out.all, req, meta, N, "lang", only) : sel, meta, N, "lang", R.FacetLangs);
    }
    shown.forEach(function (e) {
      var n = e.n, doc = bd.loaded.get("f" + n);
      var hit = {
        url: doc.url, title: doc.title, title_html: hl.mark(doc.lang, doc.title, false),
        kind: doc.kind, lang: doc.lang, tags: doc.tags || [], summary: doc.summary,
        fragments: hl.fragments(doc.lang, doc.text || "", doc.summary || ""),
        score: r.out.main[n]
      };
      if (e.also.length) {
        hit.also_in = e.also.map(function (m) { return { lang: meta.docLangName[m], url: bd.loaded.get("f" + m).url }; });
      }
      res.hits.push(hit);
    });
    res.took_ms = Math.round((performance.now() - t0) * 1000) / 1000;
    return res;
  }

  // kbStaticSearch answers like GET {base}_search: a Promise of the same
  // JSON. A bad request rejects with an Error whose status is 400 and
  // whose body is {error}.
  window.kbStaticSearch = search;
  // internals are the building blocks, for the tests.
  search.internals = K;
  // preload fetches what every query needs (the manifest, the index and
  // the pages' data), so that the first one only waits for its own chunks.
  search.preload = function () { return K.getBundle().then(function () {}); };
})(self.kbSearch = self.kbSearch || {});
