package builder

import (
	"path/filepath"
	"strings"
	"testing"
)

// A permalink is checked like any URL: one that another page already
// publishes fails the build with a site.yaml (without one, the other page
// moves, see TestBuild_NoConfigMovesDuplicateURLs); one with Jekyll
// placeholders keeps the page's own URL; published: false is a draft and
// nav_order a weight.
func TestBuild_JekyllFrontMatter(t *testing.T) {
	src := site(t, map[string]string{
		"a.md":      "---\ntitle: A\npermalink: /b/\n---\nA\n",
		"b.md":      "# B\n",
		"site.yaml": "title: Jekyll\n",
	})
	res, _, err := build(t, src)
	if err == nil || !strings.Contains(diagStrings(res.Diagnostics), "publish the URL /b/ [duplicate-url]") {
		t.Errorf("err %v, diagnostics:\n%s", err, diagStrings(res.Diagnostics))
	}
	src = site(t, map[string]string{
		"a.md": "---\ntitle: A\npermalink: /:categories/:title/\nnav_order: 2.5\nlayout: page\n---\nA\n",
		"b.md": "---\npublished: false\n---\n# B\n",
	})
	res, _ = mustBuild(t, src)
	if p := res.Site.PageByPath("a.md"); p == nil || p.URL != "/a/" || p.Weight != 2 || p.Extra["layout"] != "page" {
		t.Errorf("a.md: %+v", p)
	}
	if res.Site.PageByPath("b.md") != nil {
		t.Error("published: false is published")
	}
}

// redirect_to leads to a page of the site or to an http(s) URL: another
// scheme is a broken link (a warning without site.yaml) and the redirect
// page leads to a site path, never to a script.
func TestBuild_RedirectToOtherSchemes(t *testing.T) {
	src := site(t, map[string]string{
		"index.md": "# Home\n",
		"ok.md":    "---\nredirect_to: https://example.com/x\n---\n",
		"rel.md":   "---\nredirect_to: //example.com/y\n---\n",
		"js.md":    "---\nredirect_to: \"JavaScript:alert(1)\"\n---\n",
		"data.md":  "---\nredirect_to: \"data:text/html,<script>alert(1)</script>\"\n---\n",
		"mail.md":  "---\nredirect_to: mailto:a@example.com\n---\n",
	})
	res, dest := mustBuild(t, src)
	got := diagStrings(res.Diagnostics)
	for _, name := range []string{"js.md", "data.md", "mail.md"} {
		if !strings.Contains(got, name+":2:1: warning: redirect_to ") {
			t.Errorf("no warning for %s:\n%s", name, got)
		}
	}
	if strings.Contains(got, "ok.md") || strings.Contains(got, "rel.md") {
		t.Errorf("an http(s) redirect is reported:\n%s", got)
	}
	for page, want := range map[string]string{"ok": `href="https://example.com/x"`, "rel": `href="//example.com/y"`,
		"js": `href="/JavaScript:alert%281%29"`, "data": `href="/data:text/html,%3cscript%3ealert%281%29%3c/script%3e"`, "mail": `href="/mailto:a@example.com"`} {
		if html := readFile(t, filepath.Join(dest, page, "index.html")); !strings.Contains(html, want) {
			t.Errorf("%s redirects with no %s:\n%s", page, want, html)
		}
	}
}
