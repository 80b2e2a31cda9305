package builder

import (
	"bytes"
	"context"
	"html"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	xhtml "golang.org/x/net/html"

	"kb/internal/config"
	"kb/themes"
)

// A published body is checked by parsing it (scriptable in rawhtml_test.go):
// raw HTML is kept, so text in attribute values may look like markup.
var (
	// scriptURL is a URL a browser runs or renders as a document, once
	// entities are decoded and the tabs, newlines and spaces it ignores
	// are gone.
	scriptURL = regexp.MustCompile(`^(?i)((javascript|vbscript|livescript|file):|data:(text|image/svg|application))`)
)

// browserURL is an attribute value as a browser reads it as a URL.
func browserURL(attr string) string {
	return strings.Map(func(r rune) rune {
		if r <= ' ' {
			return -1
		}
		return r
	}, html.UnescapeString(attr))
}

// loadFS loads a site from an in-memory folder and renders the page bodies.
func loadFS(t testing.TB, files map[string]string) (*Site, Diagnostics) {
	m := fstest.MapFS{}
	for name, data := range files {
		m[name] = &fstest.MapFile{Data: []byte(data), Mode: 0o644}
	}
	site, _, diags, err := Load(context.Background(), Options{SourceFS: m, Now: testNow})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if site != nil {
		site.renderBodies()
	}
	return site, diags
}

// FuzzPage parses arbitrary page sources (front matter and Markdown with
// links to another page) and checks that nothing panics, that every problem
// is a located diagnostic, and that a published body never carries markup
// that could run script.
func FuzzPage(f *testing.F) {
	for _, seed := range []string{
		"---\ntitle: X\n---\n# Hello\n",
		"---\n!%2D%2D%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E foo\n---\nbody\n",
		"---\ntitle: [unclosed\n---\n",
		"---\nkind: symptom\ntitle: T\nsignals: [a]\nimpact: b\nremedies: [other.md]\n---\n[x](other.md#section)\n",
		"[a](javascript:alert(1)) <script>x</script> ![i](data:image/svg+xml;base64,PHN2Zz4=)",
		"> [!WARNING]\n> careful\n\n## Heading {#custom}\n\n[^1]\n\n[^1]: note\n",
		"Term\n: definition\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [ ] task\n",
		"[up](../../x.md) [enc](%2e%2e/x.md) [win](..\\x.md) [abs](/other.md)",
		"[e](&#106;avascript:alert(1)) [t](java\tscript:x) [n](<java\nscript:x>) <jAvAsCrIpT:alert(1)> [f](file:///etc/passwd) [d](data:text/html;base64,PHNjcmlwdD4=)",
		"[r][1]\n\n[1]: &#x6A;avascript:alert(1)\n\n![i](&#x20;javascript:x)",
		"---\na: &a [1,2]\nb: [*a,*a]\n---\n",
		"<details open ontoggle=alert(1)><summary>s</summary>\n\n*md*\n\n</details></div></article><script>alert(1)</script>",
		"<img src=x onerror=alert(1)> <a href=\"&#106;avascript:alert(1)\">a</a> <img src=\"other.md\" srcset=\"x.png 1x, javascript:y 2x\">",
		"<svg onload=alert(1)><math><style><img src=x onerror=alert(1)></style></math></svg> <iframe srcdoc=x></iframe>",
		"<a href=\"other.md#section\">o</a> <p style=\"x\" title=\"\n\n\" onclick=y>t</p> <picture><source srcset=\"other.md\"></picture>",
		"---\nredirect_from: /old/\nsubtitle: S\ndescription: D\n---\n50{%} off {% include x.html %} {{ page.title }} [a]({{ site.baseurl }}/other/)\n",
		"{% highlight html %}<script>alert(1)</script>{% endhighlight %}\n{% raw %}<img src=x onerror=alert(1)>{% endraw %}\n[o]({% link other.md %})",
		"```mermaid\nflowchart LR\n  A[\"<img src=x onerror=alert(1)>\"] --> B\n  click A call alert(1)\n```\n```mermaid\n</pre><script>alert(1)</script>\n```",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, src string) {
		site, diags := loadFS(t, map[string]string{"p.md": src, "other.md": "# Other\n\n## Section\n"})
		for _, d := range diags {
			if d.File == "" || d.Message == "" || d.Severity == "" || d.Rule == "" {
				t.Fatalf("diagnostic without location or message: %+v", d)
			}
		}
		if site == nil {
			return
		}
		p := site.PageByPath("p.md")
		if p == nil {
			return
		}
		if bad := scriptable(string(p.Body)); len(bad) > 0 {
			t.Fatalf("body could run script (%s):\n%s", strings.Join(bad, "; "), p.Body)
		}
		if strings.Contains(string(p.Body), "<!-- yaml") {
			t.Fatalf("body carries goldmark-meta's error comment:\n%s", p.Body)
		}
		if !utf8.ValidString(string(p.Body)) {
			t.Fatal("body is not valid UTF-8")
		}
	})
}

