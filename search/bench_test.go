package search_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"kb/builder"
	"kb/internal/benchcorpus"
	"kb/internal/layout"
	"kb/search"
)

// benchCorpus is a generated corpus, built once per run of the benchmarks.
type benchCorpus struct {
	once    sync.Once
	err     error
	idx     *search.Index
	pages   int
	bytes   int64 // index size on disk
	markers []string
}

var benchCorpora = map[int]*benchCorpus{1000: {}, 10000: {}}

// corpusFor builds the generated corpus of n pages (internal/benchcorpus)
// with kb, once per run, and opens its index.
func corpusFor(b *testing.B, n int) *benchCorpus {
	src, markers := benchcorpus.Dir(b, n), benchcorpus.Manifest(b, n)
	c := benchCorpora[n]
	c.once.Do(func() { c.err = c.load(n, src, markers) })
	if c.err != nil {
		b.Fatal(c.err)
	}
	return c
}

func (c *benchCorpus) load(n int, src string, markers map[string]string) error {
	name := fmt.Sprintf("c%dk", n/1000)
	for k := range markers {
		c.markers = append(c.markers, k)
	}
	slices.Sort(c.markers)
	// KB_BENCH_KEEP=DIR keeps the built corpus in DIR and reuses it on the
	// next run (when profiling; remove DIR after changing the mapping).
	dest := filepath.Join(tmpRoot, name)
	keep := os.Getenv("KB_BENCH_KEEP")
	if keep != "" {
		dest = filepath.Join(keep, name)
	}
	ixDir := filepath.Join(dest, filepath.FromSlash(layout.IndexDir))
	var err error
	if _, err := os.Stat(ixDir); err != nil || keep == "" {
		if _, err := builder.Build(context.Background(), builder.Options{Source: src, Dest: dest}); err != nil {
			return fmt.Errorf("building %s: %v", src, err)
		}
	}
	c.bytes = dirSize(ixDir)
	c.idx, err = search.Open(ixDir)
	if err != nil {
		return err
	}
	docs, err := c.idx.DocCount()
	c.pages = int(docs)
	return err
}

// benchQueries is the mix a benchmark cycles through: one word, two words,
// a quoted phrase, a word being typed and a misspelt word, in turn.
func benchQueries(markers []string) []string {
	two := []string{"weekly sync ", "shared agenda ", "customer escalation ", "project tool ", "decision owner ",
		"pilot training ", "samenwerking afdeling ", "wekelijkse afstemming ", "team retrospective ", "knowledge handover "}
	phrases := []string{`"weekly sync"`, `"shared tool"`, `"cross-functional silo"`, `"project tool"`, `"gedeelde mailbox"`,
		`"escalate the calls"`, `"daily stand-up"`, `"lessons learned"`, `"decision meeting"`, `"de werkgroep"`}
	prefixes := []string{"retro", "escal", "samenw", "ambass", "onboa", "verga", "stake", "handb"}
	var qs []string
	for i := range 40 {
		mk := markers[(i*37)%len(markers)]
		typo := []rune(mk)
		j := len(typo) / 2
		typo[j], typo[j+1] = typo[j+1], typo[j]
		prefix := prefixes[i%len(prefixes)]
		if i%2 == 1 {
			prefix = mk[:5] // a marker being typed
		}
		qs = append(qs, mk+" ", two[i%len(two)], phrases[i%len(phrases)], prefix, string(typo)+" ")
	}
	return qs
}

// cpuTime is the process's CPU time so far (user and system, every
// thread, the garbage collector's included). Per search it says what a
// search costs when other processes share the machine and stretch the
// wall-clock latencies.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkSearch measures whole searches (query, facets, snippets) on
// generated corpora of 1,000 and 10,000 pages, and reports the median and
// 99th-percentile latency over the query mix, and the index size per page.
func BenchmarkSearch(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("pages=%d", n), func(b *testing.B) {
			c := corpusFor(b, n)
			qs := benchQueries(c.markers)
			ctx := context.Background()
			lat := make([]time.Duration, 0, b.N)
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := cpuTime()
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				if _, err := search.Search(ctx, c.idx, search.Request{Query: qs[i%len(qs)]}); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
			}
			b.StopTimer()
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
			slices.Sort(lat)
			ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
			b.ReportMetric(ms(lat[len(lat)/2]), "median-ms")
			b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
			b.ReportMetric(float64(c.bytes)/float64(c.pages), "index-bytes/page")
		})
	}
}

// BenchmarkSearchKinds breaks the latency down by kind of query, on
// 10,000 pages: -bench 'SearchKinds/pages=10000/phrase'.
func BenchmarkSearchKinds(b *testing.B) {
	c := corpusFor(b, 10000)
	qs := benchQueries(c.markers)
	for k, kind := range []string{"word", "two-words", "phrase", "prefix", "typo"} {
		b.Run("pages=10000/"+kind, func(b *testing.B) {
			var mine []string
			for i := k; i < len(qs); i += 5 {
				mine = append(mine, qs[i])
			}
			lat := make([]time.Duration, 0, b.N)
			cpu0 := cpuTime()
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				if _, err := search.Search(context.Background(), c.idx, search.Request{Query: mine[i%len(mine)]}); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
			}
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "median-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}
