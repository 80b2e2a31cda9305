package e2e

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"kb/builder"
)

// csp is the Content Security Policy the site is served with in production;
// the test server sends it too, so an inline script or style attribute
// shows up as a violation.
const csp = "default-src 'self'"

// Shared by every test of the package: one build, one server, one browser.
var (
	repoRoot  string
	siteDir   string
	siteBase  string // the site's base URL, ending in "/kb/"
	site      *builder.Site
	browser   context.Context
	artifacts string
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	flag.Parse()
	if testing.Short() {
		fmt.Println("e2e: the browser tests are skipped with -short")
		return 0
	}
	var err error
	if repoRoot, err = filepath.Abs(".."); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	artifacts = filepath.Join(repoRoot, ".test-artifacts")
	tmp, err := os.MkdirTemp("", "kb-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(tmp)
	siteDir = filepath.Join(tmp, "public")

	srv := httptest.NewServer(siteHandler(siteDir))
	defer srv.Close()
	siteBase = srv.URL + "/kb/"

	res, err := builder.Build(context.Background(), builder.Options{Source: repoRoot, Dest: siteDir, BaseURL: siteBase})
	if err != nil {
		fmt.Fprintf(os.Stderr, "building the example site: %v\n", err)
		for _, d := range res.Diagnostics {
			fmt.Fprintln(os.Stderr, d)
		}
		return 1
	}
	site = res.Site

	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), browserOptions()...)
	defer cancelAlloc()
	b, cancelBrowser := chromedp.NewContext(alloc)
	defer cancelBrowser()
	if err := chromedp.Do(b); err != nil {
		fmt.Fprintf(os.Stderr, "starting Chromium (%s): %v\n", chromePath(), err)
		return 1
	}
	browser = b
	return m.Run()
}

// siteHandler serves the built site under /kb/, as an intranet would, with
// the production Content Security Policy.
func siteHandler(dir string) http.Handler {
	files := http.StripPrefix("/kb", http.FileServer(http.Dir(dir)))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		if !strings.HasPrefix(r.URL.Path, "/kb/") {
			http.NotFound(w, r)
			return
		}
		files.ServeHTTP(w, r)
	})
}

func chromePath() string {
	if p := os.Getenv("CHROME_PATH"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

func browserOptions() []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromePath()),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("mute-audio", true),
		chromedp.WindowSize(1280, 900),
	}
}

// tab opens a new tab in the shared browser, set up to record Content
// Security Policy violations and script errors, with a deadline for the
// whole test (several minutes: a test may open every page type twice on a
// busy 2-core machine).
func tab(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser)
	t.Cleanup(cancel)
	ctx, cancelTimeout := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(cancelTimeout)
	_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: recorder})
	if err != nil {
		t.Fatal(err)
	}
	return ctx
}

// recorder runs before any page script and collects CSP violations and
// uncaught errors for pageProblems. It also notes the colour scheme set on
// <html> when <body> starts, before anything of the page can be painted.
const recorder = `window.__kbProblems = [];
document.addEventListener("securitypolicyviolation", function (e) { window.__kbProblems.push("CSP blocked " + e.violatedDirective + " at " + e.sourceFile + ":" + e.lineNumber + " " + e.sample); });
window.addEventListener("error", function (e) { window.__kbProblems.push("script error: " + e.message); });
new MutationObserver(function (ms, o) {
  if (!document.body) return;
  window.__kbThemeAtBody = document.documentElement.getAttribute("data-theme") || "";
  o.disconnect();
}).observe(document, {childList: true, subtree: true});`

// open navigates to a site path ("symptoms/x/") and waits for the page to load.
func open(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(siteBase+strings.TrimPrefix(path, "/"))); err != nil {
		t.Fatalf("opening %s: %v", path, err)
	}
}

// pageProblems fails the test for CSP violations or script errors on the page.
func pageProblems(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	pageProblemsExcept(t, ctx, what, func(string) bool { return false })
}

