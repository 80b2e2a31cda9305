package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"kb/builder"
	"kb/internal/browsertest"
)

// listFacts is what a list page shows in the browser.
type listFacts struct {
	Lang, H1 string
	// Native and Others are the card links of the list in the page's
	// language and of the one only in other languages, as "pathname lang"
	// (lang empty on a card in the page's language).
	Native, Others []string
	// Counts are the headings with a count, as text.
	Counts []string
	// Crumbs and Sidebar are link paths.
	Crumbs, Sidebar []string
	// Kinds are the sidebar's kinds with their counts, as text.
	Kinds []string
	// Badges counts the cards marked with a language badge.
	Badges int
}

const listFactsJS = `(() => {
  const qa = (s, el) => Array.from((el || document).querySelectorAll(s));
  const cards = ul => ul ? qa(".card-title", ul).map(a => new URL(a.href).pathname + " " + (a.lang || "")) : [];
  const lists = qa("main ul.cards[data-filterable]");
  const others = document.querySelector("main .others-title");
  return {
    Lang: document.documentElement.lang,
    H1: document.querySelector("h1").textContent.trim(),
    Native: cards(lists.find(ul => !others || (others.compareDocumentPosition(ul) & Node.DOCUMENT_POSITION_PRECEDING))),
    Others: others ? cards(others.nextElementSibling) : [],
    Counts: qa("main h2, main h3, main p.count").filter(h => h.querySelector(".count") || h.matches(".count")).map(h => h.textContent.trim().replace(/\s+/g, " ")),
    Crumbs: qa(".crumbs a").map(a => new URL(a.href).pathname),
    Sidebar: qa(".sidebar a").map(a => new URL(a.href).pathname),
    Kinds: qa(".sidebar > details:first-of-type > ul > li").map(li => li.textContent.trim().replace(/\s+/g, " ")),
    Badges: qa("main .card .badge.lang").length,
  };
})()`

// listed is a page as a list card shows it in listFacts.
func listed(p *builder.Page, lang string) string {
	s := base(p.URL) + " "
	if p.Lang != lang {
		s += p.Lang
	}
	return s
}

// base is a site path under the test server's base path.
func base(u string) string { return site.Config.BasePath() + strings.TrimPrefix(u, "/") }

// expectedSection lists a folder's pages as its page in lang shows them: in
// lang first, then those with no translation in lang.
func expectedSection(t *testing.T, path, lang string) (native, others []string) {
	t.Helper()
	sec := site.Section(path)
	if sec == nil {
		t.Fatalf("no folder %s", path)
	}
	for _, p := range sec.Pages {
		switch {
		case p.Lang == lang:
			native = append(native, listed(p, lang))
		case p.TranslationIn(lang) == nil:
			others = append(others, listed(p, lang))
		}
	}
	return native, others
}

func listFactsOf(t *testing.T, ctx context.Context, path string) listFacts {
	t.Helper()
	open(t, ctx, path)
	f := eval[listFacts](t, ctx, listFactsJS)
	pageProblems(t, ctx, path)
	return f
}

func equal(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\n got %q\nwant %q", what, got, want)
	}
}

// allUnder fails for every path of list outside prefix.
func allUnder(t *testing.T, what string, list []string, prefix string) {
	t.Helper()
	for _, p := range list {
		if !strings.HasPrefix(p, prefix) {
			t.Errorf("%s: %s leads out of %s", what, p, prefix)
		}
	}
}

