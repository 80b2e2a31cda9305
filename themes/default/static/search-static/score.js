// kb's static search client (see search.js): what search/score.go does.
// Scores as bleve's term scorer computes them with a query norm of 1, and
// the order of the results: float32 precision, ties in URL order.
(function (K) {
  "use strict";
  // P holds the methods of a Pass (see search.js).
  var P = K.pass = K.pass || {};

  // leaf scores one posting list as bleve's term scorer does with a query
  // norm of 1: tf·norm · idf · (boost · idf), in that order of operations.
  P.leaf = function (l, boost, out) {
    if (!l) return out;
    var idf = 1 + Math.log(this.D / (l.df + 1)), qw = boost * idf;
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
      var c = cands[i], idf = 1 + Math.log(this.D / (c.l.df + 1)), qw = c.boost * idf;
      for (var j = 0; j < c.l.docs.length; j++) { var d = c.l.docs[j]; sum[d] += c.l.w[j] * idf * qw; cnt[d]++; }
    }
    for (var d2 = 0; d2 < this.N; d2++) if (cnt[d2]) sum[d2] *= cnt[d2] / total;
    return sum;
  };

  // ranked lists the pages with a score (of those in sel, when given),
  // best first, ties in URL order (meta.rank), as the server ranks (see
  // search/backfill.go); byPage lists them in URL order.
  // Until r/ is loaded (meta.rank), ties are in page number order, and
  // the list notes where the first tie is (tie: i when the pages at i and
  // i+1 score the same, else its length): the caller loads r/ when the
  // order of what it shows depends on it.
  function ranked(scores, sel, meta, byPage) {
    var out = [], rank = meta.rank, N = meta.docAn.length, d;
    out.tie = 0;
    if (!scores) return out;
    for (d = 0; d < N; d++) if (scores[d] > 0 && (!sel || sel[d])) out.push(d);
    if (byPage) {
      if (rank) out.sort(function (a, b) { return rank[a] - rank[b]; });
      return out;
    }
    out.sort(function (a, b) { return scores[b] - scores[a] || (rank ? rank[a] - rank[b] : a - b); });
    for (d = 0; d + 1 < out.length && scores[out[d]] !== scores[out[d + 1]]; d++);
    out.tie = d + 1 < out.length ? d : out.length;
    return out;
  }

  K.ranked = ranked;
})(self.kbSearch = self.kbSearch || {});
