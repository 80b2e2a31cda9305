package main

import (
	"context"
	"encoding/json"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"kb/internal/browsertest"
)

// sbKeys sends keys to the focused element.
func sbKeys(t *testing.T, ctx context.Context, keys string, opts ...chromedp.KeyOption) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.KeyEvent(keys, opts...)); err != nil {
		t.Fatalf("keys %q: %v", keys, err)
	}
}

func sbSlash(t *testing.T, ctx context.Context) {
	t.Helper()
	browsertest.Press(t, ctx, "/", "Slash", 191, "/")
}
func sbEnter(t *testing.T, ctx context.Context) {
	t.Helper()
	browsertest.Press(t, ctx, "Enter", "Enter", 13, "\r")
}

func sbGo(t *testing.T, ctx context.Context, u string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(u)); err != nil {
		t.Fatalf("opening %s: %v", u, err)
	}
	svPoll(t, ctx, "the page to load", `document.readyState === "complete"`)
}

// sbJSON quotes s for a JavaScript expression.
func sbJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// sbCombobox checks the combobox pattern's attributes: aria-expanded
// follows the popup, aria-activedescendant names a selected option of the
// listbox the box controls.
const sbCombobox = `(() => {
  const q = document.getElementById("q"), lb = document.getElementById(q.getAttribute("aria-controls"));
  const bad = [];
  if (q.getAttribute("role") !== "combobox") bad.push("role=" + q.getAttribute("role"));
  if (!lb || lb.getAttribute("role") !== "listbox") bad.push("aria-controls does not name a listbox");
  if (q.getAttribute("aria-autocomplete") !== "list") bad.push("aria-autocomplete");
  if (q.getAttribute("aria-expanded") !== String(!lb.hidden)) bad.push("aria-expanded=" + q.getAttribute("aria-expanded") + " with the popup " + (lb.hidden ? "hidden" : "shown"));
  const ad = q.getAttribute("aria-activedescendant");
  if (ad) {
    const o = document.getElementById(ad);
    if (!o || !lb.contains(o) || o.getAttribute("role") !== "option" || o.getAttribute("aria-selected") !== "true") bad.push("aria-activedescendant " + ad + " is not a selected option of the listbox");
  }
  for (const c of lb.children) if (c.getAttribute("role") !== "option") bad.push("a listbox child that is not an option: " + c.outerHTML.slice(0, 60));
  for (const o of lb.querySelectorAll("[role=option]")) {
    if (!o.id) bad.push("an option without id");
    if (o.getAttribute("aria-selected") === "true" && o.id !== ad) bad.push("option " + o.id + " selected but not active");
  }
  for (const a of lb.querySelectorAll("a")) if (a.tabIndex !== -1) bad.push("a link in the popup takes the focus");
  return bad;
})()`

func sbCheckCombobox(t *testing.T, ctx context.Context, when string) {
	t.Helper()
	if bad := svEval[[]string](t, ctx, sbCombobox); len(bad) > 0 {
		t.Errorf("%s: combobox pattern broken: %s", when, strings.Join(bad, "; "))
	}
}

// sbPopup waits for the popup to show options for what was typed, and
// returns the options' links.
func sbPopup(t *testing.T, ctx context.Context, typed string) []string {
	t.Helper()
	svPoll(t, ctx, "the popup for "+typed, `(() => { const lb = document.getElementById("search-results");
  return !lb.hidden && document.getElementById("q").value === `+sbJSON(typed)+` && lb.querySelector("[role=option]") &&
    document.querySelector(".search-live").textContent.includes(`+sbJSON(strings.TrimSpace(typed))+`) })()`)
	sbCheckCombobox(t, ctx, "popup for "+typed)
	return svEval[[]string](t, ctx, `[...document.querySelectorAll("#search-results [role=option]:not([aria-disabled=true])")].map(o => o.dataset.href)`)
}

