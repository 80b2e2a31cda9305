package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kb/builder"
	"kb/internal/benchcorpus"
	"kb/internal/layout"
)

// BenchmarkStaticSearch measures the static search bundle in Chromium on
// generated corpora of 1,000 and 10,000 pages (built once into
// os.TempDir()/kbbench/static-v2-cNk; KB_BENCH_REBUILD=1 builds again),
// served by a plain file server that counts the bytes it sends:
//
//   - cold: a fresh browser profile (empty cache) on a page of the site,
//     from the moment the search script is asked for (as on the first
//     keystroke) to the query's answer: script, manifest, facet data,
//     dictionary and postings chunks, and the fragments of the hits shown
//     (8 of them, no facet counts: what the search box asks for);
//   - warm: the same profile after a reload (the HTTP cache holds what the
//     first query fetched), a first query again;
//   - later: further queries in the same page, each on its own;
//   - box: a fresh profile, a page of the site, the query typed into the
//     search box: from the first keydown to the first result shown, the
//     box's 60 ms debounce included (the probe of {base}_search, the
//     script and the bundle's files are fetched on the way).
//
// Reported: kB sent by the server (the bundle is pre-gzipped; the script
// is counted as sent, uncompressed, and apart: script-kB), milliseconds,
// and the bundle's size on disk per page. Run it with
//
//	go test ./e2e -run '^$' -bench BenchmarkStaticSearch -benchtime 1x
func BenchmarkStaticSearch(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("pages=%d", n), func(b *testing.B) {
			dir, markers := staticBenchSite(b, n)
			cs := &countingServer{h: http.FileServer(http.Dir(dir))}
			srv := httptest.NewServer(cs)
			defer srv.Close()
			bundleBytes, bundleFiles := treeSize(filepath.Join(dir, filepath.FromSlash(layout.StaticSearchDir)))
			script := scriptPath(b, dir)
			// Queries as the Pagefind comparison runs them: a word found on
			// one English page, one found on one Dutch page, a common word,
			// two words, a Dutch word; then a word being typed and a typo.
			queries := []string{markers["en"], markers["nl"], "meeting", "weekly sync", "samenwerking", "retrosp", "escalaton"}
			var cold, warm, later, box []sample
			for b.Loop() {
				for _, q := range queries[:5] {
					c, w := coldWarm(b, srv.URL, cs, script, q)
					cold, warm = append(cold, c), append(warm, w)
					box = append(box, typeInBox(b, srv.URL, cs, q))
				}
				later = append(later, laterQueries(b, srv.URL, cs, script, queries)...)
			}
			report := func(name string, ss []sample) {
				kb := func(s sample) float64 { return float64(s.bytes) / 1000 }
				ms := func(s sample) float64 { return s.ms }
				b.ReportMetric(maxOf(ss, kb), name+"-max-kB")
				b.ReportMetric(median(ss, kb), name+"-med-kB")
				b.ReportMetric(maxOf(ss, ms), name+"-max-ms")
				b.ReportMetric(median(ss, ms), name+"-med-ms")
			}
			report("cold", cold)
			report("warm", warm)
			report("later", later)
			report("box", box)
			b.ReportMetric(float64(cold[0].script)/1000, "script-kB")
			b.ReportMetric(float64(bundleBytes)/float64(n), "disk-B/page")
			b.ReportMetric(float64(bundleFiles), "files")
			for _, s := range slices.Concat(cold, warm, later, box) {
				b.Logf("%-5s %-14q %6.1f kB %3d files %6.1f ms %d hits", s.phase, s.q, float64(s.bytes)/1000, s.files, s.ms, s.hits)
			}
		})
	}
}

type sample struct {
	phase, q      string
	bytes, script int64
	files, hits   int
	ms            float64
}

// countingServer serves files and counts what it sends, script apart.
type countingServer struct {
	h      http.Handler
	mu     sync.Mutex
	bytes  int64
	script int64
	files  int
	paths  []string
}

