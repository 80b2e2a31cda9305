// kb's static search client (see search.js): what search/snippet.go does.
// Highlighting: the matched words in titles and fragments of the text.
(function (K) {
  "use strict";
  // H holds the methods of a Highlighter (see snippet.js).
  var H = K.hl = K.hl || {};

  // Highlighter marks the words a pass looked for (see search's
  // highlighter), and checks phrases (phrase.js).
  function Highlighter(pass) { this.p = pass; this.ms = new Map(); }
  Highlighter.prototype = H;

  // matcher holds what one analysis of the query looks for.
  H.matcher = function (lang) {
    var an = K.anCode(lang);
    if (this.ms.has(an)) return this.ms.get(an);
    var p = this.p, q = p.q, R = p.R;
    var m = { an: an, stems: new Map(), fuzzy: [], prefix: "", pgroup: -1, stemPrefixes: [], starts: new Set(), first: new Set(), cache: new Map(), p: p };
    var langs = p.req.lang ? [K.anCode(p.req.lang)] : p.man.analyses;
    var add = function (t, g) {
      if (!m.stems.has(t)) m.stems.set(t, g);
      m.starts.add(K.firstRunes(t, 2));
      if (g < q.words.length ? p.spelling(g) > 0 : p.mode !== "exact") {
        var d = K.fuzziness(t, R);
        if (d > 0) { m.fuzzy.push({ t: K.runes(t), d: d, g: g }); m.first.add(K.charAt(t, 0)); }
      }
    };
    var vss = q.words.map(function (w) { return p.variants(w, langs); }), joined = p.joinedWords(vss, langs);
    for (var i = 0; i < q.words.length; i++) {
      var ts = p.terms(an, q.words[i]);
      ts.forEach(function (t) { add(t.t, i); });
      // The parts of a word written joined, and the word two typed words
      // make joined.
      p.splitTerms(q.words[i], vss[i]).forEach(function (parts) { parts.forEach(function (t) { add(t, i); }); });
      joined[i].forEach(function (t) { add(t, i); });
      if (an === "nl") p.headTerms(vss[i]).forEach(function (t) { add(t, i); });
      p.foldedTerms(q.words[i], vss[i]).forEach(function (t) { add(t, i); });
      var all = [];
      langs.forEach(function (l) { p.terms(l, q.words[i]).forEach(function (t) { all.push(t.t); }); });
      K.stemPrefixes(all, R).forEach(function (t) { m.stemPrefixes.push({ stem: t, folded: K.fold(t), g: i }); });
      if (K.tokenize(K.fold(K.lowerText(q.words[i]))).length > 1) {
        var j = p.terms(an, K.joinWord(q.words[i]));
        if (j.length === 1) add(j[0].t, i);
      }
      if (q.partial && i === q.words.length - 1) {
        var s = K.tokenize(K.fold(q.words[i].toLowerCase()));
        if (s.length > 0 && K.runeCount(s[s.length - 1]) >= R.PrefixMin) { m.prefix = s[s.length - 1]; m.pgroup = i; }
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
    var ts = K.analyze(m.an, low, m.p.meta.stopSets), st = ts.length ? ts[0] : "";
    m.cache.set(low, st);
    return st;
  }

  function match(m, tok) {
    var low = K.lowerText(tok), f = K.fold(low);
    if (m.prefix && f.indexOf(m.prefix) === 0) return m.pgroup;
    var i;
    for (i = 0; i < m.stemPrefixes.length; i++) if (f.indexOf(m.stemPrefixes[i].folded) === 0) return m.stemPrefixes[i].g;
    if (!m.starts.has(K.firstRunes(f, 2)) && !m.first.has(K.charAt(f, 0)) && m.stemPrefixes.length === 0) return -1;
    var st = stem(m, low);
    if (st === "") return -1;
    if (m.stems.has(st)) return m.stems.get(st);
    for (i = 0; i < m.stemPrefixes.length; i++) if (st.indexOf(m.stemPrefixes[i].stem) === 0) return m.stemPrefixes[i].g;
    if (m.fuzzy.length) {
      var sr = K.runes(st);
      for (i = 0; i < m.fuzzy.length; i++) {
        var fz = m.fuzzy[i];
        if (sr.length && sr[0] === fz.t[0] && K.distance(sr, fz.t, fz.d) <= fz.d) return fz.g;
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
      var c = K.charAt(s, i), word = reMark.test(c);
      if (!word && start >= 0 && (c === "'" || c === "\u2019") && i + 1 < s.length) word = reLetterOnly.test(K.charAt(s, i + 1));
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
    if (first) s = s.replace(K.reSpaceStart, "");
    if (last) s = s.replace(K.reSpaceEnd, "");
    // A run holding a line break stands between two blocks (see
    // blockSeparator in search/snippet.go).
    return s.replace(K.reSpaces, function (run) { return run.indexOf("\n") >= 0 ? " · " : " "; });
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

  H.mark = function (lang, s) {
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
      for (i = from; i < first; i++) if (K.isSpace(s[i])) { sp = i; break; }
      start = sp >= 0 ? at[sp] + 1 : f8;
    }
    var len = at[s.length], end = Math.min(len, start + R.FragmentBytes);
    if (end < len) {
      var a = indexAt(at, start), last = -1;
      for (i = a; i < s.length && at[i + 1] <= end; i++) if (K.isSpace(s[i])) last = i;
      if (last >= 0 && at[last] - start > f8 - start) end = at[last];
    }
    return [indexAt(at, start), indexAt(at, end)];
  }

  H.fragments = function (lang, body, summary) {
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

  K.Highlighter = Highlighter;
  K.nextWord = nextWord;
  K.stem = stem;
})(self.kbSearch = self.kbSearch || {});