// The search box as a reader uses it on the example site served by kb
// serve: "/" and Ctrl-K focus it, typing lists the expected playbook first
// (English and Dutch), arrow keys and Enter open a result, Enter alone opens
// the search page; there, filter chips change the results and their counts
// and the URL, which reopens the same view. Nothing matching suggests the
// kinds to browse. The ARIA combobox pattern holds throughout.
func TestSearch_Browser(t *testing.T) {
	t.Parallel()
	s := svStart(t, filepath.Join("..", ".."), "--no-watch")
	base, err := url.Parse(s.url)
	svMust(t, err)
	ctx := svBrowser(t)

	// Focus keys.
	sbGo(t, ctx, s.url)
	sbCheckCombobox(t, ctx, "at rest")
	if svEval[bool](t, ctx, `!document.getElementById("search-results").hidden`) {
		t.Error("the popup is open before typing")
	}
	sbSlash(t, ctx)
	svPoll(t, ctx, `"/" to focus the box`, `document.activeElement && document.activeElement.id === "q"`)
	if v := svEval[string](t, ctx, `document.getElementById("q").value`); v != "" {
		t.Errorf(`"/" typed %q into the box`, v)
	}
	svEval[any](t, ctx, `document.activeElement.blur(); 0`)
	sbKeys(t, ctx, "k", chromedp.KeyModifiers(chromedp.ModifierCtrl))
	svPoll(t, ctx, "Ctrl-K to focus the box", `document.activeElement && document.activeElement.id === "q"`)

	// English: the expected page first, with the words marked.
	sbKeys(t, ctx, "weekly project sync")
	opts := sbPopup(t, ctx, "weekly project sync")
	if len(opts) < 2 || opts[0] != base.Path+"meeting-formats/weekly-project-sync/" {
		t.Fatalf("popup for weekly project sync: %v", opts)
	}
	if !strings.HasPrefix(opts[len(opts)-1], base.Path+"search/?q=weekly") {
		t.Errorf("last option %q is not the search page", opts[len(opts)-1])
	}
	if n := svEval[int](t, ctx, `document.querySelectorAll("#search-results [role=option]:first-child mark").length`); n == 0 {
		t.Error("the first option has no marked words")
	}
	// Arrow keys move the active option, wrapping; Enter opens it.
	sbKeys(t, ctx, kb.ArrowDown)
	sbCheckCombobox(t, ctx, "after ArrowDown")
	if id := svEval[string](t, ctx, `document.getElementById("q").getAttribute("aria-activedescendant")`); id != "search-option-0" {
		t.Errorf("ArrowDown made %q active, want the first option", id)
	}
	sbKeys(t, ctx, kb.ArrowUp)
	if id := svEval[string](t, ctx, `document.getElementById("q").getAttribute("aria-activedescendant")`); id != "search-option-"+strconv.Itoa(len(opts)-1) {
		t.Errorf("ArrowUp from the first option made %q active, want the last", id)
	}
	sbKeys(t, ctx, kb.ArrowDown)
	sbCheckCombobox(t, ctx, "after wrapping")
	if svEval[string](t, ctx, `document.activeElement.id`) != "q" {
		t.Error("the focus left the box while moving through the options")
	}
	sbEnter(t, ctx)
	svPoll(t, ctx, "Enter to open the first result", `location.pathname === `+sbJSON(base.Path+"meeting-formats/weekly-project-sync/")+` && document.readyState === "complete"`)

	// Dutch, from the page just opened; Escape closes the popup, Enter then
	// opens the search page for the words typed.
	sbKeys(t, ctx, "k", chromedp.KeyModifiers(chromedp.ModifierCtrl))
	svPoll(t, ctx, "Ctrl-K to focus the box", `document.activeElement && document.activeElement.id === "q"`)
	sbKeys(t, ctx, "intervisie")
	if opts := sbPopup(t, ctx, "intervisie"); opts[0] != base.Path+"nl/meeting-formats/intervisie-tussen-afdelingen/" {
		t.Errorf("popup for intervisie: %v", opts)
	}
	sbKeys(t, ctx, kb.Escape)
	svPoll(t, ctx, "Escape to close the popup", `document.getElementById("search-results").hidden`)
	sbCheckCombobox(t, ctx, "after Escape")
	sbEnter(t, ctx)
	svPoll(t, ctx, "Enter to open the search page", `location.pathname === `+sbJSON(base.Path+"search/")+` && location.search === "?q=intervisie" && document.querySelector(".search-hit")`)
	if first := svEval[string](t, ctx, `document.querySelector(".search-hit a").pathname`); first != base.Path+"nl/meeting-formats/intervisie-tussen-afdelingen/" {
		t.Errorf("search page's first hit for intervisie: %s", first)
	}

	// Nothing found: the popup says so and offers the kinds.
	sbGo(t, ctx, s.url+"tags/")
	sbSlash(t, ctx)
	svPoll(t, ctx, `"/" to focus the box`, `document.activeElement && document.activeElement.id === "q"`)
	sbKeys(t, ctx, "qqxqqzqq")
	kinds := sbPopup(t, ctx, "qqxqqzqq")
	if len(kinds) != 4 || !strings.HasPrefix(kinds[0], base.Path+"kinds/") {
		t.Errorf("empty popup offers %v, want the four kinds", kinds)
	}
	if names := svEval[string](t, ctx, `[...document.querySelectorAll("#search-results .search-kind")].map(o => o.textContent).join("|")`); !strings.Contains(names, "Symptoms|") || !strings.Contains(names, "Meeting formats") {
		t.Errorf("empty popup names the kinds %q, want their plural names", names)
	}
	if txt := svEval[string](t, ctx, `document.querySelector("#search-results [aria-disabled=true]").textContent`); !strings.Contains(txt, "qqxqqzqq") {
		t.Errorf("empty popup says %q", txt)
	}
	sbKeys(t, ctx, kb.ArrowDown)
	sbCheckCombobox(t, ctx, "empty popup, ArrowDown")
	if href := svEval[string](t, ctx, `document.getElementById(document.getElementById("q").getAttribute("aria-activedescendant")).dataset.href`); href != kinds[0] {
		t.Errorf("ArrowDown in the empty popup chose %q, want the first kind %q", href, kinds[0])
	}

	// The search page, opened from a shared URL.
	sbGo(t, ctx, s.url+"search/?q=feedback")
	sbPage := func(what string) (total int, chips map[string]int) {
		t.Helper()
		svPoll(t, ctx, what, `document.querySelector(".search-status").textContent !== "" && document.querySelector(".chip")`)
		var st struct {
			Status string
			Hits   int
			Chips  map[string]int
			Query  string
			Value  string
		}
		raw := svEval[string](t, ctx, `JSON.stringify({Status: document.querySelector(".search-status").textContent,
  Hits: document.querySelectorAll(".search-hit").length, Value: document.getElementById("q").value, Query: location.search,
  Chips: Object.fromEntries([...document.querySelectorAll(".search-filters .chip")].map(c => [c.dataset.facet + ":" + c.dataset.value + (c.getAttribute("aria-pressed") === "true" ? "*" : ""), +c.querySelector(".chip-count").textContent]))})`)
		svMust(t, json.Unmarshal([]byte(raw), &st))
		n, err := strconv.Atoi(strings.Fields(st.Status)[0])
		if err != nil || st.Hits == 0 || st.Value != "feedback" {
			t.Fatalf("%s: status %q, %d hits, box %q", what, st.Status, st.Hits, st.Value)
		}
		// The page shows what the endpoint answers for its URL.
		q, _ := url.ParseQuery(strings.TrimPrefix(st.Query, "?"))
		want := s.searchWith(t, q)
		if uint64(n) != want.Total {
			t.Errorf("%s: the page says %d results, the endpoint %d for %s", what, n, want.Total, st.Query)
		}
		return n, st.Chips
	}
	all, chips := sbPage("the search page")
	en, nl := chips["lang:en"], chips["lang:nl"]
	// A result is a playbook with its translations: the language chips
	// count pages, so together they count every result at least once.
	if en == 0 || nl == 0 || en+nl < all {
		t.Fatalf("language chips en=%d nl=%d for %d results: %v", en, nl, all, chips)
	}
	click := func(sel string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
			t.Fatalf("clicking %s: %v", sel, err)
		}
	}
	click(`.chip[data-facet=lang][data-value=nl]`)
	svPoll(t, ctx, "the language filter in the URL", `location.search.includes("lang=nl") && document.querySelector(".chip[data-value=nl][aria-pressed=true]")`)
	n, chipsNL := sbPage("the Dutch results")
	if n != nl {
		t.Errorf("Dutch filter: %d results, the chip said %d", n, nl)
	}
	if chipsNL["lang:en"] != en || chipsNL["lang:nl*"] != nl {
		t.Errorf("language counts changed under their own filter: %v", chipsNL)
	}
	if hrefs := svEval[[]string](t, ctx, `[...document.querySelectorAll(".search-hit a")].map(a => a.pathname)`); len(hrefs) != n {
		t.Errorf("%d hits listed for %d results", len(hrefs), n)
	}
	var kind string
	var kindCount int
	for k, c := range chipsNL {
		if strings.HasPrefix(k, "kind:") && c < n && c > kindCount {
			kind, kindCount = strings.TrimPrefix(k, "kind:"), c
		}
	}
	if kind == "" {
		t.Fatalf("no kind chip narrows the Dutch results: %v", chipsNL)
	}
	if chipsNL["kind:"+kind] == chips["kind:"+kind] {
		t.Logf("kind %s counts %d with and without the language filter", kind, kindCount)
	}
	click(`.chip[data-facet=kind][data-value=` + kind + `]`)
	svPoll(t, ctx, "the kind filter", `location.search.includes("kind=`+kind+`") && document.querySelector(".chip[data-value=`+kind+`][aria-pressed=true]")`)
	n, chipsKind := sbPage("the kind's Dutch results")
	if n != kindCount {
		t.Errorf("kind %s: %d results, the chip said %d", kind, n, kindCount)
	}
	if chipsKind["lang:en"] >= en && chipsKind["lang:nl*"] >= nl {
		t.Errorf("language counts did not follow the kind filter: %v", chipsKind)
	}
	// The URL is the view: opened afresh it shows the same.
	shared := svEval[string](t, ctx, `location.href`)
	sbGo(t, ctx, shared)
	if n2, chips2 := sbPage("the shared URL"); n2 != n || len(chips2) != len(chipsKind) || chips2["kind:"+kind+"*"] != kindCount {
		t.Errorf("shared URL %s shows %d results %v, was %d %v", shared, n2, chips2, n, chipsKind)
	}
	// Clearing the filters gives the first view back.
	click(`.search-clear`)
	svPoll(t, ctx, "the filters to clear", `location.search === "?q=feedback" && !document.querySelector(".chip[aria-pressed=true]")`)
	if n, _ := sbPage("the cleared filters"); n != all {
		t.Errorf("cleared filters: %d results, first %d", n, all)
	}
	// Typing on the search page updates the list and the URL.
	svEval[any](t, ctx, `document.getElementById("q").focus(); document.getElementById("q").select(); 0`)
	sbKeys(t, ctx, "samenwerken")
	svPoll(t, ctx, "the list to follow the box", `location.search === "?q=samenwerken" && document.querySelector(".search-status").textContent.includes("samenwerken")`)
	// Dutch stemming: among the hits, a page that says "samenwerking" and
	// never "samenwerken".
	if hits := svEval[[]string](t, ctx, `Array.from(document.querySelectorAll(".search-hit")).map(h => h.textContent.toLowerCase())`); !slices.ContainsFunc(hits, func(h string) bool {
		return strings.Contains(h, "samenwerking") && !strings.Contains(h, "samenwerken")
	}) {
		t.Errorf(`"samenwerken" does not find a page that only says "samenwerking": %q`, hits)
	}

	// Nothing found on the search page: suggestions to browse.
	sbGo(t, ctx, s.url+"search/?q=qqxqqzqq")
	svPoll(t, ctx, "the empty state", `!document.querySelector(".search-suggest").hidden && document.querySelector(".search-status").textContent.includes("qqxqqzqq")`)
	if n := svEval[int](t, ctx, `document.querySelectorAll(".search-suggest a[href*='/kinds/']").length`); n != 4 {
		t.Errorf("empty state suggests %d kinds", n)
	}
	if n := svEval[int](t, ctx, `document.getElementById("search-page").innerText.split("No playbooks match").length - 1`); n != 1 {
		t.Errorf("the empty state says %d times that nothing matched", n)
	}

	if problems := svEval[[]string](t, ctx, `window.__kbProblems`); len(problems) > 0 {
		t.Errorf("CSP violations or script errors:\n%s", strings.Join(problems, "\n"))
	}
}

