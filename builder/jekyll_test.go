package builder

import (
	"errors"
	"os"
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

// jekyllCollectionSite is a GitHub Pages handbook shaped like
// 18F/development-guide: its pages in a collection folder published at
// /:path/, README.md excluded, links written against the pages' URLs.
var jekyllCollectionSite = map[string]string{
	"_config.yml":     "permalink: pretty\nexclude:\n  - README.md\n  - Gemfile\ncollections:\n  pages:\n    output: true\n    permalink: /:path/\n",
	"README.md":       "# The repository\n\nHow to run the site locally.\n",
	"Gemfile":         "source 'https://rubygems.org'\n",
	"_pages/index.md": "---\ntitle: Engineering guide\n---\n\nStart with [security](security/) and [Docker](docker/).\n",
	"_pages/security.md": "---\ntitle: Security\n---\n\nUse [Docker](../docker/) and see the ![text box](text_box.png).\n\n" +
		"The [review](/architecture-reviews/micro-purchase/) has a ![diagram](/architecture-reviews/micro-purchase/roles.png).\n",
	"_pages/security/text_box.png":                         "PNG",
	"_pages/docker.md":                                     "---\ntitle: Docker\n---\n\nContainers. [Back](../)\n",
	"_pages/architecture-reviews/micro-purchase.md":        "---\ntitle: Micro-purchase\n---\n\nA review. [Security](../../security/)\n",
	"_pages/architecture-reviews/micro-purchase/roles.png": "PNG",
	"_drafts/wip.md":                                       "# Not published\n",
}

// A Jekyll site's collection published by _config.yml is content: its
// pages at the URLs its permalink pattern gives, its images beside them,
// links written against the pages' URLs resolved as a browser resolves
// them; exclude: leaves files out; other '_' folders stay skipped.
func TestBuild_JekyllCollections(t *testing.T) {
	res, dest := mustBuild(t, site(t, jekyllCollectionSite))
	if got := diagStrings(res.Diagnostics); got != "" {
		t.Errorf("diagnostics:\n%s", got)
	}
	for name, want := range map[string]string{
		"index.html":          "Start with",
		"security/index.html": `href="/docker/"`,
		"docker/index.html":   "Containers.",
		"architecture-reviews/micro-purchase/index.html": `href="/security/"`,
		"security/text_box.png":                          "PNG",
		"architecture-reviews/micro-purchase/roles.png":  "PNG",
	} {
		if got := readFile(t, filepath.Join(dest, filepath.FromSlash(name))); !strings.Contains(got, want) {
			t.Errorf("%s lacks %s", name, want)
		}
	}
	security := readFile(t, filepath.Join(dest, "security", "index.html"))
	for _, want := range []string{`src="/security/text_box.png"`, `href="/architecture-reviews/micro-purchase/"`, `src="/architecture-reviews/micro-purchase/roles.png"`} {
		if !strings.Contains(security, want) {
			t.Errorf("security page lacks %s", want)
		}
	}
	for _, name := range []string{"Gemfile", "the-repository", "readme", "wip", "_pages", "pages"} {
		if _, err := os.Stat(filepath.Join(dest, name)); err == nil {
			t.Errorf("%s published", name)
		}
	}
}

// A link that names no file resolves against the page's URL only where
// links may have been written that way: without site.yaml, or on a
// Jekyll site; on a kb site with site.yaml it is broken.
func TestBuild_URLRelativeLinksOnlyWithoutConfig(t *testing.T) {
	files := map[string]string{
		"README.md": "# Home\n\n[a](docs/a.md)\n",
		"docs/a.md": "# A\n\nSee [b](../b/).\n",
		"docs/b.md": "# B\n\nText.\n",
	}
	res, dest := mustBuild(t, site(t, files))
	if got := diagStrings(res.Diagnostics); got != "" {
		t.Errorf("without site.yaml: diagnostics:\n%s", got)
	}
	if a := readFile(t, filepath.Join(dest, "docs", "a", "index.html")); !strings.Contains(a, `href="/docs/b/"`) {
		t.Error("without site.yaml, ../b/ from /docs/a/ does not lead to /docs/b/")
	}
	files["site.yaml"] = "title: Checked\n"
	res, _, err := build(t, site(t, files))
	if !errors.Is(err, ErrBuildFailed) || !strings.Contains(diagStrings(res.Diagnostics), `docs/a.md:3:5: error: broken link "../b/"`) {
		t.Errorf("with site.yaml: err %v, diagnostics:\n%s", err, diagStrings(res.Diagnostics))
	}
}
