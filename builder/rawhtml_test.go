package builder

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// scriptable lists what in body could run script or restyle the page once
// a browser parses it: script-running or foreign elements, event handlers,
// style attributes and script URLs.
func scriptable(body string) []string {
	var bad []string
	z := html.NewTokenizer(strings.NewReader(body))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return bad
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		t := z.Token()
		switch t.Data {
		case "script", "style", "iframe", "frame", "object", "embed", "svg", "math", "form", "textarea", "button",
			"select", "base", "link", "meta", "template", "noscript", "xmp", "plaintext", "applet", "audio", "video":
			bad = append(bad, "element "+t.String())
		case "input":
			if attrOf(t, "type") != "checkbox" || !hasAttr(t, "disabled") {
				bad = append(bad, "element "+t.String())
			}
		}
		for _, a := range t.Attr {
			switch {
			case strings.HasPrefix(a.Key, "on"), a.Key == "style", a.Key == "formaction", a.Key == "action", a.Key == "srcdoc":
				bad = append(bad, "attribute "+a.Key+" in "+t.String())
			case a.Key == "href" || a.Key == "src" || a.Key == "srcset" || a.Key == "cite" || a.Key == "poster":
				if scriptURL.MatchString(browserURL(a.Val)) {
					bad = append(bad, "script URL in "+t.String())
				}
			}
		}
	}
}

