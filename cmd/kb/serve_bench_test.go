package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"kb/internal/benchcorpus"
	"kb/internal/testkit"
)

var svRebuiltRE = regexp.MustCompile(`re-rendered in ([0-9.]+)(µs|ms|s)\b`)

// BenchmarkServeEdit measures change-to-reload latency in kb serve: from
// writing one file to the browsers' reload event (the rebuilt page is then
// served), with real file system events, the watcher's debounce
// (watch.DefaultDebounce, 40 ms) and the incremental build. rebuild-ms is
// the build alone, as kb serve reports it.
//
// "body" appends a line to a playbook; "title" changes its title, which
// every page listing it shows; "tags" its tags; "weight" its place in its
// folder; "add" adds a page on odd runs and "remove" deletes it on even
// ones (both are reported under add).
//
//	go test ./cmd/kb -run '^$' -bench ServeEdit -benchtime 20x
func BenchmarkServeEdit(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		for _, edit := range []string{"body", "title", "tags", "weight", "add"} {
			b.Run(fmt.Sprintf("pages=%d/%s", n, edit), func(b *testing.B) { benchServeEdit(b, n, edit) })
		}
	}
}

func benchServeEdit(b *testing.B, n int, edit string) {
	src := filepath.Join(b.TempDir(), "src")
	corpus, err := filepath.EvalSymlinks(benchcorpus.Dir(b, n)) // copy the files, not a link to them
	if err != nil {
		b.Fatal(err)
	}
	if out, err := exec.Command("cp", "-r", corpus, src).CombinedOutput(); err != nil {
		b.Fatalf("%v %s", err, out)
	}
	// An English playbook: its URL is its path (a Dutch one's starts
	// with /nl/).
	var page string
	_ = filepath.WalkDir(filepath.Join(src, "symptoms"), func(p string, d fs.DirEntry, err error) error {
		if page == "" && err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") && !strings.EqualFold(d.Name(), "README.md") {
			if data, err := os.ReadFile(p); err == nil && bytes.Contains(data, []byte("\nlang: en\n")) {
				page = p
			}
		}
		return nil
	})
	if fi, err := os.Lstat(src); err != nil || !fi.IsDir() {
		b.Fatalf("%s is not a copy of the corpus", src)
	}
	orig, err := os.ReadFile(page)
	if err != nil {
		b.Fatal(err)
	}
	if edit == "title" && !benchcorpus.TitleLine.Match(orig) || edit == "tags" && !benchcorpus.TagsLine.Match(orig) {
		b.Fatalf("%s has no %s line", page, edit)
	}
	s := svStart(b, src)
	ev := s.events(b)
	ev.next(b, "hello")
	urlOf := func(p string) string {
		rel, _ := filepath.Rel(src, p)
		return s.url + strings.TrimSuffix(filepath.ToSlash(rel), ".md") + "/"
	}
	added := filepath.Join(filepath.Dir(page), "added-page.md")
	var rebuild time.Duration
	testkit.ProfileCPU(b) // KB_BENCH_CPUPROFILE=FILE: the edits only
	b.ResetTimer()
	i := 0
	for b.Loop() {
		i++
		word := fmt.Sprintf("benchedit%d", i)
		target, data := page, fmt.Appendf(append([]byte{}, orig...), "\nEdit %s.\n", word)
		switch edit {
		case "title":
			data = benchcorpus.TitleLine.ReplaceAll(orig, fmt.Appendf(nil, "${1}Edited title %s", word))
		case "tags":
			word = fmt.Sprintf("edited-%d", i)
			data = benchcorpus.TagsLine.ReplaceAll(orig, fmt.Appendf(nil, "${1}[%s, meetings]", word))
		case "weight":
			word = ""
			data = fmt.Appendf(nil, "---\nweight: %d\n%s", i%50+1, bytes.TrimPrefix(orig, []byte("---\n")))
		case "add":
			target, data = added, fmt.Appendf(nil, "---\ntitle: Added page %s\n---\n\nA new page.\n", word)
		}
		if edit == "add" && i%2 == 0 {
			svMust(b, os.Remove(added))
		} else {
			svMust(b, os.WriteFile(target, data, 0o644))
		}
		if name, data := ev.next(b, "reload", "error"); name != "reload" {
			b.Fatalf("%s %s", name, data)
		}
		b.StopTimer()
		switch {
		case edit == "add" && i%2 == 0:
			if code, _ := svGet(b, urlOf(added)); code != http.StatusNotFound {
				b.Fatalf("%s: %d after its removal, want 404", urlOf(added), code)
			}
		case word != "":
			if _, body := svGet(b, urlOf(target)); !strings.Contains(body, word) {
				b.Fatalf("%s does not show the edit %q", urlOf(target), word)
			}
		}
		svWait(b, "the rebuild line", func() bool { return s.lines("rebuilt") >= i })
		lines := strings.Split(strings.TrimSpace(s.out.String()), "\n")
		last := lines[len(lines)-1]
		m := svRebuiltRE.FindStringSubmatch(last)
		if m == nil || edit == "body" && !strings.Contains(last, "1 page re-rendered") {
			b.Fatalf("rebuild line %q: want one page re-rendered", last)
		}
		v, _ := strconv.ParseFloat(m[1], 64)
		rebuild += time.Duration(v * float64(map[string]time.Duration{"µs": time.Microsecond, "ms": time.Millisecond, "s": time.Second}[m[2]]))
		b.StartTimer()
	}
	b.ReportMetric(float64(rebuild.Microseconds())/1000/float64(i), "rebuild-ms")
}

