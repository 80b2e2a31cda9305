package benchcorpus_test

import (
	"bytes"
	"context"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"kb/builder"
	"kb/internal/benchcorpus"
)

// generate writes a corpus into a new temporary folder.
func generate(t *testing.T, opts benchcorpus.Options) (string, *benchcorpus.Corpus) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "corpus")
	c, err := benchcorpus.Generate(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	return dir, c
}

// readTree returns every file under dir by its slash-separated path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	fsys, files := os.DirFS(dir), map[string][]byte{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files[p], err = fs.ReadFile(fsys, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// check runs every validation of a kb build over the corpus (writing
// nothing) and returns its diagnostics.
func check(t *testing.T, dir string) (builder.Diagnostics, error) {
	t.Helper()
	res, err := builder.Build(context.Background(), builder.Options{Source: dir, Check: true})
	return res.Diagnostics, err
}

func TestSameSeedSameFilesWhateverTheJobs(t *testing.T) {
	a, ca := generate(t, benchcorpus.Options{Pages: 60, Seed: 7, Jobs: 1})
	b, cb := generate(t, benchcorpus.Options{Pages: 60, Seed: 7, Jobs: 5})
	ta, tb := readTree(t, a), readTree(t, b)
	if len(ta) != 60 {
		t.Fatalf("%d files, want 60", len(ta))
	}
	for p, data := range ta {
		if !bytes.Equal(data, tb[p]) {
			t.Errorf("%s differs between 1 and 5 jobs", p)
		}
	}
	if len(tb) != len(ta) || !maps.Equal(ca.Markers, cb.Markers) || ca.Words != cb.Words {
		t.Errorf("corpora differ: %v and %v", ca, cb)
	}
	_, other := generate(t, benchcorpus.Options{Pages: 60, Seed: 8})
	if maps.Equal(ca.Markers, other.Markers) {
		t.Error("another seed gives the same corpus")
	}
}

func TestCorpusBuildsWithEveryLinkAndAnchorResolved(t *testing.T) {
	dir, c := generate(t, benchcorpus.Options{Pages: 60, Seed: 1})
	diags, err := check(t, dir)
	if err != nil || diags.Errors() > 0 {
		t.Fatalf("kb check: %v\n%v", err, diags)
	}
	// Links that exercise the anchors: some must point at a heading.
	files := readTree(t, dir)
	anchored := regexp.MustCompile(`\]\([^)\s]+\.md#[a-z0-9-]+\)`)
	n := 0
	for _, data := range files {
		n += len(anchored.FindAll(data, -1))
	}
	if n == 0 {
		t.Error("no link to a heading")
	}
	if len(c.Broken) != 0 {
		t.Errorf("broken links without asking: %v", c.Broken)
	}
}

func TestEveryPageHasTheBlocksOfTheContract(t *testing.T) {
	dir, _ := generate(t, benchcorpus.Options{Pages: 60, Seed: 3})
	for p, data := range readTree(t, dir) {
		text := string(data)
		for _, want := range []string{"\ntitle: ", "\nkind: ", "\nlang: ", "\ntags: [", "\nowner: ", "\nsummary: ", "\nreview_by: ", "\n## ", "\n|---|---|---|\n", "\n- [", "\n- "} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: no %q", p, want)
			}
		}
		if n := len(regexp.MustCompile(`\]\([^)]+\.md[#)]`).FindAllString(text, -1)); n < 2 || n > 6 {
			t.Errorf("%s: %d links to pages, want 2 to 6", p, n)
		}
		if words := len(strings.Fields(text[strings.Index(text, "\n---\n"):])); words < 250 || words > 1700 {
			t.Errorf("%s: %d words in the body", p, words)
		}
	}
}

func TestEachMarkerIsInExactlyOneFile(t *testing.T) {
	dir, c := generate(t, benchcorpus.Options{Pages: 60, Seed: 1})
	if len(c.Markers) != 60 {
		t.Fatalf("%d markers, want 60", len(c.Markers))
	}
	notWord := func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }
	in := map[string][]string{} // marker -> files holding it
	for p, data := range readTree(t, dir) {
		seen := map[string]bool{}
		for _, w := range strings.FieldsFunc(string(data), notWord) {
			if _, ok := c.Markers[w]; ok && !seen[w] {
				seen[w] = true
				in[w] = append(in[w], p)
			}
		}
	}
	for m, p := range c.Markers {
		if !slices.Equal(in[m], []string{p}) {
			t.Errorf("marker %s of %s is in %v", m, p, in[m])
		}
	}
}

func TestBrokenLinksAreReportedByTheBuild(t *testing.T) {
	const k = 4
	dir, c := generate(t, benchcorpus.Options{Pages: 60, Seed: 1, BrokenLinks: k})
	if len(c.Broken) != k {
		t.Fatalf("%d broken links listed, want %d", len(c.Broken), k)
	}
	// Without a site.yaml, broken links are warnings: count both.
	diags, _ := check(t, dir)
	if n := diags.Errors() + diags.Warnings(); n != k {
		t.Fatalf("kb check: %d errors and warnings, want %d:\n%v", n, k, diags)
	}
	pages := map[string]bool{}
	for _, b := range c.Broken {
		pages[b.Page] = true
	}
	for _, d := range diags {
		if d.Severity != builder.SeverityOff && (d.Rule != builder.RuleBrokenLink && d.Rule != builder.RuleBrokenAnchor || !pages[strings.TrimPrefix(filepath.ToSlash(d.File), "content/")]) {
			t.Errorf("unexpected error: %v (broken links are on %v)", d, c.Broken)
		}
	}
}

func TestMinimalWithTypeKey(t *testing.T) {
	dir, _ := generate(t, benchcorpus.Options{Pages: 40, Seed: 1, Minimal: true, KindKey: "type"})
	for p, data := range readTree(t, dir) {
		fm := string(data[:bytes.Index(data, []byte("\n---\n"))])
		if !strings.Contains(fm, "\ntype: ") || strings.Contains(fm, "\nkind: ") {
			t.Errorf("%s: the kind is not under type:\n%s", p, fm)
		}
		for _, key := range []string{"translation_key:", "signals:", "cadence:", "channel:", "steps:"} {
			if strings.Contains(fm, "\n"+key) {
				t.Errorf("%s: %s in a minimal corpus", p, key)
			}
		}
	}
}

func TestDirCachesTheCorpusAndItsManifest(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	dir := benchcorpus.Dir(t, 20)
	m := benchcorpus.Manifest(t, 20)
	if len(m) != 20 {
		t.Fatalf("%d markers, want 20", len(m))
	}
	for marker, p := range m {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
		if err != nil || !strings.Contains(string(data), marker) {
			t.Errorf("%s: %v, or no marker %s", p, err, marker)
		}
	}
	stamp := time.Now().Add(-time.Hour)
	if err := os.Chtimes(dir, stamp, stamp); err != nil {
		t.Fatal(err)
	}
	if again := benchcorpus.Dir(t, 20); again != dir {
		t.Errorf("second call: %s, want %s", again, dir)
	}
	if fi, err := os.Stat(dir); err != nil || !fi.ModTime().Equal(stamp) {
		t.Errorf("the cached corpus was made again")
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(dir), "partial-*")); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}
