package builder

import (
	"fmt"
	"html"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"kb/internal/config"
	"kb/themes"
)

func testView(t *testing.T, lang string) *View {
	t.Helper()
	th, err := LoadTheme(themes.Default())
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	return &View{Site: &Site{Config: cfg}, Lang: lang, theme: th}
}

func TestAgendaOffsets(t *testing.T) {
	v := testView(t, "en")
	plan := v.Agenda([]AgendaItem{{"Check-in", 5}, {"Blockers", 55}, {"Decisions", 30}, {"Close", 0}})
	var starts []string
	for _, s := range plan.Slots {
		starts = append(starts, s.Start+"="+s.StartISO)
	}
	want := []string{"0:00=PT0M", "0:05=PT5M", "1:00=PT60M", "1:30=PT90M"}
	if len(starts) != len(want) {
		t.Fatalf("starts %q, want %q", starts, want)
	}
	for i := range want {
		if starts[i] != want[i] {
			t.Errorf("slot %d starts %s, want %s", i, starts[i], want[i])
		}
	}
	if plan.End != "1:30" || plan.Total != 90 {
		t.Errorf("end %s total %d, want 1:30 and 90", plan.End, plan.Total)
	}
	if got := v.Agenda("not an agenda"); len(got.Slots) != 0 || got.End != "0:00" {
		t.Errorf("a field of the wrong type gives %+v", got)
	}
}

func TestHumanDurations(t *testing.T) {
	for _, c := range []struct{ lang, in, want string }{
		{"en", "15m", "15 min"}, {"en", "1h", "1 hour"}, {"en", "2h", "2 hours"}, {"en", "90m", "1 h 30 min"},
		{"nl", "4h", "4 uur"}, {"nl", "90m", "1 uur 30 min"}, {"en", "1 business day", "1 business day"},
		{"en", "immediately", "Immediately"}, {"nl", "immediately", "Direct"}, {"en", "30s", "30s"},
	} {
		if got := testView(t, c.lang).Human(c.in); got != c.want {
			t.Errorf("%s Human(%q) = %q, want %q", c.lang, c.in, got, c.want)
		}
	}
}

func TestProgress(t *testing.T) {
	p := testView(t, "en").Progress([]Step{{Status: "done"}, {Status: "done"}, {Status: "doing"}, {}})
	if p.Done != 2 || p.Doing != 1 || p.Todo != 1 || p.Total != 4 || p.Percent != 50 {
		t.Errorf("progress %+v", p)
	}
}

func TestFacetsAndNeighbours(t *testing.T) {
	src := fstest.MapFS{
		"a.md":      {Data: []byte("---\ntitle: A\nlang: en\nweight: 1\ntags: [x, z]\n---\n")},
		"b.md":      {Data: []byte("---\ntitle: B\nlang: nl\nweight: 2\ntags: [x]\n---\n")},
		"c.md":      {Data: []byte("---\ntitle: C\nlang: en\nweight: 3\ntags: [x]\n---\n")},
		"sub/d.md":  {Data: []byte("---\ntitle: D\nlang: en\n---\n")},
		"README.md": {Data: []byte("---\ntitle: Home\n---\n")},
	}
	site, th, diags, err := Load(t.Context(), Options{SourceFS: src})
	if err != nil || site == nil {
		t.Fatalf("load: %v %v", err, diags)
	}
	defer site.Close()
	a, c := site.PageByPath("a.md"), site.PageByPath("c.md")
	if a == nil || c == nil {
		t.Fatalf("pages missing: %v", diags)
	}
	v := &View{Site: site, Page: a, URL: a.URL, Lang: "en", theme: th}
	facets := v.Facets(site.Section("").Pages)
	got := map[string]int{}
	for _, f := range facets {
		got[f.Name] = len(f.Values)
	}
	// Every page carries tag x, but z narrows; two languages; no kinds.
	if got["lang"] != 2 || got["tags"] != 2 || got["kind"] != 0 {
		t.Errorf("facets %+v", facets)
	}
	prev, next := v.Neighbours()
	if prev != nil || next != c {
		t.Errorf("neighbours of A: %v, %v; want nil and C (B is Dutch)", prev, next)
	}
	if nav := navEntries(t, v); len(nav) != 4 || !nav[0].Folder || nav[0].Open || nav[0].Title != "Sub" {
		t.Errorf("sidebar tree %+v, want the folder sub closed, then the English pages", nav)
	}
}

// navEntry is one link of a rendered sidebar tree.
type navEntry struct {
	URL, Title            string
	Folder, Open, Current bool
	More                  bool
}

var navEntryRE = regexp.MustCompile(`<li( class="nav-folder")?><a( class="nav-all")? href="([^"]*)"( aria-current="page")?>([^<]*)</a>(<details( open)?>)?`)