// FuzzGitHubSlug checks heading IDs are non-empty after uniqueID, contain no
// spaces or markup characters, and are stable.
func FuzzGitHubSlug(f *testing.F) {
	for _, s := range []string{"Hello World", "Coördinatie & overleg", "Wat gaat er mis?", "🎉", "a  b", "<script>", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id := GitHubSlug(s)
		if strings.ContainsAny(id, " <>\"'&#%/\\?") {
			t.Fatalf("GitHubSlug(%q) = %q has unsafe characters", s, id)
		}
		if id != strings.ToLower(id) && utf8.ValidString(s) {
			t.Fatalf("GitHubSlug(%q) = %q is not lower case", s, id)
		}
		if GitHubSlug(id) != id && utf8.ValidString(s) {
			t.Fatalf("GitHubSlug not idempotent: %q → %q → %q", s, id, GitHubSlug(id))
		}
		if uniqueID(id, map[string]bool{}) == "" {
			t.Fatal("empty ID")
		}
	})
}

// FuzzPageURL checks that whatever a file is called, its URL maps to an
// output path inside the output folder.
func FuzzPageURL(f *testing.F) {
	for _, s := range []string{"a/b.md", "README.md", "x/index.md", "a b/c d.nl.md", "../x.md", "a\\..\\b.md", "%2e%2e/x.md", "ü/ë.md", "🎉.md", ".md"} {
		f.Add(s)
	}
	cfg := config.Default()
	f.Fuzz(func(t *testing.T, p string) {
		if !IsMarkdown(p) || !utf8.ValidString(p) {
			return
		}
		u, _, _, _, err := pageURL(path.Clean(p), cfg)
		if err != nil {
			return
		}
		if !strings.HasPrefix(u, "/") || !strings.HasSuffix(u, "/") {
			t.Fatalf("URL %q of %q", u, p)
		}
		if out := outPath(u); !isSafeOutPath(out) {
			t.Fatalf("%q → URL %q → unsafe output path %q", p, u, out)
		}
	})
}

