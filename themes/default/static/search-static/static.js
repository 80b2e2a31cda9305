// kb's search without a server: window.kbStaticSearch(params) answers like
// GET {base}_search (same JSON), from the static bundle `kb build` writes to
// {base}_kb/static-search/ (see search/static.go). It fetches only the parts
// of the bundle a query needs: the dictionary chunk of each word, the
// postings of its terms, the facet data once, and the pages it shows.
// Ranking mirrors the server: bleve's tf-idf per field, title and headings
// above summary and body, the words' best field plus a share of the others,
// prefix matching of the word being typed, typo tolerance when nothing
// matches exactly, words next to each other ranked higher, quoted phrases
// checked on the text.
(function () {
  "use strict";
  var FORMAT = 3;
  var utf8 = new TextEncoder();
  var text = new TextDecoder("utf-8", { ignoreBOM: true }); // a BOM inside a word is text

  // ---- Fetching and decoding the bundle ----------------------------------

  function QueryError(msg) {
    var e = new Error(msg);
    e.status = 400;
    e.body = { error: msg };
    return e;
  }

  // bytes fetches url and inflates it: the bundle's files are gzip data,
  // unless a web server already undid that (Content-Encoding: gzip).
  async function bytes(url, init) {
    var r = await fetch(url, init);
    if (!r.ok) throw new Error(url + ": HTTP " + r.status);
    var b = new Uint8Array(await r.arrayBuffer());
    if (b.length > 2 && b[0] === 0x1f && b[1] === 0x8b) {
      var s = new Blob([b]).stream().pipeThrough(new DecompressionStream("gzip"));
      b = new Uint8Array(await new Response(s).arrayBuffer());
    }
    return b;
  }

  function Reader(b, p) { this.b = b; this.p = p || 0; }
  Reader.prototype.uv = function () {
    var b = this.b, v = 0, mul = 1, c;
    do { c = b[this.p++]; v += (c & 0x7f) * mul; mul *= 128; } while (c & 0x80);
    return v;
  };

  // readList reads n, the page deltas, then per page the term's frequency
  // and the field's length, into the page's tf·norm as bleve computes it:
  // √freq · float32(1/√length).
  function readList(r) {
    var n = r.uv(), docs = new Uint32Array(n), w = new Float64Array(n), d = 0, i;
    for (i = 0; i < n; i++) { d += r.uv(); docs[i] = d; }
    for (i = 0; i < n; i++) {
      var freq = r.uv(), len = r.uv();
      w[i] = Math.sqrt(freq) * (len > 0 ? Math.fround(1 / Math.sqrt(len)) : 0);
    }
    return { docs: docs, w: w };
  }

  // Chunk of postings: key → offset of the entry's body, decoded on use.
  function PostChunk(b) {
    var r = new Reader(b), n = r.uv();
    this.b = b; this.at = new Map(); this.keys = []; this.cache = new Map();
    for (var i = 0; i < n; i++) {
      var kl = r.uv(), key = text.decode(b.subarray(r.p, r.p + kl));
      r.p += kl;
      var bl = r.uv();
      this.at.set(key, r.p); this.keys.push(key);
      r.p += bl;
    }
  }
  // entry returns the fields of key: [title, headings, summary, body,
  // words, pairs], each null or {docs, w, df}.
  PostChunk.prototype.entry = function (key) {
    if (this.cache.has(key)) return this.cache.get(key);
    var p = this.at.get(key);
    if (p === undefined) { this.cache.set(key, null); return null; }
    var r = new Reader(this.b, p), mask = this.b[r.p++], fields = [];
    for (var f = 0; f < 6; f++) {
      if (!(mask & (1 << f))) { fields.push(null); continue; }
      var other = r.uv(), l = readList(r);
      l.df = l.docs.length + other;
      fields.push(l);
    }
    this.cache.set(key, fields);
    return fields;
  };

  function PairBucket(b) {
    var r = new Reader(b), n = r.uv();
    this.lists = new Map();
    for (var i = 0; i < n; i++) {
      var h = r.uv(), l = readList(r);
      l.df = l.docs.length;
      this.lists.set(h, l);
    }
  }

  function Bundle(root, man) {
    this.root = root; this.man = man; this.dir = root + man.dir;
    this.N = man.docs; this.R = man.ranking;
    this.loaded = new Map(); this.pending = new Map();
  }
  Bundle.prototype.path = function (id) {
    if (id === "m") return "meta.bin";
    return id[0] + "/" + id.slice(1) + ".bin";
  };
  Bundle.prototype.load = function (id) {
    if (this.loaded.has(id)) return Promise.resolve();
    if (this.pending.has(id)) return this.pending.get(id);
    var self = this;
    var p = bytes(this.dir + this.path(id)).then(function (b) {
      self.loaded.set(id, self.parse(id, b));
      self.pending.delete(id);
    }, function (e) { self.pending.delete(id); throw e; });
    this.pending.set(id, p);
    return p;
  };
  Bundle.prototype.parse = function (id, b) {
    switch (id[0]) {
      case "m": return parseMeta(JSON.parse(text.decode(b)));
      case "d": return parseDict(JSON.parse(text.decode(b)));
      case "s": return JSON.parse(text.decode(b));
      case "p": case "w": return new PostChunk(b);
      case "x": return new PairBucket(b);
      case "f": return JSON.parse(text.decode(b));
    }
  };

  function parseMeta(m) {
    var n = m.doc_lang.length;
    m.docAn = new Array(n);
    m.docLangName = new Array(n);
    m.docKindName = new Array(n);
    m.tagDf = new Map();
    m.tagSet = new Set(m.tags);
    for (var i = 0; i < n; i++) {
      var l = m.langs[m.doc_lang[i]];
      m.docLangName[i] = l;
      m.docAn[i] = anCode(l);
      m.docKindName[i] = m.kinds[m.doc_kind[i]];
      var ts = m.doc_tags[i];
      for (var j = 0; j < ts.length; j++) m.tagDf.set(ts[j], (m.tagDf.get(ts[j]) || 0) + 1);
    }
    m.stopSets = {};
    for (var k in m.stop) m.stopSets[k] = new Set(m.stop[k]);
    m.stopSets["*"] = m.stopSets.en;
    return m;
  }

  function parseDict(arr) {
    var map = new Map(), keys = new Array(arr.length);
    for (var i = 0; i < arr.length; i++) { map.set(arr[i][0], arr[i]); keys[i] = arr[i][0]; }
    return { map: map, keys: keys };
  }

  function anCode(lang) { return lang === "en" || lang === "nl" ? lang : "*"; }

  // chunkOf returns the chunk whose range holds key: the last first key
  // not after it (0 when key sorts before them all).
  function chunkOf(firsts, key) {
    var lo = 0, hi = firsts.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (firsts[mid] <= key) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  var bundleP = null;
  function getBundle() {
    if (!bundleP) {
      // The bundle's folder, named by the page (see layout.StaticSearchDir).
      var form = document.querySelector("form[data-static-root]");
      if (!form) return Promise.reject(new Error("static search: the page names no bundle (data-static-root)"));
      var root = form.getAttribute("data-static-root");
      bundleP = bytes(root + "manifest.json", { cache: "no-cache" }).then(function (b) {
        var man = JSON.parse(text.decode(b));
        if (man.format !== FORMAT) throw new Error("static search: bundle format " + man.format + ", this script reads " + FORMAT);
        var bd = new Bundle(root, man);
        return bd.load("m").then(function () { return bd; });
      });
      bundleP.catch(function () { bundleP = null; });
    }
    return bundleP;
  }

  // ---- Text: words as bleve's tokenizer and analysers see them -----------

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

  var folds = null;
  // fold takes the accents off letters as bleve's ASCII folding does (the
  // words field's analysis), from the table generated from it
  // (foldtable.js).
  function fold(s) {
    if (!/[^\x00-\x7f]/.test(s)) return s;
    if (!folds) {
      folds = new Map();
      var g = self.kbSearch.foldGroups;
      for (var out in g) Array.from(g[out]).forEach(function (c) { folds.set(c, out); });
    }
    var r = "";
    for (var c of s) r += folds.has(c) ? folds.get(c) : c;
    return r;
  }

  function runes(s) { return Array.from(s); }
  function runeCount(s) { var n = 0; for (var i = 0; i < s.length; i++) { var c = s.charCodeAt(i); if (c < 0xdc00 || c > 0xdfff) n++; } return n; }
  function firstRunes(s, n) { return runes(s).slice(0, n).join(""); }

  // joinWord keeps only letters and digits: "e-mail" → "email".
  function joinWord(w) { return runes(w).filter(function (c) { return /[\p{L}\p{Nd}]/u.test(c); }).join(""); }

  // decodeTerm reads a dictionary entry's code for one analysis (see
  // termCode in search/static.go) into terms [{t, exists, stop}].
  function decodeTerm(surface, code) {
    if (code === undefined || code === "") return [{ t: surface, exists: true, stop: false }];
    if (code === "-") return [];
    if (Array.isArray(code)) return code.map(function (t) { return { t: t, exists: true, stop: false }; });
    var i = 0, exists = true, stop = false;
    for (; i < code.length; i++) {
      if (code[i] === "x") exists = false;
      else if (code[i] === "~") stop = true;
      else break;
    }
    var rest = code.slice(i), t = surface;
    if (rest !== "") {
      var bar = rest.indexOf("|");
      var drop = parseInt(bar < 0 ? rest : rest.slice(0, bar), 10) || 0;
      var rs = runes(surface);
      t = rs.slice(0, rs.length - drop).join("") + (bar < 0 ? "" : rest.slice(bar + 1));
    }
    return [{ t: t, exists: exists, stop: stop }];
  }

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

  function fuzziness(t, R) {
    var n = runeCount(t);
    return n >= R.Fuzzy2Min ? 2 : n >= R.FuzzyMin ? 1 : 0;
  }

  // pairHash is the 16-bit hash of the word pair (a, b), as the index's
  // pair filter computes it.
  function pairHash(a, b) {
    var h = 2166136261, i, x = utf8.encode(a), y = utf8.encode(b);
    for (i = 0; i < x.length; i++) h = Math.imul(h ^ x[i], 16777619) >>> 0;
    h = Math.imul(h ^ 32, 16777619) >>> 0;
    for (i = 0; i < y.length; i++) h = Math.imul(h ^ y[i], 16777619) >>> 0;
    return (h ^ (h >>> 16)) & 0xffff;
  }


  // ---- Stemmers: bleve's, for words the dictionary does not hold -------------

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

  // ---- Query text -----------------------------------------------------------

  // White space as Go's unicode.IsSpace sees it (JavaScript's \s also
  // holds U+FEFF and lacks U+0085).
  var SPACE = "\\t\\n\\v\\f\\r \\u0085\\u00a0\\p{Z}";
  var reSpace = new RegExp("[" + SPACE + "]", "u"), reSpaces = new RegExp("[" + SPACE + "]+", "gu");
  var reSpaceStart = new RegExp("^[" + SPACE + "]+", "u"), reSpaceEnd = new RegExp("[" + SPACE + "]+$", "u");
  function isSpace(c) { return reSpace.test(c); }
  function trimSpace(s) { return s.replace(reSpaceStart, "").replace(reSpaceEnd, ""); }
  var reControl = /\p{Cc}/u, reWordChar = /[\p{L}\p{Nd}]/u;

  // parseQuery mirrors search.ParseQuery.
  function parseQuery(s, R) {
    var q = { words: [], phrases: [], exclude: [], partial: false };
    if (utf8.encode(s).length > R.MaxQueryBytes) throw QueryError("query is too long: " + utf8.encode(s).length + " bytes, at most " + R.MaxQueryBytes);
    if (/[\ud800-\udbff](?![\udc00-\udfff])|(^|[^\ud800-\udbff])[\udc00-\udfff]/.test(s)) throw QueryError("query is not valid UTF-8");
    for (var k = 0; k < s.length; k++) {
      if (reControl.test(s[k]) && !reSpace.test(s[k])) {
        throw QueryError("query contains a control character (U+" + s.charCodeAt(k).toString(16).toUpperCase().padStart(4, "0") + ")");
      }
    }
    var i = 0, lastWord = false;
    while (i < s.length) {
      var c = charAt(s, i);
      if (reSpace.test(c)) { i += c.length; lastWord = false; continue; }
      var exclude = false;
      if ((c === "-" || c === "+") && i + 1 < s.length && !reSpace.test(charAt(s, i + 1))) {
        exclude = c === "-";
        i++;
        c = charAt(s, i);
      }
      var t, quoted = c === '"';
      if (quoted) {
        i++;
        var end = s.indexOf('"', i);
        if (end < 0) end = s.length;
        t = trimSpace(s.slice(i, end));
        i = end < s.length ? end + 1 : end;
      } else {
        var start = i;
        while (i < s.length) {
          var d = charAt(s, i);
          if (reSpace.test(d) || d === '"') break;
          i += d.length;
        }
        t = s.slice(start, i);
      }
      lastWord = false;
      if (!reWordChar.test(t)) continue;
      if (exclude) q.exclude.push(t);
      else if (quoted) q.phrases.push(t);
      else { q.words.push(t); lastWord = true; }
      if (q.words.length + q.phrases.length + q.exclude.length > R.MaxTerms) {
        throw QueryError("query has too many words: at most " + R.MaxTerms);
      }
    }
    q.partial = lastWord;
    q.empty = q.words.length === 0 && q.phrases.length === 0;
    return q;
  }

  // ---- Scoring: bleve's tf-idf, clause by clause -----------------------------
  //
  // A clause's result is null (no page) or a Float64Array of N scores, 0
  // where the page does not match. Query norms are left out: they scale
  // every score of a search alike.

  // Pass is one evaluation of a query against what is loaded; what is
  // missing is noted, fetched, and the pass run again.
  function Pass(bd, q, req, mode) {
    this.bd = bd; this.R = bd.R; this.N = bd.N; this.man = bd.man;
    this.meta = bd.loaded.get("m");
    this.q = q; this.req = req; this.mode = mode;
    this.missing = new Set();
  }

  Pass.prototype.need = function (id) {
    var v = this.bd.loaded.get(id);
    if (v === undefined) this.missing.add(id);
    return v;
  };

  // dictEntry returns the dictionary entry of a lower-cased word, null
  // when the bundle has none, undefined while its chunk is not loaded.
  Pass.prototype.dictEntry = function (w) {
    var c = this.need("d" + chunkOf(this.man.dict, w));
    if (!c) return undefined;
    return c.map.get(w) || null;
  };

  // known returns the dictionary entry of w if its chunk is already
  // loaded (null if absent), without asking for it; undefined otherwise.
  Pass.prototype.known = function (w) {
    var c = this.bd.loaded.get("d" + chunkOf(this.man.dict, w));
    if (!c) return undefined;
    return c.map.get(w) || null;
  };

  Pass.prototype.stopSet = function (an) { return this.meta.stopSets[an] || this.meta.stopSets.en; };

  // tokenTerms returns what analysis an makes of one lower-cased token.
  Pass.prototype.tokenTerms = function (an, tok, entry) {
    if (entry) {
      var i = this.man.analyses.indexOf(an);
      if (i >= 0) return decodeTerm(tok, entry[1 + i]);
    }
    var stop = this.meta.stopSets;
    return analyzeToken(an, tok, stop).map(function (t) {
      return { t: t, exists: false, stop: analyzeToken(an, t, stop).length === 0, unknown: true };
    });
  };

  // terms returns the terms of text in analysis an, in order.
  Pass.prototype.terms = function (an, s) {
    var toks = tokenize(s).map(lower), out = [];
    for (var i = 0; i < toks.length; i++) {
      var e = this.dictEntry(toks[i]);
      var ts = this.tokenTerms(an, toks[i], e);
      for (var j = 0; j < ts.length; j++) { ts[j].surface = toks[i]; out.push(ts[j]); }
    }
    return out;
  };

  Pass.prototype.postEntry = function (key) {
    var c = this.need("p" + chunkOf(this.man.post, key));
    return c ? c.entry(key) : null;
  };
  Pass.prototype.wordsEntry = function (key) {
    var c = this.need("w" + chunkOf(this.man.words, key));
    return c ? c.entry(key) : null;
  };

  // leaf scores one posting list as bleve's term scorer does with a query
  // norm of 1: tf·norm · idf · (boost · idf), in that order of operations.
  Pass.prototype.leaf = function (l, boost, out) {
    if (!l) return out;
    var idf = 1 + Math.log(this.N / (l.df + 1)), qw = boost * idf;
    out = out || new Float64Array(this.N);
    for (var i = 0; i < l.docs.length; i++) out[l.docs[i]] += l.w[i] * idf * qw;
    return out;
  };

  // anyOf: the best child plus tie times the others.
  Pass.prototype.anyOf = function (tie, kids) {
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
  Pass.prototype.disjunction = function (kids, total) {
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
  Pass.prototype.conjunction = function (kids) {
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

  // boolean: must, plus what should adds where it matches.
  Pass.prototype.boolean = function (must, should) {
    if (!must) return null;
    if (!should) return must;
    var out = new Float64Array(this.N);
    for (var d = 0; d < this.N; d++) if (must[d] > 0) out[d] = must[d] + should[d];
    return out;
  };

  // fields matches an analysed term of analysis an in any text field.
  Pass.prototype.fields = function (an, term, factor) {
    var R = this.R;
    var e = this.postEntry(term.t + "\u0000" + an);
    if (!e) return null;
    var boosts = [R.Title, R.Headings, R.Summary, R.Body], kids = [];
    for (var f = 0; f < 4; f++) kids.push(e[f] ? this.leaf(e[f], boosts[f] * factor) : null);
    return this.anyOf(R.FieldTie, kids);
  };

  // multi scores a set of expansions of one query term (prefix or
  // spelling) in one field, as bleve's disjunction of term searchers:
  // the sum of the expansions a page holds, times their share. cands are
  // [{l, boost}] and total their number in the field's dictionary.
  Pass.prototype.multi = function (cands, total) {
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

  // range lists the entries of chunks series s ("p" or "w", firsts in the
  // manifest) whose keys start with pre, reading at most two chunks:
  // {entries: [[key, fields]], total} where total estimates the keys of
  // the whole range; null when the range is wider than two chunks and
  // skip is set.
  Pass.prototype.range = function (s, firsts, pre, skip) {
    var a = chunkOf(firsts, pre), b = chunkOf(firsts, pre + "\uffff"), out = [], total = 0;
    if (b - a > 1 && skip) return null;
    for (var i = a; i <= b; i++) {
      if (i > a + 1) {
        total += this.man.words_count ? this.man.words_count[i] || 0 : 0;
        continue;
      }
      var c = this.need(s + i);
      if (!c) continue;
      for (var k = 0; k < c.keys.length; k++) {
        var key = c.keys[k];
        if (key.length >= pre.length && key.slice(0, pre.length) === pre) { out.push([key, c.entry(key)]); total++; }
      }
    }
    return { entries: out, total: total };
  };

  // prefix matches the terms of field f (0 title, 3 body, 4 words)
  // starting with pre. Title and body terms are per analysis an.
  Pass.prototype.prefix = function (an, f, pre, boost) {
    var r;
    if (f === 4) r = this.range("w", this.man.words, pre, false);
    else {
      // The index's dictionary holds every language's terms (keyed
      // "term\0analysis", side by side): count each term once.
      var ri = this.range("p", this.man.post, pre, true), cands = [], terms = new Set();
      if (!ri) return null;
      for (var j = 0; j < ri.entries.length; j++) {
        var fl = ri.entries[j][1] && ri.entries[j][1][f];
        if (!fl) continue;
        var key = ri.entries[j][0], z = key.lastIndexOf("\u0000"), t = key.slice(0, z);
        terms.add(t);
        if (key.slice(z + 1) === an) cands.push({ l: fl, boost: boost, t: t });
      }
      return this.multi(cands, terms.size);
    }
    var list = [];
    for (var k = 0; k < r.entries.length; k++) {
      var fl2 = r.entries[k][1] && r.entries[k][1][f];
      if (fl2) list.push({ l: fl2, boost: boost });
    }
    return this.multi(list, Math.max(r.total, list.length));
  };

  // spellKey mirrors search's spellKey: first letter, length in letters
  // (two digits), the term.
  function spellKey(t) { return charAt(t, 0) + lenCode(runeCount(t)) + " " + t; }
  function lenCode(n) { n = Math.min(99, n); return (n < 10 ? "0" : "") + n; }

  // spelt returns the terms (of bodies when bit is 1, of the words field
  // when 2) within d edits of t that start with its letter, each with its
  // edits, in the index's order: what search's fuzzyQuery matches. null
  // while their chunks are not loaded.
  Pass.prototype.spelt = function (t, d, bit) {
    var n = runeCount(t), first = charAt(t, 0);
    var lo = first + lenCode(Math.max(0, n - d)), hi = first + lenCode(n + d) + " \uffff";
    var firsts = this.man.spell, a = chunkOf(firsts, lo), b = chunkOf(firsts, hi), out = [], tr = runes(t), ready = true;
    for (var i = a; i <= b; i++) {
      var c = this.need("s" + i);
      if (!c) { ready = false; continue; }
      for (var k = 0; k < c.length; k++) {
        var u = c[k][0], key = spellKey(u);
        if (!(c[k][1] & bit) || key < lo || key > hi || charAt(u, 0) !== first) continue;
        var e = distance(runes(u), tr, d);
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
  // weighted by 1/(edits+1), as search's fuzzyQuery.
  Pass.prototype.fuzzyFields = function (an, t, d) {
    var R = this.R, cands = this.spelt(t, d, 1);
    if (!cands) return null;
    if (cands.length === 1 && cands[0].t === t) {
      var only = this.postEntry(t + "\u0000" + an);
      return only && only[3] ? this.leaf(only[3], R.BodyFuzzy) : null;
    }
    var list = [];
    for (var i = 0; i < cands.length; i++) {
      var en = this.postEntry(cands[i].t + "\u0000" + an);
      if (en && en[3]) list.push({ l: en[3], boost: R.BodyFuzzy * (1 / (cands[i].e + 1)) });
    }
    return this.multi(list, cands.length);
  };

  // fuzzyWords matches the folded words of titles, headings and summaries
  // within d edits of s.
  Pass.prototype.fuzzyWords = function (s, d, boost) {
    var cands = this.spelt(s, d, 2);
    if (!cands) return null;
    var list = [];
    for (var i = 0; i < cands.length; i++) {
      var en = this.wordsEntry(cands[i].t);
      if (en && en[4]) list.push({ l: en[4], boost: boost * (1 / (cands[i].e + 1)) });
    }
    return this.multi(list, cands.length);
  };

  Pass.prototype.pair = function (a, b, boost) {
    var h = pairHash(a, b), shift = this.man.pair_shift;
    var bucket = this.need("x" + (h >> shift));
    if (!bucket) return null;
    var l = bucket.lists.get(h - ((h >> shift) << shift));
    return l ? this.leaf(l, boost) : null;
  };

  Pass.prototype.tag = function (tag, boost) {
    var m = this.meta, ti = m.tags.indexOf(tag);
    if (ti < 0) return null;
    var df = m.tagDf.get(ti) || 0, idf = 1 + Math.log(this.N / (df + 1)), qw = boost * idf, out = new Float64Array(this.N);
    for (var d = 0; d < this.N; d++) {
      var ts = m.doc_tags[d];
      if (ts.indexOf(ti) >= 0) out[d] = Math.fround(1 / Math.sqrt(ts.length)) * idf * qw;
    }
    return out;
  };

  // variants groups the analyses ans by their terms of the word w, as
  // search's plan.variants: [{terms, langs}], none for an analysis in
  // which w is only a stop word.
  Pass.prototype.variants = function (w, ans) {
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

  // prefixOf returns the prefix the word w is matched by while typed, "" when
  // it is too short.
  Pass.prototype.prefixOf = function (w) {
    var surface = tokenize(fold(lowerText(w)));
    var pre = surface.length ? surface[surface.length - 1] : "";
    return runeCount(pre) >= this.R.PrefixMin ? pre : "";
  };

  // wordQuery mirrors search's wordQuery for the pages of analysis an:
  // one typed word by its terms in every analysis in any text field, as a
  // tag, by prefix while typed, by spelling. undefined when nothing is
  // looked for.
  Pass.prototype.wordQuery = function (an, w, vs, partial) {
    var R = this.R, alts = [], stems = [], self = this;
    vs.forEach(function (v) {
      if (v.terms.length === 1) alts.push(self.fields(an, v.terms[0], 1));
      else {
        alts.push(self.seq(an, v.terms));
        var j = self.terms(v.langs[0], joinWord(w));
        if (j.length === 1) alts.push(self.fields(an, j[0], 1));
      }
      v.terms.forEach(function (t) { if (stems.indexOf(t.t) < 0) stems.push(t.t); });
    });
    var lw = lowerText(w), any = vs.length > 0;
    if (vs.length > 0 || this.meta.tagSet.has(lw)) { alts.push(this.tag(lw, R.Tag)); any = true; }
    var surface = tokenize(fold(lw));
    if (partial && surface.length > 0) {
      var pre = surface[surface.length - 1], n = runeCount(pre);
      if (n >= R.PrefixMin) {
        alts.push(this.prefix(an, 4, pre, R.WordsPrefix));
        alts.push(this.prefix(an, 0, pre, R.TitlePrefix));
        any = true;
      }
      if (n >= R.BodyPrefixMin) alts.push(this.prefix(an, 3, pre, R.BodyPrefix));
    }
    if (this.mode !== "exact") {
      for (var i = 0; i < stems.length; i++) {
        var d = fuzziness(stems[i], R);
        if (d > 0) { alts.push(this.fuzzyFields(an, stems[i], d)); any = true; }
      }
      for (var k = 0; k < surface.length; k++) {
        var d2 = fuzziness(surface[k], R);
        if (d2 > 0) { alts.push(this.fuzzyWords(surface[k], d2, R.TitleFuzzy)); any = true; }
      }
    }
    if (!any) return undefined;
    return this.anyOf(R.AltTie, alts) || null;
  };

  // seq matches the parts of a word like "e-mail": each part somewhere,
  // ranked higher with the parts next to each other.
  Pass.prototype.seq = function (an, terms) {
    var must = [], pairs = [];
    for (var i = 0; i < terms.length; i++) {
      // One word typed weighs as one word, however many parts it has.
      must.push(this.fields(an, terms[i], 1 / terms.length));
      if (i > 0) pairs.push(this.pair(terms[i - 1].t, terms[i].t, this.R.Pair));
    }
    return this.boolean(this.conjunction(must), this.disjunction(pairs, pairs.length));
  };

  // langQuery mirrors search's textQuery, for the pages of analysis an:
  // their scores, null when none matches, undefined when the query has
  // nothing to look for.
  Pass.prototype.langQuery = function (an, ans) {
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
    var clauses = [];
    // free: what search's langTerm with its boost of 1e-6 scores for a
    // page of this analysis (the word is a stop word in its language): a
    // constant for the languages without an analysis of their own.
    var free = new Float64Array(N).fill(R.FreeBoost);
    if (an !== "*") {
      var li = this.meta.langs.indexOf(an), ldf = 0;
      for (var dl = 0; dl < N; dl++) if (this.meta.doc_lang[dl] === li) ldf++;
      var lidf = 1 + Math.log(N / (ldf + 1));
      free.fill(lidf * (R.FreeBoost * lidf));
    }
    for (var k = 0; k < words.length; k++) {
      var w = words[k], wq = this.wordQuery(an, w.text, w.vs, w.partial);
      if (wq === undefined) continue;
      if (this.mode !== "any" && asked.has(an) && !w.vs.some(function (v) { return v.langs.indexOf(an) >= 0; })) {
        wq = this.anyOf(R.AltTie, [wq, free]);
      }
      clauses.push(wq);
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
    if (this.mode === "any" && clauses.length > 1) must.push(this.disjunction(clauses, clauses.length));
    else must = must.concat(clauses);
    if (!q.empty && must.length === 0) return undefined;
    var scores = must.length === 0 ? new Float64Array(N).fill(1) : this.conjunction(must);
    if (should.length > 0) scores = this.boolean(scores, this.disjunction(should, should.length));
    if (!scores) return null;
    scores = scores.slice();
    for (var x = 0; x < q.exclude.length; x++) {
      var one = this.variants(q.exclude[x], ans).filter(function (v) { return v.terms.length === 1; });
      if (one.length === 0) continue;
      var xq = this.wordQuery(an, q.exclude[x], one, false);
      if (xq) for (var d = 0; d < N; d++) if (xq[d] > 0) scores[d] = 0;
    }
    var docAn = this.meta.docAn;
    for (var d2 = 0; d2 < N; d2++) if (docAn[d2] !== an) scores[d2] = 0;
    return scores;
  };

  // ---- Search --------------------------------------------------------------

  function intParam(v, name, def, lo, hi) {
    if (v === undefined || v === null || v === "") return def;
    var s = String(v);
    if (!/^[+-]?\d+$/.test(s)) throw QueryError(name + " must be a whole number from " + lo + " to " + hi);
    var n = parseInt(s, 10);
    if (n < lo || n > hi) throw QueryError(name + " must be a whole number from " + lo + " to " + hi);
    return n;
  }

  function checkFilter(name, v, R) {
    if (utf8.encode(v).length > 64) throw QueryError(name + " filter is too long: at most 64 bytes");
    if (reControl.test(v)) throw QueryError(name + " filter contains a control character");
  }

  function request(params, R) {
    params = params || {};
    var tags = params.tag === undefined || params.tag === null || params.tag === "" ? [] : [].concat(params.tag);
    var req = {
      query: params.q === undefined || params.q === null ? "" : String(params.q),
      kind: params.kind ? String(params.kind) : "",
      lang: params.lang ? String(params.lang) : "",
      tags: tags.map(String),
      limit: intParam(params.limit, "limit", R.DefaultLimit, 1, R.MaxLimit),
      offset: intParam(params.offset, "offset", 0, 0, R.MaxOffset)
    };
    var f = params.facets === undefined || params.facets === null ? "" : String(params.facets);
    if (["", "1", "true", "0", "false"].indexOf(f) < 0) throw QueryError("facets must be 0 or 1");
    req.noFacets = f === "0" || f === "false";
    if (req.tags.length > R.MaxTagFilter) throw QueryError("at most " + R.MaxTagFilter + " tag filters");
    checkFilter("kind", req.kind, R);
    checkFilter("lang", req.lang, R);
    req.tags.forEach(function (t) { checkFilter("tag", t, R); });
    return req;
  }

  // run evaluates fn(pass) until everything it needs is loaded.
  async function run(bd, make) {
    for (var round = 0; ; round++) {
      var pass = make();
      var out = pass.eval();
      if (pass.missing.size === 0 || round > 8) return { pass: pass, out: out };
      await Promise.all(Array.from(pass.missing).map(function (id) { return bd.load(id); }));
    }
  }

  // modes lists the modes to try in turn until one finds something.
  function modes(q, R) {
    if (q.empty) return ["exact"];
    var ms = ["exact"];
    if (q.words.some(function (w) { return runeCount(w) >= R.FuzzyMin; })) ms.push("fuzzy");
    if (q.words.length > 1) ms.push("any");
    return ms;
  }

  // scores computes the score of every page for the query in the
  // analyses ans (the request's language, or all of them), without
  // filters. As on the server, a page of any language matches the terms
  // of every analysis asked for ("project" of the English analysis in a
  // Dutch page): the pages of each analysis are scored in turn.
  Pass.prototype.scores = function (ans) {
    var out = null, pages = this.man.analyses;
    for (var i = 0; i < pages.length; i++) {
      var s = this.langQuery(pages[i], ans);
      if (!s) continue;
      if (!out) out = s;
      else for (var d = 0; d < this.N; d++) if (s[d] > 0) out[d] = s[d];
    }
    return out;
  };

  Pass.prototype.eval = function () {
    var req = this.req, ans;
    if (req.lang) ans = [anCode(req.lang)];
    else ans = this.man.analyses.slice();
    var main = this.scores(ans);
    var all = req.lang ? this.scores(this.man.analyses) : main;
    return { main: main, all: all };
  };

  // ranked lists the pages with a score (of those in sel, when given),
  // best first at float32 precision, ties in page order, as the server
  // ranks (see search/score.go); byPage lists them in page order.
  function ranked(scores, sel, N, byPage) {
    var out = [];
    if (!scores) return out;
    for (var d = 0; d < N; d++) if (scores[d] > 0 && (!sel || sel[d])) out.push(d);
    if (!byPage) out.sort(function (a, b) { return Math.fround(scores[b]) - Math.fround(scores[a]) || a - b; });
    return out;
  }

  // filtered keeps the pages of scores that pass the request's filters but
  // the one on skip, and are in only when it is given.
  function filtered(scores, req, meta, N, skip, only) {
    var out = new Uint8Array(N);
    if (!scores) return out;
    var kind = skip !== "kind" && req.kind ? meta.kinds.indexOf(req.kind) : -2;
    var lang = skip !== "lang" && req.lang ? meta.langs.indexOf(req.lang) : -2;
    var tags = skip !== "tags" ? req.tags.map(function (t) { return meta.tags.indexOf(t); }) : [];
    if (kind === -1 || lang === -1 || tags.indexOf(-1) >= 0) return out;
    for (var d = 0; d < N; d++) {
      if (!(scores[d] > 0) || only && !only[d]) continue;
      if (kind >= 0 && meta.doc_kind[d] !== kind) continue;
      if (lang >= 0 && meta.doc_lang[d] !== lang) continue;
      var ok = true;
      for (var i = 0; i < tags.length; i++) if (meta.doc_tags[d].indexOf(tags[i]) < 0) { ok = false; break; }
      if (ok) out[d] = 1;
    }
    return out;
  }

  function facet(sel, meta, N, field, size) {
    var counts = new Map();
    for (var d = 0; d < N; d++) {
      if (!sel[d]) continue;
      var vals = field === "kind" ? [meta.doc_kind[d]] : field === "lang" ? [meta.doc_lang[d]] : meta.doc_tags[d];
      for (var i = 0; i < vals.length; i++) counts.set(vals[i], (counts.get(vals[i]) || 0) + 1);
    }
    var names = field === "kind" ? meta.kinds : field === "lang" ? meta.langs : meta.tags;
    var list = Array.from(counts, function (e) { return [names[e[0]], e[1]]; }).filter(function (e) { return e[0] !== ""; });
    list.sort(function (a, b) { return b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0); });
    list = list.slice(0, size).sort(function (a, b) { return a[0] < b[0] ? -1 : 1; });
    var out = {};
    list.forEach(function (e) { out[e[0]] = e[1]; });
    return out;
  }

  async function search(params) {
    var t0 = performance.now();
    var bd = await getBundle();
    var R = bd.R, meta = bd.loaded.get("m"), N = bd.N;
    var req = request(params, R);
    var q = parseQuery(req.query, R);
    var res = { query: req.query, total: 0, took_ms: 0, hits: [], facets: { kind: {}, tags: {}, lang: {} } };
    if (q.empty && q.exclude.length === 0 && trimSpace(req.query) !== "") {
      res.took_ms = Math.round((performance.now() - t0) * 1000) / 1000;
      return res;
    }
    var ms = modes(q, R), r, sel, mode, only = null, hl;
    for (var i = 0; i < ms.length; i++) {
      mode = ms[i];
      r = await run(bd, function () { return new Pass(bd, q, req, mode); });
      hl = new Highlighter(r.pass);
      only = null;
      if (hl.checksText()) {
        // Quoted phrases, and excluded ones, are checked on the text of
        // the best pages matching every word (the filters aside), as
        // search's plan.phraseIDs does.
        var cands = ranked(r.out.main, null, N).slice(0, R.PhraseCandidates);
        await Promise.all(cands.map(function (n) { return bd.load("f" + n); }));
        only = new Uint8Array(N);
        for (var c = 0; c < cands.length; c++) if (hl.verify(bd.loaded.get("f" + cands[c]))) only[cands[c]] = 1;
        res.approximate = ranked(r.out.main, null, N).length > cands.length || undefined;
      }
      sel = filtered(r.out.main, req, meta, N, "", only);
      var any = false;
      for (var d = 0; d < N; d++) if (sel[d]) { any = true; break; }
      if (any) break;
    }
    if (!res.approximate) delete res.approximate;
    if (mode !== "exact") res.fuzzy = true;
    if (mode === "any") res.partial = true;
    var order = q.empty ? ranked(r.out.main, sel, N, true) : ranked(r.out.main, sel, N);
    res.total = order.length;
    var shown = order.slice(req.offset, req.offset + req.limit);
    await Promise.all(shown.map(function (n) { return bd.load("f" + n); }));
    if (!req.noFacets) {
      res.facets.kind = facet(req.kind ? filtered(r.out.main, req, meta, N, "kind", only) : sel, meta, N, "kind", R.FacetKinds);
      res.facets.tags = facet(req.tags.length ? filtered(r.out.main, req, meta, N, "tags", only) : sel, meta, N, "tags", R.FacetTags);
      res.facets.lang = facet(req.lang ? filtered(r.out.all, req, meta, N, "lang", only) : sel, meta, N, "lang", R.FacetLangs);
    }
    shown.forEach(function (n) {
      var doc = bd.loaded.get("f" + n);
      res.hits.push({
        url: doc.url, title: doc.title, title_html: hl.mark(doc.lang, doc.title, false),
        kind: doc.kind, lang: doc.lang, tags: doc.tags || [], summary: doc.summary,
        fragments: hl.fragments(doc.lang, doc.text || "", doc.summary || ""),
        score: Math.fround(r.out.main[n])
      });
    });
    res.took_ms = Math.round((performance.now() - t0) * 1000) / 1000;
    return res;
  }

  // ---- Snippets and phrase checks (search's highlighter) --------------------

  function Highlighter(pass) { this.p = pass; this.ms = new Map(); }

  Highlighter.prototype.checksText = function () {
    var p = this.p, q = p.q;
    if (q.phrases.length > 0) return true;
    var ans = p.man.analyses;
    for (var i = 0; i < q.exclude.length; i++) {
      for (var j = 0; j < ans.length; j++) if (p.terms(ans[j], q.exclude[i]).length > 1) return true;
    }
    return false;
  };

  // matcher holds what one analysis of the query looks for.
  Highlighter.prototype.matcher = function (lang) {
    var an = anCode(lang);
    if (this.ms.has(an)) return this.ms.get(an);
    var p = this.p, q = p.q, R = p.R;
    var m = { an: an, stems: new Map(), fuzzy: [], prefix: "", pgroup: -1, starts: new Set(), first: new Set(), cache: new Map(), p: p };
    var add = function (t, g) {
      if (!m.stems.has(t)) m.stems.set(t, g);
      m.starts.add(firstRunes(t, 2));
      if (p.mode !== "exact") {
        var d = fuzziness(t, R);
        if (d > 0) { m.fuzzy.push({ t: runes(t), d: d, g: g }); m.first.add(charAt(t, 0)); }
      }
    };
    for (var i = 0; i < q.words.length; i++) {
      var ts = p.terms(an, q.words[i]);
      ts.forEach(function (t) { add(t.t, i); });
      if (ts.length > 1) {
        var j = p.terms(an, joinWord(q.words[i]));
        if (j.length === 1) add(j[0].t, i);
      }
      if (q.partial && i === q.words.length - 1) {
        var s = tokenize(fold(q.words[i].toLowerCase()));
        if (s.length > 0 && runeCount(s[s.length - 1]) >= R.PrefixMin) { m.prefix = s[s.length - 1]; m.pgroup = i; }
      }
    }
    for (var k = 0; k < q.phrases.length; k++) {
      p.terms(an, q.phrases[k]).forEach(function (t) { add(t.t, q.words.length + k); });
    }
    this.ms.set(an, m);
    return m;
  };

  // stem returns the term analysis an makes of the lower-cased word low,
  // "" for a stop word. Words of the dictionary's loaded chunks are known;
  // for others, a word that starts with one of the query's terms is taken
  // for it (most inflections only add a suffix to the stem).
  function stem(m, low) {
    if (m.cache.has(low)) return m.cache.get(low);
    var ts = analyze(m.an, low, m.p.meta.stopSets), st = ts.length ? ts[0] : "";
    m.cache.set(low, st);
    return st;
  }

  function match(m, tok) {
    var low = lowerText(tok), f = fold(low);
    if (m.prefix && f.indexOf(m.prefix) === 0) return m.pgroup;
    if (!m.starts.has(firstRunes(f, 2)) && !m.first.has(charAt(f, 0))) return -1;
    var st = stem(m, low);
    if (st === "") return -1;
    if (m.stems.has(st)) return m.stems.get(st);
    if (m.fuzzy.length) {
      var sr = runes(st);
      for (var i = 0; i < m.fuzzy.length; i++) {
        var fz = m.fuzzy[i];
        if (sr.length && sr[0] === fz.t[0] && distance(sr, fz.t, fz.d) <= fz.d) return fz.g;
      }
    }
    return -1;
  }

  var reMark = /[\p{L}\p{Nd}\p{M}]/u, reLetterOnly = /\p{L}/u;
  // nextWord returns the bounds of the first word at or after i (letters,
  // digits, marks, apostrophes between letters), or null.
  function nextWord(s, i) {
    var start = -1;
    while (i < s.length) {
      var c = charAt(s, i), word = reMark.test(c);
      if (!word && start >= 0 && (c === "'" || c === "\u2019") && i + 1 < s.length) word = reLetterOnly.test(charAt(s, i + 1));
      if (word && start < 0) start = i;
      else if (!word && start >= 0) return [start, i];
      i += c.length;
    }
    return start < 0 ? null : [start, s.length];
  }

  function find(m, s) {
    var out = [], i = 0, w;
    while ((w = nextWord(s, i))) {
      var g = match(m, s.slice(w[0], w[1]));
      if (g >= 0) out.push({ start: w[0], end: w[1], group: g });
      i = w[1];
    }
    return out;
  }

  function escapeHTML(s) {
    return s.replace(/[&'<>"]/g, function (c) {
      return { "&": "&amp;", "'": "&#39;", "<": "&lt;", ">": "&gt;", '"': "&#34;" }[c];
    });
  }

  function collapse(s, first, last) {
    if (first) s = s.replace(reSpaceStart, "");
    if (last) s = s.replace(reSpaceEnd, "");
    return s.replace(reSpaces, " ");
  }

  function markHTML(s, spans, start, end, more) {
    var out = start > 0 ? "… " : "", at = start;
    for (var i = 0; i < spans.length; i++) {
      var sp = spans[i];
      if (sp.start < at || sp.end > end) continue;
      out += escapeHTML(collapse(s.slice(at, sp.start), at === start, false));
      out += "<mark>" + escapeHTML(s.slice(sp.start, sp.end)) + "</mark>";
      at = sp.end;
    }
    out += escapeHTML(collapse(s.slice(at, end), at === start, true));
    if (end < s.length || more) out += " …";
    return out;
  }

  Highlighter.prototype.mark = function (lang, s) {
    return markHTML(s, find(this.matcher(lang), s), 0, s.length, false);
  };

  // bytesAt maps each UTF-16 index of s to its UTF-8 byte offset: the
  // snippets' sizes are counted in bytes, as search's are.
  function bytesAt(s) {
    var at = new Int32Array(s.length + 1), n = 0;
    for (var i = 0; i < s.length; i++) {
      at[i] = n;
      var c = s.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) { at[i + 1] = n; n += 4; i++; } else n += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
    }
    at[s.length] = n;
    return at;
  }

  // indexAt is the UTF-16 index of the first character of s at or after
  // byte offset b (at from bytesAt).
  function indexAt(at, b) {
    var lo = 0, hi = at.length - 1;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (at[mid] < b) lo = mid + 1; else hi = mid; }
    while (lo < at.length - 1 && lo > 0 && at[lo] === at[lo - 1]) lo++;
    return lo;
  }

  // window_ mirrors search's window: the bounds of a fragment of s showing
  // the word at first, from a word boundary about ContextBytes before it
  // to one about FragmentBytes later.
  function window_(s, at, first, R) {
    var f8 = at[first], start = Math.max(0, f8 - R.ContextBytes), i;
    if (start > 0) {
      var from = indexAt(at, start), sp = -1;
      for (i = from; i < first; i++) if (isSpace(s[i])) { sp = i; break; }
      start = sp >= 0 ? at[sp] + 1 : f8;
    }
    var len = at[s.length], end = Math.min(len, start + R.FragmentBytes);
    if (end < len) {
      var a = indexAt(at, start), last = -1;
      for (i = a; i < s.length && at[i + 1] <= end; i++) if (isSpace(s[i])) last = i;
      if (last >= 0 && at[last] - start > f8 - start) end = at[last];
    }
    return [indexAt(at, start), indexAt(at, end)];
  }

  Highlighter.prototype.fragments = function (lang, body, summary) {
    var m = this.matcher(lang), R = this.p.R, spans = find(m, body), at = bytesAt(body);
    if (spans.length === 0) {
      var ss = find(m, summary);
      return ss.length ? [markHTML(summary, ss, 0, summary.length, false)] : [];
    }
    var out = [], covered = new Set(), used = [];
    var overlaps = function (at) { return used.some(function (u) { return at >= u[0] && at < u[1]; }); };
    while (out.length < R.MaxFragments) {
      var best = -1, bestScore = 0;
      for (var i = 0; i < spans.length; i++) {
        if (overlaps(spans[i].start)) continue;
        var groups = new Set(), n = 0, fresh = 0;
        for (var j = i; j < spans.length && at[spans[j].end] <= at[spans[i].start] + R.FragmentBytes - R.ContextBytes; j++) {
          if (!groups.has(spans[j].group) && !covered.has(spans[j].group)) fresh++;
          groups.add(spans[j].group);
          n++;
        }
        var score = fresh * 1000 + groups.size * 100 + n;
        if (out.length > 0 && fresh === 0) continue;
        if (score > bestScore) { best = i; bestScore = score; }
      }
      if (best < 0) break;
      var w = window_(body, at, spans[best].start, R), inside = [];
      for (var k = 0; k < spans.length; k++) {
        if (spans[k].start >= w[0] && spans[k].end <= w[1]) { inside.push(spans[k]); covered.add(spans[k].group); }
      }
      used.push(w);
      out.push(markHTML(body, inside, w[0], w[1], false));
    }
    return out;
  };

  // holdsRun reports whether s holds the terms want in a row, stop words
  // aside.
  function holdsRun(m, s, want) {
    var start = charAt(want[0], 0), i = 0, w;
    while ((w = nextWord(s, i))) {
      i = w[1];
      var low = s.slice(w[0], w[1]).toLowerCase();
      if (charAt(low, 0) !== start && charAt(fold(low), 0) !== start) continue;
      if (stem(m, low) !== want[0]) continue;
      var k = 1, j = w[1], w2;
      while (k < want.length && (w2 = nextWord(s, j))) {
        j = w2[1];
        var st = stem(m, lowerText(s.slice(w2[0], w2[1])));
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
  Highlighter.prototype.verify = function (doc) {
    var m = this.matcher(doc.lang), q = this.p.q, texts = [doc.title || "", doc.summary || "", doc.text || ""];
    for (var i = 0; i < q.phrases.length; i++) if (!holdsPhrase(m, q.phrases[i], texts)) return false;
    for (var j = 0; j < q.exclude.length; j++) {
      if (m.p.terms(m.an, q.exclude[j]).length > 1 && holdsPhrase(m, q.exclude[j], texts)) return false;
    }
    return true;
  };

  // kbStaticSearch answers like GET {base}_search: a Promise of the same
  // JSON. A bad request rejects with an Error whose status is 400 and
  // whose body is {error}.
  window.kbStaticSearch = search;
  // preload fetches what every query needs (the manifest and the facet
  // data), so that the first one only waits for its own chunks.
  // internals are the building blocks, for the tests.
  search.internals = { tokenize: tokenize, lower: lower, fold: fold, analyze: analyze, distance: distance, pairHash: pairHash };
  search.preload = function () { return getBundle().then(function () {}); };
})();