func attrOf(t html.Token, key string) string {
	for _, a := range t.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(t html.Token, key string) bool {
	for _, a := range t.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

// body loads a site of one page p.md (and other.md) and returns p's body.
func body(t *testing.T, files map[string]string) string {
	t.Helper()
	files["other.md"] = "# Other\n\n## Section\n"
	site, _ := loadFS(t, files)
	if site == nil || site.PageByPath("p.md") == nil {
		t.Fatal("p.md not loaded")
	}
	return string(site.PageByPath("p.md").Body)
}

// TestRawHTML_Hostile feeds raw HTML that tries to run script, restyle the
// page or break out of the body: nothing of that survives, and what is
// harmless around it is kept.
func TestRawHTML_Hostile(t *testing.T) {
	for _, c := range []struct{ name, md, keep string }{
		{"script block", "<script>alert(1)</script>\n", ``},
		{"script inline", "text <script>alert(1)</script> text\n", ``},
		{"script src", "<script src=\"x.js\"></script>\n", ``},
		{"onerror", "<img src=x onerror=alert(1)>\n", ``},
		{"onerror inline", "see <img src=\"x.png\" alt=\"a\" onerror=\"alert(1)\"> here\n", `<img src="x.png" alt="a"/>`},
		{"javascript href", "<a href=\"javascript:alert(1)\">x</a>\n", `<p>x</p>`},
		{"encoded javascript", "<a href=\"&#106;avascript:alert(1)\">x</a> <a href=\"&#x6A;&#x61;vascript:alert(1)\">y</a> <a href=\"jav&#x09;ascript:alert(1)\">z</a>\n", ``},
		{"mixed case scheme", "<a href=\"JaVaScRiPt:alert(1)\">x</a> <img src=\" javascript:alert(1)\" alt=a>\n", `<img alt="a"/>`},
		{"vbscript", "<a href=\"vbscript:msgbox(1)\">x</a>\n", ``},
		{"data html", "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>\n", ``},
		{"data svg image", "<img src=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+\" alt=a>\n", ``},
		{"svg onload", "<svg onload=alert(1)><circle r=1 /></svg>\n", ``},
		{"svg inline", "x <svg><script>alert(1)</script></svg> y\n", ``},
		{"math", "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>\n", ``},
		{"iframe", "<iframe src=\"https://evil.example/\"></iframe>\n", ``},
		{"iframe srcdoc", "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>\n", ``},
		{"style element", "<style>body{display:none}</style>\n", ``},
		{"style attribute", "<p style=\"position:fixed;top:0\">x</p> <span style=\"color:red\">y</span>\n", `<p>x</p> <span>y</span>`},
		{"object embed", "<object data=\"x.swf\"></object><embed src=\"x.swf\">\n", ``},
		{"form", "<form action=\"https://evil.example/\"><input name=p><button formaction=\"javascript:alert(1)\">go</button></form>\n", ``},
		{"details ontoggle", "<details open ontoggle=alert(1)><summary>x</summary>y</details>\n", `<details open=""><summary>x</summary>y</details>`},
		{"base and meta", "<base href=\"https://evil.example/\"><meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\"><link rel=stylesheet href=x.css>\n", ``},
		{"comment breakout", "<!-- --><script>alert(1)</script> -->\n", ``},
		{"split attribute", "<div title=\"\n\n\" onmouseover=alert(1)>x</div>\n", ``},
		{"noscript mutation", "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">\n", ``},
		{"textarea breakout", "<textarea><img src=x onerror=alert(1)></textarea>\n", ``},
		{"srcset script", "<img srcset=\"javascript:alert(1) 1x\" alt=a> <picture><source srcset=\"data:image/svg+xml,x\"><img src=\"x.png\" alt=a></picture>\n", `<img src="x.png" alt="a"/></picture>`},
		{"template", "<template><img src=x onerror=alert(1)></template>\n", ``},
		{"closing containers", "</div></div></article></main></body><script>alert(1)</script>\n", ``},
		{"unclosed anchor", "<a href=\"https://example.com/\">swallow\n", `<a href="https://example.com/">swallow`},
		{"div across list items", "- <div>a\n- b</div></div>\n", ``},
		{"unclosed details", "<details><summary>s</summary>\n\nrest\n", `<summary>s</summary>`},
		{"inline event in kbd", "<kbd onclick=alert(1)>Ctrl</kbd>\n", `<kbd>Ctrl</kbd>`},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := body(t, map[string]string{"p.md": "# P\n\n" + c.md + "\nafter\n"})
			if !strings.Contains(b, c.keep) || !strings.Contains(b, "<p>after</p>") {
				t.Errorf("want %q and the text after kept in\n%s", c.keep, b)
			}
			for _, bad := range scriptable(b) {
				t.Errorf("%s\n%s", bad, b)
			}
			for _, s := range []string{"alert(1)</script>", "<script", "<iframe", "<style", "<svg", "<math", "<object", "<embed", "<form", "<base"} {
				if strings.Contains(b, s) {
					t.Errorf("body contains %q:\n%s", s, b)
				}
			}
			if !contained(t, b) {
				t.Errorf("body leaks out of its container:\n%s", b)
			}
		})
	}
}

// contained reports whether body, which ends in the paragraph "after", put
// inside a <div> followed by a marker, ends inside that div: no end tag of
// it closes the container, and nothing of it is left open to swallow the
// marker.
func contained(t *testing.T, body string) bool {
	doc, err := html.Parse(strings.NewReader(`<!DOCTYPE html><main><div id="wrap">` + body + `</div><p id="marker">marker</p></main>`))
	if err != nil {
		t.Fatal(err)
	}
	var wrap, marker, after *html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.ElementNode && attrOf(html.Token{Attr: n.Attr}, "id") == "wrap":
			wrap = n
		case n.Type == html.ElementNode && attrOf(html.Token{Attr: n.Attr}, "id") == "marker":
			marker = n
		case n.Type == html.TextNode && n.Data == "after":
			after = n
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if wrap == nil || marker == nil || after == nil || marker.Parent != wrap.Parent || marker.Parent.Data != "main" {
		return false
	}
	for p := after.Parent; p != nil; p = p.Parent {
		if p == wrap {
			return true
		}
	}
	return false
}

// TestRawHTML_GitHubElements checks that the raw HTML GitHub READMEs use is
// kept as GitHub keeps it.
func TestRawHTML_GitHubElements(t *testing.T) {
	for _, c := range []struct{ md, want string }{
		{"<details>\n<summary>More</summary>\n\nSome **text**.\n\n</details>\n", "<details>\n<summary>More</summary>\n<p>Some <strong>text</strong>.</p>\n</details>"},
		{"<details open>\n<summary>Open</summary>\n\n- a\n- b\n\n</details>\n", `<details open="">`},
		{"Press <kbd>Ctrl</kbd>+<kbd>C</kbd>\n", "Press <kbd>Ctrl</kbd>+<kbd>C</kbd>"},
		{"x<sup>2</sup> H<sub>2</sub>O\n", "x<sup>2</sup> H<sub>2</sub>O"},
		{"line<br>break\n", "line<br/>break"},
		{"<b>b</b> <i>i</i> <strong>s</strong> <em>e</em> <del>d</del> <ins>n</ins> <s>s</s> <mark>m</mark>\n", "<b>b</b> <i>i</i> <strong>s</strong> <em>e</em> <del>d</del> <ins>n</ins> <s>s</s> <mark>m</mark>"},
		{"<p align=\"center\">\n<img src=\"https://example.com/logo.png\" width=\"120\" height=\"40\" alt=\"Logo\" title=\"Our logo\">\n</p>\n", `<p align="center">` + "\n" + `<img src="https://example.com/logo.png" width="120" height="40" alt="Logo" title="Our logo"/>`},
		{"<a href=\"https://example.com/\" title=\"Ex\">site</a> <a name=\"top\" id=\"top\"></a>\n", `<a href="https://example.com/" title="Ex">site</a> <a id="top" name="top"></a>`},
		{"<table>\n<thead><tr><th align=\"left\">A</th></tr></thead>\n<tbody><tr><td colspan=\"2\" rowspan=\"1\">1</td></tr></tbody>\n</table>\n", `<th align="left">A</th>`},
		{"<table>\n<tr><td colspan=\"2\">1</td></tr>\n</table>\n", `<td colspan="2">1</td>`},
		{"<div>\n<span>s</span>\n</div>\n", "<div>\n<span>s</span>\n</div>"},
		{"<h3>Title</h3>\n", "<h3>Title</h3>"},
		{"<ul><li>a</li></ul><ol start=\"3\"><li>c</li></ol><dl><dt>t</dt><dd>d</dd></dl>\n", `<ul><li>a</li></ul><ol start="3"><li>c</li></ol><dl><dt>t</dt><dd>d</dd></dl>`},
		{"<blockquote>q</blockquote>\n", "<blockquote>q</blockquote>"},
		{"<pre><code>x &lt; y</code></pre>\n", "<pre><code>x &lt; y</code></pre>"},
		{"<picture>\n<source media=\"(prefers-color-scheme: dark)\" srcset=\"https://example.com/d.png\">\n<img src=\"https://example.com/l.png\" alt=\"L\">\n</picture>\n", `<source media="(prefers-color-scheme: dark)" srcset="https://example.com/d.png"/>`},
		{"<abbr title=\"HyperText\">HTML</abbr> <q>q</q> <cite>c</cite>\n", `<abbr title="HyperText">HTML</abbr> <q>q</q> <cite>c</cite>`},
		{"<figure>\n<img src=\"https://example.com/f.png\" alt=\"F\">\n<figcaption>Cap</figcaption>\n</figure>\n", "<figcaption>Cap</figcaption>\n</figure>"},
		{"<ruby>漢<rt>kan</rt></ruby>\n", "<ruby>漢<rt>kan</rt></ruby>"},
		{"<hr>\n", "<hr/>"},
		{"<p class=\"x\" style=\"color:red\" id=\"main\">kept, no class, style or id</p>\n", "<p>kept, no class, style or id</p>"},
	} {
		b := body(t, map[string]string{"p.md": c.md})
		if !strings.Contains(b, c.want) {
			t.Errorf("%q:\nwant %q in\n%s", c.md, c.want, b)
		}
	}
}

// TestRawHTML_Links checks that src and href in raw HTML are resolved like
// Markdown links: rewritten to the published URL, images copied, broken
// ones reported where they are written, with and without unsafe_html.
func TestRawHTML_Links(t *testing.T) {
	for _, cfg := range []string{"title: Raw\n", "title: Raw\nmarkdown:\n  unsafe_html: true\n"} {
		page := "# P\n\n<p align=\"center\"><img src=\"images/x.png\" alt=\"X\" width=\"40\"></p>\n\n" +
			"See <a href=\"other.md#Heading\">other</a> and <a href=\"https://example.com/x.md\">out</a>.\n\n" +
			"<picture><source srcset=\"images/x.png 1x, images/x.png 2x\"><img src=\"images/x.png\" alt=\"X\"></picture>\n"
		src := site(t, map[string]string{"site.yaml": cfg, "content/p.md": page, "content/other.md": "# Other\n\n## Heading\n", "content/images/x.png": "png"})
		_, dest := mustBuild(t, src)
		out := readFile(t, filepath.Join(dest, "p/index.html"))
		for _, want := range []string{`src="/images/x.png"`, `href="/other/#heading"`, `href="https://example.com/x.md"`, `srcset="/images/x.png 1x, /images/x.png 2x"`} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: want %s in\n%s", cfg, want, out)
			}
		}
		if _, err := os.Stat(filepath.Join(dest, "images/x.png")); err != nil {
			t.Errorf("%s: image not copied: %v", cfg, err)
		}

		writeFile(t, filepath.Join(src, "content/p.md"), page+"\ntext\n\n  <img src=\"images/missing.png\" alt=\"M\">\n\nand <a href=\"other.md#nowhere\">x</a>\n")
		res, _, err := build(t, src)
		if err == nil {
			t.Fatalf("%s: broken raw links built", cfg)
		}
		got := diagStrings(res.Diagnostics)
		for _, want := range []string{
			`p.md:11:3: error: broken link "images/missing.png": no such file [broken-link]`,
			`p.md:13:5: error: broken link "other.md#nowhere": other.md has no heading #nowhere [broken-anchor]`,
		} {
			if !strings.Contains(got, want) {
				t.Errorf("%s: want %s in\n%s", cfg, want, got)
			}
		}
	}
}
