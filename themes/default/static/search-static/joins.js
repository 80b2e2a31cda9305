// kb's static search client (see search.js): what search/joins.go does.
// Word joins and splits: "check-in", "check in" and "checkin" are one word
// written three ways; a Dutch compound typed is split into two words of
// the index's vocabulary.
(function (K) {
  "use strict";
  // P holds the methods of a Pass (see search.js).
  var P = K.pass = K.pass || {};

  // joinKey returns the word w as the joins are keyed (lower-cased,
  // folded), "" when it is not one word.
  P.joinKey = function (w) {
    var s = K.tokenize(K.fold(K.lowerText(w)));
    return s.length === 1 ? s[0] : "";
  };

  // hyphenForms returns the hyphenated words of the pages that join into
  // w ("check-in" for "checkin").
  P.hyphenForms = function (w) {
    var key = this.joinKey(w);
    if (key === "") return [];
    var e = this.postEntry(key + "\u0000+");
    return e ? e.joins : [];
  };

  // splitTerms mirrors search's plan.splitTerms: the ways the typed word w
  // (analyses vs) is matched by parts, each a list of terms.
  P.splitTerms = function (w, vs) {
    var out = [], self = this, langs = [];
    var add = function (ts) {
      var key = ts.join("\u0000");
      if (!out.some(function (o) { return o.join("\u0000") === key; })) out.push(ts);
    };
    vs.forEach(function (v) { langs.push.apply(langs, v.langs); });
    this.hyphenForms(w).forEach(function (h) {
      if (h.indexOf("-") < 0) return; // a spelling with accents (see foldedTerms)
      self.variants(h, langs).forEach(function (v) { add(v.terms.map(function (t) { return t.t; })); });
    });
    vs.forEach(function (v) {
      if (v.terms.length === 1 && v.langs.indexOf("nl") >= 0) {
        var parts = self.splitCompound(v.terms[0].t);
        if (parts) add(parts);
      }
    });
    return out;
  };

  // linkForms returns the ways the first part of a compound may be
  // written in it: as itself, or with a linking -s, -en or -e after it.
  // foldedTerms mirrors search's plan.foldedTerms: the terms of the words
  // the pages write that fold into w (café for "cafe"), one term each and
  // not among vs's own.
  P.foldedTerms = function (w, vs) {
    var out = [], self = this;
    this.hyphenForms(w).forEach(function (h) {
      if (h.indexOf("-") >= 0) return;
      vs.forEach(function (v) {
        if (v.terms.length !== 1) return;
        var ts = self.terms(v.langs[0], h).filter(function (t) { return !t.stop; });
        if (ts.length === 1 && ts[0].t !== v.terms[0].t && out.indexOf(ts[0].t) < 0) out.push(ts[0].t);
      });
    });
    return out;
  };

  function linkForms(head, min) {
    var out = [head];
    ["s", "en", "e"].forEach(function (link) {
      if (head.length > link.length && head.slice(-link.length) === link) {
        var h = head.slice(0, -link.length);
        if (K.runeCount(h) >= min) out.push(h);
      }
    });
    return out;
  }

  P.nlTerms = function (s) { return K.analyze("nl", s, this.meta.stopSets); };

  // splitCompound mirrors search's plan.splitCompound.
  P.splitCompound = function (t) {
    var r = K.runes(t), n = r.length, min = this.R.CompoundMin;
    if (n < 2 * min) return null;
    for (var i = min; i <= n - min; i++) {
      var tail = r.slice(i).join("");
      if (this.nlTerms(tail).length === 0 || !this.inVocabulary(tail)) continue;
      var forms = linkForms(r.slice(0, i).join(""), min);
      for (var k = 0; k < forms.length; k++) {
        var ht = this.nlTerms(forms[k]);
        if (ht.length === 1 && K.runeCount(ht[0]) >= min && this.inVocabulary(ht[0])) return [ht[0], tail];
      }
    }
    return null;
  };

  // inVocabulary reports whether some page holds the term t in a text
  // field.
  P.inVocabulary = function (t) {
    var ans = this.man.analyses;
    for (var i = 0; i < ans.length; i++) {
      var e = this.postEntry(t + "\u0000" + ans[i]);
      if (e && (e[0] || e[1] || e[2] || e[3])) return true;
    }
    return false;
  };

  // reverse returns s with its characters in reverse order.
  function reverse(s) { return K.runes(s).reverse().join(""); }

  // headTerms mirrors search's plan.headTerms: the compounds of the
  // vocabulary whose last part is the Dutch term of the typed word (vs:
  // its analyses).
  P.headTerms = function (vs) {
    var out = [], min = this.R.CompoundMin;
    for (var i = 0; i < vs.length; i++) {
      var v = vs[i];
      if (v.terms.length !== 1 || v.langs.indexOf("nl") < 0) continue;
      var t = v.terms[0].t, n = K.runeCount(t);
      if (n < min) continue;
      var cs = this.endingWith(t);
      for (var k = 0; k < cs.length; k++) {
        var c = cs[k];
        if (K.runeCount(c) < n + min || out.indexOf(c) >= 0) continue;
        if (this.isFirstPart(c.slice(0, c.length - t.length))) {
          out.push(c);
          if (out.length === this.R.MaxHeads) return out;
        }
      }
    }
    return out;
  };

  // isFirstPart mirrors search's plan.isFirstPart: whether s, as itself or
  // without a linking -s, -en or -e, is a Dutch term of CompoundMin
  // letters or more of the vocabulary.
  P.isFirstPart = function (s) {
    var min = this.R.CompoundMin, forms = linkForms(s, min);
    for (var k = 0; k < forms.length; k++) {
      var ht = this.nlTerms(forms[k]);
      if (ht.length === 1 && K.runeCount(ht[0]) >= min && this.inVocabulary(ht[0])) return true;
    }
    return false;
  };

  // endingWith mirrors search's plan.endingWith: the terms of h/ (long
  // enough to be compounds) that end with t and are longer, in order.
  P.endingWith = function (t) {
    var key = reverse(t), firsts = this.man.heads, out = [];
    if (!firsts || firsts.length === 0) return out;
    var a = K.chunkOf(firsts, key), b = K.chunkOf(firsts, key + "\uffff");
    for (var i = a; i <= b; i++) {
      var c = this.need("h" + i);
      if (!c) continue;
      for (var k = 0; k < c.length; k++) {
        var r = reverse(c[k]);
        if (r !== key && r.slice(0, key.length) === key) out.push(c[k]);
      }
    }
    return out.sort();
  };

  // joinedWords mirrors search's plan.joinedWords: per query word (vss:
  // their variants), the terms of it written together with the word
  // before or after it.
  P.joinedWords = function (vss, langs) {
    var joined = vss.map(function () { return []; }), words = this.q.words;
    for (var i = 1; i < vss.length; i++) {
      if (vss[i - 1].length === 0 && vss[i].length === 0) continue;
      this.joinedTerms(words[i - 1], words[i], langs).forEach(function (t) {
        [i - 1, i].forEach(function (k) {
          if (vss[k].length > 0 && joined[k].indexOf(t) < 0) joined[k].push(t);
        });
      });
    }
    return joined;
  };

  P.joinedTerms = function (a, b, langs) {
    if (this.joinKey(a) === "" || this.joinKey(b) === "") return [];
    var out = [];
    this.variants(K.joinWord(a) + K.joinWord(b), langs).forEach(function (v) {
      if (v.terms.length === 1 && out.indexOf(v.terms[0].t) < 0) out.push(v.terms[0].t);
    });
    return out;
  };
})(self.kbSearch = self.kbSearch || {});
