// kb's static search client (see search.js): what search/clauses.go does.
// The query for what the user typed: each word by its terms in every
// field, as a tag, by prefix while typed, by spelling; phrases; exclusions.
(function (K) {
  "use strict";
  // P holds the methods of a Pass (see search.js).
  var P = K.pass = K.pass || {};

  // joinWord keeps only letters and digits: "e-mail" → "email".
  function joinWord(w) { return K.runes(w).filter(function (c) { return /[\p{L}\p{Nd}]/u.test(c); }).join(""); }

  function fuzziness(t, R) {
    var n = K.runeCount(t);
    return n >= R.Fuzzy2Min ? 2 : n >= R.FuzzyMin ? 1 : 0;
  }

  // fields matches an analysed term of analysis an in any text field.
  P.fields = function (an, term, factor) {
    var R = this.R;
    var e = this.postEntry(term.t + "\u0000" + an);
    if (!e) return null;
    var boosts = [R.Title, R.Headings, R.Summary, R.Body], kids = [];
    for (var f = 0; f < 4; f++) kids.push(e[f] ? this.leaf(e[f], boosts[f] * factor) : null);
    return this.anyOf(R.FieldTie, kids);
  };

  // range lists the entries of the chunk series s ("p" or "w", firsts in
  // the manifest) whose keys start with pre: [[key, fields]], every chunk
  // of the range read, as the index's prefix query reads its dictionary.
  P.range = function (s, firsts, pre) {
    var a = K.chunkOf(firsts, pre), b = K.chunkOf(firsts, pre + "\uffff"), out = [];
    for (var i = a; i <= b; i++) {
      var c = this.need(s + i);
      if (!c) continue;
      for (var k = 0; k < c.keys.length; k++) {
        var key = c.keys[k];
        if (key.length >= pre.length && key.slice(0, pre.length) === pre) out.push([key, c.entry(key)]);
      }
    }
    return out;
  };

  // prefix matches the terms of field f (0 title, 3 body, 4 words)
  // starting with pre. Title and body terms are per analysis an.
  P.prefix = function (an, f, pre, boost) {
    var list = [], terms = new Set(), r, j;
    if (f === 4) {
      r = this.range("w", this.man.words, pre);
      for (j = 0; j < r.length; j++) if (r[j][1] && r[j][1][f]) list.push({ l: r[j][1][f], boost: boost });
      return this.multi(list, list.length);
    }
    // The index's dictionary holds every language's terms (keyed
    // "term\0analysis", side by side): count each term once.
    r = this.range("p", this.man.post, pre);
    for (j = 0; j < r.length; j++) {
      var fl = r[j][1] && r[j][1][f];
      if (!fl) continue;
      var key = r[j][0], z = key.lastIndexOf("\u0000");
      terms.add(key.slice(0, z));
      if (key.slice(z + 1) === an) list.push({ l: fl, boost: boost });
    }
    return this.multi(list, terms.size);
  };

  // tag scores the pages holding the tag named tag, from its list in k/:
  // each page's weight is the norm of its number of tags.
  P.tag = function (tag, boost) {
    var ti = this.meta.tags.indexOf(tag), l = ti < 0 ? null : this.need("k" + ti);
    if (!l) return null;
    var idf = 1 + Math.log(this.D / (l.docs.length + 1)), qw = boost * idf, out = new Float64Array(this.N);
    for (var i = 0; i < l.docs.length; i++) out[l.docs[i]] = l.w[i] * idf * qw;
    return out;
  };

  // variants groups the analyses ans by their terms of the word w, as
  // search's plan.variants: [{terms, langs}], none for an analysis in
  // which w is only a stop word.
  P.variants = function (w, ans) {
    var out = [];
    for (var i = 0; i < ans.length; i++) {
      var terms = this.terms(ans[i], w);
      if (terms.length > 1) terms = terms.filter(function (t) { return !t.stop; });
      if (terms.length === 0) continue;
      var key = terms.map(function (t) { return t.t; }).join("\u0000");
      var v = out.find(function (x) { return x.key === key; });
      if (!v) { v = { key: key, terms: terms, langs: [] }; out.push(v); }
      v.langs.push(ans[i]);
    }
    return out;
  };

  // stemPrefixes returns the stems matched as prefixes.
  function stemPrefixes(stems, R) {
    return stems.filter(function (t) { return K.runeCount(t) >= R.StemPrefixMin; });
  }

  // spelling mirrors search's plan.spelling: the weight of the words
  // spelled like the query's word i.
  P.spelling = function (i) {
    if (this.mode === "fuzzy") return this.R.FuzzyFactor;
    if (!this.typos) {
      var self = this, q = this.q, ans = this.man.analyses;
      this.typos = q.words.map(function (w, j) { return self.unmatched(j, w, ans); });
    }
    return this.typos[i] ? 1 : 0;
  };

  // unmatched reports whether the query's word i, w, has words spelled like
  // it to look for and matches no page as typed (in any analysis).
  P.unmatched = function (i, w, ans) {
    var vs = this.variants(w, ans), R = this.R, spelt = false;
    K.tokenize(K.fold(K.lowerText(w))).forEach(function (s) { spelt = spelt || fuzziness(s, R) > 0; });
    vs.forEach(function (v) { v.terms.forEach(function (t) { spelt = spelt || fuzziness(t.t, R) > 0; }); });
    if (!spelt) return false;
    var partial = this.q.partial && i === this.q.words.length - 1, docAn = this.meta.docAn;
    var splits = this.splitTerms(w, vs), heads = this.headTerms(vs);
    for (var a = 0; a < ans.length; a++) {
      var s = this.wordQuery(ans[a], w, vs, partial, 0, splits, null, heads);
      if (s === undefined) return false;
      if (s) for (var d = 0; d < this.N; d++) if (s[d] > 0 && docAn[d] === ans[a]) return false;
    }
    return true;
  };

  // prefixOf returns the prefix the word w is matched by while typed, "" when
  // it is too short.
  P.prefixOf = function (w) {
    var surface = K.tokenize(K.fold(K.lowerText(w)));
    var pre = surface.length ? surface[surface.length - 1] : "";
    return K.runeCount(pre) >= this.R.PrefixMin ? pre : "";
  };

  // wordQuery mirrors search's wordQuery for the pages of analysis an:
  // one typed word by its terms in every analysis in any text field, as a
  // tag, by prefix while typed, by spelling (weighed by spelling, see
  // P.spelling), by its parts (splits, see P.splitTerms) and written
  // together with a neighbour (joined, see P.joinedWords), and on Dutch
  // pages as the last part of compounds (heads, see P.headTerms).
  // undefined when nothing is looked for.
  P.wordQuery = function (an, w, vs, partial, spelling, splits, joined, heads) {
    var R = this.R, alts = [], stems = [], self = this;
    var several = K.tokenize(K.fold(K.lowerText(w))).length > 1;
    vs.forEach(function (v) {
      // "stand-up", "e-mail": the parts, or written as one word.
      alts.push(self.seq(an, v.terms, 1));
      if (several) {
        var j = self.terms(v.langs[0], joinWord(w));
        if (j.length === 1) alts.push(self.fields(an, j[0], 1));
      }
      v.terms.forEach(function (t) { if (stems.indexOf(t.t) < 0) stems.push(t.t); });
    });
    this.foldedTerms(w, vs).forEach(function (t) { alts.push(self.fields(an, { t: t }, 1)); });
    (splits || []).forEach(function (ts) { alts.push(self.seq(an, ts.map(function (t) { return { t: t }; }), R.SplitFactor)); });
    (joined || []).forEach(function (t) { alts.push(self.fields(an, { t: t }, R.JoinFactor)); });
    if (an === "nl") (heads || []).forEach(function (c) { alts.push(self.fields(an, { t: c }, R.HeadFactor)); });
    var lw = K.lowerText(w), any = vs.length > 0;
    if (vs.length > 0 || this.meta.tagSet.has(lw)) { alts.push(this.tag(lw, R.Tag)); any = true; }
    var surface = K.tokenize(K.fold(lw));
    if (partial && surface.length > 0) {
      var pre = surface[surface.length - 1], n = K.runeCount(pre);
      if (n >= R.PrefixMin) {
        alts.push(this.prefix(an, 4, pre, R.WordsPrefix));
        alts.push(this.prefix(an, 0, pre, R.TitlePrefix));
        any = true;
      }
      if (n >= R.BodyPrefixMin) alts.push(this.prefix(an, 3, pre, R.BodyPrefix));
    }
    // The stem of every word of StemPrefixMin letters or more also matches
    // as a prefix.
    stemPrefixes(stems, R).forEach(function (t) {
      alts.push(self.prefix(an, 4, K.fold(t), R.WordsPrefix), self.prefix(an, 0, t, R.TitlePrefix), self.prefix(an, 3, t, R.BodyPrefix));
    });
    if (spelling > 0) {
      for (var i = 0; i < stems.length; i++) {
        var d = fuzziness(stems[i], R);
        if (d > 0) { alts.push(this.fuzzyFields(an, stems[i], d, R.Body * spelling)); any = true; }
      }
      for (var k = 0; k < surface.length; k++) {
        var d2 = fuzziness(surface[k], R);
        if (d2 > 0) { alts.push(this.fuzzyWords(surface[k], d2, R.Title * spelling)); any = true; }
      }
    }
    if (!any) return undefined;
    return this.anyOf(R.AltTie, alts) || null;
  };

  // seq matches the parts of a word like "e-mail": each part somewhere,
  // ranked higher with the parts next to each other; factor scales the
  // whole.
  P.seq = function (an, terms, factor) {
    var must = [], pairs = [];
    for (var i = 0; i < terms.length; i++) {
      // One word typed weighs as one word, however many parts it has.
      must.push(this.fields(an, terms[i], factor / terms.length));
      if (i > 0) pairs.push(this.pair(terms[i - 1].t, terms[i].t, this.R.Pair * factor));
    }
    return this.boolean(this.conjunction(must), this.disjunction(pairs, pairs.length));
  };

  // langQuery mirrors search's textQuery, for the pages of analysis an:
  // their scores, null when none matches, undefined when the query has
  // nothing to look for.
  // langQuery returns each page's score: its tier (how many of the words
  // it holds) times TierScale, plus its relevance at float32 precision,
  // PrefBoost times for a page in the reader's language.
  P.langQuery = function (an, ans) {
    var q = this.q, R = this.R, must = [], should = [], self = this, N = this.N;
    var asked = new Set(), words = [];
    for (var i = 0; i < q.words.length; i++) {
      var vs = this.variants(q.words[i], ans);
      vs.forEach(function (v) { v.langs.forEach(function (l) { asked.add(l); }); });
      var partial = q.partial && i === q.words.length - 1;
      if (partial && this.prefixOf(q.words[i]) !== "") ans.forEach(function (l) { asked.add(l); });
      words.push({ text: q.words[i], vs: vs, partial: partial });
    }
    for (var p = 0; p < q.phrases.length; p++) {
      var pvs = this.variants(q.phrases[p], ans), palts = [];
      pvs.forEach(function (v) {
        v.langs.forEach(function (l) { asked.add(l); });
        var all = v.terms.map(function (t) { return self.fields(an, t, 1); });
        for (var j = 1; j < v.terms.length; j++) should.push(self.pair(v.terms[j - 1].t, v.terms[j].t, R.Pair));
        palts.push(self.conjunction(all));
      });
      if (pvs.length > 0) must.push(this.anyOf(R.AltTie, palts));
    }
    // The words, for backfill (see search/backfill.go): each word's
    // clause, whether it is only a stop word in this analysis (free: the
    // page counts it as held), and whether it is more than a stop word in
    // every analysis asked (strong).
    var clauses = [], free = [], strong = [];
    var joined = this.joinedWords(words.map(function (x) { return x.vs; }), ans);
    for (var k = 0; k < words.length; k++) {
      var w = words[k], wq = this.wordQuery(an, w.text, w.vs, w.partial, this.spelling(k), this.splitTerms(w.text, w.vs), joined[k], this.headTerms(w.vs));
      if (wq === undefined) continue;
      clauses.push(wq);
      var freeIn = function (l) { return asked.has(l) && !w.vs.some(function (v) { return v.langs.indexOf(l) >= 0; }); };
      free.push(freeIn(an));
      strong.push(!ans.some(freeIn));
      if (k > 0) {
        var seen = [];
        words[k - 1].vs.forEach(function (a) {
          w.vs.forEach(function (b) {
            if (!a.langs.some(function (l) { return b.langs.indexOf(l) >= 0; })) return;
            var x = a.terms[a.terms.length - 1].t, y = b.terms[0].t, key = x + "\u0000" + y;
            if (seen.indexOf(key) >= 0) return;
            seen.push(key);
            should.push(self.pair(x, y, R.Pair));
          });
        });
      }
    }
    var tiers = null;
    this.lastWords = clauses.length;
    if (clauses.length > 0) {
      var u = this.union(clauses, free, strong);
      must.push(u.scores);
      tiers = u.tiers;
    }
    if (!q.empty && must.length === 0) return undefined;
    var scores = must.length === 0 ? new Float64Array(N).fill(1) : this.conjunction(must);
    if (should.length > 0) scores = this.boolean(scores, this.disjunction(should, should.length));
    if (!scores) return null;
    scores = scores.slice();
    for (var x = 0; x < q.exclude.length; x++) {
      var one = this.variants(q.exclude[x], ans).filter(function (v) { return v.terms.length === 1; });
      if (one.length === 0) continue;
      var xq = this.wordQuery(an, q.exclude[x], one, false, 0, null, null, null);
      if (xq) for (var d = 0; d < N; d++) if (xq[d] > 0) scores[d] = 0;
    }
    // Within a tier, the pages in the reader's language (req.pref) first.
    var docAn = this.meta.docAn, langs = this.meta.docLangName, pref = this.req.pref;
    for (var d2 = 0; d2 < N; d2++) {
      if (docAn[d2] !== an) scores[d2] = 0;
      else if (scores[d2] > 0) {
        var rel = Math.min(Math.fround(scores[d2]), R.PrefScale - 1);
        if (pref && langs[d2] === pref) rel *= R.PrefBoost;
        scores[d2] = (tiers ? tiers[d2] : 0) * R.TierScale + rel;
      }
    }
    return scores;
  };

  K.fuzziness = fuzziness;
  K.stemPrefixes = stemPrefixes;
  K.joinWord = joinWord;
})(self.kbSearch = self.kbSearch || {});
