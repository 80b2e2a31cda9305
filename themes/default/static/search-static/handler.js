// kb's static search client (see search.js): what search/handler.go does.
// The request: parameters checked as the search endpoint checks them.
(function (K) {
  "use strict";
  var utf8 = new TextEncoder();

  function QueryError(msg) {
    var e = new Error(msg);
    e.status = 400;
    e.body = { error: msg };
    return e;
  }

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
    if (K.reControl.test(v)) throw QueryError(name + " filter contains a control character");
  }

  function request(params, R) {
    params = params || {};
    var tags = params.tag === undefined || params.tag === null || params.tag === "" ? [] : [].concat(params.tag);
    var req = {
      query: params.q === undefined || params.q === null ? "" : String(params.q),
      kind: params.kind ? String(params.kind) : "",
      lang: params.lang ? String(params.lang) : "",
      pref: params.pref ? String(params.pref) : "",
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
    checkFilter("pref", req.pref, R);
    req.tags.forEach(function (t) { checkFilter("tag", t, R); });
    return req;
  }

  K.QueryError = QueryError;
  K.request = request;
})(self.kbSearch = self.kbSearch || {});