// TestDutchHome follows the language switch from the English home to the
// Dutch one: a home of its own, in Dutch, whose kinds, counts, sidebar and
// recent pages are Dutch, and whose search box finds pages and opens the
// Dutch search page.
func TestDutchHome(t *testing.T) {
	ctx := tab(t)
	open(t, ctx, "/")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.langs a[hreflang=nl]`))); err != nil {
		t.Fatal(err)
	}
	home := base("/nl/")
	waitFor(t, ctx, "Dutch home", `location.pathname === `+jsString(home)+` && document.readyState === "complete"`)
	f := eval[listFacts](t, ctx, listFactsJS)
	readme := site.PageByURL("/nl/")
	if readme == nil || f.Lang != "nl" || f.H1 != readme.Title {
		t.Errorf("Dutch home: lang %q, h1 %q; want nl and the title of README.nl.md", f.Lang, f.H1)
	}
	var kinds []string
	for _, k := range site.Config.Kinds {
		n := 0
		for _, p := range site.Pages {
			if p.Kind == k.Name && p.Lang == "nl" {
				n++
			}
		}
		kinds = append(kinds, k.PluralFor("nl")+" "+strconv.Itoa(n))
	}
	equal(t, "sidebar kinds and Dutch counts", f.Kinds, kinds)
	allUnder(t, "sidebar", f.Sidebar[:len(f.Sidebar)-2], home) // the last two lead to each language's home
	recent := eval[[]string](t, ctx, `Array.from(document.querySelectorAll(".recent .card")).map(c => c.dataset.lang)`)
	if len(recent) == 0 || strings.Trim(strings.Join(recent, ""), "nl") != "" {
		t.Errorf("recently updated on the Dutch home: languages %q", recent)
	}
	if eval[string](t, ctx, `document.querySelector("#q").placeholder`) != "Zoek in draaiboeken…" {
		t.Error("the Dutch home's search box is not in Dutch")
	}

	// The search box works as on any page: results while typing, Enter
	// opens the Dutch search page with every result.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#q")), chromedp.SendKeys(chromedp.CSS("#q"), "stand-up")); err != nil {
		t.Fatal(err)
	}
	want := site.PageByPath("meeting-formats/dagelijkse-stand-up.md")
	waitFor(t, ctx, "results in the popup", `!document.querySelector("#search-results").hidden &&
	  Array.from(document.querySelectorAll("#search-results .search-option")).some(o => o.dataset.href === `+jsString(base(want.URL))+`)`)
	browsertest.Press(t, ctx, "Enter", "Enter", 13, "\r")
	waitFor(t, ctx, "Dutch search page", `location.pathname === `+jsString(base("/nl/search/"))+` && document.documentElement.lang === "nl" &&
	  document.querySelectorAll(".search-list li").length > 1 && document.querySelector("h1").textContent === "Zoeken"`)
	pageProblems(t, ctx, "Dutch home and search")
}

// TestLanguageLists opens folder pages in both languages: each lists its
// own language's pages first, counts only those, marks the pages only in
// the other language and lists them after; its breadcrumbs and sidebar
// stay in its language.
func TestLanguageLists(t *testing.T) {
	ctx := tab(t)
	for _, c := range []struct {
		path, folder, lang, h1, all, others string
	}{
		{"/nl/guides/", "guides", "nl", "Handleidingen", "Alle draaiboeken", "Alleen in andere talen"},
		{"/nl/meeting-formats/", "meeting-formats", "nl", "Overlegvormen", "Alle draaiboeken", "Alleen in andere talen"},
		{"/meeting-formats/", "meeting-formats", "en", "", "All playbooks", "Only in other languages"},
		{"/guides/", "guides", "en", "", "All playbooks", "Only in other languages"},
	} {
		t.Run(c.path, func(t *testing.T) {
			f := listFactsOf(t, ctx, c.path)
			native, others := expectedSection(t, c.folder, c.lang)
			if len(native) == 0 {
				t.Fatalf("the example site has no %s page in %s", c.lang, c.folder)
			}
			equal(t, "cards in the page's language", f.Native, native)
			equal(t, "cards only in the other language, after them", f.Others, others)
			counts := []string{c.all + " " + strconv.Itoa(len(native))}
			if len(others) > 0 {
				counts = append(counts, c.others+" "+strconv.Itoa(len(others)))
			}
			equal(t, "counts", f.Counts, counts)
			if f.Badges != len(others) {
				t.Errorf("%d cards carry a language badge, want the %d in another language", f.Badges, len(others))
			}
			if f.Lang != c.lang || (c.h1 != "" && f.H1 != c.h1) {
				t.Errorf("lang %q, h1 %q; want %s and %q", f.Lang, f.H1, c.lang, c.h1)
			}
			home := base(site.Config.LangURL(c.lang, "/"))
			equal(t, "breadcrumbs", f.Crumbs, []string{home})
			if c.lang == "nl" {
				allUnder(t, "sidebar", f.Sidebar[:len(f.Sidebar)-2], home) // the last two lead to each language's home
			}
		})
	}
	// The two lists of the example that hold a page only in the other
	// language: a Dutch meeting format and English guides.
	if _, others := expectedSection(t, "meeting-formats", "en"); len(others) == 0 {
		t.Error("the example site has no meeting format only in Dutch")
	}
	if _, others := expectedSection(t, "guides", "nl"); len(others) == 0 {
		t.Error("the example site has no guide only in English")
	}
}

// TestDutchBreadcrumbs climbs from a Dutch playbook through its breadcrumbs:
// each step is a Dutch page, up to the Dutch home.
func TestDutchBreadcrumbs(t *testing.T) {
	p := site.PageByPath("symptoms/dubbel-werk.md")
	if p == nil || p.Lang != "nl" {
		t.Fatal("no Dutch symptom dubbel-werk.md")
	}
	ctx := tab(t)
	open(t, ctx, p.URL)
	crumbs := eval[[]string](t, ctx, `Array.from(document.querySelectorAll(".crumbs a")).map(a => new URL(a.href).pathname)`)
	equal(t, "breadcrumbs of "+p.URL, crumbs, []string{base("/nl/"), base("/nl/symptoms/")})
	for i := len(crumbs) - 1; i >= 0; i-- {
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.crumbs li:nth-last-child(2) a`))); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, "breadcrumb "+crumbs[i], `location.pathname === `+jsString(crumbs[i])+` && document.readyState === "complete" && document.documentElement.lang === "nl"`)
		f := eval[listFacts](t, ctx, listFactsJS)
		if i == 1 {
			// The Dutch symptoms page is README.nl.md's, with the Dutch symptoms.
			idx := site.Section("symptoms").IndexIn("nl")
			native, _ := expectedSection(t, "symptoms", "nl")
			if idx == nil || f.H1 != idx.Title {
				t.Errorf("the Dutch symptoms page's h1 is %q", f.H1)
			}
			equal(t, "Dutch symptoms", f.Native, native)
		}
	}
	pageProblems(t, ctx, "Dutch breadcrumbs")
}

