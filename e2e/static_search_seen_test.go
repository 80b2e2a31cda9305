package e2e

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"gopkg.in/yaml.v2"

	"kb/builder"
)

// TestStaticSearch_WhatReadersSee builds builder/testdata/searched, serves
// it with a plain file server and runs the queries of its queries.yaml
// through the static bundle in Chromium, as builder's
// TestSearch_FindsWhatReadersSee runs them against the index: the words
// of a file name, a description, a subtitle and raw HTML find their page
// first, and what a reader does not see finds nothing.
func TestStaticSearch_WhatReadersSee(t *testing.T) {
	src := filepath.Join(repoRoot, "builder", "testdata", "searched")
	var qs struct {
		First map[string]string `yaml:"first"`
		None  []string          `yaml:"none"`
	}
	data, err := os.ReadFile(filepath.Join(src, "queries.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.UnmarshalStrict(data, &qs); err != nil || len(qs.First) < 10 {
		t.Fatalf("queries.yaml: %v (%d queries)", err, len(qs.First))
	}
	dest := filepath.Join(t.TempDir(), "public")
	if res, err := builder.Build(context.Background(), builder.Options{Source: src, Dest: dest, BaseURL: "http://kb.example/"}); err != nil {
		t.Fatalf("build: %v\n%v", err, res.Diagnostics)
	}
	base := serveTest(t, http.FileServer(http.Dir(dest)))
	ctx := tab(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(base)); err != nil {
		t.Fatal(err)
	}
	staticScriptOf(t, ctx, dest, "/")
	first := func(r staticResult) string {
		if len(r.Hits) == 0 {
			return ""
		}
		return r.Hits[0].URL
	}
	for q, want := range qs.First {
		if r := staticSearch(t, ctx, map[string]any{"q": q, "limit": 10}); first(r) != want {
			t.Errorf("%q: first hit %q of %d, want %s", q, first(r), r.Total, want)
		}
	}
	for _, q := range qs.None {
		if r := staticSearch(t, ctx, map[string]any{"q": q, "limit": 10}); r.Total > 0 {
			t.Errorf("%q finds %s: words a reader does not see, or run together", q, first(r))
		}
	}
	pageProblems(t, ctx, "static search")
}
