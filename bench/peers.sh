#!/usr/bin/env bash
# Build a generated corpus with the peers kb is measured against: Hugo renders the
# playbooks to a static site, then Pagefind indexes that site for search.
#
#   bash bench/peers.sh CORPUS_DIR WORK_DIR
#
# CORPUS_DIR is a generated corpus, made with
#   go run ./internal/benchcorpus/cmd/gencorpus --pages 1000 --out CORPUS_DIR
# (its front-matter kind is under kind: or, with --kind-key type, under type:).
#
# WORK_DIR is wiped and becomes a minimal Hugo site (hugo.toml, layouts/, content/);
# the built site lands in WORK_DIR/public. Prints wall time, CPU time and peak RSS of
# each run (median of RUNS, default 3), output sizes and file counts, and writes them
# to WORK_DIR/results.json. /usr/bin/time -v output of every run is kept in WORK_DIR/runs/.
#
# Environment:
#   HUGO      hugo binary    (default: /tmp/peers/bin/hugo-0.166.0, else /tmp/peers/bin/hugo, else PATH)
#   PAGEFIND  pagefind binary (default: /tmp/peers/npm/node_modules/.bin/pagefind, else PATH)
#   RUNS      runs of each tool (default 3)
#   PREPARE_ONLY=1  only write the Hugo site, build nothing
#
# Fairness: every playbook is rendered to its own HTML page with title, front-matter
# fields, table of contents and content; relative links to other .md files are resolved
# to page URLs by a render hook (unresolved ones are counted); every folder gets a list
# page (an _index.md is added where missing, as Hugo only makes sections of folders that
# have one), tags get term pages, plus home, 404, sitemap, robots.txt and one RSS feed of
# the 50 latest pages. The layouts use Hugo idioms that stay linear in the page count
# (the site navigation is a partialCached).
# Hugo reserves the front-matter keys `kind`, `lang` and `type`; their values move to
# `playbook_kind` / `playbook_lang` in the copy. Pagefind indexes only the playbook pages
# (data-pagefind-body), with kind and tag filters, one index per language (html lang).
set -euo pipefail

