// kb's static search client (see search.js): what search/pairs.go does.
// Word pairs: two words next to each other in a title, heading or summary.
(function (K) {
  "use strict";
  var utf8 = new TextEncoder();
  // P holds the methods of a Pass (see search.js).
  var P = K.pass = K.pass || {};

  // pairHash is the 16-bit hash of the word pair (a, b), as the index's
  // pair filter computes it.
  function pairHash(a, b) {
    var h = 2166136261, i, x = utf8.encode(a), y = utf8.encode(b);
    for (i = 0; i < x.length; i++) h = Math.imul(h ^ x[i], 16777619) >>> 0;
    h = Math.imul(h ^ 32, 16777619) >>> 0;
    for (i = 0; i < y.length; i++) h = Math.imul(h ^ y[i], 16777619) >>> 0;
    return (h ^ (h >>> 16)) & 0xffff;
  }

  P.pair = function (a, b, boost) {
    var h = pairHash(a, b), shift = this.man.pair_shift;
    var bucket = this.need("x" + (h >> shift));
    if (!bucket) return null;
    var l = bucket.lists.get(h - ((h >> shift) << shift));
    return l ? this.leaf(l, boost) : null;
  };

  K.pairHash = pairHash;
})(self.kbSearch = self.kbSearch || {});
