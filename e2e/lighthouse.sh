#!/usr/bin/env bash
# Prints Lighthouse's four scores (performance, accessibility, best practices,
# SEO) for the example site's home page and a symptom page, served by
# `kb serve --no-watch` with its production headers. Not part of `go test`.
#
# Needs: `npm ci` at the repository root, Chromium (CHROME_PATH, default
# /usr/bin/chromium). Usage: e2e/lighthouse.sh [site path…]
set -euo pipefail
cd "$(dirname "$0")/.."
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
port="${PORT:-8791}"
base="http://127.0.0.1:$port/"
paths=("$@")
[ ${#paths[@]} -gt 0 ] || paths=("" "symptoms/tool-nobody-uses/")

tmp="$(mktemp -d)"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

go build -o "$tmp/kb" ./cmd/kb
"$tmp/kb" serve --no-watch --addr "127.0.0.1:$port" --base-url "$base" --dest "$tmp/site" >"$tmp/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  if curl -fsS -o /dev/null "$base" 2>/dev/null; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then cat "$tmp/serve.log"; exit 1; fi
  sleep 0.2
done
curl -fsS -o /dev/null "$base" || { echo "kb serve did not come up"; cat "$tmp/serve.log"; exit 1; }

flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run"
printf '%-40s %12s %14s %15s %5s\n' page performance accessibility best-practices seo
for p in "${paths[@]}"; do
  out="$tmp/report.json"
  npx --no-install lighthouse "$base$p" --quiet --chrome-flags="$flags" \
    --only-categories=performance,accessibility,best-practices,seo \
    --output=json --output-path="$out" >/dev/null 2>"$tmp/lh.log" || { cat "$tmp/lh.log"; exit 1; }
  node -e '
    const r = require(process.argv[1]), c = r.categories, s = k => Math.round(c[k].score * 100);
    console.log("%s %s %s %s %s", ("/" + process.argv[2]).padEnd(40), String(s("performance")).padStart(12),
      String(s("accessibility")).padStart(14), String(s("best-practices")).padStart(15), String(s("seo")).padStart(5));
    for (const [id, a] of Object.entries(r.audits))
      if (a.score !== null && a.score < 1 && a.scoreDisplayMode !== "informative" && a.scoreDisplayMode !== "manual")
        console.log("    %s: %s%s", id, a.title, id === "errors-in-console" && a.details ? " — " + a.details.items.map(i => i.description + " " + (i.sourceLocation || {}).url).join("; ") : "");
  ' "$out" "$p"
done