die() { echo "peers.sh: $*" >&2; exit 2; }
[ $# -eq 2 ] || die "usage: bash bench/peers.sh CORPUS_DIR WORK_DIR"
[ -d "$1" ] || die "no corpus folder $1"
corpus=$(realpath "$1")
work=$(realpath -m "$2")
case "$work" in "$corpus"|"$corpus"/*|/) die "WORK_DIR must be outside the corpus";; esac
RUNS=${RUNS:-3}

pick() { for c in "$@"; do if [ -x "$c" ]; then echo "$c"; return; fi; command -v "$c" 2>/dev/null && return; done; }
HUGO=${HUGO:-$(pick /tmp/peers/bin/hugo-0.166.0 /tmp/peers/bin/hugo hugo)}
PAGEFIND=${PAGEFIND:-$(pick /tmp/peers/npm/node_modules/.bin/pagefind pagefind)}
[ -n "$HUGO" ] || die "hugo not found (set HUGO)"
[ -n "${PREPARE_ONLY:-}" ] || [ -n "$PAGEFIND" ] || die "pagefind not found (set PAGEFIND)"
[ -x /usr/bin/time ] || die "/usr/bin/time missing: apt-get install -y time"

rm -rf "$work"
mkdir -p "$work/layouts/_markup" "$work/layouts/_partials" "$work/runs"

# Content copy: rename Hugo-reserved keys inside the front matter only, add _index.md.
python3 - "$corpus" "$work/content" <<'PY'
import os, sys
src, dst = sys.argv[1], sys.argv[2]
RENAME = {"kind:": "playbook_kind:", "type:": "playbook_kind:", "lang:": "playbook_lang:"}
pages = 0
for root, dirs, files in os.walk(src):
    dirs.sort()
    rel = os.path.relpath(root, src)
    out = os.path.normpath(os.path.join(dst, rel))
    os.makedirs(out, exist_ok=True)
    if "_index.md" not in files:
        title = "Home" if rel == "." else os.path.basename(rel).replace("-", " ").capitalize()
        with open(os.path.join(out, "_index.md"), "w") as f:
            f.write(f'---\ntitle: "{title}"\n---\n')
    for name in sorted(files):
        with open(os.path.join(root, name), "rb") as f:
            data = f.read()
        if name.endswith(".md") and data.startswith(b"---\n"):
            text = data.decode("utf-8")
            end = text.index("\n---\n", 4)
            lines = text[4:end].split("\n")
            for i, line in enumerate(lines):
                for old, new in RENAME.items():
                    if line.startswith(old):
                        lines[i] = new + line[len(old):]
            data = ("---\n" + "\n".join(lines) + text[end:]).encode("utf-8")
            pages += name != "_index.md"
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
print(f"copied {pages} pages", file=sys.stderr)
PY

cat >"$work/hugo.toml" <<'EOF'
baseURL = "http://127.0.0.1:1313/"
title = "Peer benchmark"
enableRobotsTXT = true
[taxonomies]
  tag = "tags"
[outputs]
  home = ["html", "rss"]
  section = ["html"]
  taxonomy = ["html"]
  term = ["html"]
  page = ["html"]
[services.rss]
  limit = 50
[markup.goldmark.renderer]
  unsafe = false
[markup.goldmark.parser]
  autoHeadingIDType = "github"
[markup.tableOfContents]
  startLevel = 2
  endLevel = 3
EOF

cat >"$work/layouts/baseof.html" <<'EOF'
<!doctype html>
<html lang="{{ .Params.playbook_lang | default site.Language.Lang }}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{{ .Title }} | {{ site.Title }}</title><link rel="canonical" href="{{ .Permalink }}"></head>
<body>
<header><a href="{{ "/" | relURL }}">{{ site.Title }}</a>
{{ partialCached "nav.html" . }}</header>
{{ block "main" . }}{{ end }}
</body></html>
EOF

# Site navigation, computed once: site.Sections walks the whole page tree on each call,
# so calling it from every page makes a Hugo build quadratic in the number of pages.
cat >"$work/layouts/_partials/nav.html" <<'EOF'
<nav>{{ range site.Sections }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ end }}</nav>
EOF

cat >"$work/layouts/single.html" <<'EOF'
{{ define "main" }}<main data-pagefind-body>
<h1>{{ .Title }}</h1>
<p><span data-pagefind-filter="kind">{{ .Params.playbook_kind }}</span> · {{ .Params.owner }}
{{- with .Params.review_by }} · review by {{ time.Format "2006-01-02" . }}{{ end }}</p>
<p>{{ range .GetTerms "tags" }}<a href="{{ .RelPermalink }}" data-pagefind-filter="tag">{{ .LinkTitle }}</a> {{ end }}</p>
<p>{{ .Params.summary }}</p>
<nav data-pagefind-ignore>{{ .TableOfContents }}</nav>
{{ .Content }}
</main>{{ end }}
EOF

cat >"$work/layouts/list.html" <<'EOF'
{{ define "main" }}<main><h1>{{ .Title }}</h1>{{ .Content }}
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul></main>{{ end }}
EOF

cat >"$work/layouts/404.html" <<'EOF'
{{ define "main" }}<main><h1>Page not found</h1><p><a href="{{ "/" | relURL }}">Home</a></p></main>{{ end }}
EOF

# Links written between files (../meeting-formats/x.md#agenda) become page URLs.
cat >"$work/layouts/_markup/render-link.html" <<'EOF'
{{- $u := urls.Parse .Destination -}}
{{- $href := .Destination -}}
{{- if and (not $u.IsAbs) (strings.HasSuffix $u.Path ".md") -}}
  {{- $target := path.Join "/" .PageInner.File.Dir $u.Path -}}
  {{- with site.GetPage $target -}}
    {{- $href = .RelPermalink -}}
    {{- with $u.Fragment }}{{ $href = printf "%s#%s" $href . }}{{ end -}}
  {{- else -}}
    {{- warnf "unresolved link %q in %s" .Destination .PageInner.File.Path -}}
  {{- end -}}
{{- end -}}
<a href="{{ $href }}"{{ with .Title }} title="{{ . }}"{{ end }}>{{ .Text }}</a>
{{- /**/ -}}
EOF

