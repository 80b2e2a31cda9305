// kb's static search client (see search.js): what search/fold.go does.
// Accent folding, as the words field's analysis does it.
(function (K) {
  "use strict";


  var folds = null;
  // fold takes the accents off letters as bleve's ASCII folding does (the
  // words field's analysis), from the table generated from it
  // (foldtable.js).
  function fold(s) {
    if (!/[^\x00-\x7f]/.test(s)) return s;
    if (!folds) {
      folds = new Map();
      var g = K.foldGroups;
      for (var out in g) Array.from(g[out]).forEach(function (c) { folds.set(c, out); });
    }
    var r = "";
    for (var c of s) r += folds.has(c) ? folds.get(c) : c;
    return r;
  }

  K.fold = fold;
})(self.kbSearch = self.kbSearch || {});
