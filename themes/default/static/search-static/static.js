// kb's static search client (see search.js): what search/static.go and static_write.go does.
// Fetching and decoding the static bundle ExportStatic writes: the manifest
// and the index, the dictionary, posting and spelling chunks, the pair
// buckets, the pages and the chunks naming their files.
(function (K) {
  "use strict";
  var FORMAT = 8;
  var NAME = 12; // hex digits of a file's name
  var text = new TextDecoder("utf-8", { ignoreBOM: true }); // a BOM inside a word is text
  // P holds the methods of a Pass (see search.js).
  var P = K.pass = K.pass || {};

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
  // and the field's length (from lens, by page, when given: bodies'
  // lengths are in meta.bin), into the page's tf·norm as bleve computes
  // it: √freq · float32(1/√length).
  function readList(r, lens) {
    var n = r.uv(), docs = new Uint32Array(n), w = new Float64Array(n), d = 0, i;
    for (i = 0; i < n; i++) { d += r.uv(); docs[i] = d; }
    for (i = 0; i < n; i++) {
      var freq = r.uv(), len = lens ? lens[docs[i]] : r.uv();
      w[i] = Math.sqrt(freq) * (len > 0 ? Math.fround(1 / Math.sqrt(len)) : 0);
    }
    return { docs: docs, w: w };
  }

  // Chunk of postings: key → offset of the entry's body, decoded on use;
  // bodyLen is meta.bin's body_len.
  function PostChunk(b, bodyLen) {
    var r = new Reader(b), n = r.uv();
    this.b = b; this.bodyLen = bodyLen; this.at = new Map(); this.keys = []; this.cache = new Map();
    for (var i = 0; i < n; i++) {
      var kl = r.uv(), key = text.decode(b.subarray(r.p, r.p + kl));
      r.p += kl;
      var bl = r.uv();
      this.at.set(key, r.p); this.keys.push(key);
      r.p += bl;
    }
  }
  // entry returns the fields of key: [title, headings, summary, body,
  // words, pairs], each null or {docs, w, df}, and joins: the hyphenated
  // forms of an entry "word\u0000+".
  PostChunk.prototype.entry = function (key) {
    if (this.cache.has(key)) return this.cache.get(key);
    var p = this.at.get(key);
    if (p === undefined) { this.cache.set(key, null); return null; }
    var r = new Reader(this.b, p), mask = this.b[r.p++], fields = [];
    for (var f = 0; f < 6; f++) {
      if (!(mask & (1 << f))) { fields.push(null); continue; }
      var other = r.uv(), l = readList(r, f === 3 ? this.bodyLen : null);
      l.df = l.docs.length + other;
      fields.push(l);
    }
    // Bit 6: the hyphenated forms of a word written joined.
    fields.joins = [];
    if (mask & (1 << 6)) {
      for (var n = r.uv(), j = 0; j < n; j++) {
        var len = r.uv();
        fields.joins.push(text.decode(this.b.subarray(r.p, r.p + len)));
        r.p += len;
      }
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
    this.root = root; this.man = man;
    this.N = man.slots; this.D = man.docs; this.R = man.ranking;
    this.loaded = new Map(); this.pending = new Map();
  }
  // path names the file of id: "i" the index, "m" meta.bin, "t" the
  // pages' tags, "r" their order by URL, "f" + n page n, else part id[0]'s chunk (or tag, for
  // "k") number id.slice(1); each file is named by a hash of its bytes,
  // listed in the manifest or the index (the pages' in n/).
  Bundle.prototype.path = function (id) {
    var files = this.man.files, p = id[0], n = +id.slice(1);
    if (id === "i" || id === "m" || id === "t" || id === "r") return p + "/" + files[p] + ".bin";
    if (p === "f") return "f/" + this.loaded.get("n" + (n >> this.man.name_shift))[n & ((1 << this.man.name_shift) - 1)] + ".bin";
    return p + "/" + files[p][n] + ".bin";
  };
  Bundle.prototype.load = function (id) {
    if (this.loaded.has(id)) return Promise.resolve();
    if (this.pending.has(id)) return this.pending.get(id);
    var self = this;
    // A page's file is named in its chunk of n/.
    var first = id[0] === "f" ? this.load("n" + (+id.slice(1) >> this.man.name_shift)) : Promise.resolve();
    var p = first.then(function () { return bytes(self.root + self.path(id)); }).then(function (b) {
      self.loaded.set(id, self.parse(id, b));
      self.pending.delete(id);
    }, function (e) {
      // A file gone (the site was rebuilt since the manifest was read):
      // the next query reads the manifest again.
      self.pending.delete(id); bundleP = null; throw e;
    });
    this.pending.set(id, p);
    return p;
  };
  Bundle.prototype.parse = function (id, b) {
    switch (id[0]) {
      case "i": return this.parseIndex(JSON.parse(text.decode(b)));
      case "m": return parseMeta(JSON.parse(text.decode(b)), this.N);
      case "t": return this.parseTags(JSON.parse(text.decode(b)));
      case "r": return this.parseRanks(JSON.parse(text.decode(b)));
      case "n": return names(text.decode(b));
      case "d": return parseDict(JSON.parse(text.decode(b)));
      case "s": case "h": return JSON.parse(text.decode(b));
      case "p": case "w": return new PostChunk(b, this.loaded.get("m").body_len);
      case "x": return new PairBucket(b);
      case "k": return readList(new Reader(b));
      case "g": return parseGroups(JSON.parse(text.decode(b)).groups, this.N);
      case "f": return JSON.parse(text.decode(b));
    }
  };

  // names splits file names written back to back.
  function names(s) {
    var out = [];
    for (var i = 0; i < s.length; i += NAME) out.push(s.slice(i, i + NAME));
    return out;
  }

  // parseIndex adds the index's tables to the manifest: the first keys of
  // the chunks, the shifts, the names of each part's chunks.
  Bundle.prototype.parseIndex = function (ix) {
    var man = this.man;
    ["dict", "post", "words", "spell", "heads", "pair_shift", "name_shift"].forEach(function (k) { man[k] = ix[k]; });
    for (var p in ix.files) man.files[p] = names(ix.files[p]);
    return ix;
  };

  // parseRanks adds the pages' order by URL to meta.bin's data, by page
  // number: rank, which breaks ties between equal scores.
  Bundle.prototype.parseRanks = function (r) {
    var m = this.loaded.get("m"), rank = new Uint32Array(this.N);
    for (var i = 0; i < r.rank.length; i++) rank[m.slotOf[i]] = r.rank[i];
    m.rank = rank;
    return r;
  };

  var none = [];
  // parseTags adds the pages' tags to meta.bin's data, by page number.
  Bundle.prototype.parseTags = function (t) {
    var m = this.loaded.get("m"), tags = new Array(this.N);
    for (var s = 0; s < this.N; s++) tags[s] = none;
    for (var i = 0; i < t.doc_tags.length; i++) tags[m.slotOf[i]] = t.doc_tags[i];
    m.doc_tags = tags;
    return t;
  };

  // parseMeta spreads meta.bin's lists, one item per page, over the
  // pages' numbers (see search/static_slots.go): n slots, some empty.
  function parseMeta(m, n) {
    var lang = m.doc_lang, kind = m.doc_kind, len = m.body_len;
    m.slotOf = new Uint32Array(lang.length);
    m.doc_lang = new Int32Array(n).fill(-1);
    m.doc_kind = new Int32Array(n).fill(-1);
    m.body_len = new Uint32Array(n);
    m.docAn = new Array(n);
    m.docLangName = new Array(n);
    m.docKindName = new Array(n);
    m.tagSet = new Set(m.tags);
    for (var i = 0, s = -1; i < lang.length; i++) {
      s += m.slots[i] + 1;
      m.slotOf[i] = s;
      m.doc_lang[s] = lang[i]; m.doc_kind[s] = kind[i]; m.body_len[s] = len[i];
      var l = m.langs[lang[i]];
      m.docLangName[s] = l;
      m.docAn[s] = anCode(l);
      m.docKindName[s] = m.kinds[kind[i]];
    }
    m.stopSets = {};
    for (var k in m.stop) m.stopSets[k] = new Set(m.stop[k]);
    m.stopSets["*"] = m.stopSets.en;
    return m;
  }

  // parseGroups numbers every page's translation group from 1 (0: none),
  // from the groups listed as g/ lists them (see staticGroups).
  function parseGroups(gs, n) {
    var doc = new Array(n).fill(0), first = 0, num = 0;
    for (var i = 0; i < gs.length; num++) {
      first += gs[i];
      doc[first] = num + 1;
      for (var k = gs[i + 1], j = 0; j < k; j++) doc[first + gs[i + 2 + j]] = num + 1;
      i += 2 + k;
    }
    return { doc_group: doc };
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
        return Promise.all([bd.load("i"), bd.load("m"), bd.load("g0")]).then(function () { return bd; });
      });
      bundleP.catch(function () { bundleP = null; });
    }
    return bundleP;
  }

  // decodeTerm reads a dictionary entry's code for one analysis (see
  // termCode in search/static_surfaces.go) into terms [{t, stop}].
  function decodeTerm(surface, code) {
    if (code === undefined || code === "") return [{ t: surface, stop: false }];
    if (code === "-") return [];
    if (Array.isArray(code)) return code.map(function (t) { return { t: t, stop: false }; });
    var i = 0, stop = false;
    for (; code[i] === "~"; i++) stop = true;
    var rest = code.slice(i), t = surface;
    if (rest !== "") {
      var bar = rest.indexOf("|");
      var drop = parseInt(bar < 0 ? rest : rest.slice(0, bar), 10) || 0;
      var rs = K.runes(surface);
      t = rs.slice(0, rs.length - drop).join("") + (bar < 0 ? "" : rest.slice(bar + 1));
    }
    return [{ t: t, stop: stop }];
  }

  K.anCode = anCode;
  K.chunkOf = chunkOf;
  K.decodeTerm = decodeTerm;
  K.getBundle = getBundle;
})(self.kbSearch = self.kbSearch || {});
