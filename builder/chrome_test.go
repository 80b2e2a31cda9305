package builder

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"kb/internal/layout"
	"kb/search"
)

// testdata/generic-repo is shaped like the handbooks kept on GitHub: a root
// README.md, folders three and four levels deep with README.md indexes,
// pages that start with their own "# Title" and a first paragraph, no
// front matter, no site.yaml, one language, no kinds and no Git history.
// The tests below build it as `kb build --source` does and check that the
// interface fits it: none of the chrome of features it does not use.

// buildGeneric builds a copy of testdata/generic-repo outside kb's own
// Git checkout (so without Git dates) and returns the result and the
// output folder.
func buildGeneric(t *testing.T) (*Result, string) {
	t.Helper()
	src := t.TempDir()
	if err := os.CopyFS(src, os.DirFS(filepath.Join("testdata", "generic-repo"))); err != nil {
		t.Fatal(err)
	}
	res, dest := mustBuild(t, src)
	if n := res.Diagnostics.Errors() + res.Diagnostics.Warnings(); n != 0 {
		t.Fatalf("the generic repository builds with %d diagnostics:\n%s", n, diagStrings(res.Diagnostics))
	}
	return res, dest
}

// elem matches elements by tag name and, when given, attribute values
// ("class" matches one of the element's classes).
func elem(tag string, attrs ...string) func(*html.Node) bool {
	return func(n *html.Node) bool {
		if tag != "" && n.Data != tag {
			return false
		}
		for i := 0; i+1 < len(attrs); i += 2 {
			v, ok := nodeAttr(n, attrs[i])
			if !ok || v != attrs[i+1] && !(attrs[i] == "class" && slices.Contains(strings.Fields(v), attrs[i+1])) {
				return false
			}
		}
		return true
	}
}