func (c *countingServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Security-Policy", csp)
	cw := &countingWriter{ResponseWriter: w}
	c.h.ServeHTTP(cw, r)
	c.mu.Lock()
	defer c.mu.Unlock()
	if strings.Contains(r.URL.Path, "/search-static.") {
		c.script += cw.n
		return
	}
	if strings.Contains(r.URL.Path, "/_kb/static-search/") {
		c.bytes += cw.n
		c.files++
		c.paths = append(c.paths, fmt.Sprintf("%s:%d", r.URL.Path[strings.LastIndex(r.URL.Path, "static-search/")+len("static-search/"):], cw.n))
	}
}

// take returns and resets the counts.
func (c *countingServer) take() (bytes, script int64, files int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	bytes, script, files = c.bytes, c.script, c.files
	if os.Getenv("KB_BENCH_FILES") != "" && files > 0 {
		fmt.Fprintln(os.Stderr, strings.Join(c.paths, " "))
	}
	c.bytes, c.script, c.files, c.paths = 0, 0, 0, nil
	return
}

type countingWriter struct {
	http.ResponseWriter
	n int64
}

func (w *countingWriter) Write(p []byte) (int, error) {
	n, err := w.ResponseWriter.Write(p)
	w.n += int64(n)
	return n, err
}

// loadAndSearch is run in the page: it loads the search script (when not
// yet loaded) and runs one query, timing both together.
const loadAndSearch = `(async function (src, q) {
  var t0 = performance.now();
  if (!window.kbStaticSearch) {
    await new Promise(function (ok, fail) {
      var s = document.createElement("script");
      s.src = src; s.onload = ok; s.onerror = fail;
      document.head.appendChild(s);
    });
  }
  var r = await window.kbStaticSearch({q: q, limit: 8, facets: "0"});
  return JSON.stringify({ms: performance.now() - t0, hits: r.hits.length});
})`