// FuzzLiquid runs the Liquid pre-pass over arbitrary pages, the body
// starting anywhere: it never panics, leaves the front matter as it is,
// keeps every line where it was (as many newlines come out as went in),
// notes only offsets inside the body, leaves a body without "{%" or "{{"
// as it is, and keeps valid UTF-8 valid.
func FuzzLiquid(f *testing.F) {
	for _, seed := range []string{
		"Before\n{% comment %}\nsecret\n{% endcomment %}\nAfter\n",
		"{% raw %}\n{{ page.title }} and {% if x %}\n{% endraw %}\n",
		"[About]({{ site.baseurl }}/about/) [x]({{site.url}}{{site.baseurl}}/x/)\n",
		`[A]({{ "/about/" | relative_url }}) [B]({{ '/b' | absolute_url | upcase }})` + "\n",
		"[Guide]({% link docs/guide/setup.md %}) [News]({% post_url 2020-01-01-launch %}) {% link {{x}} %}\n",
		"A\n{% include note.html\n   content=\"x\" %}\nB\n{% if site.x %}\nShown\n{% else %}\n{% endif %}\n",
		"{% highlight ruby %}\nputs {{ x }}\n{% endhighlight %}\n{% highlight %}x{% endhighlight %}",
		"Write `{{ site.baseurl }}` or ``{% raw %}``.\n```liquid\n{% include x.html %}\n```\n",
		"- step\n  ~~~\n  {% comment %}\n  ~~~\n> ```\n> {{ x }}\n",
		"Dear {{ name of customer }}, {{ }} and 50{% off. {%- comment -%}x{%- endcomment -%}",
		"{% comment %} never closed\n\n{% raw %} never closed {{ x }}\n{% highlight go %}\nx\n",
		"{{ \"ü\" | relative_url }}{% link ü/ë.md %}{% link a\nb %}{{ 'x' | relative_url:\n }}",
		"---\ntitle: \"{{ site.title }}\"\n---\n{{ site.title }}\n",
	} {
		f.Add(seed, uint16(0))
	}
	f.Fuzz(func(t *testing.T, src string, at uint16) {
		start := int(at) % (len(src) + 1)
		out, notes := liquid([]byte(src), start, "docs/p.md")
		if !bytes.HasPrefix(out, []byte(src[:start])) {
			t.Fatalf("the front matter changed: %q → %q", src[:start], out)
		}
		if n, m := bytes.Count(out, []byte("\n")), strings.Count(src, "\n"); n != m {
			t.Fatalf("%d lines became %d: %q → %q", m, n, src, out)
		}
		for _, n := range notes {
			if n.off < start || n.off >= len(src) || n.msg == "" {
				t.Fatalf("note %+v outside the body [%d, %d) of %q", n, start, len(src), src)
			}
		}
		if !strings.Contains(src[start:], "{%") && !strings.Contains(src[start:], "{{") && string(out) != src {
			t.Fatalf("a body without Liquid changed: %q → %q", src, out)
		}
		if utf8.ValidString(src) && !utf8.Valid(out) {
			t.Fatalf("invalid UTF-8 out of %q: %q", src, out)
		}
	})
}

// FuzzJekyll loads a page with arbitrary Jekyll front matter (redirect_from,
// redirect_to and permalink values, and one more line of YAML) beside pages
// it may name, and renders its redirect pages: nothing panics, every
// problem is located, every output lies inside the output folder, and a
// redirect leads into the site or to an http(s) URL, never to a script.
func FuzzJekyll(f *testing.F) {
	for _, seed := range [][4]string{
		{"/old/", "", "/new/", "nav_order: 2.5"},
		{"/a.html", "docs/guide.md", "", "published: false"},
		{"", "https://example.com/x", "/:categories/:title/", "description: D"},
		{"", "/docs/guide.html#setup", "/x/index.html", "subtitle: S"},
		{"../../etc", "javascript:alert(1)", "/../x/", "excerpt: E"},
		{"/ü/ë/", "data:text/html,<script>alert(1)</script>", "//evil.example/", "nav_order: x"},
		{"%2e%2e/x", " java\tscript:alert(1)", "/a b/c?d#e", "redirect_from: [/x/, /y/]"},
		{"/x/", "//evil.example/", "/", "permalink: /docs/guide/"},
		{"", "mailto:a@example.com", "/p/", "redirect_to: [a, b]"},
		{"", "other.md", "/other/", "layout: page"},
	} {
		f.Add(seed[0], seed[1], seed[2], seed[3])
	}
	theme, err := LoadTheme(themes.Default())
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, from, to, permalink, extra string) {
		fm := "title: P\nredirect_from: " + strconv.Quote(from) + "\nredirect_to: " + strconv.Quote(to) +
			"\npermalink: " + strconv.Quote(permalink) + "\n" + extra + "\n"
		site, diags := loadFS(t, map[string]string{"p.md": "---\n" + fm + "---\nBody.\n", "other.md": "# Other\n",
			"docs/guide.md": "# Guide\n\n## Setup\n"})
		for _, d := range diags {
			if d.File == "" || d.Message == "" || d.Severity == "" || d.Rule == "" {
				t.Fatalf("diagnostic without location or message: %+v", d)
			}
		}
		if site == nil {
			return
		}
		for _, p := range site.redirects {
			u, err := url.Parse(p.redirect)
			offSite := err == nil && u.Host != "" && (u.Scheme == "" || u.Scheme == "http" || u.Scheme == "https")
			if !offSite && !(strings.HasPrefix(p.redirect, "/") && !strings.HasPrefix(p.redirect, "//")) {
				t.Fatalf("redirect_to %q leads to %q", p.RedirectTo, p.redirect)
			}
		}
		for _, j := range site.jobs(theme) {
			if !isSafeOutPath(j.out) {
				t.Fatalf("output %q outside the output folder", j.out)
			}
			if j.view.Layout != "alias" {
				continue
			}
			out, err := theme.Render(j.view.Layout, j.view)
			if err != nil {
				t.Fatalf("%s: %v", j.out, err)
			}
			z := xhtml.NewTokenizer(bytes.NewReader(out))
			for tt := z.Next(); tt != xhtml.ErrorToken; tt = z.Next() {
				for _, a := range z.Token().Attr {
					if v := strings.TrimPrefix(a.Val, "0; url="); (a.Key == "href" || a.Key == "content") && scriptURL.MatchString(browserURL(v)) {
						t.Fatalf("%s leads to a script: %s=%q", j.out, a.Key, a.Val)
					}
				}
			}
		}
	})
}

