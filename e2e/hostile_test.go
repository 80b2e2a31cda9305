package e2e

import (
	"bytes"
	"context"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"kb/builder"
	"kb/search"
	"kb/server"
)

// hostileFiles are playbooks written to run script in a reader's browser:
// every payload either sets window.__pwned or opens a dialog.
var hostileFiles = map[string]string{
	"site.yaml": `title: "KB <script>window.__pwned='site'</script>"
default_language: en
languages:
  - code: en
    name: English
  - code: nl
    name: Nederlands
tags: [alpha]
rules:
  broken-link: warning
`,
	"content/hostile.md": `---
title: "Hostile <script>window.__pwned='title'</script><img src=x onerror=\"window.__pwned='title-img'\">"
summary: "Summary <svg onload=\"window.__pwned='summary'\"></svg> <a href=javascript:alert('summary')>link</a>"
kind: symptom
signals: ["<img src=x onerror=\"window.__pwned='signal'\">", "<script>window.__pwned='signal2'</script>"]
impact: "<iframe srcdoc=\"<script>parent.__pwned='impact'</script>\"></iframe>"
remedies: [remedy.md]
tags: [alpha]
owner: "<b onmouseover=alert('owner')>team</b>"
---

## <img src=x onerror="window.__pwned='heading'"> Heading

## Attributes {onclick="window.__pwned='attr'" #safe-id}

<script>window.__pwned='raw'</script>
<img src=x onerror="window.__pwned='raw-img'">
<a href="javascript:window.__pwned='raw-a'">raw link</a>
<details open ontoggle="window.__pwned='toggle'"><summary>x</summary></details>
<svg onload="window.__pwned='raw-svg'"><script>window.__pwned='svg-script'</script></svg>
<iframe srcdoc="<script>parent.__pwned='raw-iframe'</script>"></iframe>
<style>body{display:none}</style>
<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a> <a href="&#106;avascript:window.__pwned='encoded'">enc</a>
<p style="position:fixed;inset:0" onmouseover="window.__pwned='style'">styled</p>
<math><mtext><table><mglyph><style><img src=x onerror="window.__pwned='mxss'">
<img srcset="javascript:alert('srcset') 1x" alt="s"> <a id="__pwned" name="__pwned">clobber</a>

<details>
<summary>Kept</summary>

Inside **details**.

</details></div></main></body><script>window.__pwned='breakout'</script>

[md link](javascript:window.__pwned='md-link') [mixed case](JaVaScRiPt:alert('case'))
[spaced]( javascript:alert('spaced'))
[vb](vbscript:msgbox) [data](data:text/html,<script>alert('data')</script>)
![img](javascript:alert('img')) ![svg](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)
<javascript:alert('autolink')> [ref link][r] [home](remedy.md "\" onmouseover=\"alert('title-attr')")

[r]: javascript:alert('ref')

> [!NOTE]
> <script>window.__pwned='callout'</script> **bold**

| <img src=x onerror=alert('cell')> | b |
|---|---|
| <script>alert('cell2')</script> | 2 |

- [ ] <img src=x onerror=alert('task')>

Footnote[^1].

[^1]: <script>alert('fn')</script>
`,
	"content/remedy.md": `---
title: "Remedy </title><script>window.__pwned='remedy-title'</script>"
translation_key: remedy
summary: "<style>body{display:none}</style><img src=x onerror=alert('remedy')>"
---

Back to [the symptom](hostile.md).
`,
	"content/remedie.md": `---
title: "Remedie <img src=x onerror=alert('nl')>"
lang: nl
translation_key: remedy
---

Terug naar [het symptoom](hostile.md).
`,
}

// probeOf is a JavaScript function of a document and a CSS selector that
// lists what in the document could run script or restyle it: set by a
// payload, an event-handler attribute, a script URL, a frame, a foreign or
// inline script, a style element or attribute, except style inside the
// elements that match the selector (a drawn diagram is made of them; ""
// or no selector allows none). Empty means nothing can.
const probeOf = `((document, styled) => {
  const bad = [];
  const mayStyle = (el) => !!styled && el.closest(styled) !== null;
  if (window.__pwned !== undefined) bad.push("window.__pwned = " + window.__pwned);
  for (const el of document.querySelectorAll("*")) {
    for (const a of el.attributes) {
      const v = a.value.replace(/[\u0000-\u0020]/g, "").toLowerCase();
      if (a.name.toLowerCase().startsWith("on")) bad.push(el.tagName + " has " + a.name + "=" + a.value);
      if (/^(javascript|vbscript|data:text|data:image\/svg)/.test(v)) bad.push(el.tagName + " " + a.name + "=" + a.value);
      if (a.name === "style" && !mayStyle(el)) bad.push(el.tagName + " has style=" + a.value);
    }
    if (["IFRAME", "FRAME", "OBJECT", "EMBED", "BASE"].includes(el.tagName)) bad.push(el.tagName + " element");
    if (el.tagName.toUpperCase() === "STYLE" && !mayStyle(el)) bad.push("STYLE element");
    if (el.tagName === "SCRIPT") {
      if (!el.src) { if (!/json/.test(el.type)) bad.push("inline script: " + el.textContent.slice(0, 80)); }
      else if (new URL(el.src).origin !== location.origin) bad.push("foreign script " + el.src);
    }
  }
  return bad;
})`

// probe is probeOf the current page, with no style allowed.
var probe = probeStyledIn("")

