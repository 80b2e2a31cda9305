// kb's static search client (see search.js): what search/phrase.go does.
// Quoted phrases, and excluded ones, checked on the pages' text.
(function (K) {
  "use strict";
  // H holds the methods of a Highlighter (see snippet.js).
  var H = K.hl = K.hl || {};

  H.checksText = function () {
    var p = this.p, q = p.q;
    if (q.phrases.length > 0) return true;
    var ans = p.man.analyses;
    for (var i = 0; i < q.exclude.length; i++) {
      for (var j = 0; j < ans.length; j++) if (p.terms(ans[j], q.exclude[i]).length > 1) return true;
    }
    return false;
  };

  // holdsRun reports whether s holds the terms want in a row, stop words
  // aside.
  function holdsRun(m, s, want) {
    var start = K.charAt(want[0], 0), i = 0, w;
    while ((w = K.nextWord(s, i))) {
      i = w[1];
      var low = s.slice(w[0], w[1]).toLowerCase();
      if (K.charAt(low, 0) !== start && K.charAt(K.fold(low), 0) !== start) continue;
      if (K.stem(m, low) !== want[0]) continue;
      var k = 1, j = w[1], w2;
      while (k < want.length && (w2 = K.nextWord(s, j))) {
        j = w2[1];
        var st = K.stem(m, K.lowerText(s.slice(w2[0], w2[1])));
        if (st === "") continue;
        if (st !== want[k]) break;
        k++;
      }
      if (k === want.length) return true;
    }
    return false;
  }

  // holdsPhrase reports whether one of texts holds the phrase.
  function holdsPhrase(m, phrase, texts) {
    var want = m.p.terms(m.an, phrase).map(function (t) { return t.t; });
    if (want.length < 2) return true;
    for (var i = 0; i < texts.length; i++) if (holdsRun(m, texts[i], want)) return true;
    return false;
  }

  // verify checks a page against the query's phrases: false when it
  // lacks one or holds an excluded one.
  H.verify = function (doc) {
    var m = this.matcher(doc.lang), q = this.p.q, texts = [doc.title || "", doc.summary || "", doc.text || ""];
    for (var i = 0; i < q.phrases.length; i++) if (!holdsPhrase(m, q.phrases[i], texts)) return false;
    for (var j = 0; j < q.exclude.length; j++) {
      if (m.p.terms(m.an, q.exclude[j]).length > 1 && holdsPhrase(m, q.exclude[j], texts)) return false;
    }
    return true;
  };

})(self.kbSearch = self.kbSearch || {});
