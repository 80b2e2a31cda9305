package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"kb/internal/benchcorpus"
)

// ckCorpus returns a site whose content/ is a copy of the generated corpus
// of n playbooks and whose site.yaml turns every optional rule on, made once
// and cached in the temporary folder.
func ckCorpus(b *testing.B, n int) string {
	b.Helper()
	dir := filepath.Join(os.TempDir(), "kb-bench", fmt.Sprintf("check-v2-c%d", n)) // v2: the corpus generator of internal/benchcorpus
	if _, err := os.Stat(filepath.Join(dir, "site.yaml")); err == nil {
		return dir
	}
	corpus, err := filepath.EvalSymlinks(benchcorpus.Dir(b, n))
	if err != nil {
		b.Fatal(err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "partial-")
	if err != nil {
		b.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	if out, err := exec.Command("cp", "-r", corpus, filepath.Join(tmp, "content")).CombinedOutput(); err != nil {
		b.Fatalf("copy corpus: %v\n%s", err, out)
	}
	site := "title: Benchmark\nrules:\n  orphan: warning\n  review-overdue: warning\n  stale-translation: warning\n"
	if err := os.WriteFile(filepath.Join(tmp, "site.yaml"), []byte(site), 0o644); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		b.Fatal(err)
	}
	return dir
}

// BenchmarkCheck10k runs `kb check` over 10,000 generated playbooks with
// every rule on: go test ./cmd/kb -run '^$' -bench Check10k -benchtime 3x
func BenchmarkCheck10k(b *testing.B) {
	dir := ckCorpus(b, 10000)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if code := Run(ctx, []string{"check", "--source", dir}, io.Discard, io.Discard); code != exitOK {
			b.Fatalf("kb check: exit %d", code)
		}
	}
	b.ReportMetric(10000*float64(b.N)/b.Elapsed().Seconds(), "pages/s")
}
