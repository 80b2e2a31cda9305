package builder

import (
	"context"
	"encoding/xml"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// langConfig is a site in English and Dutch, with Dutch names for the top
// level and one folder, and one kind.
const langConfig = `title: Teamwork
base_url: https://intranet.example/kb/
default_language: en
languages:
  - {code: en, name: English}
  - code: nl
    name: Nederlands
    sections: {.: Samenwerken, meetings: Overleg}
kinds:
  - {name: symptom, label: {en: Symptom, nl: Symptoom}, plural: {en: Symptoms, nl: Symptomen}}
`

// langPage is a symptom page's source: its title, language, translation key
// and tags.
func langPage(title, lang, key string, tags ...string) string {
	fm := "---\ntitle: " + title + "\nsummary: About " + title + ".\nkind: symptom\nlang: " + lang + "\n"
	if key != "" {
		fm += "translation_key: " + key + "\n"
	}
	return fm + "tags: [" + strings.Join(tags, ", ") + "]\n---\n\nText of " + title + ".\n"
}

// langFixture: two folders; symptoms/ has an English README.md and a Dutch
// index.nl.md, meetings/ only an English README.md, the top level a Dutch
// README.nl.md. Two playbooks exist in both languages (one as silos.nl.md
// beside silos.md), one only in English, one only in Dutch.
func langFixture() map[string]string {
	return map[string]string{
		"site.yaml":                      langConfig,
		"content/README.md":              "---\ntitle: Working together\nsummary: How we work.\n---\n\nWelcome to [the symptoms](symptoms/).\n",
		"content/README.nl.md":           "---\ntitle: Samen werken\nsummary: Hoe we werken.\n---\n\nWelkom bij [de symptomen](symptoms/).\n",
		"content/symptoms/README.md":     "---\ntitle: Symptoms\nsummary: Signs of silos.\n---\n\nEvery symptom.\n",
		"content/symptoms/index.nl.md":   "---\ntitle: Signalen\nsummary: Tekenen van eilandjes.\n---\n\nAlle signalen op een rij.\n",
		"content/symptoms/silos.md":      langPage("Silos", "en", "silos", "sales"),
		"content/symptoms/silos.nl.md":   langPage("Eilandjes", "nl", "silos", "sales"),
		"content/symptoms/overload.md":   langPage("Overload", "en", "overload", "sales"),
		"content/symptoms/overleg.md":    langPage("Te veel overleg", "nl", "overload", "sales"),
		"content/symptoms/blame.md":      langPage("Blame", "en", "", "sales"),
		"content/symptoms/wantrouwen.md": langPage("Wantrouwen", "nl", "", "sales", "trust"),
		"content/meetings/README.md":     "# Meetings\n\nHow we meet.\n",
		"content/meetings/sync.md":       "# Weekly sync\n\nOnce a week.\n",
		"content/meetings/sync.nl.md":    "---\ntitle: Wekelijkse sync\ntranslation_key: sync\n---\n\nEen keer per week, zie [de signalen](../symptoms/).\n",
		"content/meetings/handboek.md":   "---\ntitle: Handboek\nlang: nl\npermalink: /team/handboek/\n---\n\nZoals geschreven.\n",
	}
}

// htmlFile parses a built page.
func htmlFile(t *testing.T, dest, name string) *html.Node {
	t.Helper()
	f, err := os.Open(filepath.Join(dest, filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := html.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// all returns the elements under n, in document order, for which match is true.
func all(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	for c := range n.Descendants() {
		if c.Type == html.ElementNode && match(c) {
			out = append(out, c)
		}
	}
	return out
}

// first is all's first element, or nil.
func first(n *html.Node, match func(*html.Node) bool) *html.Node {
	if found := all(n, match); len(found) > 0 {
		return found[0]
	}
	return nil
}

// attr is n's attribute key, "" when it has none.
func attr(n *html.Node, key string) string {
	v, _ := nodeAttr(n, key)
	return v
}

// is matches elements by tag and, when class is not "", one of their classes.
func is(tag, class string) func(*html.Node) bool {
	return func(n *html.Node) bool {
		return n.Data == tag && (class == "" || slices.Contains(strings.Fields(attr(n, "class")), class))
	}
}

// links lists "text → href" for the links under n.
func links(n *html.Node) []string {
	var out []string
	if n == nil {
		return nil
	}
	for _, a := range all(n, is("a", "")) {
		out = append(out, textOf(a)+" → "+attr(a, "href"))
	}
	return out
}

// cards lists the card titles in main, in order, each with its lang
// attribute when it has one ("Blame [en]").
func cards(doc *html.Node) []string {
	var out []string
	for _, a := range all(first(doc, is("main", "")), is("a", "card-title")) {
		s := textOf(a)
		if l := attr(a, "lang"); l != "" {
			s += " [" + l + "]"
		}
		out = append(out, s)
	}
	return out
}

func want(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got %q\nwant %q", what, got, want)
	}
}

// TestBuild_LanguageIndexPages: a folder's README.nl.md or index.nl.md is
// its Dutch page, at /nl/<folder>/, beside the English one; a folder
// without one still has a Dutch page, titled by site.yaml; each leads to
// the other through the language switch.
func TestBuild_LanguageIndexPages(t *testing.T) {
	res, dest := mustBuild(t, site(t, langFixture()))
	if n := res.Diagnostics.Errors() + res.Diagnostics.Warnings(); n != 0 {
		t.Fatalf("diagnostics: %s", diagStrings(res.Diagnostics))
	}
	for _, c := range []struct {
		file, lang, h1, text string
		crumbs, switchTo     []string
	}{
		{"index.html", "en", "Working together", "Welcome to", nil, []string{"Nederlands nl → /kb/nl/"}},
		{"nl/index.html", "nl", "Samen werken", "Welkom bij", nil, []string{"English en → /kb/"}},
		{"symptoms/index.html", "en", "Symptoms", "Every symptom.", []string{"Working together → /kb/", "Symptoms"}, []string{"Nederlands nl → /kb/nl/symptoms/"}},
		{"nl/symptoms/index.html", "nl", "Signalen", "Alle signalen op een rij.", []string{"Samenwerken → /kb/nl/", "Signalen"}, []string{"English en → /kb/symptoms/"}},
		{"nl/meetings/index.html", "nl", "Overleg", "", []string{"Samenwerken → /kb/nl/", "Overleg"}, []string{"English en → /kb/meetings/"}},
	} {
		doc := htmlFile(t, dest, c.file)
		if got := attr(first(doc, is("html", "")), "lang"); got != c.lang {
			t.Errorf("%s: lang %q, want %q", c.file, got, c.lang)
		}
		if h1 := all(doc, is("h1", "")); len(h1) != 1 || textOf(h1[0]) != c.h1 {
			t.Errorf("%s: h1 %v, want %q", c.file, len(h1), c.h1)
		}
		if c.text != "" && !strings.Contains(textOf(first(doc, is("main", ""))), c.text) {
			t.Errorf("%s: the index page's text %q is missing", c.file, c.text)
		}
		var crumbs []string // linked steps as "title → href", the current page as its title
		if nav := first(doc, is("nav", "crumbs")); nav != nil {
			for _, li := range all(nav, is("li", "")) {
				if l := links(li); len(l) == 1 {
					crumbs = append(crumbs, l[0])
				} else {
					crumbs = append(crumbs, textOf(li))
				}
			}
		}
		want(t, c.file+": breadcrumbs", crumbs, c.crumbs)
		want(t, c.file+": language switch", links(first(doc, is("nav", "langs"))), c.switchTo)
	}
	// The Dutch pages of a folder are those of index.nl.md's page, in Dutch.
	want(t, "Dutch symptoms", cards(htmlFile(t, dest, "nl/symptoms/index.html")), []string{"Eilandjes", "Te veel overleg", "Wantrouwen", "Blame [en]"})
	// A Dutch page's link to a folder leads to the folder's Dutch page.
	if body := readFile(t, filepath.Join(dest, "nl/meetings/sync/index.html")); !strings.Contains(body, `href="/kb/nl/symptoms/">de signalen`) {
		t.Error("a Dutch page's link to a folder does not lead to its Dutch page")
	}
	// silos.nl.md and silos.md do not collide: each is in its language's
	// folder; a permalink names a Dutch page's URL as written.
	for _, f := range []string{"symptoms/silos/index.html", "nl/symptoms/silos/index.html", "nl/meetings/sync/index.html", "team/handboek/index.html"} {
		if _, err := os.Stat(filepath.Join(dest, f)); err != nil {
			t.Errorf("missing %s", f)
		}
	}
}

// TestBuild_CountsPerLanguage: the counts beside kinds, folders and tags
// count the pages in the reader's language only.
func TestBuild_CountsPerLanguage(t *testing.T) {
	_, dest := mustBuild(t, site(t, langFixture()))
	texts := func(doc *html.Node, outer, inner func(*html.Node) bool) []string {
		var out []string
		for _, o := range all(doc, outer) {
			for _, n := range all(o, inner) {
				out = append(out, textOf(n))
			}
		}
		return out
	}
	// Sidebar: the kinds with their counts; cards: the home's kind cards;
	// headings: a list's headings with a count; cloud: the tags page.
	sidebar := func(doc *html.Node) []string { return texts(doc, is("nav", "sidebar"), is("li", ""))[:1] }
	cardCounts := func(doc *html.Node) []string { return texts(doc, is("ul", "kind-cards"), is("span", "count")) }
	headings := func(doc *html.Node) []string {
		return texts(doc, is("main", ""), func(n *html.Node) bool {
			return (n.Data == "h2" || n.Data == "h3") && first(n, is("span", "count")) != nil || is("p", "count")(n)
		})
	}
	cloud := func(doc *html.Node) []string { return texts(doc, is("ul", "tag-cloud"), is("li", "")) }
	// English: Silos, Overload, Blame; Dutch: Eilandjes, Te veel overleg, Wantrouwen.
	for _, c := range []struct {
		file string
		of   func(*html.Node) []string
		want []string
	}{
		{"index.html", sidebar, []string{"Symptoms 3"}},
		{"nl/index.html", sidebar, []string{"Symptomen 3"}},
		{"index.html", cardCounts, []string{"3 playbooks"}},
		{"nl/index.html", cardCounts, []string{"3 draaiboeken"}},
		{"symptoms/index.html", headings, []string{"All playbooks 3", "Only in other languages 1"}},
		{"nl/symptoms/index.html", headings, []string{"Alle draaiboeken 3", "Alleen in andere talen 1"}},
		{"kinds/symptom/index.html", headings, []string{"3 playbooks", "Only in other languages 1"}},
		{"nl/kinds/symptom/index.html", headings, []string{"3 draaiboeken", "Alleen in andere talen 1"}},
		{"tags/index.html", cloud, []string{"#sales 3"}},
		{"nl/tags/index.html", cloud, []string{"#sales 3", "#trust 1"}},
	} {
		want(t, c.file, c.of(htmlFile(t, dest, c.file)), c.want)
	}
}

// TestBuild_UntranslatedPagesAfterNative: a page with no translation in the
// reader's language is listed after the pages in it, marked with its
// language; a page whose translation is listed is not.
func TestBuild_UntranslatedPagesAfterNative(t *testing.T) {
	_, dest := mustBuild(t, site(t, langFixture()))
	for file, wantCards := range map[string][]string{
		"symptoms/index.html":         {"Blame", "Overload", "Silos", "Wantrouwen [nl]"},
		"nl/symptoms/index.html":      {"Eilandjes", "Te veel overleg", "Wantrouwen", "Blame [en]"},
		"kinds/symptom/index.html":    {"Blame", "Overload", "Silos", "Wantrouwen [nl]"},
		"nl/kinds/symptom/index.html": {"Eilandjes", "Te veel overleg", "Wantrouwen", "Blame [en]"},
		"tags/sales/index.html":       {"Blame", "Overload", "Silos", "Wantrouwen [nl]"},
		"nl/tags/sales/index.html":    {"Eilandjes", "Te veel overleg", "Wantrouwen", "Blame [en]"},
		"tags/trust/index.html":       {"Wantrouwen [nl]"},
	} {
		doc := htmlFile(t, dest, file)
		want(t, file, cards(doc), wantCards)
		for _, card := range all(first(doc, is("main", "")), is("li", "card")) {
			marked := first(card, is("span", "lang")) != nil
			if other := attr(first(card, is("a", "card-title")), "hreflang") != ""; other != marked {
				t.Errorf("%s: %q: a language badge %v, another language %v", file, textOf(first(card, is("a", "card-title"))), marked, other)
			}
		}
	}
}

// TestBuild_ThirdLanguage_Site: a third language, German, is a site.yaml
// entry and a strings file; it gets its own home, folder and kind pages
// in German words, and every page's language switch offers it.
func TestBuild_ThirdLanguage_Site(t *testing.T) {
	de := translatedStrings(t, "search_placeholder: Search playbooks…", "search_placeholder: Playbooks durchsuchen…",
		"all_playbooks: All playbooks", "all_playbooks: Alle Playbooks", "breadcrumbs: Breadcrumbs", "breadcrumbs: Brotkrümel",
		"other_languages: Only in other languages", "other_languages: Nur in anderen Sprachen")
	files := langFixture()
	files["site.yaml"] = strings.Replace(langConfig, "kinds:", "  - code: de\n    name: Deutsch\n    sections: {.: Zusammenarbeit, symptoms: Symptome}\nkinds:", 1)
	files["theme/i18n/de.yaml"] = de
	files["content/symptoms/silos.de.md"] = langPage("Silodenken", "de", "silos", "sales")
	res, dest := mustBuild(t, site(t, files))
	if n := res.Diagnostics.Errors() + res.Diagnostics.Warnings(); n != 0 {
		t.Fatalf("diagnostics: %s", diagStrings(res.Diagnostics))
	}
	home := htmlFile(t, dest, "de/index.html")
	if got := attr(first(home, is("input", "search-input")), "placeholder"); got != "Playbooks durchsuchen…" {
		t.Errorf("German home's search box says %q", got)
	}
	if h1 := textOf(first(home, is("h1", ""))); h1 != "Zusammenarbeit" {
		t.Errorf("German home's h1 %q", h1)
	}
	sec := htmlFile(t, dest, "de/symptoms/index.html")
	want(t, "German folder", cards(sec), []string{"Silodenken", "Blame [en]", "Overload [en]", "Wantrouwen [nl]"})
	if h := textOf(first(sec, is("h2", ""))); h != "Alle Playbooks 1" {
		t.Errorf("German folder's heading %q", h)
	}
	if got := attr(first(sec, is("nav", "crumbs")), "aria-label"); got != "Brotkrümel" {
		t.Errorf("German breadcrumbs are labelled %q", got)
	}
	want(t, "language switch of an English page translated into German only",
		links(first(htmlFile(t, dest, "symptoms/silos/index.html"), is("nav", "langs"))),
		[]string{"Nederlands nl → /kb/nl/symptoms/silos/", "Deutsch de → /kb/de/symptoms/silos/"})
	want(t, "language switch of an English page without translation",
		links(first(htmlFile(t, dest, "symptoms/blame/index.html"), is("nav", "langs"))),
		[]string{"Nederlands nl → /kb/nl/", "Deutsch de → /kb/de/"})
	want(t, "language switch of a German kind page",
		links(first(htmlFile(t, dest, "de/kinds/symptom/index.html"), is("nav", "langs"))),
		[]string{"English en → /kb/kinds/symptom/", "Nederlands nl → /kb/nl/kinds/symptom/"})
}

// TestBuild_OneLanguageNoSwitch: a site in one language has no language
// switch and no links to languages; a folder of Markdown without site.yaml
// counts as one in the language its pages are written in.
func TestBuild_OneLanguageNoSwitch(t *testing.T) {
	for name, files := range map[string]map[string]string{
		"site.yaml with one language": {
			"site.yaml":         "title: T\nlanguages:\n  - {code: en, name: English}\n",
			"content/README.md": "# Home\n\n[a](a.md)\n", "content/a.md": "# A\n",
		},
		"no site.yaml": {"README.md": "# Home\n\n[a](a.md)\n", "a.md": "# A\n"},
	} {
		t.Run(name, func(t *testing.T) {
			_, dest := mustBuild(t, site(t, files))
			for _, f := range []string{"index.html", "a/index.html", "search/index.html"} {
				page := readFile(t, filepath.Join(dest, f))
				for _, bad := range []string{`class="langs"`, "hreflang", "Nederlands"} {
					if strings.Contains(page, bad) {
						t.Errorf("%s holds %s", f, bad)
					}
				}
			}
			if _, err := os.Stat(filepath.Join(dest, "nl")); err == nil {
				t.Error("a Dutch part of a site in English")
			}
		})
	}
}

// TestBuild_UnderscoreIndexPages: Hugo's _index.md and _index.nl.md are a
// folder's pages in each language, as README.md and README.nl.md are, also
// when the preview's session adds one; every other name starting with '_'
// stays out of the site, and so does _index.<code>.md for a code that is
// none of the site's languages (with a warning).
func TestBuild_UnderscoreIndexPages(t *testing.T) {
	files := map[string]string{
		"site.yaml":                        langConfig,
		"content/_index.md":                "---\ntitle: Home\n---\n\nWelcome to [operations](ops/).\n",
		"content/_index.nl.md":             "---\ntitle: Thuis\n---\n\nWelkom bij [beheer](ops/_index.NL.md).\n",
		"content/ops/_index.md":            "---\ntitle: Operations\n---\n\nHow we run things.\n",
		"content/ops/_index.NL.md":         "---\ntitle: Beheer\n---\n\nHoe we het draaiend houden.\n",
		"content/ops/_index.fr.md":         "---\ntitle: Exploitation\n---\n\nBonjour.\n",
		"content/ops/deploy.md":            langPage("Deploy", "en", "deploy"),
		"content/ops/_notes.md":            "# Notes\n\nNot published.\n",
		"content/_drafts/_index.md":        "# Draft folder\n\nNot published.\n",
		"content/_drafts/idea.nl.md":       "# Idee\n\nNiet gepubliceerd.\n",
		"content/meetings/_index.markdown": "# Meetings\n\nHow we meet.\n",
	}
	res, dest := mustBuild(t, site(t, files))
	var warnings []string
	for _, d := range res.Diagnostics {
		warnings = append(warnings, d.File+": "+d.Message)
	}
	want(t, "diagnostics", warnings, []string{`ops/_index.fr.md: skipped: "fr" is not one of the site's languages (languages in site.yaml)`})
	for _, c := range []struct{ file, lang, h1, text string }{
		{"index.html", "en", "Home", "Welcome to operations"},
		{"nl/index.html", "nl", "Thuis", "Welkom bij beheer"},
		{"ops/index.html", "en", "Operations", "How we run things."},
		{"nl/ops/index.html", "nl", "Beheer", "Hoe we het draaiend houden."},
		{"meetings/index.html", "en", "Meetings", "How we meet."},
	} {
		doc := htmlFile(t, dest, c.file)
		if got := attr(first(doc, is("html", "")), "lang"); got != c.lang {
			t.Errorf("%s: lang %q, want %q", c.file, got, c.lang)
		}
		if h1 := all(doc, is("h1", "")); len(h1) != 1 || textOf(h1[0]) != c.h1 {
			t.Errorf("%s: %d h1, want one %q", c.file, len(h1), c.h1)
		}
		if !strings.Contains(textOf(first(doc, is("main", ""))), c.text) {
			t.Errorf("%s: the index page's text %q is missing", c.file, c.text)
		}
	}
	want(t, "English operations switch", links(first(htmlFile(t, dest, "ops/index.html"), is("nav", "langs"))), []string{"Nederlands nl → /kb/nl/ops/"})
	if body := readFile(t, filepath.Join(dest, "nl/index.html")); !strings.Contains(body, `href="/kb/nl/ops/">beheer`) {
		t.Error("a link to _index.NL.md does not lead to the folder's Dutch page")
	}
	for _, gone := range []string{"ops/notes", "ops/index.fr", "drafts", "_drafts", "nl/drafts", "nl/_drafts", "_notes", "ops/_notes"} {
		if _, err := os.Stat(filepath.Join(dest, gone)); err == nil {
			t.Errorf("%s was published", gone)
		}
	}
}

// TestSession_UnderscoreIndexAdded: an _index.nl.md written while the
// preview runs is the folder's Dutch page at the next build.
func TestSession_UnderscoreIndexAdded(t *testing.T) {
	src := site(t, map[string]string{
		"site.yaml":             langConfig,
		"content/_index.md":     "---\ntitle: Home\n---\n\nWelcome.\n",
		"content/ops/_index.md": "---\ntitle: Operations\n---\n\nHow we run things.\n",
	})
	dest := filepath.Join(t.TempDir(), "public")
	s := NewSession(Options{Source: src, Dest: dest, Now: testNow, NoStaticSearch: true})
	defer s.Close()
	if _, err := s.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	if body := readFile(t, filepath.Join(dest, "nl/ops/index.html")); strings.Contains(body, "Hoe we het draaiend houden.") {
		t.Fatal("the Dutch text is there before it is written")
	}
	writeFile(t, filepath.Join(src, "content/ops/_index.nl.md"), "---\ntitle: Beheer\n---\n\nHoe we het draaiend houden.\n")
	if _, err := s.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	doc := htmlFile(t, dest, "nl/ops/index.html")
	if h1 := all(doc, is("h1", "")); len(h1) != 1 || textOf(h1[0]) != "Beheer" {
		t.Errorf("nl/ops: %d h1, want one \"Beheer\"", len(h1))
	}
	if !strings.Contains(textOf(first(doc, is("main", ""))), "Hoe we het draaiend houden.") {
		t.Error("nl/ops: the text of _index.nl.md is missing")
	}
}

// atomFeed is what TestBuild_FeedPerLanguage reads of a feed.
type atomFeed struct {
	Lang  string `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	Title string `xml:"title"`
	ID    string `xml:"id"`
	Links []struct {
		Href string `xml:"href,attr"`
		Rel  string `xml:"rel,attr"`
	} `xml:"link"`
	Entries []struct {
		Title string `xml:"title"`
		ID    string `xml:"id"`
		Link  struct {
			Href string `xml:"href,attr"`
		} `xml:"link"`
	} `xml:"entry"`
}

// TestBuild_FeedPerLanguage: each language has its own Atom feed of its
// playbooks, /feed.xml for English and /nl/feed.xml for Dutch, and each
// language's pages link their own; two builds write the same bytes; a site
// in one language has the one feed.xml of every page.
func TestBuild_FeedPerLanguage(t *testing.T) {
	src := site(t, langFixture())
	_, dest := mustBuild(t, src)
	read := func(name string) (atomFeed, string) {
		t.Helper()
		raw := readFile(t, filepath.Join(dest, filepath.FromSlash(name)))
		var f atomFeed
		if err := xml.Unmarshal([]byte(raw), &f); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return f, raw
	}
	for _, c := range []struct {
		name, lang, title, home string
		entries                 []string
	}{
		{"feed.xml", "en", "Teamwork", "https://intranet.example/kb/", []string{
			"Blame https://intranet.example/kb/symptoms/blame/",
			"Overload https://intranet.example/kb/symptoms/overload/",
			"Silos https://intranet.example/kb/symptoms/silos/"}},
		{"nl/feed.xml", "nl", "Teamwork (Nederlands)", "https://intranet.example/kb/nl/", []string{
			"Te veel overleg https://intranet.example/kb/nl/symptoms/overleg/",
			"Eilandjes https://intranet.example/kb/nl/symptoms/silos/",
			"Wantrouwen https://intranet.example/kb/nl/symptoms/wantrouwen/"}},
	} {
		f, _ := read(c.name)
		if f.Lang != c.lang || f.Title != c.title || f.ID != c.home {
			t.Errorf("%s: xml:lang %q, title %q, id %q; want %q, %q, %q", c.name, f.Lang, f.Title, f.ID, c.lang, c.title, c.home)
		}
		var links, entries []string
		for _, l := range f.Links {
			links = append(links, l.Rel+" "+l.Href)
		}
		want(t, c.name+" links", links, []string{" " + c.home, "self " + c.home + "feed.xml"})
		for _, e := range f.Entries {
			if e.ID != e.Link.Href {
				t.Errorf("%s: entry %q has id %q and link %q", c.name, e.Title, e.ID, e.Link.Href)
			}
			entries = append(entries, e.Title+" "+e.Link.Href)
		}
		want(t, c.name+" entries", entries, c.entries)
	}
	feedLinks := func(page string) []string {
		doc := htmlFile(t, dest, page)
		var out []string
		for _, l := range all(doc, func(n *html.Node) bool { return n.Data == "link" && attr(n, "type") == "application/atom+xml" }) {
			out = append(out, attr(l, "rel")+" "+attr(l, "hreflang")+" "+attr(l, "title")+" "+attr(l, "href"))
		}
		for _, a := range all(first(doc, is("footer", "bottom")), is("a", "")) {
			if strings.HasSuffix(attr(a, "href"), "feed.xml") {
				out = append(out, "footer "+attr(a, "href"))
			}
		}
		return out
	}
	for _, page := range []string{"index.html", "symptoms/silos/index.html", "tags/sales/index.html", "404.html"} {
		want(t, page+" feed links", feedLinks(page), []string{"alternate en Teamwork /kb/feed.xml", "footer /kb/feed.xml"})
	}
	for _, page := range []string{"nl/index.html", "nl/symptoms/silos/index.html", "nl/meetings/index.html", "nl/tags/sales/index.html"} {
		want(t, page+" feed links", feedLinks(page), []string{"alternate nl Teamwork (Nederlands) /kb/nl/feed.xml", "footer /kb/nl/feed.xml"})
	}
	_, en := read("feed.xml")
	_, nl := read("nl/feed.xml")
	_, again := mustBuild(t, src)
	if readFile(t, filepath.Join(again, "feed.xml")) != en || readFile(t, filepath.Join(again, "nl", "feed.xml")) != nl {
		t.Error("two builds of the same site write different feeds")
	}

	one := site(t, map[string]string{
		"site.yaml":         "title: T\nbase_url: https://intranet.example/\nlanguages:\n  - {code: en, name: English}\n",
		"content/README.md": "# Home\n\n[a](a.md)\n", "content/a.md": "# A\n\nText.\n",
	})
	_, dest = mustBuild(t, one)
	f, _ := read("feed.xml")
	var titles []string
	for _, e := range f.Entries {
		titles = append(titles, e.Title)
	}
	want(t, "one language's feed", titles, []string{"Home", "A"})
	if f.Title != "T" {
		t.Errorf("one language's feed is titled %q", f.Title)
	}
	want(t, "one language's feed links", feedLinks("a/index.html"), []string{"alternate  T /feed.xml", "footer /feed.xml"})
}

// TestBuild_NotFoundPerLanguage: each language has its own not-found page,
// /404.html and /nl/404.html, in its words, leading to its own home, search
// and tags, and to the other language's home in that language's words; a
// site in one language has the one 404.html.
func TestBuild_NotFoundPerLanguage(t *testing.T) {
	_, dest := mustBuild(t, site(t, langFixture()))
	for _, c := range []struct {
		file, lang, h1 string
		steps          []string
	}{
		{"404.html", "en", "Page not found", []string{"Go to the home page → /kb/", "Search → /kb/search/", "Tags → /kb/tags/", "Naar de startpagina (Nederlands) → /kb/nl/"}},
		{"nl/404.html", "nl", "Pagina niet gevonden", []string{"Naar de startpagina → /kb/nl/", "Zoeken → /kb/nl/search/", "Labels → /kb/nl/tags/", "Go to the home page (English) → /kb/"}},
	} {
		doc := htmlFile(t, dest, c.file)
		if got := attr(first(doc, is("html", "")), "lang"); got != c.lang {
			t.Errorf("%s: lang %q, want %q", c.file, got, c.lang)
		}
		if h1 := all(doc, is("h1", "")); len(h1) != 1 || textOf(h1[0]) != c.h1 {
			t.Errorf("%s: %d h1, want one %q", c.file, len(h1), c.h1)
		}
		steps := first(doc, is("ul", "next-steps"))
		want(t, c.file+" next steps", links(steps), c.steps)
		if as := all(steps, is("a", "")); len(as) == 4 {
			if other := as[3]; attr(other, "lang") == c.lang || attr(other, "lang") != attr(other, "hreflang") {
				t.Errorf("%s: the other language's home is marked lang %q hreflang %q", c.file, attr(other, "lang"), attr(other, "hreflang"))
			}
		}
	}
	_, dest = mustBuild(t, site(t, map[string]string{
		"site.yaml":         "title: T\nlanguages:\n  - {code: en, name: English}\n",
		"content/README.md": "# Home\n\nText.\n",
	}))
	want(t, "one language's 404 next steps", links(first(htmlFile(t, dest, "404.html"), is("ul", "next-steps"))), []string{"Go to the home page → /", "Search → /search/"})
}

// TestBuild_OwnerPages: the owners page links to a page per owner, which
// lists that owner's pages in its language, then those in another; a
// playbook's owner links to that page. Names that make the same slug are
// one owner, named as the first page names it; a name with no letter or
// digit still has a page.
func TestBuild_OwnerPages(t *testing.T) {
	files := langFixture()
	owned := func(name, owner string) {
		files[name] = strings.Replace(files[name], "kind: symptom\n", "kind: symptom\nowner: "+owner+"\n", 1)
	}
	owned("content/symptoms/blame.md", "IT Service Desk")
	owned("content/symptoms/overload.md", "it service-desk")
	owned("content/symptoms/wantrouwen.md", "IT Service Desk")
	owned("content/symptoms/silos.md", `"???"`)
	_, dest := mustBuild(t, site(t, files))

	want(t, "the owners", links(first(htmlFile(t, dest, "owners/index.html"), is("ul", "owner-index"))), []string{
		"??? → /kb" + OwnerPath("???"),
		"IT Service Desk → /kb/owners/it-service-desk/",
	})
	want(t, "the Dutch owners", links(first(htmlFile(t, dest, "nl/owners/index.html"), is("ul", "owner-index"))), []string{
		"IT Service Desk → /kb/nl/owners/it-service-desk/",
	})
	want(t, "IT Service Desk's page", cards(htmlFile(t, dest, "owners/it-service-desk/index.html")), []string{"Blame", "Overload", "Wantrouwen [nl]"})
	want(t, "IT Service Desk's Dutch page", cards(htmlFile(t, dest, "nl/owners/it-service-desk/index.html")), []string{"Wantrouwen", "Blame [en]"})
	want(t, "???'s page", cards(htmlFile(t, dest, strings.TrimPrefix(OwnerPath("???"), "/")+"index.html")), []string{"Silos"})
	// The page's owner, as the page names it, in its facts and at its foot.
	for page, owner := range map[string]string{
		"symptoms/overload/index.html":      "it service-desk → /kb/owners/it-service-desk/",
		"nl/symptoms/wantrouwen/index.html": "IT Service Desk → /kb/nl/owners/it-service-desk/",
	} {
		var got []string
		for _, l := range links(first(htmlFile(t, dest, page), is("main", ""))) {
			if strings.Contains(l, "/owners/") {
				got = append(got, l)
			}
		}
		want(t, page+"'s owner", got, []string{owner, owner})
	}
}

// TestBuild_CountOfOne: a count of one reads "1 playbook" (Dutch "1
// draaiboek", "1 page" on a site without kinds), not "1 playbooks", on the
// home page's kind cards, a list's count and the owners page; two are
// "2 playbooks".
func TestBuild_CountOfOne(t *testing.T) {
	files := langFixture()
	files["content/symptoms/blame.md"] = strings.Replace(langPage("Blame", "en", "", "sales"), "kind: symptom\n", "kind: symptom\nowner: hr\n", 1)
	files["content/symptoms/overload.md"] = strings.Replace(langPage("Overload", "en", "overload", "sales"), "kind: symptom\n", "kind: symptom\nowner: it\n", 1)
	files["content/symptoms/silos.md"] = strings.Replace(langPage("Silos", "en", "silos", "sales"), "kind: symptom\n", "kind: symptom\nowner: it\n", 1)
	_, dest := mustBuild(t, site(t, files))
	counts := func(page, class string) []string {
		var out []string
		for _, n := range all(first(htmlFile(t, dest, page), is("main", "")), is("span", class)) {
			out = append(out, textOf(n))
		}
		return out
	}
	listCount := func(page string) []string {
		if n := first(htmlFile(t, dest, page), is("p", "count")); n != nil {
			return []string{textOf(n)}
		}
		return nil
	}
	want(t, "owners", counts("owners/index.html", "count"), []string{"1 playbook", "2 playbooks"})
	want(t, "the owner it", listCount("owners/it/index.html"), []string{"2 playbooks"})
	want(t, "the owner hr", listCount("owners/hr/index.html"), []string{"1 playbook"})
	want(t, "the tag trust in Dutch", listCount("nl/tags/trust/index.html"), []string{"1 draaiboek"})
	want(t, "the tag trust", listCount("tags/trust/index.html"), []string{"0 playbooks"})

	one := site(t, map[string]string{
		"site.yaml":             langConfig,
		"content/README.md":     "# Home\n\nWelcome.\n",
		"content/README.nl.md":  "# Thuis\n\nWelkom.\n",
		"content/silos.md":      langPage("Silos", "en", "silos", "sales"),
		"content/silos.nl.md":   langPage("Eilandjes", "nl", "silos", "sales"),
		"content/wantrouwen.md": langPage("Wantrouwen", "nl", "", "sales"),
	})
	_, dest = mustBuild(t, one)
	want(t, "English kind cards", counts("index.html", "count"), []string{"1 playbook"})
	want(t, "Dutch kind cards", counts("nl/index.html", "count"), []string{"2 draaiboeken"})

	_, dest = mustBuild(t, site(t, map[string]string{"README.md": "# Home\n\nWelcome.\n", "guides/a.md": "---\ntags: [x]\n---\n# A\n\nText.\n"}))
	want(t, "a tag of one page", listCount("tags/x/index.html"), []string{"1 page"})
}