// searchWith asks the server's search endpoint with these parameters.
func (s *svServer) searchWith(t testing.TB, q url.Values) (res struct{ Total uint64 }) {
	t.Helper()
	code, body := svGet(t, s.url+"_search?"+q.Encode())
	if code != 200 || json.Unmarshal([]byte(body), &res) != nil {
		t.Fatalf("/_search?%s: %d %s", q.Encode(), code, body)
	}
	return res
}

// Bad searches get 400 with a JSON error from kb serve, never a 500.
func TestServe_SearchBadRequests(t *testing.T) {
	t.Parallel()
	s := svStart(t, svSite(t), "--no-watch")
	for _, raw := range []string{
		"q=" + strings.Repeat("word+", 300),
		"q=" + url.QueryEscape(strings.Repeat("x", 1100)),
		"q=" + strings.Repeat("w+", 100),
		"q=a%00b",
		"q=guide&limit=1000000",
		"q=guide&limit=-1",
		"q=guide&limit=99999999999999999999999",
		"q=guide&offset=100000000",
		"q=guide&q=two",
		"q=%zz",
		"q=guide&facets=maybe",
	} {
		code, body := svGet(t, s.url+"_search?"+raw)
		var e struct{ Error string }
		if code != 400 || json.Unmarshal([]byte(body), &e) != nil || e.Error == "" {
			t.Errorf("%.60s: %d %.200s, want 400 with a JSON error", raw, code, body)
		}
	}
	// An unclosed quote is a phrase being typed, not an error.
	for _, raw := range []string{"q=guide", "q=%22guide+one"} {
		if code, body := svGet(t, s.url+"_search?"+raw); code != 200 || !strings.Contains(body, `"/guides/one/"`) {
			t.Errorf("%s after the bad ones: %d %.200s", raw, code, body)
		}
	}
	// Bytes that are not UTF-8 read as U+FFFD, as a browser reads them
	// from the address (the static search sees the same text).
	if code, body := svGet(t, s.url+"_search?q=%ff%fe"); code != 200 || !strings.Contains(body, `"query":"\ufffd"`) && !strings.Contains(body, `"query":"�"`) {
		t.Errorf("q=%%ff%%fe: %d %.200s, want 200 with the query read as U+FFFD", code, body)
	}
}

