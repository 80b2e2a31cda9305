package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"kb/internal/layout"
	"kb/search"
)

// testdata/handbooks/jekyll is shaped like a GitHub Pages (Jekyll)
// handbook: _config.yml and no site.yaml, just-the-docs front matter
// (layout, parent, nav_order, has_children…), redirect_from and
// redirect_to, description, subtitle, permalink, a page with
// published: false, and Liquid: comments, raw, {{ site.baseurl }} and
// relative_url links, link tags, an include, and Liquid in code.

var jkCodeRE = regexp.MustCompile(`(?s)<pre[ >].*?</pre>|<code>.*?</code>`)

func TestBuild_JekyllHandbookAsItIs(t *testing.T) {
	dest, code, stderr := hbBuild(t, "jekyll")
	if code != 0 {
		t.Fatalf("kb build exited with %d:\n%s", code, stderr)
	}
	read := func(rel string) string {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(dest, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		return string(data)
	}

	// redirect_from and redirect_to write redirect pages.
	for rel, to := range map[string]string{
		"who-we-are/index.html":       "/about/",
		"team/index.html":             "/about/",
		"start/index.html":            "/docs/onboarding/",
		"docs/old-process/index.html": "/docs/onboarding/",
		"docs/wiki/index.html":        "https://wiki.example.com/platform",
	} {
		if page := read(rel); !strings.Contains(page, `content="0; url=`+to+`"`) || !strings.Contains(page, `href="`+to+`"`) {
			t.Errorf("%s does not redirect to %s:\n%s", rel, to, page)
		}
	}
	// A redirect page is neither listed nor searched; an unpublished page
	// is not written; a permalink is the page's URL.
	if strings.Contains(read("sitemap.xml"), "old-process") || strings.Contains(read("docs/index.html"), "Old onboarding process") {
		t.Error("the redirect page docs/old-process.md is listed")
	}
	for _, rel := range []string{"docs/rota-draft/index.html", "docs/tools/index.html"} {
		if _, err := os.Stat(filepath.Join(dest, rel)); err == nil {
			t.Errorf("%s was written", rel)
		}
	}
	if !strings.Contains(read("tooling/index.html"), "Terraform") {
		t.Error("the page with permalink /tooling/ is not at tooling/")
	}

	// No Liquid left outside code; Liquid inside code is shown as written;
	// a comment's contents are published nowhere, the search index included.
	err := filepath.WalkDir(dest, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dest, p)
		for _, secret := range []string{"legal whether", "finance share"} {
			if strings.Contains(string(data), secret) {
				t.Errorf("%s publishes the comment %q", rel, secret)
			}
		}
		if strings.HasSuffix(p, ".html") {
			text := jkCodeRE.ReplaceAllString(string(data), "")
			for _, lit := range []string{"{%", "{{ site.", "{{site.", "{{ page."} {
				if strings.Contains(text, lit) {
					t.Errorf("%s shows %q outside code", rel, lit)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	onboarding := read("docs/onboarding/index.html")
	for _, want := range []string{
		`{% include note.html content=&quot;shown as written&quot; %}`, `{{ site.baseurl }}/docs/`,
		`<code>{% link docs/tools.md %}</code>`, `<code>{{ page.title }}</code>`,
		`href="/about/"`, `href="/tooling/"`,
	} {
		if !strings.Contains(onboarding, want) {
			t.Errorf("docs/onboarding/index.html lacks %s", want)
		}
	}
	if bad := hbUnresolved(t, dest); len(bad) > 0 {
		t.Errorf("links that lead nowhere:\n%s", strings.Join(bad, "\n"))
	}

	// What kb leaves out is a warning at its line and column.
	for _, want := range []string{
		"docs/onboarding.md:15:1: warning: Liquid tag {% include %} is not supported: the tag is left out [liquid]",
		"docs/onboarding.md:36:17: warning: Liquid output {{ page.author }} is not supported: it is left out [liquid]",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %s:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, "error") {
		t.Errorf("errors:\n%s", stderr)
	}

	// The subtitle and the description are searched.
	idx, err := search.Open(filepath.Join(dest, layout.IndexDir))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	for q, want := range map[string]string{"deploy pipeline boring": "/about/", "first-week checklist": "/docs/onboarding/"} {
		res, err := search.Search(context.Background(), idx, search.Request{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) == 0 || res.Hits[0].URL != want {
			t.Errorf("search %q: hits %+v, want %s first", q, res.Hits, want)
		}
	}
	if page := read("about/index.html"); !strings.Contains(page, `<p class="subtitle">Six engineers keeping the deploy pipeline boring</p>`) {
		t.Error("about/index.html does not show its subtitle")
	}
}