// BenchmarkServeLoad is a load test of kb serve serving a finished build
// of the 10,000-page corpus on loopback: 16 clients for 10 s, four page
// requests for each search, while the output folder is replaced by another
// build every second (rename into place, then SIGHUP). It reports requests
// per second, median and 99th-percentile latency of pages and searches, and
// errors (anything but 200).
//
//	go test ./cmd/kb -run '^$' -bench ServeLoad -benchtime 1x
func BenchmarkServeLoad(b *testing.B) {
	const clients, duration = 16, 10 * time.Second
	corpus := benchcorpus.Dir(b, 10000)
	markers := benchcorpus.Manifest(b, 10000)
	src := filepath.Join(b.TempDir(), "src")
	real, _ := filepath.EvalSymlinks(corpus)
	if out, err := exec.Command("cp", "-r", real, src).CombinedOutput(); err != nil {
		b.Fatalf("%v %s", err, out)
	}
	top := b.TempDir()
	dest, other := filepath.Join(top, "public"), filepath.Join(top, "other")
	for _, d := range []string{dest, other} {
		var out, errs bytes.Buffer
		if code := Run(context.Background(), []string{"build", "--source", src, "--dest", d, "--base-url", "http://127.0.0.1/"}, &out, &errs); code != 0 {
			b.Fatalf("kb build: %s", errs.String())
		}
	}
	s := svStart(b, "", "--no-build", "--dest", dest, "--base-url", "http://127.0.0.1/")
	var pages, words []string
	for w, p := range markers {
		words = append(words, w)
		pages = append(pages, strings.TrimSuffix(p, ".md")+"/")
	}
	words = append(words, "meeting", "samenwerking", `"weekly sync"`, "meet", "meetnig", "escalation -sales")
	for b.Loop() {
		type sample struct {
			search bool
			d      time.Duration
			ok     bool
			why    string // for a failed request: the status or error
		}
		results := make([][]sample, clients)
		stop := time.Now().Add(duration)
		var wg sync.WaitGroup
		for c := range clients {
			wg.Go(func() {
				rng := rand.New(rand.NewPCG(uint64(c), 1))
				client := &http.Client{Timeout: 10 * time.Second}
				for i := 0; time.Now().Before(stop); i++ {
					u := s.url + pages[rng.IntN(len(pages))]
					search := i%5 == 4
					if search {
						u = s.url + "_search?q=" + url.QueryEscape(words[rng.IntN(len(words))])
					}
					t0 := time.Now()
					res, err := client.Get(u)
					ok, why := err == nil, fmt.Sprint(err)
					if ok {
						body, _ := io.ReadAll(res.Body)
						res.Body.Close()
						ok = res.StatusCode == 200
						why = fmt.Sprintf("%s %s: %.100s", res.Status, strings.TrimPrefix(u, s.url), body)
					}
					results[c] = append(results[c], sample{search, time.Since(t0), ok, why})
				}
			})
		}
		swaps := 0
		for time.Now().Add(time.Second).Before(stop) {
			time.Sleep(time.Second)
			tmp := filepath.Join(top, "swap")
			if err := os.Rename(dest, tmp); err != nil {
				b.Fatal(err)
			}
			if err := os.Rename(other, dest); err != nil {
				b.Fatal(err)
			}
			if err := os.Rename(tmp, other); err != nil {
				b.Fatal(err)
			}
			if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
				b.Fatal(err)
			}
			swaps++
		}
		wg.Wait()
		var pageD, searchD []time.Duration
		errors := 0
		for _, rs := range results {
			for _, r := range rs {
				if !r.ok {
					if errors < 5 {
						b.Logf("failed: %s", r.why)
					}
					errors++
				}
				if r.search {
					searchD = append(searchD, r.d)
				} else {
					pageD = append(pageD, r.d)
				}
			}
		}
		pct := func(ds []time.Duration, p float64) float64 {
			slices.Sort(ds)
			return float64(ds[int(float64(len(ds)-1)*p)].Microseconds()) / 1000
		}
		b.ReportMetric(float64(len(pageD)+len(searchD))/duration.Seconds(), "req/s")
		b.ReportMetric(pct(pageD, 0.5), "page-p50-ms")
		b.ReportMetric(pct(pageD, 0.99), "page-p99-ms")
		b.ReportMetric(pct(searchD, 0.5), "search-p50-ms")
		b.ReportMetric(pct(searchD, 0.99), "search-p99-ms")
		b.ReportMetric(float64(errors), "errors")
		b.ReportMetric(float64(swaps), "swaps")
	}
}
