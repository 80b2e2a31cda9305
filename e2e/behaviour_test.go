package e2e

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"kb/builder"
)

// TestNavigation follows links the way a reader would: from the home page to
// a kind, to a playbook, and back up through the breadcrumbs, and checks the
// sidebar marks where the reader is.
func TestNavigation(t *testing.T) {
	ctx := tab(t)
	open(t, ctx, "/")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.kind-card a[href$="/kinds/symptom/"]`))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "kind page", `location.pathname === "/kb/kinds/symptom/" && document.readyState === "complete"`)
	first := eval[string](t, ctx, `new URL(document.querySelector(".cards .card-title").href).pathname`)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.cards .card-title`))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "playbook page", `location.pathname === `+jsString(first)+` && document.readyState === "complete"`)
	if cur := eval[string](t, ctx, `new URL(document.querySelector(".sidebar [aria-current=page]").href).pathname`); cur != first {
		t.Errorf("sidebar marks %s as current on %s", cur, first)
	}
	section := eval[string](t, ctx, `new URL(document.querySelector(".crumbs li:last-child").previousElementSibling.querySelector("a").href).pathname`)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.crumbs li:nth-last-child(2) a`))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "section page", `location.pathname === `+jsString(section)+` && document.readyState === "complete"`)
	if n := eval[int](t, ctx, `document.querySelectorAll(".cards .card").length`); n == 0 {
		t.Errorf("section page %s lists no playbooks", section)
	}
	// Previous / next stay within the section and the language.
	p := site.PageByURL(strings.TrimPrefix(first, "/kb"))
	open(t, ctx, p.URL)
	next := eval[string](t, ctx, `(document.querySelector(".pager a[rel=next]") || {}).pathname || ""`)
	if next == "" {
		t.Fatalf("%s has no next link", p.URL)
	}
	q := site.PageByURL(strings.TrimPrefix(next, "/kb"))
	if q == nil || q.Section != p.Section || q.Lang != p.Lang {
		t.Errorf("next of %s (%s, %s) is %s", p.URL, p.Section, p.Lang, next)
	}
	pageProblems(t, ctx, p.URL)
}

// TestLanguageSwitch follows the header's language link from an English
// playbook to its Dutch translation, and checks that the interface speaks
// Dutch there.
func TestLanguageSwitch(t *testing.T) {
	var en *builder.Page
	for _, p := range site.Pages {
		if p.Lang == "en" && p.IsPlaybook() && len(p.Translations) > 0 && !p.Updated.IsZero() {
			en = p
			break
		}
	}
	if en == nil {
		t.Fatal("no English playbook with a translation")
	}
	nl := en.Translations[0]
	ctx := tab(t)
	open(t, ctx, en.URL)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.langs a[hreflang=nl]`))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "Dutch page", `location.pathname === `+jsString("/kb"+nl.URL)+` && document.readyState === "complete"`)
	got := eval[struct {
		Lang, TOC, Skip, Back, Date string
	}](t, ctx, `({Lang: document.documentElement.lang, TOC: document.querySelector("#toc-title").textContent,
  Skip: document.querySelector(".skip").textContent, Back: (document.querySelector(".langs a") || {}).lang || "",
  Date: (document.querySelector(".page-info time") || {}).textContent || ""})`)
	if got.Lang != "nl" || got.TOC != "Op deze pagina" || got.Skip != "Naar de inhoud" {
		t.Errorf("Dutch page: lang=%q, toc=%q, skip=%q", got.Lang, got.TOC, got.Skip)
	}
	if got.Back != "en" {
		t.Errorf("Dutch page's language switch points to %q, want en", got.Back)
	}
	months := []string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"}
	if !strings.Contains(got.Date, months[nl.Updated.Month()-1]) {
		t.Errorf("last-updated date %q is not written in Dutch", got.Date)
	}
}

