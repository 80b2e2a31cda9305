// kb's static search client (see search.js): what search/fuzzy.go does.
// Typo tolerance: edit distance and the terms spelt like a word.
(function (K) {
  "use strict";
  // P holds the methods of a Pass (see search.js).
  var P = K.pass = K.pass || {};

  // distance returns the number of edits between a and b (arrays of
  // runes) when it is at most d, else d + 1. An edit is an insertion, a
  // deletion, a substitution or the swap of two neighbouring letters, as
  // suggest.WithinEdits and bleve's fuzzy matching count them.
  function distance(a, b, d) {
    if (Math.abs(a.length - b.length) > d) return d + 1;
    var pp = new Array(b.length + 1), prev = new Array(b.length + 1), cur = new Array(b.length + 1), i, j, t;
    for (j = 0; j <= b.length; j++) prev[j] = j;
    for (i = 1; i <= a.length; i++) {
      cur[0] = i;
      var low = i;
      for (j = 1; j <= b.length; j++) {
        cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) cur[j] = Math.min(cur[j], pp[j - 2] + 1);
        if (cur[j] < low) low = cur[j];
      }
      if (low > d) return d + 1;
      t = pp; pp = prev; prev = cur; cur = t;
    }
    return Math.min(prev[b.length], d + 1);
  }

  // spellKey mirrors search's spellKey: first letter, length in letters
  // (two digits), the term.
  function spellKey(t) { return K.charAt(t, 0) + lenCode(K.runeCount(t)) + " " + t; }
  function lenCode(n) { n = Math.min(99, n); return (n < 10 ? "0" : "") + n; }

  // spelt returns the terms (of bodies when bit is 1, of the words field
  // when 2) within d edits of t that start with its letter, each with its
  // edits, in the index's order: what search's fuzzyQuery matches. null
  // while their chunks are not loaded.
  P.spelt = function (t, d, bit) {
    var n = K.runeCount(t), first = K.charAt(t, 0);
    var lo = first + lenCode(Math.max(0, n - d)), hi = first + lenCode(n + d) + " \uffff";
    var firsts = this.man.spell, a = K.chunkOf(firsts, lo), b = K.chunkOf(firsts, hi), out = [], tr = K.runes(t), ready = true;
    for (var i = a; i <= b; i++) {
      var c = this.need("s" + i);
      if (!c) { ready = false; continue; }
      for (var k = 0; k < c.length; k++) {
        var u = c[k][0], key = spellKey(u);
        if (!(c[k][1] & bit) || key < lo || key > hi || K.charAt(u, 0) !== first) continue;
        var e = distance(K.runes(u), tr, d);
        if (e <= d) out.push({ t: u, e: e });
      }
    }
    if (!ready) return null;
    out.sort(function (x, y) { return x.t < y.t ? -1 : x.t > y.t ? 1 : 0; });
    return out;
  };

  // fuzzyFields matches, in the bodies of the pages of analysis an, the
  // terms (of any analysis, as the index's body field holds them all)
  // within d edits of the term t that begin with its first letter, each
  // weighted by boost/(edits+1), as search's fuzzyQuery.
  P.fuzzyFields = function (an, t, d, boost) {
    var cands = this.spelt(t, d, 1);
    if (!cands) return null;
    if (cands.length === 1 && cands[0].t === t) {
      var only = this.postEntry(t + "\u0000" + an);
      return only && only[3] ? this.leaf(only[3], boost) : null;
    }
    var list = [];
    for (var i = 0; i < cands.length; i++) {
      var en = this.postEntry(cands[i].t + "\u0000" + an);
      if (en && en[3]) list.push({ l: en[3], boost: boost * (1 / (cands[i].e + 1)) });
    }
    return this.multi(list, cands.length);
  };

  // fuzzyWords matches the folded words of titles, headings and summaries
  // within d edits of s.
  P.fuzzyWords = function (s, d, boost) {
    var cands = this.spelt(s, d, 2);
    if (!cands) return null;
    var list = [];
    for (var i = 0; i < cands.length; i++) {
      var en = this.wordsEntry(cands[i].t);
      if (en && en[4]) list.push({ l: en[4], boost: boost * (1 / (cands[i].e + 1)) });
    }
    return this.multi(list, cands.length);
  };

  K.distance = distance;
})(self.kbSearch = self.kbSearch || {});
