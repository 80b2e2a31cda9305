package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"gopkg.in/yaml.v2"

	"kb/search"
)

// The site under test is served by a plain file server: no kb serve, no
// {base}_search. Search runs on the static bundle kb build wrote.

// relevanceCase is one entry of search/testdata/relevance.yaml (see
// search/relevance_test.go for what it means).
type relevanceCase struct {
	Query  string `yaml:"query" json:"q"`
	Expect string `yaml:"expect" json:"-"`
	Top    int    `yaml:"top" json:"top"`
	Lang   string `yaml:"lang" json:"lang,omitempty"`
	Kind   string `yaml:"kind" json:"kind,omitempty"`
	Tag    string `yaml:"tag" json:"tag,omitempty"`
	URL    string `yaml:"-" json:"url"`
}

// staticScript loads search-static.js into the page, as the search box
// does when no server answers, and waits for window.kbStaticSearch.
func staticScript(t *testing.T, ctx context.Context) {
	t.Helper()
	matches, _ := filepath.Glob(filepath.Join(siteDir, "assets", "search-static.*.js"))
	if len(matches) != 1 {
		t.Fatalf("built site has %d search-static scripts", len(matches))
	}
	src := "/kb/assets/" + filepath.Base(matches[0])
	eval[bool](t, ctx, `(function () { var s = document.createElement("script"); s.src = `+jsString(src)+`; document.head.appendChild(s); return true; })()`)
	waitFor(t, ctx, "kbStaticSearch", `typeof window.kbStaticSearch === "function"`)
}

// staticResult is what the tests read of a kbStaticSearch answer.
type staticResult struct {
	Total uint64 `json:"total"`
	Hits  []struct {
		URL       string   `json:"url"`
		Title     string   `json:"title"`
		TitleHTML string   `json:"title_html"`
		Kind      string   `json:"kind"`
		Lang      string   `json:"lang"`
		Fragments []string `json:"fragments"`
	} `json:"hits"`
	Facets search.Facets `json:"facets"`
	Fuzzy  bool          `json:"fuzzy"`
	Error  string        `json:"error"`
}

// staticSearch runs kbStaticSearch(params) in the page.
func staticSearch(t *testing.T, ctx context.Context, params map[string]any) staticResult {
	t.Helper()
	p, _ := json.Marshal(params)
	js := `window.kbStaticSearch(` + string(p) + `).then(function (r) { return JSON.stringify(r); }, function (e) { return JSON.stringify({error: e.message}); })`
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("kbStaticSearch(%s): %v", p, err)
	}
	var r staticResult
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.Error != "" {
		t.Fatalf("kbStaticSearch(%s): %s", p, r.Error)
	}
	return r
}

// TestStaticSearch_Relevance runs the whole relevance set through the
// static bundle in Chromium: each query's expected page first, or in the
// top three, as the set says; each query as typed (its last word also a
// prefix) and completed with a space, as search/relevance_test.go runs it
// against the server.
func TestStaticSearch_Relevance(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot, "search", "testdata", "relevance.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []relevanceCase
	if err := yaml.UnmarshalStrict(data, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) < 40 {
		t.Fatalf("relevance set has %d queries", len(cases))
	}
	var all []relevanceCase
	for _, c := range cases {
		p := site.PageByPath(c.Expect)
		if p == nil {
			t.Fatalf("no page %s", c.Expect)
		}
		c.URL = site.Config.BasePath() + strings.TrimPrefix(p.URL, "/")
		all = append(all, c)
		c.Query += " "
		all = append(all, c)
	}
	ctx := tab(t)
	open(t, ctx, "/")
	staticScript(t, ctx)
	in, _ := json.Marshal(all)
	js := `(async function (cases) {
	  var out = [];
	  for (var c of cases) {
	    var p = {q: c.q, limit: 10};
	    if (c.lang) p.lang = c.lang;
	    if (c.kind) p.kind = c.kind;
	    if (c.tag) p.tag = c.tag;
	    try {
	      var r = await window.kbStaticSearch(p);
	      out.push({urls: r.hits.slice(0, 5).map(function (h) { return h.url; }), rank: r.hits.findIndex(function (h) { return h.url === c.url; }) + 1});
	    } catch (e) { out.push({error: String(e && e.message || e)}); }
	  }
	  return JSON.stringify(out);
	})(` + string(in) + `)`
	outJSON, err := chromedp.Run(ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	var got []struct {
		URLs  []string `json:"urls"`
		Rank  int      `json:"rank"`
		Error string   `json:"error"`
	}
	if err := json.Unmarshal([]byte(outJSON), &got); err != nil {
		t.Fatal(err)
	}
	failed := 0
	for i, c := range all {
		g := got[i]
		if g.Error != "" || g.Rank < 1 || g.Rank > c.Top {
			failed++
			t.Errorf("%q (lang=%s kind=%s tag=%s): %s at rank %d, want top %d; got %s %s",
				c.Query, c.Lang, c.Kind, c.Tag, c.Expect, g.Rank, c.Top, strings.Join(g.URLs, " "), g.Error)
		}
	}
	t.Logf("static relevance: %d of %d queries pass", len(all)-failed, len(all))

	// The server, on the index the bundle came from, mostly puts the same
	// page first: both rank alike.
	idx, err := search.Open(filepath.Join(siteDir, "_kb", "search"))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	same := 0
	for i, c := range all {
		req := search.Request{Query: c.Query, Lang: c.Lang, Kind: c.Kind, Limit: 10}
		if c.Tag != "" {
			req.Tags = []string{c.Tag}
		}
		res, err := search.Search(context.Background(), idx, req)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) > 0 && len(got[i].URLs) > 0 && res.Hits[0].URL == got[i].URLs[0] {
			same++
		} else if len(res.Hits) > 0 {
			t.Logf("%q: server first %s, static first %v", c.Query, res.Hits[0].URL, got[i].URLs)
		}
	}
	t.Logf("same first hit as the server: %d of %d queries", same, len(all))
	if same < len(all)*9/10 {
		t.Errorf("the static search's first hit differs from the server's in %d of %d queries", len(all)-same, len(all))
	}
	pageProblems(t, ctx, "relevance")
}