// TestDarkModeToggle turns dark mode on in a light-scheme browser and checks
// the choice survives a reload and is applied before the page is shown.
func TestDarkModeToggle(t *testing.T) {
	ctx := tab(t)
	setScheme(t, ctx, "light")
	open(t, ctx, "/")
	bg := `getComputedStyle(document.body).backgroundColor`
	light := eval[string](t, ctx, bg)
	if eval[string](t, ctx, `document.querySelector(".theme-toggle").getAttribute("aria-pressed")`) != "false" {
		t.Fatal("toggle says dark in a light-scheme browser")
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.theme-toggle`))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "dark after click", bg+` !== `+jsString(light))
	if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	// The scheme must be in place when the document is parsed, before kb.js
	// (deferred) runs: theme.js in <head> reads the saved choice.
	got := eval[struct{ Theme, AtBody, Pressed, BG string }](t, ctx, `({Theme: document.documentElement.dataset.theme || "", AtBody: window.__kbThemeAtBody,
  Pressed: document.querySelector(".theme-toggle").getAttribute("aria-pressed"), BG: getComputedStyle(document.body).backgroundColor})`)
	if got.Theme != "dark" || got.Pressed != "true" || got.BG == light {
		t.Errorf("after reload: data-theme=%q aria-pressed=%q background=%s (light is %s)", got.Theme, got.Pressed, got.BG, light)
	}
	if got.AtBody != "dark" {
		t.Errorf("when <body> started, data-theme was %q: the page would flash light first", got.AtBody)
	}
	// Another page of the site keeps the choice too.
	open(t, ctx, "/tags/")
	if th := eval[string](t, ctx, `document.documentElement.dataset.theme || ""`); th != "dark" {
		t.Errorf("another page has data-theme=%q", th)
	}
	// And back to light.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.theme-toggle`))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "light again", bg+` === `+jsString(light)+` && localStorage.getItem("kb-theme") === "light"`)
	eval[any](t, ctx, `localStorage.removeItem("kb-theme"), null`)
	pageProblems(t, ctx, "/tags/")
}

// TestTOCScrolls clicks every link of a long page's table of contents and
// waits for its heading to scroll into view and the link to be marked.
func TestTOCScrolls(t *testing.T) {
	var long *builder.Page
	for _, p := range site.Pages {
		if p.IsPlaybook() && (long == nil || len(p.Headings) > len(long.Headings)) {
			long = p
		}
	}
	ctx := tab(t)
	viewport(t, ctx, 1280, 700)
	open(t, ctx, long.URL)
	ids := eval[[]string](t, ctx, `Array.from(document.querySelectorAll(".toc a")).map(a => decodeURIComponent(a.hash.slice(1)))`)
	if len(ids) < 4 {
		t.Fatalf("%s: table of contents has %d links", long.URL, len(ids))
	}
	// Last link first, so every click really scrolls.
	for i := len(ids) - 1; i >= 0; i -= 2 {
		id := ids[i]
		sel := `.toc a[href="#` + id + `"]`
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
			t.Fatal(err)
		}
		inView := `(() => { const r = document.getElementById(` + jsString(id) + `).getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; })()`
		waitFor(t, ctx, "heading #"+id+" in view", inView+` && location.hash === `+jsString("#"+id))
		last := i == len(ids)-1
		if !last || eval[bool](t, ctx, `document.documentElement.scrollHeight - innerHeight - scrollY > 2`) {
			waitFor(t, ctx, "toc marks #"+id, `document.querySelector(`+jsString(sel)+`).getAttribute("aria-current") === "true"`)
		}
	}
	pageProblems(t, ctx, long.URL)
}

