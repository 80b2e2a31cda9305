// kb's static search client (see search.js): what search/anyof.go does.
// Combining clauses' scores: best-of, disjunction, conjunction, boolean,
// as search's anyOf and bleve's searchers do.
(function (K) {
  "use strict";
  // P holds the methods of a Pass (see search.js).
  var P = K.pass = K.pass || {};

  // anyOf: the best child plus tie times the others.
  P.anyOf = function (tie, kids) {
    kids = kids.filter(Boolean);
    if (kids.length === 0) return null;
    if (kids.length === 1) return kids[0];
    var out = new Float64Array(this.N);
    for (var d = 0; d < this.N; d++) {
      var best = 0, sum = 0;
      for (var i = 0; i < kids.length; i++) { var v = kids[i][d]; sum += v; if (v > best) best = v; }
      if (sum > 0) out[d] = best + tie * (sum - best);
    }
    return out;
  };

  // disjunction: the sum of the children matched times their share
  // (bleve's coord); total counts children that matched nothing too.
  P.disjunction = function (kids, total) {
    var live = kids.filter(Boolean);
    if (live.length === 0) return null;
    var out = new Float64Array(this.N);
    for (var d = 0; d < this.N; d++) {
      var sum = 0, n = 0;
      for (var i = 0; i < live.length; i++) { var v = live[i][d]; if (v > 0) { sum += v; n++; } }
      if (n > 0) out[d] = sum * (n / total);
    }
    return out;
  };

  // conjunction: every child must match; the sum.
  P.conjunction = function (kids) {
    if (kids.length === 0) return null;
    for (var i = 0; i < kids.length; i++) if (!kids[i]) return null;
    if (kids.length === 1) return kids[0];
    var out = new Float64Array(this.N);
    for (var d = 0; d < this.N; d++) {
      var sum = 0, all = true;
      for (var j = 0; j < kids.length; j++) { var v = kids[j][d]; if (v > 0) sum += v; else { all = false; break; } }
      if (all) out[d] = sum;
    }
    return out;
  };

  // union mirrors search's unionQuery for the pages of this pass's
  // analysis: the pages holding at least one word (clauses, one per word,
  // null for a word no page holds), a word that is more than a stop word
  // among them when the query has one; their relevance is the sum of the
  // words' scores, their tier the number of words held (free[i]: word i is
  // only a stop word here, so every page holds it).
  P.union = function (clauses, free, strong) {
    var N = this.N, scores = new Float64Array(N), tiers = new Uint8Array(N);
    var anyStrong = strong.some(Boolean);
    for (var d = 0; d < N; d++) {
      var sum = 0, n = 0, hit = false, hitStrong = false;
      for (var i = 0; i < clauses.length; i++) {
        var v = clauses[i] ? clauses[i][d] : 0;
        if (v > 0) { sum += v; hit = true; hitStrong = hitStrong || strong[i]; }
        if (v > 0 || free[i]) n++;
      }
      if (!hit || anyStrong && !hitStrong) continue;
      scores[d] = sum;
      tiers[d] = n;
    }
    return { scores: scores, tiers: tiers };
  };

  // boolean: must, plus what should adds where it matches.
  P.boolean = function (must, should) {
    if (!must) return null;
    if (!should) return must;
    var out = new Float64Array(this.N);
    for (var d = 0; d < this.N; d++) if (must[d] > 0) out[d] = must[d] + should[d];
    return out;
  };

})(self.kbSearch = self.kbSearch || {});