func nodeAttr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// textOf is the text an element holds, with runs of space collapsed.
func textOf(n *html.Node) string {
	var b strings.Builder
	for c := range n.Descendants() {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// mainOf is the text of a page's <main> element, where its content is
// (the sidebar lists other pages).
func mainOf(t *testing.T, page string) string {
	t.Helper()
	start, end := strings.Index(page, "<main"), strings.Index(page, "</main>")
	if start < 0 || end < start {
		t.Fatal("the page has no <main> element")
	}
	return page[start:end]
}

// builtPages lists the path of every HTML page of the output, but the
// lists of a language (/lang/…/), which no page links to when the pages
// are in one language.
func builtPages(t *testing.T, dest string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dest, func(p string, d fs.DirEntry, err error) error {
		if d != nil && d.IsDir() && p == filepath.Join(dest, "lang") {
			return fs.SkipDir
		}
		if err != nil || d.IsDir() || filepath.Ext(p) != ".html" {
			return err
		}
		rel, _ := filepath.Rel(dest, p)
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestPlainRepo_OneH1: every page shows one level-1 heading: the page's
// own "# Title" (with its anchor) on pages, folder README indexes and the
// home page from the root README, the file name's on a page without one.
func TestPlainRepo_OneH1(t *testing.T) {
	res, dest := buildGeneric(t)
	for _, p := range res.Site.Pages {
		doc := htmlFile(t, "", filepath.Join(dest, outPath(p.URL)))
		h1 := all(doc, elem("h1"))
		if len(h1) != 1 {
			var got []string
			for _, h := range h1 {
				got = append(got, textOf(h))
			}
			t.Errorf("%s: %d h1 %q, want one", p.Path, len(h1), got)
			continue
		}
		if textOf(h1[0]) != p.Title {
			t.Errorf("%s: h1 %q, want %q", p.Path, textOf(h1[0]), p.Title)
		}
		if id, _ := nodeAttr(h1[0], "id"); p.HasH1 != (id != "") {
			t.Errorf("%s: h1 id %q; the page's own heading keeps its anchor, kb's has none", p.Path, id)
		}
		// The title heads the page: nothing of the page's text above it.
		if heads := all(doc, elem("", "class", "page-head")); len(heads) == 0 && p.URL != "/" {
			t.Errorf("%s: no page head", p.Path)
		} else if len(heads) > 0 && len(all(heads[0], elem("h1"))) != 1 {
			t.Errorf("%s: the h1 is not in the page's head", p.Path)
		}
	}
	if benefits := res.Site.PageByPath("people/benefits.md"); benefits == nil || benefits.HasH1 || benefits.Title != "Benefits" {
		t.Errorf("people/benefits.md (no heading) is titled %+v", benefits)
	}
}

// TestPlainRepo_SummaryNotRepeated: the summary kb takes from a page's
// first paragraph is not repeated as a lead above that paragraph, and it
// is still what lists, cards and search results show.
func TestPlainRepo_SummaryNotRepeated(t *testing.T) {
	res, dest := buildGeneric(t)
	const first = "Every change is reviewed by at least one other engineer before it is merged."
	for _, p := range res.Site.Pages {
		doc := htmlFile(t, "", filepath.Join(dest, outPath(p.URL)))
		if lead := all(doc, elem("", "class", "lead")); len(lead) > 0 {
			t.Errorf("%s: lead %q above a body that starts with it", p.Path, textOf(lead[0]))
		}
		if got := strings.Count(mainOf(t, readFile(t, filepath.Join(dest, outPath(p.URL)))), html.EscapeString(p.Summary)); p.Summary != "" && got != 1 {
			t.Errorf("%s: its first paragraph shows %d times", p.Path, got)
		}
	}
	review := res.Site.PageByPath("engineering/code-review.md")
	if review.Summary != first {
		t.Fatalf("summary %q, want the first paragraph", review.Summary)
	}
	var cards []string
	for _, c := range all(htmlFile(t, "", filepath.Join(dest, "engineering/index.html")), elem("p", "class", "card-summary")) {
		cards = append(cards, textOf(c))
	}
	if !slices.Contains(cards, first) {
		t.Errorf("the folder's cards %q lack the summary", cards)
	}
	idx, err := search.Open(filepath.Join(dest, layout.IndexDir))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	found, err := search.Search(context.Background(), idx, search.Request{Query: "code review"})
	if err != nil {
		t.Fatal(err)
	}
	if len(found.Hits) == 0 || found.Hits[0].URL != "/engineering/code-review/" || found.Hits[0].Summary != first {
		t.Errorf("search hits %+v, want code review first with its summary", found.Hits)
	}
}

// TestPlainRepo_ExplicitSummaryIsLead: a summary or description written
// in front matter is still shown under the title.
func TestPlainRepo_ExplicitSummaryIsLead(t *testing.T) {
	_, dest := mustBuild(t, site(t, map[string]string{
		"README.md": "# Home\n\nWelcome.\n",
		"a.md":      "---\ndescription: What page A is for.\n---\n\n# Page A\n\nThe first paragraph.\n",
		"b.md":      "---\nsummary: What page B is for.\n---\n\nThe first paragraph.\n",
	}))
	for page, want := range map[string]string{"a/index.html": "What page A is for.", "b/index.html": "What page B is for."} {
		doc := htmlFile(t, "", filepath.Join(dest, page))
		head := all(doc, elem("header", "class", "page-head"))
		if len(head) != 1 {
			t.Fatalf("%s: %d page heads", page, len(head))
		}
		lead := all(head[0], elem("p", "class", "lead"))
		if len(lead) != 1 || textOf(lead[0]) != want {
			t.Errorf("%s: lead %v, want %q", page, lead, want)
		}
		if h1 := all(head[0], elem("h1")); len(h1) != 1 || h1[0].NextSibling == nil {
			t.Errorf("%s: the title does not head the page", page)
		}
	}
}

// TestPlainRepo_NoKindChrome: with no page declaring a kind, no page shows
// kinds (sidebar group, home cards, badges, filters, search suggestions),
// no list of a kind is written, and the search box asks for "Search…".
func TestPlainRepo_NoKindChrome(t *testing.T) {
	_, dest := buildGeneric(t)
	if _, err := os.Stat(filepath.Join(dest, "kinds")); !os.IsNotExist(err) {
		t.Errorf("the output has a kinds/ folder (%v)", err)
	}
	for _, rel := range builtPages(t, dest) {
		src := readFile(t, filepath.Join(dest, rel))
		for _, bad := range []string{"Kinds of playbook", "kind-card", "badge kind-", "/kinds/", "Search playbooks", "playbook"} {
			if strings.Contains(src, bad) {
				t.Errorf("%s shows %q", rel, bad)
			}
		}
		doc := htmlFile(t, "", filepath.Join(dest, rel))
		if in := all(doc, elem("input", "id", "q")); len(in) != 1 {
			t.Errorf("%s: %d search boxes", rel, len(in))
		} else if ph, _ := nodeAttr(in[0], "placeholder"); ph != "Search…" {
			t.Errorf("%s: search placeholder %q, want Search…", rel, ph)
		}
		if f := all(doc, elem("button", "data-facet", "kind")); len(f) > 0 {
			t.Errorf("%s: %d kind filters", rel, len(f))
		}
	}
	if search := readFile(t, filepath.Join(dest, "search/index.html")); strings.Contains(search, "search-kinds") || !strings.Contains(search, "Type a few words.") {
		t.Error("the search page suggests kinds or speaks of them")
	}
}

// TestPlainRepo_NoLanguageChrome: pages in one language show no language
// switch and no link to a language's list, though kb knows two languages
// without a site.yaml.
func TestPlainRepo_NoLanguageChrome(t *testing.T) {
	_, dest := buildGeneric(t)
	for _, rel := range builtPages(t, dest) {
		doc := htmlFile(t, "", filepath.Join(dest, rel))
		if n := all(doc, elem("nav", "class", "langs")); len(n) > 0 {
			t.Errorf("%s has a language switch", rel)
		}
		for _, a := range all(doc, elem("a")) {
			href, _ := nodeAttr(a, "href")
			_, lang := nodeAttr(a, "hreflang")
			if lang || strings.Contains(href, "/lang/") {
				t.Errorf("%s links to a language: %s (%s)", rel, href, textOf(a))
			}
		}
		if src := readFile(t, filepath.Join(dest, rel)); strings.Contains(src, "Nederlands") {
			t.Errorf("%s names Nederlands", rel)
		}
	}
}

// TestExampleSite_KeepsItsChrome: the example knowledge base (kinds, two
// languages, Git dates, tags, owners, review dates) keeps all of it.
func TestExampleSite_KeepsItsChrome(t *testing.T) {
	res, dest := mustBuild(t, "..")
	home := htmlFile(t, "", filepath.Join(dest, "index.html"))
	var kinds []string
	for _, a := range all(home, elem("li", "class", "kind-card")) {
		kinds = append(kinds, textOf(all(a, elem("span", "class", "kind-card-title"))[0]))
	}
	if want := []string{"Symptoms", "Meeting formats", "Channel agreements", "Tool rollouts"}; !slices.Equal(kinds, want) {
		t.Errorf("home kind cards %q, want %q", kinds, want)
	}
	if r := all(home, elem("section", "class", "recent")); len(r) != 1 || len(all(r[0], elem("li", "class", "card"))) == 0 {
		t.Error("home lacks the recently updated playbooks")
	}
	var p *Page
	for _, q := range res.Site.Pages {
		if q.Kind == "symptom" && q.Lang == "en" && len(q.Translations) > 0 {
			p = q
			break
		}
	}
	if p == nil {
		t.Fatal("no English symptom with a translation")
	}
	doc := htmlFile(t, "", filepath.Join(dest, outPath(p.URL)))
	if in := all(doc, elem("input", "id", "q")); len(in) != 1 {
		t.Error("no search box")
	} else if ph, _ := nodeAttr(in[0], "placeholder"); ph != "Search playbooks…" {
		t.Errorf("placeholder %q", ph)
	}
	side := all(doc, elem("nav", "id", "sidebar"))[0]
	var groups []string
	for _, s := range all(side, elem("summary")) {
		if _, folder := nodeAttr(s, "aria-label"); !folder {
			groups = append(groups, textOf(s))
		}
	}
	if want := []string{"Kinds of playbook", "Sections", "More"}; !slices.Equal(groups, want) {
		t.Errorf("sidebar groups %q, want %q", groups, want)
	}
	if sw := all(doc, elem("nav", "class", "langs")); len(sw) != 1 || len(all(sw[0], elem("a", "hreflang", "nl"))) != 1 {
		t.Error("no switch to the Dutch translation")
	}
	if lead := all(doc, elem("p", "class", "lead")); len(lead) != 1 || textOf(lead[0]) != p.Summary {
		t.Errorf("lead %v, want the front matter's summary %q", lead, p.Summary)
	}
	if b := all(doc, elem("a", "class", "badge")); len(b) == 0 {
		t.Error("no kind badge")
	}
	for _, page := range []string{"tags/index.html", "owners/index.html", "review/index.html", "kinds/symptom/index.html", "lang/nl/index.html"} {
		if _, err := os.Stat(filepath.Join(dest, page)); err != nil {
			t.Errorf("%s: %v", page, err)
		}
	}
}

// TestKinds_OnlyThoseInUse: a kind no page has is not offered anywhere.
func TestKinds_OnlyThoseInUse(t *testing.T) {
	_, dest := mustBuild(t, site(t, map[string]string{
		"site.yaml":         "title: T\nlanguages: [{code: en, name: English}]\n",
		"content/README.md": "# Home\n",
		"content/s.md":      "---\ntitle: S\nsummary: One symptom.\nkind: symptom\nsignals: [a]\nimpact: b\nremedies: [other.md]\n---\n",
		"content/other.md":  "# Other\n",
	}))
	if _, err := os.Stat(filepath.Join(dest, "kinds/meeting-format")); !os.IsNotExist(err) {
		t.Errorf("a list of meeting formats was written (%v)", err)
	}
	for _, page := range []string{"index.html", "s/index.html", "search/index.html"} {
		src := readFile(t, filepath.Join(dest, page))
		if !strings.Contains(src, `href="/kinds/symptom/"`) || strings.Contains(src, "/kinds/meeting-format/") || strings.Contains(src, "Tool rollouts") {
			t.Errorf("%s does not offer exactly the kind in use", page)
		}
		if !strings.Contains(src, `placeholder="Search playbooks…"`) {
			t.Errorf("%s: the search box does not ask for playbooks", page)
		}
	}
	if sm := readFile(t, filepath.Join(dest, "sitemap.xml")); strings.Contains(sm, "meeting-format") || !strings.Contains(sm, "/kinds/symptom/") {
		t.Error("the sitemap lists kinds without pages, or not the one in use")
	}
}

// TestPlainRepo_Home: the home page is the root README (its own h1, its
// text) and the top-level folders as cards, with root pages listed; the
// site is named after the README; no "Recently updated" without Git dates.
func TestPlainRepo_Home(t *testing.T) {
	_, dest := buildGeneric(t)
	doc := htmlFile(t, "", filepath.Join(dest, "index.html"))
	main := all(doc, elem("main"))[0]
	if h1 := all(main, elem("h1", "id", "acme-handbook")); len(h1) != 1 || textOf(h1[0]) != "Acme Handbook" {
		t.Errorf("home h1 %v, want the README's", h1)
	}
	if !strings.Contains(textOf(main), "This handbook describes how Acme works") {
		t.Error("home lacks the README's text")
	}
	var cards []string
	for _, a := range all(main, elem("a", "class", "card-title")) {
		cards = append(cards, textOf(a))
	}
	if want := []string{"Company", "Engineering", "People", "Contributing"}; !slices.Equal(cards, want) {
		t.Errorf("home cards %q, want the folders then the root pages %q", cards, want)
	}
	if brand := all(doc, elem("a", "class", "brand")); len(brand) != 1 || textOf(brand[0]) != "Acme Handbook" {
		t.Error("the site is not named after its README")
	}
	if title := textOf(all(doc, elem("title"))[0]); title != "Acme Handbook" {
		t.Errorf("home title %q", title)
	}
	for _, rel := range builtPages(t, dest) {
		if src := readFile(t, filepath.Join(dest, rel)); strings.Contains(src, "Recently updated") || strings.Contains(src, "No pages here yet") {
			t.Errorf("%s: recently updated, without dates", rel)
		}
	}
	// Nothing to link to: no tags, owners, review dates or languages.
	for _, rel := range []string{"index.html", "company/values/index.html"} {
		doc := htmlFile(t, "", filepath.Join(dest, rel))
		for _, a := range all(doc, elem("a")) {
			if href, _ := nodeAttr(a, "href"); href == "/tags/" || href == "/owners/" || href == "/review/" {
				t.Errorf("%s links to %s", rel, href)
			}
		}
	}
}

// TestPlainRepo_RecentWithGitDates: with Git dates and no kinds, the home
// page and the feed list the most recently updated pages.
func TestPlainRepo_RecentWithGitDates(t *testing.T) {
	src := site(t, map[string]string{"README.md": "# Handbook\n\nWelcome.\n", "a.md": "# A\n\nFirst.\n", "b.md": "# B\n\nSecond.\n"})
	ckGit(t, src, "", "init", "-q")
	ckGit(t, src, "2026-01-02T10:00:00Z", "add", ".")
	ckGit(t, src, "2026-01-02T10:00:00Z", "commit", "-qm", "first")
	writeFile(t, filepath.Join(src, "b.md"), "# B\n\nSecond, changed.\n")
	ckGit(t, src, "2026-03-04T10:00:00Z", "commit", "-qam", "second")
	_, dest := mustBuild(t, src)
	doc := htmlFile(t, "", filepath.Join(dest, "index.html"))
	recent := all(doc, elem("section", "class", "recent"))
	if len(recent) != 1 {
		t.Fatal("no recently updated pages on the home page")
	}
	var titles []string
	for _, a := range all(recent[0], elem("a", "class", "card-title")) {
		titles = append(titles, textOf(a))
	}
	if want := []string{"B", "Handbook", "A"}; !slices.Equal(titles, want) { // newest first, then by path
		t.Errorf("recently updated %q, want %q", titles, want)
	}
	if feed := readFile(t, filepath.Join(dest, "feed.xml")); strings.Count(feed, "<entry>") != 3 {
		t.Errorf("the feed has %d entries, want 3", strings.Count(feed, "<entry>"))
	}
}

// treeFacts is what the sidebar's folder tree of a page shows.
type treeFacts struct {
	folders, open, current []string // link texts
}

func sidebarTree(t *testing.T, path string) treeFacts {
	t.Helper()
	doc := htmlFile(t, "", path)
	side := all(doc, elem("nav", "id", "sidebar"))
	if len(side) != 1 {
		t.Fatalf("%s: %d sidebars", path, len(side))
	}
	var f treeFacts
	for _, li := range all(side[0], elem("li", "class", "nav-folder")) {
		a := li.FirstChild
		f.folders = append(f.folders, textOf(a))
		for c := a.NextSibling; c != nil; c = c.NextSibling {
			if _, open := nodeAttr(c, "open"); c.Data == "details" && open {
				f.open = append(f.open, textOf(a))
			}
		}
	}
	for _, a := range all(side[0], elem("a", "aria-current", "page")) {
		f.current = append(f.current, textOf(a))
	}
	return f
}

// TestPlainRepo_SidebarTree: the sidebar holds every folder at every
// depth, collapsible; on a page four folders deep its link is current and
// the folders leading to it are open, the others closed; on a folder's
// README the folder's link is current and it is open.
func TestPlainRepo_SidebarTree(t *testing.T) {
	_, dest := buildGeneric(t)
	folders := []string{"Company", "Engineering", "Engineering practices", "Deployment", "Checklists", "People", "Onboarding"}
	for _, c := range []struct {
		page          string
		open, current []string
	}{
		{"engineering/practices/deployment/checklists/database-migrations/index.html",
			[]string{"Engineering", "Engineering practices", "Deployment", "Checklists"}, []string{"Database migrations"}},
		{"engineering/practices/index.html", []string{"Engineering", "Engineering practices"}, []string{"Engineering practices"}},
		{"people/benefits/index.html", []string{"People"}, []string{"Benefits"}},
		{"contributing/index.html", nil, []string{"Contributing"}},
		{"index.html", nil, nil},
		{"search/index.html", nil, nil},
	} {
		f := sidebarTree(t, filepath.Join(dest, filepath.FromSlash(c.page)))
		if !slices.Equal(f.folders, folders) || !slices.Equal(f.open, c.open) || !slices.Equal(f.current, c.current) {
			t.Errorf("%s: folders %q, open %q, current %q; want %q, %q, %q", c.page, f.folders, f.open, f.current, folders, c.open, c.current)
		}
	}
	// Each folder opens and closes without scripts: its toggle is the
	// <summary> of a <details> holding its entries, the link beside it.
	doc := htmlFile(t, "", filepath.Join(dest, "index.html"))
	for _, li := range all(doc, elem("li", "class", "nav-folder")) {
		d := li.FirstChild.NextSibling
		if d == nil || d.Data != "details" || d.FirstChild == nil || d.FirstChild.Data != "summary" || len(all(d.FirstChild, elem("a"))) > 0 {
			t.Errorf("folder %q is not a link beside a <details> with a <summary>", textOf(li.FirstChild))
			continue
		}
		if name, _ := nodeAttr(d.FirstChild, "aria-label"); name != textOf(li.FirstChild) {
			t.Errorf("folder %q: its toggle is named %q", textOf(li.FirstChild), name)
		}
	}
}
