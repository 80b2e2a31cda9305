package e2e

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"kb/builder"
	"kb/internal/browsertest"
)

// plainRepo builds a copy of builder/testdata/generic-repo, a handbook
// shaped like those on GitHub (README indexes, folders four deep, pages
// with their own "# Title", no front matter, no site.yaml, one language,
// no kinds, no Git history), serves it under /kb/ with the production
// Content Security Policy, and returns its base URL.
func plainRepo(t *testing.T) string {
	t.Helper()
	src := t.TempDir()
	if err := os.CopyFS(src, os.DirFS(filepath.Join(repoRoot, "builder", "testdata", "generic-repo"))); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(t.TempDir(), "public")
	srv := httptest.NewServer(siteHandler(dest))
	t.Cleanup(srv.Close)
	res, err := builder.Build(context.Background(), builder.Options{Source: src, Dest: dest, BaseURL: srv.URL + "/kb/"})
	if err != nil {
		t.Fatalf("build: %v\n%v", err, res.Diagnostics)
	}
	return srv.URL + "/kb/"
}

// plainFacts is what the browser reports about a page of the plain
// repository.
type plainFacts struct {
	H1          []string
	Placeholder string
	Leads       int
	Langs       int      // language switches and links with hreflang
	Kinds       []string // anything naming or linking kinds
	Current     []string // paths of the sidebar's current entries
	Visible     bool     // the current entry is shown, not inside a closed folder
	Open        []string // folders whose contents show
	Closed      []string // folders whose contents are hidden
	Body        string   // the first paragraph of the page's text
}

const plainFactsJS = `(() => {
  const qa = s => Array.from(document.querySelectorAll(s));
  const folders = qa(".sidebar .nav-folder");
  const name = li => li.querySelector(":scope > a").textContent.trim();
  const shows = li => { const ul = li.querySelector(":scope > details > ul"); return !!ul && ul.checkVisibility(); };
  const cur = qa(".sidebar [aria-current=page]");
  return {
    H1: qa("h1").map(h => h.textContent.trim()),
    Placeholder: document.querySelector("#q").placeholder,
    Leads: qa(".lead").length,
    Langs: qa(".langs, [hreflang]").length,
    Kinds: qa(".kind-card, .badge, a[href*='/kinds/'], [data-facet=kind]").map(e => e.outerHTML.slice(0, 80))
      .concat(document.body.textContent.includes("Kinds of playbook") ? ["Kinds of playbook"] : []),
    Current: cur.map(a => new URL(a.href).pathname),
    Visible: cur.length === 1 && cur[0].checkVisibility(),
    Open: folders.filter(shows).map(name),
    Closed: folders.filter(li => !shows(li)).map(name),
    Body: (document.querySelector("main .content > p") || {textContent: ""}).textContent.trim(),
  };
})()`

// TestPlainRepo_Chrome opens pages of a plain GitHub-shaped handbook in
// Chromium: one h1 each, "Search…" in the search box, no kind or language
// chrome, no lead repeating the first paragraph; the sidebar's folder tree
// marks a page four folders deep and shows it with its branch open, the
// other folders closed; a folder opens and closes with and without
// JavaScript; axe-core finds nothing.
func TestPlainRepo_Chrome(t *testing.T) {
	base := plainRepo(t)
	ctx := tab(t)
	visit := func(path string) plainFacts {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(base+path)); err != nil {
			t.Fatalf("opening %s: %v", path, err)
		}
		pageProblems(t, ctx, path)
		return eval[plainFacts](t, ctx, plainFactsJS)
	}
	all := []string{"Company", "Engineering", "Engineering practices", "Deployment", "Checklists", "People", "Onboarding"}
	for _, c := range []struct {
		path, h1, first string
		open            []string
	}{
		{"engineering/practices/deployment/checklists/database-migrations/", "Database migrations",
			"A migration is deployed on its own, before the code that needs it.", []string{"Engineering", "Engineering practices", "Deployment", "Checklists"}},
		{"engineering/practices/", "Engineering practices", "The practices every team follows, from tests to deployment.", []string{"Engineering", "Engineering practices"}},
		{"", "Acme Handbook", "This handbook describes how Acme works: how we are organised, how we build software and how we look after each other.", nil},
		{"people/benefits/", "Benefits", "Acme pays for a yearly health check and a learning budget.", []string{"People"}},
	} {
		f := visit(c.path)
		if len(f.H1) != 1 || f.H1[0] != c.h1 {
			t.Errorf("/%s: h1 %q, want one, %q", c.path, f.H1, c.h1)
		}
		if f.Placeholder != "Search…" || f.Leads != 0 || f.Langs != 0 || len(f.Kinds) != 0 {
			t.Errorf("/%s: placeholder %q, %d leads, %d language links, kinds %q; want Search… and none", c.path, f.Placeholder, f.Leads, f.Langs, f.Kinds)
		}
		if f.Body != c.first {
			t.Errorf("/%s: text starts %q, want %q", c.path, f.Body, c.first)
		}
		var closed []string
		for _, name := range all {
			if !contains(c.open, name) {
				closed = append(closed, name)
			}
		}
		if strings.Join(f.Open, "|") != strings.Join(c.open, "|") || strings.Join(f.Closed, "|") != strings.Join(closed, "|") {
			t.Errorf("/%s: open folders %q, closed %q; want %q and %q", c.path, f.Open, f.Closed, c.open, closed)
		}
		if c.path != "" && (len(f.Current) != 1 || f.Current[0] != "/kb/"+c.path || !f.Visible) {
			t.Errorf("/%s: sidebar marks %q (shown: %v), want it, shown", c.path, f.Current, f.Visible)
		}
		axeCheck(t, ctx, "/"+c.path)
	}

	// A closed folder opens from its toggle and closes again.
	visit("engineering/practices/deployment/checklists/database-migrations/")
	toggle := `.sidebar .nav-folder:has(> a[href$="/company/"]) > details > summary`
	shown := `document.querySelector('.sidebar a[href$="/company/values/"]').checkVisibility()`
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(toggle))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "Company open", shown)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(toggle))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "Company closed", "!("+shown+")")

	// And without JavaScript.
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	f := visit("engineering/practices/deployment/checklists/database-migrations/")
	if !f.Visible || contains(f.Open, "Company") {
		t.Errorf("without JavaScript: current shown %v, open %q", f.Visible, f.Open)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(toggle))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "Company open without JavaScript", shown)

	// Search results name no language, and offer no filter that would
	// not narrow them (one language, no kinds).
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false}); err != nil {
		t.Fatal(err)
	}
	visit("search/?q=deployment")
	waitFor(t, ctx, "search results", `document.querySelectorAll(".search-list li").length > 0`)
	got := eval[struct {
		Chips int
		Meta  string
	}](t, ctx, `({Chips: document.querySelectorAll(".search-filters .chip").length,
  Meta: Array.from(document.querySelectorAll(".search-list .search-meta")).map(m => m.textContent).join(" ")})`)
	if got.Chips != 0 || strings.Contains(got.Meta, "English") {
		t.Errorf("search page: %d filter chips, result meta %q; want none and no language", got.Chips, got.Meta)
	}
	axeCheck(t, ctx, "/search/?q=deployment")
}