// TestLanguageSwitchTargets: the language switch leads to the page's
// translation, to the same list in the other language, or, for a page with
// no translation, to the other language's home. Old URLs lead on to the
// new ones.
func TestLanguageSwitchTargets(t *testing.T) {
	untranslated := func(lang string) *builder.Page {
		for _, p := range site.Pages {
			if p.Lang == lang && !p.IsIndex && len(p.Translations) == 0 {
				return p
			}
		}
		t.Fatalf("the example site has no page only in %s", lang)
		return nil
	}
	ctx := tab(t)
	for _, c := range []struct{ from, lang, to string }{
		{untranslated("nl").URL, "en", "/"},
		{untranslated("en").URL, "nl", "/nl/"},
		{"/nl/meeting-formats/", "en", "/meeting-formats/"},
		{"/kinds/symptom/", "nl", "/nl/kinds/symptom/"},
		{"/tags/", "nl", "/nl/tags/"},
		{"/symptoms/", "nl", "/nl/symptoms/"},
		{site.PageByPath("symptoms/dubbel-werk.md").URL, "en", site.PageByPath("symptoms/dubbel-werk.md").TranslationIn("en").URL},
	} {
		open(t, ctx, c.from)
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.langs a[hreflang=`+c.lang+`]`))); err != nil {
			t.Fatalf("%s: %v", c.from, err)
		}
		waitFor(t, ctx, c.from+" → "+c.to, `location.pathname === `+jsString(base(c.to))+` && document.readyState === "complete" && document.documentElement.lang === `+jsString(c.lang))
	}
	for old, now := range map[string]string{"/lang/nl/": "/nl/", "/symptoms/dubbel-werk/": "/nl/symptoms/dubbel-werk/"} {
		open(t, ctx, old)
		waitFor(t, ctx, old+" redirects", `location.pathname === `+jsString(base(now))+` && document.readyState === "complete"`)
	}
	pageProblems(t, ctx, "language switch")
}
