package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"kb/builder"
)

// layoutFacts is what the browser reports about a rendered page.
type layoutFacts struct {
	Lang       string
	H1         []string
	Main       int
	Skip       string
	Crumbs     int
	Current    []string // hrefs of sidebar links marked aria-current=page
	Search     bool
	Footer     bool
	TOC        []string
	Checkboxes int
	Remedies   int
	Agenda     []string
	Columns    []string
	UseFor     int
	Steps      int
	Progress   float64
	Cards      int
	Relations  []string
	Edit       bool
	Pager      int
	Title      string
}

const factsJS = `(() => {
  const q = s => document.querySelector(s), qa = s => Array.from(document.querySelectorAll(s));
  return {
    Lang: document.documentElement.lang,
    H1: qa("h1").map(h => h.textContent.trim()),
    Main: qa("main").length,
    Skip: (q(".skip") || {}).hash || "",
    Crumbs: qa(".crumbs li").length,
    Current: qa(".sidebar [aria-current=page]").map(a => new URL(a.href).pathname),
    Search: !!q("input#q[role=combobox][aria-controls=search-results]") && !!q("#search-results[role=listbox]"),
    Footer: !!q("body > footer"),
    TOC: qa(".toc a").map(a => a.hash),
    Checkboxes: qa(".checklist input[type=checkbox]").length,
    Remedies: qa(".remedies .card a[href]").length,
    Agenda: qa(".agenda li:not(.end) .at").map(e => e.textContent),
    Columns: qa(".channel .columns > section h2").map(h => h.id),
    UseFor: qa(".use-for li").length,
    Steps: qa(".timeline .step").length,
    Progress: q("progress") ? q("progress").value : -1,
    Cards: qa(".cards .card").length,
    Relations: qa(".relations h2").map(h => h.id),
    Edit: !!q(".page-info a[href*='/edit/']"),
    Pager: qa(".pager a").length,
    Title: document.title,
  };
})()`

// TestPageTypes opens one page of every type and checks that its layout and
// its kind's structured fields render, without CSP violations or script
// errors.
func TestPageTypes(t *testing.T) {
	ctx := tab(t)
	for _, pt := range pageTypes(t) {
		t.Run(pt.name, func(t *testing.T) {
			open(t, ctx, pt.path)
			f := eval[layoutFacts](t, ctx, factsJS)
			pageProblems(t, ctx, pt.path)
			if len(f.H1) != 1 || f.H1[0] == "" {
				t.Errorf("want one non-empty h1, got %q", f.H1)
			}
			if f.Main != 1 || f.Skip != "#main" || !f.Search || !f.Footer {
				t.Errorf("page frame incomplete: main=%d skip=%q search box=%v footer=%v", f.Main, f.Skip, f.Search, f.Footer)
			}
			if !strings.HasPrefix(pt.name, "home") && f.Crumbs == 0 {
				t.Error("no breadcrumbs")
			}
			if !strings.HasSuffix(f.Title, site.Config.Title) {
				t.Errorf("title %q does not end in the site's title", f.Title)
			}
			if p := pt.page; p != nil {
				checkPage(t, pt, p, f)
			}
			switch pt.name {
			case "kind", "tag", "section", "section-nl", "owner":
				if f.Cards == 0 {
					t.Error("list page shows no cards")
				}
			case "404":
				if f.Lang != site.Config.DefaultLanguage {
					t.Errorf("404 lang=%q", f.Lang)
				}
			}
			if pt.name == "kind" || pt.name == "tags" || pt.name == "owners" || pt.name == "review" {
				if !contains(f.Current, "/kb"+pt.path) {
					t.Errorf("sidebar marks %q as current, want %s", f.Current, pt.path)
				}
			}
		})
	}
}