func runQuery(b *testing.B, ctx context.Context, cs *countingServer, script, q, phase string) sample {
	b.Helper()
	cs.take()
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](loadAndSearch+`(`+jsString(script)+`, `+jsString(q)+`)`, chromedp.EvalAwaitPromise))
	if err != nil {
		b.Fatalf("%s %q: %v", phase, q, err)
	}
	var r struct {
		MS   float64 `json:"ms"`
		Hits int     `json:"hits"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		b.Fatal(err)
	}
	if r.Hits == 0 {
		b.Fatalf("%s %q: no hits", phase, q)
	}
	bytes, sc, files := cs.take()
	return sample{phase: phase, q: q, bytes: bytes, script: sc, files: files, ms: r.MS, hits: r.Hits}
}

// coldWarm runs q in a fresh browser profile, then again after a reload.
func coldWarm(b *testing.B, base string, cs *countingServer, script, q string) (cold, warm sample) {
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 60*time.Second)
	defer cancelT()
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/")); err != nil {
		b.Fatal(err)
	}
	cold = runQuery(b, ctx, cs, script, q, "cold")
	if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
		b.Fatal(err)
	}
	warm = runQuery(b, ctx, cs, script, q, "warm")
	return cold, warm
}

// laterQueries runs queries one after another in one fresh page and
// returns every one but the first.
func laterQueries(b *testing.B, base string, cs *countingServer, script string, queries []string) []sample {
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 60*time.Second)
	defer cancelT()
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/")); err != nil {
		b.Fatal(err)
	}
	var out []sample
	for i, q := range queries {
		s := runQuery(b, ctx, cs, script, q, "later")
		if i > 0 {
			out = append(out, s)
		}
	}
	return out
}

// staticBenchSite returns the built site of the n-page corpus, generating
// and building it when needed, and a marker word of an English and of a
// Dutch page.
func staticBenchSite(b *testing.B, n int) (string, map[string]string) {
	b.Helper()
	name := fmt.Sprintf("c%dk", n/1000)
	root := filepath.Join(os.TempDir(), "kbbench")
	src := benchcorpus.Dir(b, n)
	dest := filepath.Join(root, "static-v2-"+name) // v2: the corpus generator of internal/benchcorpus
	if _, err := os.Stat(filepath.Join(dest, filepath.FromSlash(layout.StaticSearchDir), "manifest.json")); err != nil || os.Getenv("KB_BENCH_REBUILD") != "" || staleScripts(dest) {
		res, err := builder.Build(context.Background(), builder.Options{Source: src, Dest: dest, BaseURL: "http://127.0.0.1/"})
		if err != nil {
			b.Fatalf("building %s: %v", src, err)
		}
		res.Site.Close()
	}
	m := benchcorpus.Manifest(b, n)
	markers := map[string]string{}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		p := m[k]
		body, err := os.ReadFile(filepath.Join(src, p))
		if err != nil {
			continue
		}
		lang := "en"
		if strings.Contains(string(body), "\nlang: nl") {
			lang = "nl"
		}
		if markers[lang] == "" {
			markers[lang] = k
		}
	}
	if markers["en"] == "" || markers["nl"] == "" {
		b.Fatalf("no English and Dutch markers in the manifest of %s", src)
	}
	return dest, markers
}

// staleScripts reports whether the site at dest was built with other
// search scripts than the theme's.
func staleScripts(dest string) bool {
	for _, name := range []string{"search.js", "search-static.js"} {
		want, err := os.ReadFile(filepath.Join(repoRoot, "themes", "default", "static", name))
		if err != nil {
			return true
		}
		base := strings.TrimSuffix(name, ".js")
		matches, _ := filepath.Glob(filepath.Join(dest, "assets", base+".*.js"))
		found := false
		for _, m := range matches {
			if got, err := os.ReadFile(m); err == nil && string(got) == string(want) {
				found = true
			}
		}
		if !found {
			return true
		}
	}
	return false
}

func scriptPath(b *testing.B, dir string) string {
	matches, _ := filepath.Glob(filepath.Join(dir, "assets", "search-static.*.js"))
	if len(matches) != 1 {
		b.Fatalf("%s has %d search-static scripts", dir, len(matches))
	}
	return "/assets/" + filepath.Base(matches[0])
}

func treeSize(dir string) (bytes int64, files int) {
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				bytes += fi.Size()
				files++
			}
		}
		return nil
	})
	return bytes, files
}

func median(ss []sample, f func(sample) float64) float64 {
	v := make([]float64, len(ss))
	for i, s := range ss {
		v[i] = f(s)
	}
	slices.Sort(v)
	if len(v) == 0 {
		return 0
	}
	return v[len(v)/2]
}

func maxOf(ss []sample, f func(sample) float64) float64 {
	m := 0.0
	for _, s := range ss {
		m = max(m, f(s))
	}
	return m
}

// typeInBox types q into the search box of a page in a fresh profile and
// times the first keydown to the first result in the popup.
func typeInBox(b *testing.B, base string, cs *countingServer, q string) sample {
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 60*time.Second)
	defer cancelT()
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/")); err != nil {
		b.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function () {
	  var q = document.getElementById("q");
	  q.addEventListener("keydown", function () { if (!window.__t0) window.__t0 = performance.now(); });
	  new MutationObserver(function (ms, o) {
	    if (document.querySelector("#search-results .search-option") && !window.__t1) { window.__t1 = performance.now(); o.disconnect(); }
	  }).observe(document.getElementById("search-results"), {childList: true, subtree: true});
	  return true;
	})()`)); err != nil {
		b.Fatal(err)
	}
	cs.take()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#q")), chromedp.SendKeys(chromedp.CSS("#q"), q)); err != nil {
		b.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](`window.__t1 > 0`, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		b.Fatalf("box %q: %v", q, err)
	}
	ms, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`window.__t1 - window.__t0`))
	if err != nil {
		b.Fatal(err)
	}
	hits, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#search-results .search-option:not(.search-all)").length`))
	bytes, sc, files := cs.take()
	return sample{phase: "box", q: q, bytes: bytes, script: sc, files: files, ms: ms, hits: hits}
}
