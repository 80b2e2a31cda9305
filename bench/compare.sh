#!/usr/bin/env bash
# Compare a whole-process `kb build` with its peers (Hugo renders the site,
# then Pagefind indexes it, as bench/peers.sh does) on the same generated corpus.
#
#   bash bench/compare.sh [PAGES] [WORK_DIR]
#
# PAGES (default 1000) playbooks are generated into WORK_DIR/site/content
# (default WORK_DIR: $TMPDIR/kb-compare-PAGES, wiped first) beside the example
# site's site.yaml. kb is built once with `go build`. Then, RUNS times, kb
# builds the site and bench/peers.sh builds it with Hugo and Pagefind, one
# after the other, each under /usr/bin/time -v (reports in WORK_DIR/runs/).
# Prints the median wall time, CPU time (user+sys) and peak RSS of each side
# and the ratio kb/peers. The peers' wall and CPU times are Hugo's plus
# Pagefind's; their peak RSS is the larger of the two. Hugo and Pagefind are
# also shown apart, with the ratio of kb's peak RSS to Hugo's.
#
# Environment:
#   RUNS      runs of each side (default 3)
#   HUGO, PAGEFIND  the peers' binaries, as in bench/peers.sh; when either is
#             missing, only kb is measured
set -euo pipefail

die() { echo "compare.sh: $*" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
pages=${1:-1000}
work=$(realpath -m "${2:-${TMPDIR:-/tmp}/kb-compare-$pages}")
RUNS=${RUNS:-3}
case "$pages" in ''|*[!0-9]*) die "PAGES must be a number: $pages";; esac
case "$work" in /|"$root"|"$root"/*) die "WORK_DIR must be outside the repository";; esac
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is missing; on Debian: apt-get install -y time"

pick() { for c in "$@"; do if [ -x "$c" ]; then echo "$c"; return; fi; command -v "$c" 2>/dev/null && return; done; return 0; }
HUGO=${HUGO:-$(pick /tmp/peers/bin/hugo-0.166.0 /tmp/peers/bin/hugo hugo)}
PAGEFIND=${PAGEFIND:-$(pick /tmp/peers/npm/node_modules/.bin/pagefind pagefind)}
peers=1
if [ -z "$HUGO" ] || [ -z "$PAGEFIND" ]; then
  peers=
  echo "compare.sh: hugo or pagefind not found (set HUGO and PAGEFIND): measuring kb only" >&2
fi

rm -rf "$work"
mkdir -p "$work/bin" "$work/site" "$work/runs"
(cd "$root" && go build -o "$work/bin/kb" ./cmd/kb)
(cd "$root" && go run ./internal/benchcorpus/cmd/gencorpus --pages "$pages" \
  --out "$work/site/content" --manifest "$work/manifest.json")
cp "$root/site.yaml" "$work/site/site.yaml"

# timed LABEL CMD...: run CMD under /usr/bin/time -v, its report in runs/LABEL.time.
timed() {
  local label=$1; shift
  if ! /usr/bin/time -v -o "$work/runs/$label.time" "$@" >"$work/runs/$label.out" 2>"$work/runs/$label.err"; then
    tail -n 30 "$work/runs/$label.err" "$work/runs/$label.out" >&2; die "$label failed"
  fi
}

# measure FILE...: "wall_s cpu_s rss_mb" of /usr/bin/time -v reports: the sum
# of the wall and CPU times, the largest peak RSS.
measure() {
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; wall += s }
    /User time \(seconds\)/ || /System time \(seconds\)/ { cpu += $2 }
    /Maximum resident set size/ { if ($2 > rss) rss = $2 }
    END { printf "%.2f %.2f %.0f\n", wall, cpu, rss / 1024 }' "$@"
}

for i in $(seq 1 "$RUNS"); do
  rm -rf "$work/public"
  timed "kb-$i" "$work/bin/kb" build --source "$work/site" --dest "$work/public"
  echo "run $i: kb (wall cpu rss_mb) $(measure "$work/runs/kb-$i.time") | load $(cut -d' ' -f1-3 /proc/loadavg)"
  measure "$work/runs/kb-$i.time" >>"$work/runs/kb.txt"
  if [ -n "$peers" ]; then
    RUNS=1 HUGO=$HUGO PAGEFIND=$PAGEFIND bash "$root/bench/peers.sh" "$work/site/content" "$work/peers" >"$work/runs/peers-$i.log" 2>&1 ||
      { tail -n 30 "$work/runs/peers-$i.log" >&2; die "peers run $i failed"; }
    cp "$work/peers/runs/hugo-1.time" "$work/runs/hugo-$i.time"
    cp "$work/peers/runs/pagefind-1.time" "$work/runs/pagefind-$i.time"
    echo "run $i: hugo+pagefind (wall cpu rss_mb) $(measure "$work/runs/hugo-$i.time" "$work/runs/pagefind-$i.time") | load $(cut -d' ' -f1-3 /proc/loadavg)"
    measure "$work/runs/hugo-$i.time" "$work/runs/pagefind-$i.time" >>"$work/runs/peers.txt"
    measure "$work/runs/hugo-$i.time" >>"$work/runs/hugo.txt"
    measure "$work/runs/pagefind-$i.time" >>"$work/runs/pagefind.txt"
  fi
done

# median FILE COLUMN: the median of one column of the per-run measures.
median() {
  cut -d' ' -f"$2" "$1" | sort -g | awk -v f="$([ "$2" = 3 ] && echo %.0f || echo %.2f)" \
    '{ v[NR] = $1 } END { printf f, NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo
echo "$pages pages, median of $RUNS runs ($work)"
printf '%-15s %10s %10s %12s\n' side "wall s" "CPU s" "peak RSS MB"
row() { printf '%-15s %10s %10s %12s\n' "$1" "$(median "$2" 1)" "$(median "$2" 2)" "$(median "$2" 3)"; }
row kb "$work/runs/kb.txt"
if [ -n "$peers" ]; then
  row hugo+pagefind "$work/runs/peers.txt"
  ratio() { awk -v a="$(median "$work/runs/kb.txt" "$1")" -v b="$(median "$work/runs/peers.txt" "$1")" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
  printf '%-15s %10s %10s %12s\n' kb/peers "$(ratio 1)" "$(ratio 2)" "$(ratio 3)"
  echo "the peers apart:"
  row "  hugo" "$work/runs/hugo.txt"
  row "  pagefind" "$work/runs/pagefind.txt"
  awk -v a="$(median "$work/runs/kb.txt" 3)" -v b="$(median "$work/runs/hugo.txt" 3)" \
    'BEGIN { if (b > 0) printf "%-15s %34.2f\n", "kb/hugo RSS", a / b }'
else
  echo "(peers not measured: hugo or pagefind not found)"
fi