if [ -n "${PREPARE_ONLY:-}" ]; then echo "prepared $work"; exit 0; fi

cd "$work"
# time_run LABEL CMD...: run under /usr/bin/time -v, keep its report in runs/LABEL.time
time_run() {
  local label=$1; shift
  if ! /usr/bin/time -v -o "runs/$label.time" "$@" >"runs/$label.out" 2>"runs/$label.err"; then
    tail -n 30 "runs/$label.err" "runs/$label.out" >&2; die "$label failed"
  fi
  python3 - "runs/$label.time" <<'PY'
import sys
v = {}
for line in open(sys.argv[1]):
    k, _, val = line.strip().rpartition(": ")
    v[k] = val
h = v["Elapsed (wall clock) time (h:mm:ss or m:ss)"].split(":")
wall = sum(float(x) * 60 ** i for i, x in enumerate(reversed(h)))
print(f'wall_s={wall:.2f} user_s={v["User time (seconds)"]} sys_s={v["System time (seconds)"]} '
      f'cpu={v["Percent of CPU this job got"]} peak_rss_mb={int(v["Maximum resident set size (kbytes)"]) / 1024:.0f}')
PY
}

echo "hugo:     $HUGO ($("$HUGO" version | cut -d' ' -f1-2))"
echo "pagefind: $PAGEFIND ($("$PAGEFIND" --version))"
echo "corpus:   $corpus ($(find "$corpus" -name '*.md' | wc -l) .md files, $(du -sh "$corpus" | cut -f1))"
for i in $(seq 1 "$RUNS"); do
  rm -rf public resources .hugo_cache
  echo "load $(cut -d' ' -f1-3 /proc/loadavg) | hugo run $i: $(time_run "hugo-$i" "$HUGO" --cacheDir "$work/.hugo_cache" --logLevel warn)"
done
for i in $(seq 1 "$RUNS"); do
  rm -rf public/pagefind
  echo "load $(cut -d' ' -f1-3 /proc/loadavg) | pagefind run $i: $(time_run "pagefind-$i" "$PAGEFIND" --site public)"
done

python3 - "$work" "$HUGO" "$PAGEFIND" "$RUNS" <<'PY'
import json, os, re, statistics, subprocess, sys
work, hugo, pagefind, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
os.chdir(work)

def timing(label):
    v = {}
    for line in open(f"runs/{label}.time"):
        k, _, val = line.strip().rpartition(": ")
        v[k] = val
    h = v["Elapsed (wall clock) time (h:mm:ss or m:ss)"].split(":")
    return {"wall_s": sum(float(x) * 60 ** i for i, x in enumerate(reversed(h))),
            "cpu_s": float(v["User time (seconds)"]) + float(v["System time (seconds)"]),
            "rss_mb": int(v["Maximum resident set size (kbytes)"]) / 1024}

def summary(tool):
    rs = [timing(f"{tool}-{i}") for i in range(1, runs + 1)]
    return {k: {"median": statistics.median(r[k] for r in rs), "min": min(r[k] for r in rs),
                "max": max(r[k] for r in rs)} for k in rs[0]}

def tree(path):
    n = b = 0
    for root, _, files in os.walk(path):
        for f in files:
            n += 1
            b += os.path.getsize(os.path.join(root, f))
    return n, b

def du_k(path):
    return int(subprocess.run(["du", "-sk", path], capture_output=True, text=True).stdout.split()[0])

# Every playbook must have its own HTML page.
missing, pages = [], 0
for root, _, files in os.walk("content"):
    for f in files:
        if f.endswith(".md") and f != "_index.md":
            pages += 1
            rel = os.path.relpath(os.path.join(root, f[:-3]), "content")
            if not os.path.exists(os.path.join("public", rel, "index.html")):
                missing.append(rel)