// navEntries renders the view's sidebar tree and lists its links in order.
func navEntries(t *testing.T, v *View) []navEntry {
	t.Helper()
	tree, err := v.NavTree()
	if err != nil {
		t.Fatal(err)
	}
	var out []navEntry
	for _, m := range navEntryRE.FindAllStringSubmatch(string(tree), -1) {
		out = append(out, navEntry{URL: m[3], Title: html.UnescapeString(m[5]), Folder: m[1] != "", More: m[2] != "",
			Current: m[4] != "", Open: m[7] != ""})
	}
	return out
}

// TestNavWindow: over the budget, the sidebar lists every folder but
// pages only in the current page's folder, a window of them around the
// current one (so page size does not grow with the section), with a link
// to the whole list; the folders above it link to their lists.
func TestNavWindow(t *testing.T) {
	src := fstest.MapFS{"README.md": {Data: []byte("# Home\n")}, "other/x.md": {Data: []byte("# X\n")}, "other/deep/y.md": {Data: []byte("# Y\n")}}
	const n = navBudget + navWindow
	for i := range n {
		src[fmt.Sprintf("big/p%03d.md", i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf("# Page %03d\n", i))}
		src[fmt.Sprintf("big/q%03d.md", i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf("---\ntitle: Pagina %03d\nlang: nl\n---\n", i))}
	}
	site, th, diags, err := Load(t.Context(), Options{SourceFS: src})
	if err != nil || site == nil {
		t.Fatalf("load: %v %v", err, diags)
	}
	defer site.Close()
	for _, c := range []struct {
		path   string
		lo, hi int // the window's first and last page number
	}{{"big/p000.md", 0, navWindow - 1}, {"big/p040.md", 40 - navWindow/2, 40 + navWindow/2}, {"big/p224.md", n - navWindow, n - 1}} {
		p := site.PageByPath(c.path)
		v := &View{Site: site, Page: p, URL: p.URL, Lang: "en", theme: th}
		nav := navEntries(t, v)
		if len(nav) != navWindow+4 || nav[0].Title != "Big" || !nav[0].Open || nav[navWindow+2].Title != "Other" || nav[navWindow+2].Open {
			t.Fatalf("%s: sidebar %+v, want big open with %d pages and a link to all, then other closed", c.path, nav, navWindow)
		}
		pages, more := nav[1:navWindow+1], nav[navWindow+1]
		if want := "All pages"; !more.More || more.Title != want || more.URL != "/big/" {
			t.Errorf("%s: %+v after the window, want a link %q to /big/", c.path, more, want)
		}
		if first, want := pages[0].Title, fmt.Sprintf("Page %03d", c.lo); first != want {
			t.Errorf("%s: window starts at %q, want %q", c.path, first, want)
		}
		if last, want := pages[len(pages)-1].Title, fmt.Sprintf("Page %03d", c.hi); last != want {
			t.Errorf("%s: window ends at %q, want %q", c.path, last, want)
		}
		var current []string
		for _, e := range nav {
			if e.Current {
				current = append(current, e.URL)
			}
		}
		if !slices.Equal(current, []string{p.URL}) {
			t.Errorf("%s: current %q, want %s", c.path, current, p.URL)
		}
	}
	// Elsewhere the big folder is closed, and lists none of its pages; a
	// folder above the current page's links to its list.
	for path, want := range map[string]string{
		"other/x.md":      "Big/ Other/+ Deep/ X*",
		"other/deep/y.md": "Big/ Other/+ Deep/+ Y* All pages>",
	} {
		p := site.PageByPath(path)
		var got []string
		for _, e := range navEntries(t, &View{Site: site, Page: p, URL: p.URL, Lang: "en", theme: th}) {
			got = append(got, e.Title+map[bool]string{true: "/"}[e.Folder]+map[bool]string{true: "+"}[e.Open]+
				map[bool]string{true: "*"}[e.Current]+map[bool]string{true: ">"}[e.More])
		}
		if strings.Join(got, " ") != want {
			t.Errorf("%s: sidebar %q, want %q", path, strings.Join(got, " "), want)
		}
	}
}

