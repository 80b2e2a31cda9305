package builder

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"kb/internal/benchcorpus"
	"kb/internal/testkit"
	"kb/themes"
)

// BenchmarkLoadTheme measures loading the default theme, as every full
// build does: go test ./builder -run '^$' -bench LoadTheme -benchtime 20x
func BenchmarkLoadTheme(b *testing.B) {
	for b.Loop() {
		if _, err := LoadTheme(themes.Default()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuild measures a full build (render and search index) of
// generated corpora: go test ./builder -run '^$' -bench Build -benchtime 3x
func BenchmarkBuild(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("pages=%d", n), func(b *testing.B) {
			src := benchcorpus.Dir(b, n)
			dest := filepath.Join(b.TempDir(), "public")
			var res *Result
			b.ResetTimer()
			for b.Loop() {
				var err error
				res, err = Build(context.Background(), Options{Source: src, Dest: dest})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(res.Site.Pages))*float64(b.N)/b.Elapsed().Seconds(), "pages/s")
			b.ReportMetric(res.Phases["index"].Seconds(), "index-s")
			b.ReportMetric(res.Phases["load"].Seconds(), "load-s")
			var ru syscall.Rusage
			if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
				b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MB")
			}
		})
	}
}

// BenchmarkSessionEdit measures change-to-rebuilt latency for one edited
// playbook: go test ./builder -run '^$' -bench SessionEdit
// "preview" is what kb serve does (searches answered by the server);
// "static" also updates the static search bundle, as kb build --watch does
// (static-ms/op: that update alone).
//
// "body" appends a line to the page; "title" changes its title, which every
// page that lists or links to it shows; "tags" changes its tags (lists,
// related pages); "weight" its place in its folder; "add" adds a page on
// odd runs and removes it on even ones.
func BenchmarkSessionEdit(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		for _, edit := range []string{"body", "title", "tags", "weight", "add"} {
			for _, static := range []bool{false, true} {
				mode := "preview"
				if static {
					mode = "static"
				}
				b.Run(fmt.Sprintf("pages=%d/%s/%s", n, edit, mode), func(b *testing.B) { benchSessionEdit(b, n, edit, static) })
			}
		}
	}
}

func benchSessionEdit(b *testing.B, n int, edit string, static bool) {
	corpus := benchcorpus.Dir(b, n)
	src := filepath.Join(b.TempDir(), "src")
	if out, err := exec.Command("cp", "-r", corpus, src).CombinedOutput(); err != nil {
		b.Fatalf("%v %s", err, out)
	}
	s := NewSession(Options{Source: src, Dest: filepath.Join(b.TempDir(), "public"), NoStaticSearch: !static})
	defer s.Close()
	ctx := context.Background()
	if _, err := s.Build(ctx); err != nil {
		b.Fatal(err)
	}
	var page string
	for _, p := range s.site.Pages {
		if p.IsPlaybook() {
			page = filepath.Join(src, filepath.FromSlash(p.Path))
			break
		}
	}
	orig, _ := os.ReadFile(page)
	testkit.ProfileCPU(b) // KB_BENCH_CPUPROFILE=FILE: the edits only
	b.ResetTimer()
	i, rendered, written := 0, 0, 0
	phases := map[string]time.Duration{}
	added := filepath.Join(filepath.Dir(page), "added-page.md")
	var staticTook time.Duration
	for b.Loop() {
		i++
		target, data := page, fmt.Appendf(append([]byte{}, orig...), "\nEdit number %d.\n", i)
		switch edit {
		case "title":
			data = benchcorpus.TitleLine.ReplaceAll(orig, fmt.Appendf(nil, "${1}Edited title %d", i))
		case "tags":
			data = benchcorpus.TagsLine.ReplaceAll(orig, fmt.Appendf(nil, "${1}[edited-%d, meetings]", i%3))
		case "weight":
			data = fmt.Appendf(nil, "---\nweight: %d\n%s", i%50, bytes.TrimPrefix(orig, []byte("---\n")))
		case "add":
			target, data = added, fmt.Appendf(nil, "---\ntitle: Added page %d\n---\n\nA new page.\n", i)
			if i%2 == 0 {
				target = ""
				if err := os.Remove(added); err != nil {
					b.Fatal(err)
				}
			}
		}
		if target != "" {
			if err := os.WriteFile(target, data, 0o644); err != nil {
				b.Fatal(err)
			}
		}
		res, err := s.Build(ctx)
		if err != nil || (edit == "body" && res.Rendered != 1) {
			b.Fatalf("err %v, rendered %d", err, res.Rendered)
		}
		for name, d := range res.Phases {
			phases[name] += d
		}
		rendered += res.Rendered
		written += res.Written
		staticTook += s.staticTook
	}
	if static {
		b.ReportMetric(float64(staticTook.Microseconds())/1000/float64(i), "static-ms/op")
	}
	for name, d := range phases {
		b.ReportMetric(float64(d.Milliseconds())/float64(i), name+"-ms/op")
	}
	b.ReportMetric(float64(rendered)/float64(i), "rendered/op")
	b.ReportMetric(float64(written)/float64(i), "written/op")
}