html = 0
md_hrefs = 0
for root, _, files in os.walk("public"):
    for f in files:
        if f.endswith(".html"):
            html += 1
            if "/pagefind" not in root:
                with open(os.path.join(root, f), encoding="utf-8") as fh:
                    md_hrefs += len(re.findall(r'href="[^"]*\.md[#"]', fh.read()))
unresolved = sum(1 for line in open(f"runs/hugo-{runs}.err") if "unresolved link" in line)
pf_out = open(f"runs/pagefind-{runs}.out").read()
indexed = re.search(r"Indexed (\d+) pages?", pf_out)
langs = re.findall(r"Indexed (\d+) languages?", pf_out)
words = re.search(r"Indexed (\d+) words?", pf_out)
pf_files, pf_bytes = tree("public/pagefind")
all_files, all_bytes = tree("public")
parts = {}
for name in sorted(os.listdir("public/pagefind")):
    p = os.path.join("public/pagefind", name)
    key = name if os.path.isdir(p) else ("ui+js" if name.endswith((".js", ".css")) else
                                          "wasm" if name.startswith("wasm") else "meta/entry")
    n, b = tree(p) if os.path.isdir(p) else (1, os.path.getsize(p))
    c = parts.setdefault(key, [0, 0])
    c[0] += n
    c[1] += b
res = {
    "hugo": summary("hugo"), "pagefind": summary("pagefind"),
    "hugo_version": subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.strip(),
    "pagefind_version": subprocess.run([pagefind, "--version"], capture_output=True, text=True).stdout.strip(),
    "playbooks": pages, "playbooks_missing_html": len(missing), "html_files": html,
    "unresolved_links": unresolved, "md_hrefs_left": md_hrefs,
    "pagefind_pages": int(indexed.group(1)) if indexed else None,
    "pagefind_languages": int(langs[0]) if langs else None,
    "pagefind_words": int(words.group(1)) if words else None,
    "public_files": all_files, "public_bytes": all_bytes, "public_du_kb": du_k("public"),
    "site_files": all_files - pf_files, "site_bytes": all_bytes - pf_bytes,
    "pagefind_files": pf_files, "pagefind_bytes": pf_bytes, "pagefind_du_kb": du_k("public/pagefind"),
    "pagefind_parts": {k: {"files": v[0], "bytes": v[1]} for k, v in parts.items()},
}
res["pagefind_bytes_per_page"] = round(pf_bytes / max(1, pages))
json.dump(res, open("results.json", "w"), indent=1)
h, p = res["hugo"], res["pagefind"]
print(f"hugo     median wall {h['wall_s']['median']:.2f}s (min {h['wall_s']['min']:.2f}, max {h['wall_s']['max']:.2f}), "
      f"cpu {h['cpu_s']['median']:.2f}s, peak RSS {h['rss_mb']['median']:.0f} MB")
print(f"pagefind median wall {p['wall_s']['median']:.2f}s (min {p['wall_s']['min']:.2f}, max {p['wall_s']['max']:.2f}), "
      f"cpu {p['cpu_s']['median']:.2f}s, peak RSS {p['rss_mb']['median']:.0f} MB")
print(f"playbooks {pages}, missing HTML {len(missing)}, html files {html}, unresolved links {unresolved}, "
      f".md hrefs left {md_hrefs}, pagefind indexed {res['pagefind_pages']} pages / {res['pagefind_words']} words / "
      f"{res['pagefind_languages']} languages")
print(f"public: {all_files} files, {all_bytes/1e6:.1f} MB ({res['public_du_kb']/1024:.1f} MiB on disk); "
      f"site without pagefind {res['site_files']} files, {res['site_bytes']/1e6:.1f} MB")
print(f"pagefind/: {pf_files} files, {pf_bytes/1e6:.2f} MB ({res['pagefind_du_kb']/1024:.1f} MiB on disk), "
      f"{res['pagefind_bytes_per_page']} B per playbook; parts " +
      ", ".join(f"{k} {v['files']}f/{v['bytes']/1e3:.0f}kB" for k, v in res["pagefind_parts"].items()))
print(f"results: {work}/results.json")
if missing:
    print("MISSING:", missing[:10], file=sys.stderr)
    sys.exit(1)
PY
