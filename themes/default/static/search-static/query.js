// kb's static search client (see search.js): what search/query.go does.
// Parsing what the user typed into words, "phrases" and -exclusions.
(function (K) {
  "use strict";
  var utf8 = new TextEncoder();

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
    if (utf8.encode(s).length > R.MaxQueryBytes) throw K.QueryError("query is too long: " + utf8.encode(s).length + " bytes, at most " + R.MaxQueryBytes);
    if (/[\ud800-\udbff](?![\udc00-\udfff])|(^|[^\ud800-\udbff])[\udc00-\udfff]/.test(s)) throw K.QueryError("query is not valid UTF-8");
    for (var k = 0; k < s.length; k++) {
      if (reControl.test(s[k]) && !reSpace.test(s[k])) {
        throw K.QueryError("query contains a control character (U+" + s.charCodeAt(k).toString(16).toUpperCase().padStart(4, "0") + ")");
      }
    }
    s = s.normalize("NFC");
    var i = 0, lastWord = false;
    while (i < s.length) {
      var c = K.charAt(s, i);
      if (reSpace.test(c)) { i += c.length; lastWord = false; continue; }
      var exclude = false;
      if ((c === "-" || c === "+") && i + 1 < s.length && !reSpace.test(K.charAt(s, i + 1))) {
        exclude = c === "-";
        i++;
        c = K.charAt(s, i);
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
          var d = K.charAt(s, i);
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
        throw K.QueryError("query has too many words: at most " + R.MaxTerms);
      }
    }
    q.partial = lastWord;
    q.empty = q.words.length === 0 && q.phrases.length === 0;
    return q;
  }

  K.isSpace = isSpace;
  K.parseQuery = parseQuery;
  K.reControl = reControl;
  K.reSpaceEnd = reSpaceEnd;
  K.reSpaceStart = reSpaceStart;
  K.reSpaces = reSpaces;
  K.trimSpace = trimSpace;
})(self.kbSearch = self.kbSearch || {});
