// kb's static search client (see search.js): what search/groups.go does.
// Translations grouped: a page and its translations that both match are
// one result, shown in the reader's language when it matches, at the
// place of the group's best page, naming the others (also_in).
(function (K) {
  "use strict";

  // group turns the ranked pages order into results [{n, also}]: the
  // page n shown and the group's other matching pages, by language and
  // URL (page order). groups holds each page's group number (0: none);
  // without it every page is a result of its own.
  function group(order, groups, meta, pref) {
    if (!groups) return order.map(function (n) { return { n: n, also: [] }; });
    var members = new Map();
    order.forEach(function (n) {
      var g = groups[n];
      if (g > 0) {
        if (!members.has(g)) members.set(g, []);
        members.get(g).push(n);
      }
    });
    var out = [];
    order.forEach(function (n) {
      var g = groups[n];
      if (!(g > 0)) { out.push({ n: n, also: [] }); return; }
      var ms = members.get(g);
      if (ms[0] !== n) return; // the group is listed at its best page
      var rep = n;
      ms.forEach(function (m) { if (pref && meta.docLangName[m] === pref) rep = m; });
      var also = ms.filter(function (m) { return m !== rep; });
      also.sort(function (a, b) {
        var la = meta.docLangName[a], lb = meta.docLangName[b];
        return la < lb ? -1 : la > lb ? 1 : a - b;
      });
      out.push({ n: rep, also: also });
    });
    return out;
  }

  K.group = group;
})(self.kbSearch = self.kbSearch || {});