// TestOwnFoldersTakeKbNames_Chrome: a handbook with pages in assets/,
// search/ and review/ keeps them there, and in Chromium the pages still
// get the theme's style sheet and scripts (moved to /_kb-site/assets/),
// and the search box leads to kb's search page (moved to
// /_kb-site/search/), which finds the handbook's pages.
func TestOwnFoldersTakeKbNames_Chrome(t *testing.T) {
	src := t.TempDir()
	for name, data := range map[string]string{
		"README.md":           "# Team handbook\n\nSee [code review](review/) and [our search service](search/).\n",
		"assets/README.md":    "# Assets\n\nThe logos and slide templates we share.\n",
		"review/README.md":    "# Code review\n\nEvery change is reviewed by a second engineer.\n",
		"search/README.md":    "# Search service\n\nHow the search service is run and who answers its pager.\n",
		"review/checklist.md": "# Review checklist\n\nTests pass, the change is small, the description says why.\n",
	} {
		p := filepath.Join(src, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dest := filepath.Join(t.TempDir(), "public")
	srv := httptest.NewServer(siteHandler(dest))
	t.Cleanup(srv.Close)
	if res, err := builder.Build(context.Background(), builder.Options{Source: src, Dest: dest, BaseURL: srv.URL + "/kb/"}); err != nil {
		t.Fatalf("build: %v\n%v", err, res.Diagnostics)
	}
	base := srv.URL + "/kb/"
	ctx := tab(t)
	for _, path := range []string{"", "assets/", "review/checklist/", "search/"} {
		if err := chromedp.Do(ctx, chromedp.Navigate(base+path)); err != nil {
			t.Fatal(err)
		}
		pageProblems(t, ctx, "/"+path)
		got := eval[struct {
			Sheets []string
			Rules  int
			H1     string
		}](t, ctx, `({Sheets: Array.from(document.styleSheets).map(s => new URL(s.href).pathname),
  Rules: Array.from(document.styleSheets).reduce((n, s) => n + s.cssRules.length, 0),
  H1: (document.querySelector("h1") || {textContent: ""}).textContent.trim()})`)
		if len(got.Sheets) == 0 || got.Rules == 0 {
			t.Errorf("/%s: style sheets %q with %d rules", path, got.Sheets, got.Rules)
		}
		for _, s := range got.Sheets {
			if !strings.HasPrefix(s, "/kb/_kb-site/assets/") {
				t.Errorf("/%s: style sheet %s, want it under /kb/_kb-site/assets/", path, s)
			}
		}
		if got.H1 == "" {
			t.Errorf("/%s: no h1", path)
		}
	}
	// The handbook's own search/ page is its page; the search box leads to kb's.
	if h1 := eval[string](t, ctx, `document.querySelector("h1").textContent.trim()`); h1 != "Search service" {
		t.Errorf("/search/ shows %q, want the handbook's page", h1)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#q")), chromedp.SendKeys(chromedp.CSS("#q"), "checklist")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "results in the popup", `!document.querySelector("#search-results").hidden`)
	browsertest.Press(t, ctx, "Enter", "Enter", 13, "\r")
	waitFor(t, ctx, "kb's search page with results", `location.pathname === "/kb/_kb-site/search/" && document.querySelectorAll(".search-list li").length > 0`)
	if links := eval[[]string](t, ctx, `Array.from(document.querySelectorAll(".search-list li a")).map(a => new URL(a.href).pathname)`); !contains(links, "/kb/review/checklist/") {
		t.Errorf("search results %q lack /kb/review/checklist/", links)
	}
	pageProblems(t, ctx, "kb's search page")
}
