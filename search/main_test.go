package search_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"kb/builder"
	"kb/search"
)

// The example site and an index of it, built once for every test of the
// package from the real content/ folder.
var (
	site     *builder.Site
	idx      *search.Index
	textSize int64 // bytes of text indexed
	idxSize  int64 // bytes of the index on disk
	// tmpRoot is a folder removed when the tests end.
	tmpRoot string
)

func TestMain(m *testing.M) {
	code, err := run(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(code)
}

func run(m *testing.M) (int, error) {
	ctx := context.Background()
	tmp, err := os.MkdirTemp("", "kb-search-test-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(tmp)
	tmpRoot = tmp
	s, _, diags, err := builder.Load(ctx, builder.Options{Source: ".."})
	if err != nil {
		return 0, err
	}
	if s == nil || diags.Errors() > 0 {
		return 0, fmt.Errorf("example site does not load: %v", diags)
	}
	defer s.Close()
	site = s
	docs := s.SearchDocs()
	dir := filepath.Join(tmp, "index")
	if err := search.Build(ctx, dir, tmp, docs); err != nil {
		return 0, err
	}
	textSize = docsText(docs)
	idxSize = dirSize(dir)
	if idx, err = search.Open(dir); err != nil {
		return 0, err
	}
	defer idx.Close()
	return m.Run(), nil
}

// docsText counts the bytes of text in docs, every field included.
func docsText(docs []search.Doc) int64 {
	var n int64
	for _, d := range docs {
		n += int64(len(d.URL) + len(d.Title) + len(d.Summary) + len(d.Headings) + len(d.Body) + len(d.Kind) + len(d.Lang) + len(d.Owner))
		for _, t := range d.Tags {
			n += int64(len(t))
		}
	}
	return n
}

func dirSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

// urlOf returns the search URL of the page at content path p.
func urlOf(t testing.TB, p string) string {
	t.Helper()
	for _, pg := range site.Pages {
		if pg.Path == p {
			return site.Config.BasePath() + pg.URL[1:]
		}
	}
	t.Fatalf("no page %s in content/", p)
	return ""
}

// find runs a search and fails the test on error.
func find(t testing.TB, req search.Request) *search.Result {
	t.Helper()
	res, err := search.Search(context.Background(), idx, req)
	if err != nil {
		t.Fatalf("search %+v: %v", req, err)
	}
	return res
}

// pageAt returns the page with the search URL u.
func pageAt(t testing.TB, u string) *builder.Page {
	t.Helper()
	for _, pg := range site.Pages {
		if site.Config.BasePath()+pg.URL[1:] == u {
			return pg
		}
	}
	t.Fatalf("no page at %s", u)
	return nil
}