// FuzzRawHTML runs raw HTML through what kb does with it: a pass over its
// references that rewrites none gives it back byte for byte; once
// sanitised, rewriting every reference to a site URL leaves each reference
// in its place with that URL, and the result, balanced, can run no script;
// its text for search has neither blank nor padded lines.
func FuzzRawHTML(f *testing.F) {
	for _, seed := range []string{
		`<a href="other.md#section">o</a> <img src="a.png" srcset="a.png 1x, b.png 2x" alt="a"> <picture><source srcset="c.png"></picture>`,
		`<img srcset="a.png 1x,, b.png 2x ,c.png"> <img src=" x.png " SRC="y.png"> <a HREF=z.md>z</a>`,
		`<img src=x onerror=alert(1)> <a href="&#106;avascript:alert(1)">a</a> <img srcset="x.png 1x, javascript:y 2x">`,
		`<details open><summary>Escalation matrix</summary><table><tr><td>Sev&nbsp;1</td></tr></table></details>`,
		`<svg onload=alert(1)><math><style><img src=x onerror=alert(1)></style></math></svg> <iframe srcdoc=x></iframe>`,
		`</div></main></body><script>alert(1)</script><a href=x.md>unclosed`,
		`<p style="x" title="` + "\n\n" + `" onclick=y>t</p><br/><wbr><!-- c --><![CDATA[x]]>`,
		`<a href="a,b.md">,</a><img srcset="a b c, , d"><source srcset="">`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, h string) {
		in := []byte(h)
		if got := rawRefs(in, func(*xhtml.Token, string, int) string { return "" }); !bytes.Equal(got, in) {
			t.Fatalf("a pass that rewrites nothing changed %q into %q", in, got)
		}
		clean := rawHTMLPolicy().SanitizeBytes(in)
		frag := &rawFragment{html: clean}
		rawRefs(clean, func(*xhtml.Token, string, int) string {
			frag.hrefs = append(frag.hrefs, "/kb/page-"+strconv.Itoa(len(frag.hrefs))+"/")
			return ""
		})
		pub := frag.published()
		var after []string
		rawRefs(pub, func(_ *xhtml.Token, ref string, _ int) string {
			after = append(after, ref)
			return ""
		})
		if !slices.Equal(after, frag.hrefs) {
			t.Fatalf("references %q rewritten to %q, want %q:\n%s\n→ %s", clean, after, frag.hrefs, clean, pub)
		}
		var b bytes.Buffer
		if err := balance(&b, pub); err != nil {
			t.Fatal(err)
		}
		if bad := scriptable(b.String()); len(bad) > 0 {
			t.Fatalf("could run script (%s):\n%s", strings.Join(bad, "; "), b.String())
		}
		var text strings.Builder
		writeHTMLText(&text, in)
		for _, l := range strings.SplitAfter(text.String(), "\n") {
			if l != "" && (l == "\n" || strings.TrimSpace(l) != strings.TrimSuffix(l, "\n")) {
				t.Fatalf("text of %q has a blank or padded line %q", in, l)
			}
		}
	})
}