// pageProblemsExcept is pageProblems, logging instead the problems
// expected says are expected.
func pageProblemsExcept(t *testing.T, ctx context.Context, what string, expected func(string) bool) {
	t.Helper()
	problems, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__kbProblems || []`))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		if expected(p) {
			t.Logf("%s (expected): %s", what, p)
			continue
		}
		t.Errorf("%s: %s", what, p)
	}
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluating %.80q: %v", js, err)
	}
	return v
}

// waitFor polls a JavaScript predicate until it is true, up to 10 seconds.
// A navigation in between (after a click on a link) restarts the poll in the
// new page.
func waitFor(t *testing.T, ctx context.Context, what, predicate string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		left := time.Until(deadline)
		err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](predicate, chromedp.WithPollingTimeout(max(left, time.Millisecond))))
		switch {
		case err == nil:
			return
		case errors.Is(err, chromedp.ErrPollingTimeout) || time.Now().After(deadline):
			t.Fatalf("%s: still not true after 10s: %s (%v)", what, predicate, err)
		case ctx.Err() != nil:
			t.Fatalf("%s: %v", what, err)
		}
		time.Sleep(20 * time.Millisecond) // the page is navigating; poll the next one
	}
}

// setScheme makes the page's prefers-color-scheme light or dark.
func setScheme(t *testing.T, ctx context.Context, scheme string) {
	t.Helper()
	_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
	})
	if err != nil {
		t.Fatal(err)
	}
}

// viewport sets the tab's size; phone sizes emulate a mobile device.
func viewport(t *testing.T, ctx context.Context, w, h int64) {
	t.Helper()
	var opts []chromedp.EmulateViewportOption
	if w < 600 {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, h, opts...)); err != nil {
		t.Fatal(err)
	}
}

// pageType is one kind of page the theme renders, with a site path to an
// example of it.
type pageType struct {
	name string
	path string
	page *builder.Page // the source page, for those that have one
}

// pageTypes picks one page of every type from the built site, so the tests
// follow the example content as it changes.
func pageTypes(t *testing.T) []pageType {
	t.Helper()
	pick := func(kind, lang string) *builder.Page {
		var best *builder.Page
		for _, p := range site.Pages {
			if p.Kind == kind && p.Lang == lang && !p.IsIndex {
				// Prefer a page with a translation and the most headings.
				if best == nil || len(p.Translations) > len(best.Translations) ||
					len(p.Translations) == len(best.Translations) && len(p.Headings) > len(best.Headings) {
					best = p
				}
			}
		}
		if best == nil {
			t.Fatalf("the example site has no %s page in %s", kind, lang)
		}
		return best
	}
	types := []pageType{{name: "home", path: "/", page: site.PageByURL("/")}}
	if site.PageByURL("/nl/") == nil {
		t.Fatal("the example site has no Dutch home page (README.nl.md)")
	}
	var guide *builder.Page
	for _, p := range site.Pages {
		if !p.IsPlaybook() && !p.IsIndex && p.Section != "" && (guide == nil || len(p.Headings) > len(guide.Headings)) {
			guide = p
		}
	}
	sec := site.Section("symptoms")
	if sec == nil || guide == nil || len(site.Tags) == 0 || len(site.Owners) == 0 {
		t.Fatal("the example site lacks a symptoms section, a guide page, tags or owners")
	}
	tag := slices.MaxFunc(site.Tags, func(a, b *builder.Term) int { return len(a.Pages) - len(b.Pages) })
	owner := slices.MaxFunc(site.Owners, func(a, b *builder.Term) int { return len(a.Pages) - len(b.Pages) })
	types = append(types,
		pageType{name: "section", path: sec.URL, page: sec.Index},
		pageType{name: "kind", path: "/kinds/symptom/"},
		pageType{name: "tag", path: tag.URL},
		pageType{name: "tags", path: "/tags/"},
		pageType{name: "owners", path: "/owners/"},
		pageType{name: "owner", path: owner.URL},
		pageType{name: "review", path: "/review/"},
		pageType{name: "home-nl", path: "/nl/", page: site.PageByURL("/nl/")},
		pageType{name: "section-nl", path: "/nl/guides/"},
		pageType{name: "search", path: "/search/"},
		pageType{name: "guide", path: guide.URL, page: guide},
		pageType{name: "404", path: "/404.html"},
	)
	for _, k := range []string{"symptom", "meeting-format", "channel-agreement", "tool-rollout"} {
		p := pick(k, "en")
		types = append(types, pageType{name: k, path: p.URL, page: p})
	}
	nl := pick("meeting-format", "nl")
	types = append(types, pageType{name: "meeting-format-nl", path: nl.URL, page: nl})
	return types
}
