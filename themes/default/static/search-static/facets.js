// kb's static search client (see search.js): what search/facets.go does.
// Filters and facet counts.
(function (K) {
  "use strict";


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

  // facet counts the values of field among the pages of sel; with groups
  // (the pages' translation groups, see search/groups.go), the pages of
  // one group count once per value.
  function facet(sel, meta, N, field, size, groups) {
    var counts = new Map(), seen = new Set();
    for (var d = 0; d < N; d++) {
      if (!sel[d]) continue;
      var vals = field === "kind" ? [meta.doc_kind[d]] : field === "lang" ? [meta.doc_lang[d]] : meta.doc_tags[d];
      var g = groups ? groups[d] : 0;
      for (var i = 0; i < vals.length; i++) {
        if (g > 0) {
          var k = g + "\u0000" + vals[i];
          if (seen.has(k)) continue;
          seen.add(k);
        }
        counts.set(vals[i], (counts.get(vals[i]) || 0) + 1);
      }
    }
    var names = field === "kind" ? meta.kinds : field === "lang" ? meta.langs : meta.tags;
    var list = Array.from(counts, function (e) { return [names[e[0]], e[1]]; }).filter(function (e) { return e[0] !== ""; });
    list.sort(function (a, b) { return b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0); });
    list = list.slice(0, size).sort(function (a, b) { return a[0] < b[0] ? -1 : 1; });
    var out = {};
    list.forEach(function (e) { out[e[0]] = e[1]; });
    return out;
  }

  K.facet = facet;
  K.filtered = filtered;
})(self.kbSearch = self.kbSearch || {});
