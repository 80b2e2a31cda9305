// Checks the static search client's building blocks against the golden
// vectors Go wrote from bleve's analysis (see search/golden_internal_test.go).
//
//   node vectors.js SCRIPTS VECTORS.json
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const [scripts, vectorsFile] = process.argv.slice(2);
globalThis.window = globalThis.self = globalThis;
for (const f of scripts.split(path.delimiter)) vm.runInThisContext(fs.readFileSync(f, "utf8"), { filename: f });
const S = window.kbStaticSearch.internals;
const v = JSON.parse(fs.readFileSync(vectorsFile, "utf8"));
const stop = { en: new Set(v.stop.en), nl: new Set(v.stop.nl) };

let failed = 0, checked = 0;
function check(what, input, got, want) {
  checked++;
  if (JSON.stringify(got) === JSON.stringify(want)) return;
  if (++failed <= 40) console.log(`${what}(${JSON.stringify(input)}) = ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}
for (const [text, toks] of v.tokenize) check("tokenize", text, S.tokenize(text), toks || []);
for (const [w, l] of v.lower) check("lower", w, S.lower(w), l);
for (const [w, f] of v.fold) check("fold", w, S.fold(w), f);
for (const row of v.analyze) {
  ["en", "nl", "*"].forEach((an, i) => check("analyze " + an, row[0], S.analyze(an, row[0], stop).join(" "), row[i + 1]));
}
for (const [a, b, d, within] of v.edits) check("withinEdits", [a, b, d], S.distance(Array.from(a), Array.from(b), d) <= d, within);
const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
for (const [a, b, term] of v.pairs) {
  const h = S.pairHash(a, b);
  check("pairHash", [a, b], alphabet[h & 63] + alphabet[(h >> 6) & 63] + alphabet[h >> 12], term);
}
console.log(`${checked - failed} of ${checked} vectors agree`);
process.exit(failed ? 1 : 0);
