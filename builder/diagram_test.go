package builder

import (
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"kb/internal/layout"
	"kb/themes"
)

// TestDiagram_RendersAsDiagramElement: a ```mermaid block becomes the
// element the diagram script draws, its source escaped (markup in it is
// text), and no code element; other fenced blocks, "mermaid" as a word
// after another language and an indented block stay code.
func TestDiagram_RendersAsDiagramElement(t *testing.T) {
	got := body(t, map[string]string{"p.md": "# P\n\n```mermaid\nflowchart LR\n  A[\"<img src=x onerror=alert(1)>\"] --> B & C\n```\n\n" +
		"```go\nx := 1\n```\n\n```text mermaid\nnot a diagram\n```\n\n    mermaid\n    indented\n"})
	want := `<pre class="mermaid" tabindex="0">flowchart LR
  A[&quot;&lt;img src=x onerror=alert(1)&gt;&quot;] --&gt; B &amp; C
</pre>`
	if !strings.Contains(got, want) {
		t.Errorf("diagram not rendered as <pre class=\"mermaid\"> with its escaped source:\n%s", got)
	}
	if strings.Count(got, `class="mermaid"`) != 1 {
		t.Errorf("%d diagram elements, want 1:\n%s", strings.Count(got, `class="mermaid"`), got)
	}
	for _, want := range []string{`<code class="language-go">x := 1`, `<code class="language-text">not a diagram`, "<pre tabindex=\"0\"><code>mermaid\nindented"} {
		if !strings.Contains(got, want) {
			t.Errorf("code block lacks %q:\n%s", want, got)
		}
	}
	if bad := scriptable(got); len(bad) > 0 {
		t.Errorf("scriptable markup: %v", bad)
	}
}

// TestDiagram_ScriptOnlyOnPagesWithDiagrams builds a site where one page
// has a diagram: that page loads the mermaid script and the theme's
// diagram script and asks kb serve for inline styles; no other page of
// the site (lists, home, search, 404, the page without one) mentions them.
// A site without diagrams has neither script among its files.
func TestDiagram_ScriptOnlyOnPagesWithDiagrams(t *testing.T) {
	files := map[string]string{}
	for k, v := range fixture {
		files[k] = v
	}
	files["content/meetings/escalation.md"] = "---\ntitle: Escalation\nsummary: Who to call.\n---\n\n" +
		"```mermaid\nflowchart TD\n  Support --> Lead --> Director\n```\n"
	files["content/meetings/plain.md"] = "---\ntitle: Plain\nsummary: No diagram.\n---\n\n```js\nmermaid.run()\n```\n"
	_, plain := mustBuild(t, site(t, fixture))
	if m, _ := filepath.Glob(filepath.Join(plain, "assets", "*")); len(m) < 5 || slices.ContainsFunc(m, func(p string) bool {
		return strings.Contains(p, "mermaid") || strings.Contains(p, "diagrams")
	}) {
		t.Errorf("a site without diagrams has the assets %v", m)
	}
	res, dest := mustBuild(t, site(t, files))
	if res.Diagnostics.Errors() != 0 {
		t.Fatalf("errors: %s", diagStrings(res.Diagnostics))
	}
	asset := func(glob string) string {
		m, _ := filepath.Glob(filepath.Join(dest, "assets", glob))
		if len(m) != 1 {
			t.Fatalf("the output has %d assets %s", len(m), glob)
		}
		return "/kb/assets/" + filepath.Base(m[0])
	}
	mermaidJS, initJS := asset("mermaid.min.*.js"), asset("diagrams.*.js")
	asset("mermaid.LICENSE.txt")

	page := readFile(t, filepath.Join(dest, "meetings/escalation/index.html"))
	head, _, _ := strings.Cut(page, "</head>")
	for _, want := range []string{`<script src="` + mermaidJS + `" defer></script>`, `<script src="` + initJS + `" defer></script>`} {
		if !strings.Contains(head, want) {
			t.Errorf("the page with a diagram lacks %s in its head", want)
		}
	}
	if i := strings.Index(page, layout.InlineStylesMeta); i < 0 || i > layout.HeadLimit || i > len(head) {
		t.Errorf("the page with a diagram does not ask for inline styles in its first %d bytes (at %d)", layout.HeadLimit, i)
	}
	if strings.Index(head, mermaidJS) > strings.Index(head, initJS) {
		t.Error("the diagram script runs before mermaid is loaded")
	}
	if !strings.Contains(page, `<pre class="mermaid" tabindex="0">flowchart TD`) {
		t.Error("the diagram is not in the page")
	}

	pages := 0
	err := filepath.WalkDir(dest, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") || strings.HasSuffix(p, filepath.FromSlash("meetings/escalation/index.html")) {
			return err
		}
		pages++
		html := readFile(t, p)
		for _, not := range []string{"assets/mermaid", "assets/diagrams", layout.InlineStylesMeta, "kb-inline-styles"} {
			if strings.Contains(html, not) {
				t.Errorf("%s, without a diagram, mentions %q", p, not)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if pages < 15 {
		t.Errorf("only %d other pages checked", pages)
	}
}

// openCounter is a file system that counts the opens of each file.
type openCounter struct {
	fs.FS
	mu    sync.Mutex
	opens map[string]int
}

func (c *openCounter) Open(name string) (fs.File, error) {
	c.mu.Lock()
	c.opens[name]++
	c.mu.Unlock()
	return c.FS.Open(name)
}

func (c *openCounter) count(name string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.opens[name]
}

// TestDiagram_AssetsReadWhenUsed: loading a theme reads none of the
// diagram assets (mermaid.min.js is 5.5 MB); the first page that shows a
// diagram reads each once, with the same fingerprint as a full read, and
// the output then lists them.
func TestDiagram_AssetsReadWhenUsed(t *testing.T) {
	fsys := &openCounter{FS: themes.Default(), opens: map[string]int{}}
	th, err := LoadTheme(fsys)
	if err != nil {
		t.Fatal(err)
	}
	for name := range diagramAssets {
		if n := fsys.count("static/" + name); n != 0 {
			t.Errorf("loading the theme opened static/%s %d times", name, n)
		}
		if _, ok := th.Assets[name]; ok {
			t.Errorf("%s is among the assets every site writes", name)
		}
	}
	if n := fsys.count("static/style.css"); n != 1 {
		t.Errorf("static/style.css opened %d times, want 1", n)
	}
	v := &View{theme: th, Site: &Site{Config: &Config{}}}
	for range 2 {
		got, err := v.Asset("mermaid.min.js")
		if err != nil {
			t.Fatal(err)
		}
		data, err := fs.ReadFile(themes.Default(), "static/mermaid.min.js")
		if err != nil {
			t.Fatal(err)
		}
		if want := assetPath("mermaid.min.js", data); !strings.HasSuffix(got, want) {
			t.Errorf("Asset(mermaid.min.js) = %q, want a link ending in %q", got, want)
		}
	}
	if n := fsys.count("static/mermaid.min.js"); n != 1 {
		t.Errorf("two pages with diagrams opened static/mermaid.min.js %d times, want 1", n)
	}
}
