package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"gopkg.in/yaml.v2"

	"kb/internal/browsertest"
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
	Pref   string `yaml:"pref" json:"pref,omitempty"`
	URL    string `yaml:"-" json:"url"`
}

// staticScript loads search-static.js into the page, as the search box
// does when no server answers, and waits for window.kbStaticSearch.
func staticScript(t *testing.T, ctx context.Context) {
	t.Helper()
	staticScriptOf(t, ctx, siteDir, "/kb/")
}

// staticScriptOf is staticScript for the site built into dir and served
// under the base path base.
func staticScriptOf(t *testing.T, ctx context.Context, dir, base string) {
	t.Helper()
	matches, _ := filepath.Glob(filepath.Join(dir, "assets", "search-static.*.js"))
	if len(matches) != 1 {
		t.Fatalf("built site has %d search-static scripts", len(matches))
	}
	src := base + "assets/" + filepath.Base(matches[0])
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
		AlsoIn    []struct {
			URL string `json:"url"`
		} `json:"also_in"`
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
// against the server (a page a result names as its translation counts at
// that result's rank).
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
	    if (c.pref) p.pref = c.pref;
	    try {
	      var r = await window.kbStaticSearch(p);
	      out.push({urls: r.hits.map(function (h) { return h.url; }), total: r.total, rank: r.hits.findIndex(function (h) { return h.url === c.url || (h.also_in || []).some(function (a) { return a.url === c.url; }); }) + 1,
	        hits: r.hits.map(function (h) { return {url: h.url, kind: h.kind, lang: h.lang, tags: h.tags}; })});
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
		Total uint64   `json:"total"`
		Rank  int      `json:"rank"`
		Hits  []struct {
			URL, Kind, Lang string
			Tags            []string
		} `json:"hits"`
		Error string `json:"error"`
	}
	if err := json.Unmarshal([]byte(outJSON), &got); err != nil {
		t.Fatal(err)
	}
	failed := 0
	for i, c := range all {
		g := got[i]
		// The filters hold for every hit, not only the expected page.
		for _, h := range g.Hits {
			if c.Kind != "" && h.Kind != c.Kind || c.Lang != "" && h.Lang != c.Lang || c.Tag != "" && !slices.Contains(h.Tags, c.Tag) {
				t.Errorf("%q (lang=%s kind=%s tag=%s): hit %s has lang=%s kind=%s tags=%v", c.Query, c.Lang, c.Kind, c.Tag, h.URL, h.Lang, h.Kind, h.Tags)
			}
		}
		if g.Error != "" || g.Rank < 1 || g.Rank > c.Top {
			failed++
			t.Errorf("%q (lang=%s kind=%s tag=%s): %s at rank %d, want top %d; got %s %s",
				c.Query, c.Lang, c.Kind, c.Tag, c.Expect, g.Rank, c.Top, strings.Join(g.URLs, " "), g.Error)
		}
	}
	t.Logf("static relevance: %d of %d queries pass", len(all)-failed, len(all))

	// The server, on the index the bundle came from, finds the same pages
	// in the same order (search.TestStaticParity compares whole answers
	// under Node; this is the same script in a browser).
	idx, err := search.Open(filepath.Join(siteDir, "_kb", "search"))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	for i, c := range all {
		req := search.Request{Query: c.Query, Lang: c.Lang, Kind: c.Kind, Pref: c.Pref, Limit: 10}
		if c.Tag != "" {
			req.Tags = []string{c.Tag}
		}
		res, err := search.Search(context.Background(), idx, req)
		if err != nil {
			t.Fatal(err)
		}
		var urls []string
		for _, h := range res.Hits {
			urls = append(urls, h.URL)
		}
		if !slices.Equal(urls, got[i].URLs) || res.Total != got[i].Total {
			t.Errorf("%q (lang=%s kind=%s tag=%s): the server finds %d pages %v, the static search %d %v",
				c.Query, c.Lang, c.Kind, c.Tag, res.Total, urls, got[i].Total, got[i].URLs)
		}
	}
	pageProblems(t, ctx, "relevance")
}

