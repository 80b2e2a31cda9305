package main

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// svCorpus returns a generated corpus of n playbooks, made once with
// /work/shared/bench/gen_corpus.py and cached in the temporary folder (the
// same cache as the builder's benchmarks).
func svCorpus(b *testing.B, n int) string {
	b.Helper()
	dir := filepath.Join(os.TempDir(), "kb-bench", fmt.Sprintf("c%d", n))
	if _, err := os.Stat(dir); err == nil {
		return dir
	}
	gen := "/work/shared/bench/gen_corpus.py"
	if _, err := os.Stat(gen); err != nil {
		gen, _ = filepath.Abs("../../../shared/bench/gen_corpus.py")
	}
	tmp := dir + ".tmp"
	_ = os.RemoveAll(tmp)
	if out, err := exec.Command("python3", gen, "--pages", fmt.Sprint(n), "--out", tmp).CombinedOutput(); err != nil {
		b.Fatalf("gen_corpus: %v\n%s", err, out)
	}
	if err := os.Rename(tmp, dir); err != nil {
		b.Fatal(err)
	}
	return dir
}

var svRebuiltRE = regexp.MustCompile(`re-rendered in ([0-9.]+)(µs|ms|s)\b`)

// BenchmarkServeEdit measures change-to-rebuilt latency in kb serve: from
// writing one playbook to the browsers' reload event (the rebuilt page is
// then served), with real file system events, the watcher's debounce
// (100 ms) and the incremental build. rebuild-ms is the build alone.
//
//	go test ./cmd/kb -run '^$' -bench ServeEdit -benchtime 20x
func BenchmarkServeEdit(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("pages=%d", n), func(b *testing.B) {
			src := filepath.Join(b.TempDir(), "src")
			corpus, err := filepath.EvalSymlinks(svCorpus(b, n)) // copy the files, not a link to them
			if err != nil {
				b.Fatal(err)
			}
			if out, err := exec.Command("cp", "-r", corpus, src).CombinedOutput(); err != nil {
				b.Fatalf("%v %s", err, out)
			}
			var page string
			_ = filepath.WalkDir(filepath.Join(src, "symptoms"), func(p string, d fs.DirEntry, err error) error {
				if page == "" && err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") && !strings.EqualFold(d.Name(), "README.md") {
					page = p
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
			s := svStart(b, src)
			ev := s.events(b)
			ev.next(b, "hello")
			rel, _ := filepath.Rel(src, page)
			url := s.url + strings.TrimSuffix(filepath.ToSlash(rel), ".md") + "/"
			var rebuild time.Duration
			b.ResetTimer()
			i := 0
			for b.Loop() {
				i++
				word := fmt.Sprintf("benchedit%d", i)
				if err := os.WriteFile(page, fmt.Appendf(append([]byte{}, orig...), "\nEdit %s.\n", word), 0o644); err != nil {
					b.Fatal(err)
				}
				if name, data := ev.next(b, "reload", "error"); name != "reload" {
					b.Fatalf("%s %s", name, data)
				}
				b.StopTimer()
				if _, body := svGet(b, url); !strings.Contains(body, word) {
					b.Fatalf("%s does not show the edit", url)
				}
				svWait(b, "the rebuild line", func() bool { return s.lines("rebuilt") >= i })
				lines := strings.Split(strings.TrimSpace(s.out.String()), "\n")
				last := lines[len(lines)-1]
				m := svRebuiltRE.FindStringSubmatch(last)
				if m == nil || !strings.Contains(last, "1 page re-rendered") {
					b.Fatalf("rebuild line %q: want one page re-rendered", last)
				}
				v, _ := strconv.ParseFloat(m[1], 64)
				rebuild += time.Duration(v * float64(map[string]time.Duration{"µs": time.Microsecond, "ms": time.Millisecond, "s": time.Second}[m[2]]))
				b.StartTimer()
			}
			b.ReportMetric(float64(rebuild.Microseconds())/1000/float64(i), "rebuild-ms")
		})
	}
}
