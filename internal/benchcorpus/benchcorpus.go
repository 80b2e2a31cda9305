// Package benchcorpus gives benchmarks the generated corpora kb is measured
// on: n synthetic playbooks made by ../shared/bench/gen_corpus.py, once per
// machine, cached under the temporary folder, with the generator's manifest
// (each page's unique marker word and its path) beside them.
package benchcorpus

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Dir returns the folder of the corpus of n playbooks, generating it on
// first use (into a temporary name, renamed into place when complete, so an
// interrupted run leaves nothing half made). It fails the benchmark when
// python3 or the generator is missing, rather than measuring nothing.
func Dir(tb testing.TB, n int) string {
	tb.Helper()
	dir := filepath.Join(os.TempDir(), "kb-bench", fmt.Sprintf("c%d", n))
	if _, err := os.Stat(dir); err == nil {
		return dir
	}
	gen := generator()
	if gen == "" {
		tb.Fatal("corpus generator shared/bench/gen_corpus.py not found next to the checkout")
	}
	if _, err := exec.LookPath("python3"); err != nil {
		tb.Fatal("python3 is needed to generate the corpus")
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		tb.Fatal(err)
	}
	tmp := dir + ".tmp"
	_ = os.RemoveAll(tmp)
	out, err := exec.Command("python3", gen, "--pages", fmt.Sprint(n), "--out", tmp, "--manifest", manifestPath(dir)).CombinedOutput()
	if err != nil {
		tb.Fatalf("gen_corpus: %v\n%s", err, out)
	}
	if err := os.Rename(tmp, dir); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// Manifest returns the corpus's marker words, each mapped to the path (in
// the corpus, slash-separated) of the one page that holds it.
func Manifest(tb testing.TB, n int) map[string]string {
	tb.Helper()
	dir := Dir(tb, n)
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		tb.Fatal(err)
	}
	data, err := os.ReadFile(manifestPath(real))
	if err != nil {
		tb.Fatal(err)
	}
	m := map[string]string{}
	if err := json.Unmarshal(data, &m); err != nil {
		tb.Fatal(err)
	}
	for k := range m {
		if strings.HasPrefix(k, "_") { // notes of the generator, not markers
			delete(m, k)
		}
	}
	return m
}

// manifestPath is where the manifest of the corpus in dir is kept.
func manifestPath(dir string) string {
	return filepath.Join(filepath.Dir(dir), "manifest-"+filepath.Base(dir)+".json")
}

// generator finds gen_corpus.py in the shared folder next to the checkout.
func generator() string {
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	for _, p := range []string{
		filepath.Join(root, "..", "shared", "bench", "gen_corpus.py"),
		filepath.Join(root, "shared", "bench", "gen_corpus.py"),
	} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}