func checkPage(t *testing.T, pt pageType, p *builder.Page, f layoutFacts) {
	t.Helper()
	if f.Lang != p.Lang {
		t.Errorf("html lang=%q, page is %q", f.Lang, p.Lang)
	}
	if !p.IsIndex && !contains(f.Current, "/kb"+p.URL) {
		t.Errorf("sidebar marks %q as current, want %s", f.Current, p.URL)
	}
	if p.IsPlaybook() {
		if !f.Edit {
			t.Error("no edit link in the page footer")
		}
		if len(p.Related) > 0 && !contains(f.Relations, "rel-title") {
			t.Error("related playbooks missing")
		}
		if len(p.Backlinks) > 0 && !contains(f.Relations, "bl-title") {
			t.Error("backlinks missing")
		}
		if len(p.Translations) > 0 && !contains(f.Relations, "tr-title") {
			t.Error("translation link missing")
		}
	}
	for _, h := range p.Headings {
		if !p.IsIndex && h.Level == 2 && !contains(f.TOC, "#"+h.ID) {
			t.Errorf("table of contents lacks #%s (has %q)", h.ID, f.TOC)
		}
	}
	switch p.Kind {
	case "symptom":
		signals, _ := p.Fields["signals"].([]string)
		remedies, _ := p.Fields["remedies"].([]builder.PageRef)
		if f.Checkboxes != len(signals) || f.Remedies != len(remedies) || len(signals) == 0 {
			t.Errorf("symptom: %d checkboxes for %d signals, %d remedy cards for %d remedies", f.Checkboxes, len(signals), f.Remedies, len(remedies))
		}
	case "meeting-format":
		agenda, _ := p.Fields["agenda"].([]builder.AgendaItem)
		want, at := []string{}, 0
		for _, a := range agenda {
			want = append(want, fmt.Sprintf("%d:%02d", at/60, at%60))
			at += a.Minutes
		}
		if strings.Join(f.Agenda, " ") != strings.Join(want, " ") || len(want) == 0 {
			t.Errorf("agenda start times %q, want %q", f.Agenda, want)
		}
	case "channel-agreement":
		useFor, _ := p.Fields["use_for"].([]string)
		if strings.Join(f.Columns, " ") != "channel-use-for channel-not-for channel-response-time" || f.UseFor != len(useFor) {
			t.Errorf("channel columns %q with %d use-for items, want 3 columns and %d", f.Columns, f.UseFor, len(useFor))
		}
	case "tool-rollout":
		steps, _ := p.Fields["steps"].([]builder.Step)
		done := 0
		for _, s := range steps {
			if s.Status == "done" {
				done++
			}
		}
		if f.Steps != len(steps) || int(f.Progress) != done {
			t.Errorf("rollout shows %d steps and progress %v, want %d and %d", f.Steps, f.Progress, len(steps), done)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

type axeResult struct {
	ID     string
	Impact string
	Help   string
	Nodes  []struct {
		Target  []any
		Summary string `json:"failureSummary"`
	}
}

// TestAccessibility runs axe-core on every page type in the light and the
// dark scheme and wants zero violations.
func TestAccessibility(t *testing.T) {
	ctx := tab(t)
	for _, scheme := range []string{"light", "dark"} {
		setScheme(t, ctx, scheme)
		for _, pt := range pageTypes(t) {
			t.Run(scheme+"/"+pt.name, func(t *testing.T) {
				open(t, ctx, pt.path)
				for _, v := range axeViolations(t, ctx) {
					t.Errorf("%s: %s", pt.path, v)
				}
			})
		}
	}
}

// axeCheck runs axe-core on the page open in ctx and fails the test for
// every violation it finds.
func axeCheck(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	for _, v := range axeViolations(t, ctx) {
		t.Errorf("%s: %s", what, v)
	}
}

// axeViolations runs axe-core on the page open in ctx and lists what it
// finds wrong, one line per element.
func axeViolations(t *testing.T, ctx context.Context) []string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(repoRoot, "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		t.Fatalf("axe-core is missing: run `npm ci` at the repository root (%v)", err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](string(src))); err != nil {
		t.Fatal(err)
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](`axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations)`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	var vs []axeResult
	if err := json.Unmarshal(raw, &vs); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, v := range vs {
		for _, n := range v.Nodes {
			out = append(out, fmt.Sprintf("%s (%s) at %v: %s", v.ID, v.Impact, n.Target, n.Summary))
		}
	}
	return out
}

// TestPhoneWidth loads every page type in a 360 px wide phone viewport and
// wants nothing wider than the screen.
func TestPhoneWidth(t *testing.T) {
	ctx := tab(t)
	viewport(t, ctx, 360, 740)
	for _, pt := range pageTypes(t) {
		t.Run(pt.name, func(t *testing.T) {
			open(t, ctx, pt.path)
			w := eval[struct {
				Scroll, Client int
				Widest         []string
			}](t, ctx, `(() => {
  const vw = document.documentElement.clientWidth;
  const wide = Array.from(document.querySelectorAll("body *")).filter(e => e.getBoundingClientRect().right > vw + 1)
    .map(e => e.tagName.toLowerCase() + (e.className ? "." + String(e.className).split(" ").join(".") : "") + " right=" + Math.round(e.getBoundingClientRect().right));
  return {Scroll: document.documentElement.scrollWidth, Client: vw, Widest: wide.slice(0, 5)};
})()`)
			if w.Scroll > w.Client {
				t.Errorf("page scrolls sideways: %d px content in a %d px viewport; too wide: %q", w.Scroll, w.Client, w.Widest)
			}
		})
	}
}

// TestScreenshots writes full-page screenshots of the home page and one page
// of each kind, light and dark, desktop and phone, for a reviewer to look at.
func TestScreenshots(t *testing.T) {
	dir := filepath.Join(artifacts, "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var shots []pageType
	for _, pt := range pageTypes(t) {
		switch pt.name {
		case "home", "symptom", "meeting-format", "channel-agreement", "tool-rollout", "kind":
			shots = append(shots, pt)
		}
	}
	ctx := tab(t)
	for _, size := range []struct {
		name string
		w, h int64
	}{{"desktop", 1280, 900}, {"phone", 360, 740}} {
		viewport(t, ctx, size.w, size.h)
		for _, scheme := range []string{"light", "dark"} {
			setScheme(t, ctx, scheme)
			for _, pt := range shots {
				open(t, ctx, pt.path)
				png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
				if err != nil {
					t.Fatal(err)
				}
				name := fmt.Sprintf("%s-%s-%s.png", pt.name, scheme, size.name)
				if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
					t.Fatal(err)
				}
				if len(png) < 10_000 {
					t.Errorf("%s is only %d bytes", name, len(png))
				}
			}
		}
	}
	// The print stylesheet's handout of a symptom.
	viewport(t, ctx, 800, 1100)
	setScheme(t, ctx, "dark")
	for _, pt := range shots {
		if pt.name != "symptom" {
			continue
		}
		open(t, ctx, pt.path)
		if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
			t.Fatal(err)
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "symptom-print.png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("screenshots in %s", dir)
}