// One result is "1 result", in the popup's live region and on the search
// page, in English and in Dutch; two are "2 results".
func TestSearch_OneResult(t *testing.T) {
	dir := svSite(t)
	svWrite(t, filepath.Join(dir, "site.yaml"), strings.Replace(svSiteYAML, "    name: English\n", "    name: English\n  - code: nl\n    name: Nederlands\n", 1))
	svWrite(t, filepath.Join(dir, "content", "guides", "one.md"), svPage("Guide one", "beta", "The quokkaword guide and the wombatword one."))
	svWrite(t, filepath.Join(dir, "content", "guides", "two.md"), svPage("Guide two", "gamma", "Another wombatword guide."))
	s := svStart(t, dir)
	ctx := svBrowser(t)
	for _, c := range []struct{ lang, q, count, all string }{
		{"", "quokkaword", "1 result for “quokkaword”", "See the result on the search page"},
		{"nl/", "quokkaword", "1 resultaat voor “quokkaword”", "Het resultaat op de zoekpagina bekijken"},
		{"", "wombatword", "2 results for “wombatword”", "See all 2 results"},
	} {
		sbGo(t, ctx, s.url+c.lang+"search/?q="+c.q)
		svPoll(t, ctx, "the search page's results", `document.querySelector(".search-hit") && document.querySelector(".search-status").textContent !== ""`)
		if status := svEval[string](t, ctx, `document.querySelector(".search-status").textContent`); !strings.HasPrefix(status, c.count) {
			t.Errorf("%ssearch/?q=%s says %q, want %q", c.lang, c.q, status, c.count)
		}
		sbGo(t, ctx, s.url+c.lang)
		sbSlash(t, ctx)
		svPoll(t, ctx, `"/" to focus the box`, `document.activeElement && document.activeElement.id === "q"`)
		sbKeys(t, ctx, c.q)
		sbPopup(t, ctx, c.q)
		if live := svEval[string](t, ctx, `document.querySelector(".search-live").textContent`); live != c.count {
			t.Errorf("%s popup for %s says %q, want %q", c.lang, c.q, live, c.count)
		}
		if all := svEval[string](t, ctx, `document.querySelector("#search-results .search-all").textContent`); all != c.all {
			t.Errorf("%s popup for %s offers %q, want %q", c.lang, c.q, all, c.all)
		}
	}
	if problems := svEval[[]string](t, ctx, `window.__kbProblems`); len(problems) > 0 {
		t.Errorf("CSP violations or script errors:\n%s", strings.Join(problems, "\n"))
	}
}