// TestSectionTitlesPerLanguage: site.yaml names folders per language; the
// sidebar and breadcrumbs of a Dutch page use those names, an English page
// keeps the index pages' titles.
func TestSectionTitlesPerLanguage(t *testing.T) {
	src := fstest.MapFS{
		"site.yaml": {Data: []byte("languages:\n  - {code: en, name: English}\n  - code: nl\n    name: Nederlands\n" +
			"    sections: {.: Thuis, symptoms: Symptomen}\n")},
		"content/README.md":          {Data: []byte("# Home\n")},
		"content/symptoms/README.md": {Data: []byte("# Symptoms\n")},
		"content/symptoms/a.md":      {Data: []byte("# A\n")},
		"content/symptoms/b.md":      {Data: []byte("---\ntitle: B\nlang: nl\n---\n")},
		"content/guides/c.md":        {Data: []byte("---\ntitle: C\nlang: nl\n---\n")},
	}
	site, th, diags, err := Load(t.Context(), Options{SourceFS: src})
	if err != nil || site == nil {
		t.Fatalf("load: %v %v", err, diags)
	}
	defer site.Close()
	for _, c := range []struct {
		path, lang string
		crumbs     []string
		nav        []string
	}{
		{"symptoms/a.md", "en", []string{"Home", "Symptoms"}, []string{"Guides", "Symptoms"}},
		{"symptoms/b.md", "nl", []string{"Thuis", "Symptomen"}, []string{"Guides", "Symptomen"}},
	} {
		p := site.PageByPath(c.path)
		if p == nil {
			t.Fatalf("%s missing: %v", c.path, diags)
		}
		var crumbs, nav []string
		for _, cr := range site.crumbs(p.Section, p.IsIndex, p.Lang) {
			crumbs = append(crumbs, cr.Title)
		}
		v := &View{Site: site, Page: p, URL: p.URL, Lang: c.lang, theme: th}
		for _, n := range navEntries(t, v) {
			if n.Folder {
				nav = append(nav, n.Title)
			}
		}
		if !slices.Equal(crumbs, c.crumbs) || !slices.Equal(nav, c.nav) {
			t.Errorf("%s: crumbs %q, sidebar %q; want %q and %q", c.path, crumbs, nav, c.crumbs, c.nav)
		}
	}

	// A value of the wrong type is an error on its line.
	_, ds := ParseConfig("site.yaml", []byte("languages:\n  - code: nl\n    name: Nederlands\n    sections: [symptoms]\n"))
	if ds.Errors() == 0 || ds[0].Line != 4 {
		t.Errorf("sections as a list: %v, want an error on line 4", ds)
	}
}

// TestShared checks that the parts of a page the layouts show through
// View.Shared are rendered once per layout and language, in that language,
// and see nothing of the page they are shown on.
func TestShared(t *testing.T) {
	src := fstest.MapFS{
		"site.yaml":         {Data: []byte("title: Handbook\n")},
		"content/README.md": {Data: []byte("# Home\n")},
		"content/a.md":      {Data: []byte("# Alpha\n")},
		"content/b.md":      {Data: []byte("# Beta\n")},
		"content/c.md":      {Data: []byte("---\nlang: nl\n---\n# Gamma\n")},
		"content/d.md":      {Data: []byte("---\nlang: nl\n---\n# Delta\n")},
		"theme/layouts/page.html": {Data: []byte(`{{define "main"}}{{.Page.Title}}{{end}}{{template "baseof.html" .}}` +
			`{{define "spy"}}[{{.URL}}|{{with .Page}}{{.Title}}{{end}}|{{.Lang}}]{{end}}` +
			`<p id="spy">{{.Shared "spy"}}</p>`)},
	}
	site, th, diags, err := Load(t.Context(), Options{SourceFS: src})
	if err != nil || site == nil || diags.Errors() > 0 {
		t.Fatalf("load: %v %v", err, diags)
	}
	defer site.Close()
	spy := regexp.MustCompile(`<p id="spy">(.*?)</p>`)
	placeholder := map[string]string{}
	for _, lang := range []string{"en", "nl"} {
		placeholder[lang], _ = th.ui.get(lang, "search_placeholder_plain") // the pages have no kind
	}
	if placeholder["en"] == placeholder["nl"] {
		t.Fatalf("the strings files give one placeholder for both languages: %q", placeholder["en"])
	}
	pages := 0
	for _, o := range site.outs {
		if o.job == nil || o.job.view.Layout != "page" {
			continue
		}
		pages++
		v := o.job.view
		out, err := th.Render(v.Layout, v)
		if err != nil {
			t.Fatalf("%s: %v", o.path, err)
		}
		if m := spy.FindSubmatch(out); m == nil || string(m[1]) != "[||"+v.Lang+"]" {
			t.Errorf("%s: the shared part shows %q, want only its language %q", o.path, m, v.Lang)
		}
		other := map[string]string{"en": "nl", "nl": "en"}[v.Lang]
		if !strings.Contains(string(out), html.EscapeString(placeholder[v.Lang])) || strings.Contains(string(out), html.EscapeString(placeholder[other])) {
			t.Errorf("%s (%s): the search bar is not in the page's language", o.path, v.Lang)
		}
	}
	if pages != 4 {
		t.Fatalf("%d pages rendered, want 4", pages)
	}
	var keys []string
	for k := range site.parts {
		if k.p != nil {
			continue // a card
		}
		keys = append(keys, fmt.Sprintf("%s/%s/%s", k.layout, k.lang, k.name))
	}
	slices.Sort(keys)
	want := []string{}
	for _, lang := range []string{"en", "nl"} {
		for _, name := range []string{"headlinks", "headscripts", "sidebar-kinds", "sidebar-links", "sitefooter", "spy", "topbar"} {
			want = append(want, "page/"+lang+"/"+name)
		}
	}
	if !slices.Equal(keys, want) {
		t.Errorf("shared parts rendered: %q\nwant once per language: %q", keys, want)
	}
}
