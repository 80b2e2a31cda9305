package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// ckCorpus returns a site whose content/ is the generated corpus of n
// playbooks and whose site.yaml turns every optional rule on. It is made
// once with /work/shared/bench/gen_corpus.py and cached in the temporary
// folder.
func ckCorpus(b *testing.B, n int) string {
	b.Helper()
	dir := filepath.Join(os.TempDir(), "kb-bench", fmt.Sprintf("check-c%d", n))
	if _, err := os.Stat(filepath.Join(dir, "site.yaml")); err == nil {
		return dir
	}
	gen := "/work/shared/bench/gen_corpus.py"
	if _, err := os.Stat(gen); err != nil {
		gen, _ = filepath.Abs("../../../shared/bench/gen_corpus.py")
	}
	if _, err := exec.LookPath("python3"); err != nil {
		b.Skip("python3 is needed to generate the corpus")
	}
	if _, err := os.Stat(gen); err != nil {
		b.Skipf("corpus generator not found at %s", gen)
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		b.Fatal(err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "partial-")
	if err != nil {
		b.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	out, err := exec.Command("python3", gen, "--pages", fmt.Sprint(n), "--out", filepath.Join(tmp, "content"),
		"--manifest", filepath.Join(tmp, "manifest.json")).CombinedOutput()
	if err != nil {
		b.Fatalf("gen_corpus: %v\n%s", err, out)
	}
	site := "title: Benchmark\nrules:\n  orphan: warning\n  review-overdue: warning\n  stale-translation: warning\n"
	if err := os.WriteFile(filepath.Join(tmp, "site.yaml"), []byte(site), 0o644); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, dir); err != nil && !os.IsExist(err) {
		if _, serr := os.Stat(filepath.Join(dir, "site.yaml")); serr != nil {
			b.Fatal(err)
		}
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
