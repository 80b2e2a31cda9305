package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// svBrowser starts a headless Chromium for one test, recording CSP
// violations and script errors in window.__kbProblems.
func svBrowser(t *testing.T) context.Context {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test: skipped with -short")
	}
	exe := os.Getenv("CHROME_PATH")
	if exe == "" {
		exe = "/usr/bin/chromium"
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1024, 700))
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(cancel)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancelTimeout)
	const recorder = `window.__kbProblems = [];
document.addEventListener("securitypolicyviolation", function (e) { window.__kbProblems.push("CSP blocked " + e.violatedDirective + " " + e.sourceFile + ":" + e.lineNumber); });
window.addEventListener("error", function (e) { window.__kbProblems.push("script error: " + e.message); });`
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: recorder}); err != nil {
		t.Fatalf("starting Chromium (%s): %v", exe, err)
	}
	return ctx
}

// svConnected is true once the page's live-reload stream is open.
const svConnected = `document.querySelector('script[src$="_kb/live.js"]')?.dataset.state === "connected"`

// svPoll waits until the JavaScript expression is true in the page,
// across the page's reloads.
func svPoll(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var err error
	for time.Now().Before(deadline) {
		var ok bool
		if ok, err = chromedp.Run(ctx, chromedp.Evaluate[bool]("!!("+expr+")")); err == nil && ok {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("waiting for %s (%s): %v", what, expr, err)
}

func svEval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// A page opened from kb serve follows the Markdown on disk: an edit
// reloads it (at the same scroll position), a broken file shows the error
// in an overlay, the fix clears it, and a stylesheet change is applied
// without a reload. The theme and live reload work under the CSP.
func TestServe_Browser(t *testing.T) {
	dir := svSite(t)
	long := strings.Repeat("A long paragraph to scroll past. ", 40) + "\n\n"
	body := func(word string) string {
		return svPage("Guide two", "gamma", strings.Repeat(long, 12)+word)
	}
	p := filepath.Join(dir, "content", "guides", "two.md")
	svWrite(t, p, body("firstversion"))
	s := svStart(t, dir)
	ctx := svBrowser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(s.url+"guides/two/")); err != nil {
		t.Fatal(err)
	}
	svPoll(t, ctx, "the page", `document.body.innerText.includes("firstversion")`)
	svPoll(t, ctx, "the live-reload stream", svConnected)
	svEval[any](t, ctx, `window.scrollTo({top: 900, behavior: "instant"}); window.__kbMarker = 1; 0`)
	svPoll(t, ctx, "the scroll", `window.scrollY === 900`)

	// 1. An edit on disk shows up without touching the browser.
	svWrite(t, p, body("secondversion"))
	svPoll(t, ctx, "the edited text", `document.body && document.body.innerText.includes("secondversion")`)
	if svEval[bool](t, ctx, `window.__kbMarker === 1`) {
		t.Error("the page changed without a reload")
	}
	svPoll(t, ctx, "the scroll position to be restored", `Math.abs(window.scrollY - 900) < 5`)

	// 2. A broken file: the overlay lists the error, built from text only.
	svWrite(t, p, "---\ntitle: [unclosed <img src=x onerror=window.__kbPwned=1>\n---\nBroken.\n")
	svPoll(t, ctx, "the error overlay", `!!document.getElementById("kb-live-errors")`)
	text := svEval[string](t, ctx, `document.getElementById("kb-live-errors").innerText`)
	if !strings.Contains(text, "content/guides/two.md:") || !strings.Contains(text, "front-matter") {
		t.Errorf("overlay text %q lacks the file, line and rule", text)
	}
	if n := svEval[int](t, ctx, `document.querySelectorAll("#kb-live-errors img, #kb-live-errors li *").length`); n != 0 {
		t.Errorf("the overlay holds %d elements made from the message", n)
	}
	if !svEval[bool](t, ctx, `document.body.innerText.includes("secondversion")`) {
		t.Error("the last good page is gone during the error")
	}

	// 3. The fix clears the overlay and shows the new text.
	svWrite(t, p, body("thirdversion"))
	svPoll(t, ctx, "the fixed page", `document.body && document.body.innerText.includes("thirdversion") && !document.getElementById("kb-live-errors")`)

	// 4. A page opened while the build is broken shows the overlay at once.
	svWrite(t, p, "---\ntitle: [unclosed\n---\n")
	svPoll(t, ctx, "the error overlay again", `!!document.getElementById("kb-live-errors")`)
	if err := chromedp.Do(ctx, chromedp.Navigate(s.url)); err != nil {
		t.Fatal(err)
	}
	svPoll(t, ctx, "the overlay on a newly opened page", `!!document.getElementById("kb-live-errors")`)
	svWrite(t, p, body("fourthversion"))
	svPoll(t, ctx, "the overlay to clear", `document.readyState === "complete" && !document.getElementById("kb-live-errors")`)

	// 5. A stylesheet-only change is swapped in without a reload.
	if err := chromedp.Do(ctx, chromedp.Navigate(s.url+"guides/two/")); err != nil {
		t.Fatal(err)
	}
	svPoll(t, ctx, "the page", `document.body && document.body.innerText.includes("fourthversion")`)
	svPoll(t, ctx, "the live-reload stream", svConnected)
	svEval[any](t, ctx, `window.__kbMarker = 2; 0`)
	css, err := os.ReadFile(filepath.Join("..", "..", "themes", "default", "static", "style.css"))
	svMust(t, err)
	svWrite(t, filepath.Join(dir, "theme", "static", "style.css"), string(css)+"\nbody { background-color: rgb(1, 2, 3); }\n")
	svPoll(t, ctx, "the new stylesheet", `getComputedStyle(document.body).backgroundColor === "rgb(1, 2, 3)"`)
	if !svEval[bool](t, ctx, `window.__kbMarker === 2`) {
		t.Error("a CSS-only change reloaded the page")
	}

	if problems := svEval[[]string](t, ctx, `window.__kbProblems`); len(problems) > 0 {
		t.Errorf("CSP violations or script errors:\n%s", strings.Join(problems, "\n"))
	}
	if strings.Contains(fmt.Sprint(svEval[any](t, ctx, `window.__kbPwned`)), "1") {
		t.Error("the error message ran as HTML")
	}
}

// With errors in several files, the overlay of a page lists the errors of
// its own source first, in another language's part of the site too.
func TestServe_OverlayThisPageFirst(t *testing.T) {
	dir := svSite(t)
	svWrite(t, filepath.Join(dir, "site.yaml"), strings.Replace(svSiteYAML, "    name: English\n", "    name: English\n  - code: nl\n    name: Nederlands\n", 1))
	svWrite(t, filepath.Join(dir, "content", "guides", "twee.md"), "---\ntitle: Gids twee\nlang: nl\n---\n\nDe tweede gids.\n")
	s := svStart(t, dir)
	ctx := svBrowser(t)
	broken := "---\ntitle: [unclosed\n---\n"
	svWrite(t, filepath.Join(dir, "content", "guides", "one.md"), broken)
	svWrite(t, filepath.Join(dir, "content", "guides", "two.md"), broken)
	svWrite(t, filepath.Join(dir, "content", "guides", "twee.md"), broken)
	for _, c := range []struct{ page, file string }{
		{"guides/one/", "content/guides/one.md:"},
		{"guides/two/", "content/guides/two.md:"},
		{"nl/guides/twee/", "content/guides/twee.md:"},
	} {
		if err := chromedp.Do(ctx, chromedp.Navigate(s.url+c.page)); err != nil {
			t.Fatal(err)
		}
		svPoll(t, ctx, "the overlay with three errors", `document.querySelectorAll("#kb-live-errors li").length === 3`)
		if first := svEval[string](t, ctx, `document.querySelector("#kb-live-errors li").textContent`); !strings.HasPrefix(first, c.file) {
			t.Errorf("%s: the overlay starts with %q, want the page's own error (%s…)", c.page, first, c.file)
		}
	}
}

// A reader who goes from page to page in the preview keeps getting pages
// and live reload: a page the browser keeps for the back button closes its
// stream (browsers allow six connections to a host, which the streams of
// kept pages would use up), and going back to it reloads it, connected.
func TestServe_BrowserManyPages(t *testing.T) {
	dir := svSite(t)
	s := svStart(t, dir)
	ctx := svBrowser(t)
	for i := range 10 {
		page := []string{"guides/one/", "guides/two/"}[i%2]
		sbGo(t, ctx, s.url+page)
		svPoll(t, ctx, fmt.Sprintf("visit %d: the live-reload stream of %s", i+1, page), svConnected)
	}
	if err := chromedp.Do(ctx, chromedp.NavigateBack()); err != nil {
		t.Fatal(err)
	}
	svPoll(t, ctx, "the page gone back to, connected", `location.pathname === "/guides/one/" && `+svConnected)
	svWrite(t, filepath.Join(dir, "content", "guides", "one.md"), svPage("Guide one", "beta", "Edited after going back."))
	svPoll(t, ctx, "the edit to show on the page gone back to", `document.body && document.body.innerText.includes("Edited after going back.")`)
}