// TestFilters narrows a kind page's cards with the language and tag chips,
// then clears them.
func TestFilters(t *testing.T) {
	ctx := tab(t)
	open(t, ctx, "/kinds/meeting-format/")
	total := eval[int](t, ctx, `document.querySelectorAll(".cards .card").length`)
	visible := `document.querySelectorAll(".cards .card:not([hidden])").length`
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.chip[data-facet=lang][data-value=nl]`))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "only Dutch cards", visible+` > 0 && `+visible+` < `+strconv.Itoa(total)+
		` && Array.from(document.querySelectorAll(".cards .card:not([hidden])")).every(c => c.dataset.lang === "nl")`)
	status := eval[string](t, ctx, `document.querySelector("[data-filter-status]").textContent`)
	if !strings.Contains(status, strconv.Itoa(total)) {
		t.Errorf("filter status %q does not mention the total %d", status, total)
	}
	tag := eval[string](t, ctx, `document.querySelector(".chip[data-facet=tags]").dataset.value`)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.chip[data-facet=tags]`))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "Dutch cards tagged "+tag, `Array.from(document.querySelectorAll(".cards .card:not([hidden])")).every(c => c.dataset.lang === "nl" && c.dataset.tags.split(" ").includes(`+jsString(tag)+`))`)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`[data-filter-clear]`))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "all cards again", visible+` === `+strconv.Itoa(total))
	pageProblems(t, ctx, "/kinds/meeting-format/")
}

// TestWithoutJavaScript checks the site still works with scripts off: every
// card shows, the filter chips (which need scripts) stay hidden, and on a
// phone the sidebar sits below the page instead of behind a menu button.
func TestWithoutJavaScript(t *testing.T) {
	ctx := tab(t)
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	viewport(t, ctx, 360, 740)
	open(t, ctx, "/kinds/symptom/")
	got := eval[struct {
		Cards, Hidden         int
		Filters, Menu, Toggle bool
		SidebarBelow          bool
	}](t, ctx, `({Cards: document.querySelectorAll(".cards .card").length, Hidden: document.querySelectorAll(".cards .card[hidden]").length,
  Filters: !!document.querySelector("[data-filters]").offsetParent, Menu: !!document.querySelector(".menu-toggle").offsetParent,
  Toggle: !!document.querySelector(".theme-toggle").offsetParent,
  SidebarBelow: document.querySelector("#sidebar").getBoundingClientRect().top > document.querySelector("main").getBoundingClientRect().bottom - 1})`)
	if got.Cards == 0 || got.Hidden != 0 || got.Filters || got.Menu || got.Toggle || !got.SidebarBelow {
		t.Errorf("without JavaScript: %+v", got)
	}
}

// TestPhoneMenu opens the sidebar through the menu button on a phone.
func TestPhoneMenu(t *testing.T) {
	ctx := tab(t)
	viewport(t, ctx, 360, 740)
	open(t, ctx, "/symptoms/")
	if eval[bool](t, ctx, `!!document.querySelector("#sidebar").offsetParent`) {
		t.Fatal("sidebar shows on a phone before the menu is opened")
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.menu-toggle`))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "sidebar open", `!!document.querySelector("#sidebar").offsetParent && document.querySelector(".menu-toggle").getAttribute("aria-expanded") === "true"`)
	if w := eval[int](t, ctx, `document.documentElement.scrollWidth - document.documentElement.clientWidth`); w > 0 {
		t.Errorf("open menu makes the page %d px too wide", w)
	}
}

// TestPrint checks the print stylesheet: no navigation, the playbook itself.
func TestPrint(t *testing.T) {
	ctx := tab(t)
	var symptom string
	for _, pt := range pageTypes(t) {
		if pt.name == "symptom" {
			symptom = pt.path
		}
	}
	open(t, ctx, symptom)
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	shown := eval[[]string](t, ctx, `[".top", ".sidebar", ".bottom", ".crumbs", ".toc", ".pager", "article h1", ".content"]
  .filter(s => document.querySelector(s) && getComputedStyle(document.querySelector(s)).display !== "none")`)
	if strings.Join(shown, " ") != "article h1 .content" {
		t.Errorf("in print, shown: %q; want only the article", shown)
	}
}

func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}
