// kb's static search client (see search.js): what search/score.go does.
// Scores as bleve's term scorer computes them with a query norm of 1, and
// the order of the results: float32 precision, ties in page order.
(function (K) {
  "use strict";
  // P holds the methods of a Pass (see search.js).
  var P = K.pass = K.pass || {};

  // leaf scores one posting list as bleve's term scorer does with a query
  // norm of 1: tf·norm · idf · (boost · idf), in that order of operations.
  P.leaf = function (l, boost, out) {
    if (!l) return out;
    var idf = 1 + Math.log(this.N / (l.df + 1)), qw = boost * idf;
    out = out || new Float64Array(this.N);
    for (var i = 0; i < l.docs.length; i++) out[l.docs[i]] += l.w[i] * idf * qw;
    return out;
  };

  // multi scores a set of expansions of one query term (prefix or
  // spelling) in one field, as bleve's disjunction of term searchers:
  // the sum of the expansions a page holds, times their share. cands are
  // [{l, boost}] and total their number in the field's dictionary.
  P.multi = function (cands, total) {
    if (cands.length === 0) return null;
    if (total === 1) return this.leaf(cands[0].l, cands[0].boost);
    var sum = new Float64Array(this.N), cnt = new Uint16Array(this.N);
    for (var i = 0; i < cands.length; i++) {
      var c = cands[i], idf = 1 + Math.log(this.N / (c.l.df + 1)), qw = c.boost * idf;
      for (var j = 0; j < c.l.docs.length; j++) { var d = c.l.docs[j]; sum[d] += c.l.w[j] * idf * qw; cnt[d]++; }
    }
    for (var d2 = 0; d2 < this.N; d2++) if (cnt[d2]) sum[d2] *= cnt[d2] / total;
    return sum;
  };

  // ranked lists the pages with a score (of those in sel, when given),
  // best first, ties in page order, as the server ranks (see
  // search/backfill.go); byPage lists them in page order.
  function ranked(scores, sel, N, byPage) {
    var out = [];
    if (!scores) return out;
    for (var d = 0; d < N; d++) if (scores[d] > 0 && (!sel || sel[d])) out.push(d);
    if (!byPage) out.sort(function (a, b) { return scores[b] - scores[a] || a - b; });
    return out;
  }

  K.ranked = ranked;
})(self.kbSearch = self.kbSearch || {});