// TestStaticSearch_Box types into the real search box of the site served by
// a plain file server: the box finds no {base}_search there, loads the
// static search script, and shows the expected page first; arrow down and
// Enter open it. The search page filters with chips and counts the same
// way. No Content Security Policy violation on the way.
func TestStaticSearch_Box(t *testing.T) {
	want := site.PageByPath("meeting-formats/daily-stand-up.md")
	if want == nil {
		t.Fatal("no daily stand-up page")
	}
	wantURL := site.Config.BasePath() + strings.TrimPrefix(want.URL, "/")
	ctx := tab(t)
	open(t, ctx, "/")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#q")), chromedp.SendKeys(chromedp.CSS("#q"), "daily stand")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "first result", `(function () {
	  var o = document.querySelector("#search-results .search-option");
	  return !document.querySelector("#search-results").hidden && o && o.dataset.href === `+jsString(wantURL)+`;
	})()`)
	if title := eval[string](t, ctx, `document.querySelector("#search-results .search-option .search-title").innerHTML`); !strings.Contains(title, "<mark>") {
		t.Errorf("first result's title marks nothing: %s", title)
	}
	used := eval[[]string](t, ctx, `performance.getEntriesByType("resource").map(function (e) { return new URL(e.name).pathname; })`)
	var probes, bundle int
	for _, u := range used {
		switch {
		case strings.HasSuffix(u, "/_search"):
			probes++
		case strings.Contains(u, "/_kb/static-search/"):
			bundle++
		}
	}
	if probes != 1 || bundle < 3 {
		t.Errorf("the page asked %d times for /_search and fetched %d bundle files: %v", probes, bundle, used)
	}
	browsertest.Press(t, ctx, "ArrowDown", "ArrowDown", 40, "")
	browsertest.Press(t, ctx, "Enter", "Enter", 13, "\r")
	waitFor(t, ctx, "result opened", `location.pathname === `+jsString(wantURL)+` && document.readyState === "complete"`)
	pageProblems(t, ctx, "search box")

	// The search page: every hit, with filter chips; choosing Dutch leaves
	// only Dutch pages and says so in the URL.
	open(t, ctx, "/search/?q=stand-up")
	waitFor(t, ctx, "search page results", `document.querySelectorAll(".search-list li").length > 1 && document.querySelector('.search-filters .chip[data-facet="lang"][data-value="nl"]') !== null`)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.search-filters .chip[data-facet="lang"][data-value="nl"]`))); err != nil {
		t.Fatal(err)
	}
	var dutch []string
	for _, p := range site.Pages {
		if p.Lang == "nl" {
			dutch = append(dutch, site.Config.BasePath()+strings.TrimPrefix(p.URL, "/"))
		}
	}
	nlJSON, _ := json.Marshal(dutch)
	waitFor(t, ctx, "Dutch pages only", `(function (nl) {
	  var as = document.querySelectorAll(".search-list li .search-hit-title a");
	  return location.search.indexOf("lang=nl") >= 0 && as.length > 0 &&
	    Array.prototype.every.call(as, function (a) { return nl.indexOf(a.pathname) >= 0; });
	})(`+string(nlJSON)+`)`)
	pageProblems(t, ctx, "search page")
}

// TestStaticSearch_AlsoIn types a word of a playbook written in both
// languages into the search box of an English page: the popup lists the
// English page once, says it is also in Dutch, and that link opens the
// Dutch translation, which is not a result of its own. The search page
// shows the same line under the result.
func TestStaticSearch_AlsoIn(t *testing.T) {
	en := site.PageByPath("meeting-formats/daily-stand-up.md")
	nl := site.PageByPath("meeting-formats/dagelijkse-stand-up.md")
	if en == nil || nl == nil || en.TranslationIn("nl") != nl {
		t.Fatal("the daily stand-up and its Dutch translation are missing")
	}
	var dutch string
	for _, l := range site.Config.Languages {
		if l.Code == "nl" {
			dutch = l.Name
		}
	}
	enURL, nlURL := base(en.URL), base(nl.URL)
	ctx := tab(t)
	open(t, ctx, "/")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#q")), chromedp.SendKeys(chromedp.CSS("#q"), "daily stand-up")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the English page first, also in Dutch", `(function () {
	  var o = document.querySelector("#search-results .search-option");
	  var a = o && o.querySelector(".search-also a");
	  return !document.querySelector("#search-results").hidden && o.dataset.href === `+jsString(enURL)+` &&
	    a !== null && a.pathname === `+jsString(nlURL)+`;
	})()`)
	line := eval[string](t, ctx, `document.querySelector("#search-results .search-option .search-also").textContent`)
	if line != "Also in: "+dutch {
		t.Errorf("the popup says %q, want %q", line, "Also in: "+dutch)
	}
	if n := eval[int](t, ctx, `Array.from(document.querySelectorAll("#search-results .search-option")).filter(o => o.dataset.href === `+jsString(nlURL)+`).length`); n != 0 {
		t.Errorf("the Dutch translation is also a result of its own (%d times)", n)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#search-results .search-option .search-also a"))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the Dutch translation opened", `location.pathname === `+jsString(nlURL)+` && document.readyState === "complete" && document.documentElement.lang === "nl"`)
	pageProblems(t, ctx, "also in, popup")

	open(t, ctx, "/search/?q=daily+stand-up")
	waitFor(t, ctx, "the search page's first result, also in Dutch", `(function () {
	  var li = document.querySelector(".search-list li");
	  var a = li && li.querySelector(".search-also a");
	  return li !== null && li.querySelector(".search-hit-title a").pathname === `+jsString(enURL)+` &&
	    a !== null && a.pathname === `+jsString(nlURL)+` && a.textContent === `+jsString(dutch)+`;
	})()`)
	pageProblems(t, ctx, "also in, search page")
}