// probeStyledIn is probeOf the current page, with style allowed inside
// the elements that match the CSS selector styled.
func probeStyledIn(styled string) string {
	return probeOf + `(document, ` + jsString(styled) + `)`
}

// watchDialogs dismisses every dialog a page of ctx opens and returns a
// function listing their messages so far.
func watchDialogs(ctx context.Context) func() []string {
	var mu sync.Mutex
	var dialogs []string
	opening := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for e, err := range opening {
			if err != nil {
				return
			}
			mu.Lock()
			dialogs = append(dialogs, e.Message)
			mu.Unlock()
			// Dismissed from another goroutine than the one receiving events.
			go chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(dialogs)
	}
}

// TestHostileContent_NothingRuns builds a site of hostile playbooks, serves
// it through kb's server without its Content-Security-Policy (so only
// escaping stands between a payload and the reader) and opens every page,
// and the search page with results, in Chromium: no payload runs, no
// dialog opens, and the markup shows as text.
func TestHostileContent_NothingRuns(t *testing.T) {
	src := sourceTree(t, hostileFiles)
	dest := filepath.Join(t.TempDir(), "public")
	var kb http.Handler
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		kb.ServeHTTP(noCSP{w}, r)
	}))
	defer ts.Close()
	res, err := builder.Build(context.Background(), builder.Options{Source: src, Dest: dest, BaseURL: ts.URL + "/"})
	if err != nil {
		t.Fatalf("build: %v\n%v", err, res.Diagnostics)
	}
	var srv *server.Server
	srv, err = server.New(server.Options{Dir: dest, OpenIndex: true,
		Search: &search.Handler{Index: func() *search.Index { return srv.Index() }}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	kb = srv

	// Redirect pages (an old URL of a moved page) leave before they could
	// be probed: they are fetched and probed as inert documents instead.
	var pages, redirects []string
	err = filepath.WalkDir(dest, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".html") && !strings.HasPrefix(d.Name(), ".") {
			rel, _ := filepath.Rel(dest, p)
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if bytes.Contains(data, []byte(`http-equiv="refresh"`)) {
				redirects = append(redirects, strings.TrimSuffix(filepath.ToSlash(rel), "index.html"))
			} else {
				pages = append(pages, strings.TrimSuffix(filepath.ToSlash(rel), "index.html"))
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) < 10 {
		t.Fatalf("only %d pages built: %v", len(pages), pages)
	}

	ctx := tab(t)
	dialogs := watchDialogs(ctx)
	check := func(path string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/"+path)); err != nil {
			t.Fatalf("opening %s: %v", path, err)
		}
		for _, b := range eval[[]string](t, ctx, probe) {
			t.Errorf("/%s: %s", path, b)
		}
	}
	for _, p := range pages {
		check(p)
	}
	for _, p := range redirects {
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`fetch(`+jsString("/"+p)+`).then(r => r.text()).then(t => `+probeOf+`(new DOMParser().parseFromString(t, "text/html")))`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("probing the redirect page /%s: %v", p, err)
		}
		for _, b := range got {
			t.Errorf("/%s: %s", p, b)
		}
	}
	if len(redirects) == 0 {
		t.Error("no redirect page probed: the Dutch page's old URL should have one")
	}

	// The markup is there, as text.
	check("hostile/")
	if title := eval[string](t, ctx, `document.title`); !strings.Contains(title, "Hostile <script>window.__pwned='title'</script>") {
		t.Errorf("document title %q does not show the markup as text", title)
	}
	if h1 := eval[string](t, ctx, `document.querySelector("h1").textContent`); !strings.Contains(h1, `<img src=x onerror="window.__pwned='title-img'">`) {
		t.Errorf("heading %q does not show the markup as text", h1)
	}
	if body := eval[string](t, ctx, `document.body.textContent`); !strings.Contains(body, "<b onmouseover=alert('owner')>team</b>") {
		t.Error("the owner does not show as text")
	}

	// Raw HTML GitHub allows is kept, inside the page's text.
	if n := eval[int](t, ctx, `document.querySelectorAll("main details summary").length`); n < 2 {
		t.Errorf("%d <details> with a <summary> kept in the page's main element, want 2", n)
	}

	// Search results are built in the browser from the endpoint's answer.
	check("search/?q=hostile")
	waitFor(t, ctx, "search results", `document.querySelectorAll(".search-hit").length > 0`)
	for _, b := range eval[[]string](t, ctx, probe) {
		t.Errorf("search page with results: %s", b)
	}
	if hit := eval[string](t, ctx, `document.querySelector(".search-hit").textContent`); !strings.Contains(hit, "<script>") {
		t.Errorf("search hit %q does not show the markup as text", hit)
	}

	for _, d := range dialogs() {
		t.Errorf("a dialog opened: %q", d)
	}
}

// sourceTree writes a site's files (slash-separated path → content) into
// a fresh folder and returns it.
func sourceTree(t *testing.T, files map[string]string) string {
	t.Helper()
	src := t.TempDir()
	for name, data := range files {
		if err := os.MkdirAll(filepath.Join(src, filepath.Dir(name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(src, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return src
}

// noCSP drops the Content-Security-Policy header, which would otherwise
// block inline script whether or not kb escaped it.
type noCSP struct{ http.ResponseWriter }

func (w noCSP) WriteHeader(code int) {
	w.Header().Del("Content-Security-Policy")
	w.ResponseWriter.WriteHeader(code)
}

func (w noCSP) Write(b []byte) (int, error) {
	w.Header().Del("Content-Security-Policy")
	return w.ResponseWriter.Write(b)
}

func (w noCSP) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
