// kb's static search client (see search.js): what search/groups.go does.
// Translations grouped: a page and its translations that both match are
// one result, shown in the reader's language when it matches, at the
// place of the group's best page, naming the others (also_in).
(function (K) {
  "use strict";

  // group turns the ranked pages order into results [{n, also, at}]:
  // the page n shown, the group's other matching pages, by language and
  // URL, and the place in order of the group's best page. groups holds
  // each page's group number (0: none); without it every page is a
  // result of its own. A result whose group has two matching pages of
  // one language is marked byURL: which is shown, and the order of the
  // others, then depend on the pages' order by URL (meta.rank, page
  // numbers until r/ is loaded).
  function group(order, groups, meta, pref) {
    if (!groups) return order.map(function (n, i) { return { n: n, also: [], at: i }; });
    var members = new Map(), rank = meta.rank;
    order.forEach(function (n) {
      var g = groups[n];
      if (g > 0) {
        if (!members.has(g)) members.set(g, []);
        members.get(g).push(n);
      }
    });
    var out = [];
    order.forEach(function (n, i) {
      var g = groups[n];
      if (!(g > 0)) { out.push({ n: n, also: [], at: i }); return; }
      var ms = members.get(g);
      if (ms[0] !== n) return; // the group is listed at its best page
      var rep = n, langs = new Set(), byURL = false;
      ms.forEach(function (m) {
        var l = meta.docLangName[m];
        if (pref && l === pref) rep = m;
        if (langs.has(l)) byURL = true;
        langs.add(l);
      });
      var also = ms.filter(function (m) { return m !== rep; });
      also.sort(function (a, b) {
        var la = meta.docLangName[a], lb = meta.docLangName[b];
        return la < lb ? -1 : la > lb ? 1 : rank ? rank[a] - rank[b] : a - b;
      });
      out.push({ n: rep, also: also, at: i, byURL: byURL });
    });
    return out;
  }

  K.group = group;
})(self.kbSearch = self.kbSearch || {});
