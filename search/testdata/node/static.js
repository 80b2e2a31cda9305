// Runs kb's static search client (the scripts of
// themes/default/static/search-static/, which the theme joins into one
// asset, search-static.js) under Node, without a browser: the bundle's
// files are read from disk instead of fetched.
//
//   node static.js SCRIPTS BUNDLE_DIR REQUESTS.json
//
// SCRIPTS lists the client's files, in order, separated as in PATH.
//
// BUNDLE_DIR holds manifest.json and its content folder, as ExportStatic
// wrote them. REQUESTS.json is an array of query strings, read as the
// search page reads its address and handed to kbStaticSearch; the answers are written to stdout as a JSON array, in order: the result, or
// {"status": 400, "error": "…"} for a request the client refused.
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const [script, bundleDir, requestsFile] = process.argv.slice(2);
if (!requestsFile) {
  console.error("usage: node static.js SCRIPTS BUNDLE_DIR REQUESTS.json");
  process.exit(2);
}

// load runs the client's script files in this context, as a page would.
function load(files) {
  globalThis.window = globalThis.self = globalThis;
  globalThis.document = {
    querySelector(sel) {
      if (sel !== "form[data-static-root]") return null;
      return { getAttribute: (name) => (name === "data-static-root" ? "/bundle/" : null) };
    },
  };
  // fetch answers the bundle's URLs from bundleDir; nothing else.
  globalThis.fetch = async function (url) {
    if (!url.startsWith("/bundle/")) throw new Error("fetch outside the bundle: " + url);
    const p = path.resolve(bundleDir, url.slice("/bundle/".length));
    if (!p.startsWith(path.resolve(bundleDir) + path.sep)) throw new Error("bad path " + url);
    try {
      return new Response(fs.readFileSync(p));
    } catch (e) {
      return new Response("not found", { status: 404 });
    }
  };
  for (const f of files) vm.runInThisContext(fs.readFileSync(f, "utf8"), { filename: f });
}

async function main() {
  load(script.split(path.delimiter));
  const reqs = JSON.parse(fs.readFileSync(requestsFile, "utf8"));
  const out = [];
  for (const raw of reqs) {
    const r = {};
    new URLSearchParams(raw).forEach((v, k) => {
      if (k === "tag") (r.tag = r.tag || []).push(v);
      else r[k] = v;
    });
    try {
      out.push(await window.kbStaticSearch(r));
    } catch (e) {
      if (e.status !== 400) throw e;
      out.push({ status: 400, error: e.body.error });
    }
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
