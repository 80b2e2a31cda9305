// Package benchcorpus generates the synthetic knowledge bases kb is
// measured on (see Generate) and gives benchmarks a corpus of n playbooks,
// made once per machine and cached under the temporary folder, with its
// manifest of marker words beside it.
package benchcorpus

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// cacheName names the cached corpus of n pages; the prefix changes whenever
// the generator's output does, so that an older corpus is not reused.
func cacheName(n int) string { return fmt.Sprintf("v2-c%d", n) }

// Dir returns the folder of the corpus of n playbooks (seed 1), generating
// it on first use into a temporary folder that is renamed into place when
// complete, so an interrupted run leaves nothing half made.
func Dir(tb testing.TB, n int) string {
	tb.Helper()
	dir := filepath.Join(os.TempDir(), "kb-bench", cacheName(n))
	if _, err := os.Stat(dir); err == nil {
		return dir
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		tb.Fatal(err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "partial-")
	if err != nil {
		tb.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	c, err := Generate(tmp, Options{Pages: n, Seed: 1})
	if err != nil {
		tb.Fatalf("generating the corpus of %d pages: %v", n, err)
	}
	// The manifest is in place before the corpus, so a corpus found by the
	// Stat above always has one.
	manifest := manifestPath(dir)
	if err := c.WriteManifest(tmp + ".json"); err != nil {
		tb.Fatal(err)
	}
	if err := os.Rename(tmp+".json", manifest); err != nil {
		tb.Fatal(err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, statErr := os.Stat(dir); statErr != nil { // not made meanwhile by another run
			tb.Fatal(err)
		}
	}
	return dir
}

// Manifest returns the marker words of the corpus of n playbooks, each
// mapped to the path (in the corpus, slash-separated) of the one page that
// holds it.
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
	var all map[string]any
	if err := json.Unmarshal(data, &all); err != nil {
		tb.Fatal(err)
	}
	m := map[string]string{}
	for k, v := range all {
		if s, ok := v.(string); ok && !strings.HasPrefix(k, "_") { // "_broken" is no marker
			m[k] = s
		}
	}
	return m
}

// manifestPath is where the manifest of the corpus in dir is kept:
// manifest-NAME.json beside the folder NAME.
func manifestPath(dir string) string {
	return filepath.Join(filepath.Dir(dir), "manifest-"+filepath.Base(dir)+".json")
}
