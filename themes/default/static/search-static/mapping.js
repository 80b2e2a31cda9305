// kb's static search client (see search.js): what search/mapping.go does.
// Words as bleve's unicode tokenizer, lower-casing and the analysers of
// the index mapping see them, bleve's Porter and Dutch stemmers included.
(function (K) {
  "use strict";
  var utf8 = new TextEncoder();
  var text = new TextDecoder("utf-8", { ignoreBOM: true }); // a BOM inside a word is text

  var reLetter = /[\p{L}\p{M}]/u, reDigit = /\p{Nd}/u, reConnector = /\p{Pc}/u;
  var reIdeo = /[\p{sc=Han}\p{sc=Hiragana}]/u;
  var reWord = /[\p{L}\p{Nd}\p{M}]/u, reFormat = /[\p{Cf}]/u, ZWSP = "\u200b";
  var MID_LETTER = ":\u00b7\u0387\u05f4\u2027\ufe13\ufe55\uff1a";
  var MID_NUM_LET = ".'\u2018\u2019\u2024\ufe52\uff07\uff0e";
  var MID_NUM = ",;\u037e\u0589\u060c\u060d\u066c\u07f8\u2044\ufe10\ufe14\ufe50\ufe54\uff0c\uff1b";

  function charAt(s, i) {
    var c = s.codePointAt(i);
    return c === undefined ? "" : String.fromCodePoint(c);
  }

  // tokenize splits s into words as Unicode word boundaries (UAX #29, as
  // bleve's unicode tokenizer applies them) do, dropping the rest.
  function tokenize(s) {
    var out = [], i = 0;
    while (i < s.length) {
      var c = charAt(s, i);
      if (!reWord.test(c) && !reConnector.test(c)) { i += c.length; continue; }
      if (reIdeo.test(c)) { out.push(c); i += c.length; continue; }
      var j = i + c.length, prev = c, word = !reConnector.test(c);
      while (j < s.length) {
        var d = charAt(s, j);
        if ((reWord.test(d) || reConnector.test(d)) && !reIdeo.test(d)) {
          j += d.length; prev = d; word = word || !reConnector.test(d);
          continue;
        }
        if (reFormat.test(d) && d !== ZWSP) { j += d.length; continue; } // ignored inside a word (UAX #29 WB4)
        var next = charAt(s, j + d.length);
        var letters = reLetter.test(prev) && reLetter.test(next);
        var digits = reDigit.test(prev) && reDigit.test(next);
        if ((MID_LETTER.indexOf(d) >= 0 && letters) || (MID_NUM_LET.indexOf(d) >= 0 && (letters || digits)) ||
            (MID_NUM.indexOf(d) >= 0 && digits)) {
          j += d.length + next.length; prev = next;
          continue;
        }
        break;
      }
      if (word) out.push(s.slice(i, j));
      i = j;
    }
    return out;
  }

  function runes(s) { return Array.from(s); }
  function runeCount(s) { var n = 0; for (var i = 0; i < s.length; i++) { var c = s.charCodeAt(i); if (c < 0xdc00 || c > 0xdfff) n++; } return n; }
  function firstRunes(s, n) { return runes(s).slice(0, n).join(""); }

  // porter stems a lower-cased English word as bleve's porter filter does
  // (github.com/blevesearch/go-porterstemmer, quirks included): letters
  // outside a-z count as consonants.
  var porter = (function () {
    function cons(s, i) {
      var c = s[i];
      if (c === "a" || c === "e" || c === "i" || c === "o" || c === "u") return false;
      if (c === "y") return i === 0 ? true : !cons(s, i - 1);
      return true;
    }
    function measure(s) {
      var n = s.length, m = 0, i = 0;
      if (n === 0) return 0;
      while (cons(s, i)) { i++; if (i >= n) return 0; }
      for (;;) {
        while (!cons(s, i)) { i++; if (i >= n) return m; }
        while (cons(s, i)) { i++; if (i >= n) return m + 1; }
        m++;
      }
    }
    // ends reports whether s is longer than suffix and ends with it.
    function ends(s, suf) {
      if (s.length <= suf.length) return false;
      for (var i = 0; i < suf.length; i++) if (s[s.length - suf.length + i] !== suf[i]) return false;
      return true;
    }
    function vowelIn(s) { for (var i = 0; i < s.length; i++) if (!cons(s, i)) return true; return false; }
    function doubleCons(s) { var n = s.length; return n >= 2 && s[n - 1] === s[n - 2] && cons(s, n - 1); }
    function cvc(s) { var n = s.length; return n >= 3 && cons(s, n - 3) && !cons(s, n - 2) && cons(s, n - 1); }
    function ar(w) { return Array.from(w); }
    // rules applies the first rule whose suffix s has: its replacement
    // when the rest's measure passes min.
    function rules(s, list, min) {
      for (var i = 0; i < list.length; i += 2) {
        var suf = ar(list[i]);
        if (!ends(s, suf)) continue;
        var rest = s.slice(0, s.length - suf.length);
        if (measure(rest) > min) return rest.concat(ar(list[i + 1]));
        return s;
      }
      return s;
    }
    var step2 = ["ational", "ate", "tional", "tion", "enci", "ence", "anci", "ance", "izer", "ize", "bli", "ble", "alli", "al",
      "entli", "ent", "eli", "e", "ousli", "ous", "ization", "ize", "ation", "ate", "ator", "ate", "alism", "al",
      "iveness", "ive", "fulness", "ful", "ousness", "ous", "aliti", "al", "iviti", "ive", "biliti", "ble", "logi", "log"];
    var step3 = ["icate", "ic", "ative", "", "alize", "al", "iciti", "ic", "ical", "ic", "ful", "", "ness", ""];
    var step4 = ["al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ion", "ou", "ism", "ate", "iti", "ous", "ive", "ize"];
    function step1b(s) {
      if (ends(s, ["e", "e", "d"])) {
        return measure(s.slice(0, -3)) > 0 ? s.slice(0, -1) : s;
      }
      var sub;
      if (ends(s, ["e", "d"])) sub = s.slice(0, -2);
      else if (ends(s, ["i", "n", "g"])) sub = s.slice(0, -3);
      else return s;
      if (!vowelIn(sub)) return s;
      var c = sub[sub.length - 1];
      if (ends(sub, ["a", "t"]) || ends(sub, ["b", "l"]) || ends(sub, ["i", "z"])) return sub.concat(["e"]);
      if (c !== "l" && c !== "s" && c !== "z" && doubleCons(sub)) return sub.slice(0, -1);
      if (measure(sub) === 1 && cvc(sub) && c !== "w" && c !== "x" && c !== "y") return sub.concat(["e"]);
      return sub;
    }
    return function (w) {
      var s = ar(w), n;
      if (s.length <= 2) return w;
      if (ends(s, ["s", "s", "e", "s"]) || ends(s, ["i", "e", "s"])) s = s.slice(0, -2);
      else if (ends(s, ["s", "s"])) { /* kept */ } else if (ends(s, ["s"])) s = s.slice(0, -1);
      s = step1b(s);
      n = s.length;
      if (n >= 2 && (s[n - 1] === "y" || s[n - 1] === "Y") && vowelIn(s.slice(0, -1))) s[n - 1] = s[n - 1] === "y" ? "i" : "I";
      s = rules(s, step2, 0);
      s = rules(s, step3, 0);
      for (var i = 0; i < step4.length; i++) {
        var suf = ar(step4[i]);
        if (!ends(s, suf)) continue;
        var rest = s.slice(0, s.length - suf.length);
        if (measure(rest) > 1 && (step4[i] !== "ion" || rest[rest.length - 1] === "s" || rest[rest.length - 1] === "t")) s = rest;
        break;
      }
      n = s.length;
      if (s[n - 1] === "e") {
        var sub = s.slice(0, -1), m = measure(sub), c = sub[sub.length - 1];
        if (m > 1 || m === 1 && !(cvc(sub) && c !== "w" && c !== "x" && c !== "y")) s = sub;
      }
      n = s.length;
      if (n > 2 && s[n - 2] === "l" && s[n - 1] === "l" && measure(s.slice(0, -1)) > 1) s = s.slice(0, -1);
      return s.join("");
    };
  })();

  // dutch stems a lower-cased Dutch word as bleve's Snowball stemmer
  // (the classic Dutch algorithm) does. Its regions are measured in UTF-8
  // bytes, as the Go code measures them.
  var dutch = (function () {
    var ACUTE = { "á": "a", "ä": "a", "é": "e", "ë": "e", "í": "i", "ï": "i", "ó": "o", "ö": "o", "ú": "u", "ü": "u" };
    function v(c) { return c !== undefined && "aeiouyè".indexOf(c) >= 0; }
    function vj(c) { return v(c) || c === "j"; }
    function vI(c) { return v(c) || c === "I"; }
    function bytesOf(c) { var x = c.codePointAt(0); return x < 0x80 ? 1 : x < 0x800 ? 2 : x < 0x10000 ? 3 : 4; }
    return function (w) {
      var s = Array.from(w).map(function (c) { return ACUTE[c] || c; }), i;
      if (s[0] === "y") s[0] = "Y";
      for (i = 0; i < s.length; i++) {
        if (!v(s[i])) continue;
        if (s[i + 1] === "i" && v(s[i + 2])) s[i + 1] = "I";
        else if (s[i + 1] === "y") s[i + 1] = "Y";
      }
      // Regions, as byte offsets; off[i] is the offset of s[i].
      var off = [0];
      for (i = 0; i < s.length; i++) off.push(off[i] + bytesOf(s[i]));
      var lim = off[s.length], p1 = lim, p2 = lim;
      var gopast = function (from, want) {
        for (var j = from; j < s.length; j++) if (v(s[j]) === want) return j + 1;
        return -1;
      };
      var a = gopast(0, true), b = a < 0 ? -1 : gopast(a, false);
      if (b >= 0) {
        p1 = Math.max(off[b], 3);
        var c2 = gopast(b, true), d = c2 < 0 ? -1 : gopast(c2, false);
        if (d >= 0) p2 = off[d];
      }
      var R1 = function (at) { return off[at] >= p1; };
      var R2 = function (at) { return off[at] >= p2; };
      var endsWith = function (suf, at) {
        at = at === undefined ? s.length : at;
        if (at < suf.length) return false;
        for (var k = 0; k < suf.length; k++) if (s[at - suf.length + k] !== suf[k]) return false;
        return true;
      };
      var undouble = function () {
        if (endsWith("kk") || endsWith("dd") || endsWith("tt")) s.pop();
      };
      var eFound = false;
      var eEnding = function () {
        eFound = false;
        var n = s.length;
        if (s[n - 1] === "e" && R1(n - 1) && n >= 2 && !v(s[n - 2])) {
          s.pop();
          eFound = true;
          undouble();
        }
      };
      // enEnding: the suffix of length k is deleted when it starts in R1
      // after a non-vowel that does not end "gem".
      var enEnding = function (k) {
        var at = s.length - k;
        if (!R1(at) || at < 1 || v(s[at - 1]) || endsWith("gem", at)) return;
        s.length = at;
        undouble();
      };
      // Step 1: heden, en/ene, s/se (the longest suffix decides).
      var n = s.length;
      if (endsWith("heden")) { if (R1(n - 5)) s.splice(n - 5, 5, "h", "e", "i", "d"); } else if (endsWith("ene")) enEnding(3);
      else if (endsWith("en")) enEnding(2);
      else if (endsWith("se") || endsWith("s")) {
        var k = endsWith("se") ? 2 : 1, at = s.length - k;
        if (R1(at) && at >= 1 && !vj(s[at - 1])) s.length = at;
      }
      eEnding();
      n = s.length;
      if (endsWith("heid") && R2(n - 4) && s[n - 5] !== "c") {
        s.length = n - 4;
        if (endsWith("en")) enEnding(2);
      }
      n = s.length;
      if (endsWith("end") || endsWith("ing")) {
        if (R2(n - 3)) {
          s.length = n - 3;
          n = s.length;
          if (endsWith("ig") && R2(n - 2) && s[n - 3] !== "e") s.length = n - 2;
          else undouble();
        }
      } else if (endsWith("ig")) {
        if (R2(n - 2) && s[n - 3] !== "e") s.length = n - 2;
      } else if (endsWith("lijk")) {
        if (R2(n - 4)) { s.length = n - 4; eEnding(); }
      } else if (endsWith("baar")) {
        if (R2(n - 4)) s.length = n - 4;
      } else if (endsWith("bar")) {
        if (R2(n - 3) && eFound) s.length = n - 3;
      }
      n = s.length;
      if (n >= 4 && !vI(s[n - 1]) && (endsWith("aa", n - 1) || endsWith("ee", n - 1) || endsWith("oo", n - 1) || endsWith("uu", n - 1)) && !v(s[n - 4])) {
        s.splice(n - 2, 1);
      }
      return s.join("").replace(/Y/g, "y").replace(/I/g, "i");
    };
  })();

  // lowerRune is Go's unicode.ToLower of the code point c.
  function lowerRune(c) {
    if (c === 0x130) return 0x69;
    var l = String.fromCodePoint(c).toLowerCase();
    return runes(l).length === 1 ? l.codePointAt(0) : c;
  }

  // lowerText lower-cases s rune by rune, as Go's strings.ToLower does.
  function lowerText(s) {
    if (!/[^\x00-\x7f]/.test(s)) return s.toLowerCase();
    var out = "";
    for (var c of s) out += String.fromCodePoint(lowerRune(c.codePointAt(0)));
    return out;
  }

  // lower lower-cases a token as bleve's lowercase filter does, on its
  // UTF-8 bytes, quirks included: a final capital sigma becomes ς, and
  // after a letter whose lower case is shorter ("İ") the bytes that follow
  // are not moved up.
  function lower(t) {
    if (!/[^\x00-\x7f]/.test(t)) return t.toLowerCase();
    var b = utf8.encode(t), i = 0, j = 0;
    while (i < b.length) {
      var c = b[i], wid = 1;
      if (c >= 0x80) {
        wid = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
        c = text.decode(b.subarray(i, i + wid)).codePointAt(0);
      }
      var l = lowerRune(c);
      if (l === c) { i += wid; j += wid; continue; }
      if (l === 0x3c3 && i + 2 === b.length) l = 0x3c2;
      var enc = utf8.encode(String.fromCodePoint(l));
      if (enc.length > wid) return text.decode(b.subarray(0, j)) + lowerText(text.decode(b.subarray(i)));
      b.set(enc, j);
      i += wid;
      j += enc.length;
    }
    return text.decode(b.subarray(0, j));
  }

  // analyze returns the terms analysis an makes of text.
  function analyze(an, text, stop) {
    var out = [], toks = tokenize(text);
    for (var i = 0; i < toks.length; i++) out.push.apply(out, analyzeToken(an, toks[i], stop));
    return out;
  }

  var POSSESSIVE = /['\u2019\uff07][sS]$/;
  // analyzeToken returns the terms analysis an ("en", "nl", "*") makes of
  // one token, as bleve's analyzers do: [] for a stop word.
  function analyzeToken(an, tok, stop) {
    if (an === "en") tok = tok.replace(POSSESSIVE, "");
    var t = lower(tok);
    if (stop[an === "*" ? "en" : an].has(t)) return [];
    if (an === "en") return [porter(t)];
    if (an === "nl") return [dutch(t)];
    return [t];
  }

  K.analyze = analyze;
  K.analyzeToken = analyzeToken;
  K.charAt = charAt;
  K.firstRunes = firstRunes;
  K.lower = lower;
  K.lowerText = lowerText;
  K.runeCount = runeCount;
  K.runes = runes;
  K.tokenize = tokenize;
})(self.kbSearch = self.kbSearch || {});
