package builder

import (
	"bytes"
	"context"
	"html"
	"path"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"kb/internal/config"
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
		if !isMarkdown(p) || !utf8.ValidString(p) {
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
