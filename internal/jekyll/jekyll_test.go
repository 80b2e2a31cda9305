package jekyll

import (
	"maps"
	"testing"
	"testing/fstest"
)

// Read reads the collections a _config.yml publishes and the folders it
// includes, and its exclude list; PagePath places a collection's pages by
// its permalink pattern.
func TestConfig(t *testing.T) {
	fsys := fstest.MapFS{ConfigFile: {Data: []byte(`
permalink: pretty
exclude: [README.md, Gemfile*, node_modules, docs/drafts/]
include: [_redirects_here, .well-known, _pages]
collections:
  pages:
    output: true
    permalink: /:path/
  people:
    output: true
  posts_hidden:
    output: false
  teams:
    output: true
    permalink: /:collection/:title/
`)}}
	site := Read(fsys)
	got := site.Folders
	want := map[string]string{"_pages": "/:path/", "_people": "/:collection/:path/", "_teams": "/:collection/:title/", "_redirects_here": ""}
	if !maps.Equal(got, want) {
		t.Errorf("Folders = %v, want %v", got, want)
	}
	for p, want := range map[string]string{
		"_pages/security.md":             "security.md",
		"_pages/reviews/micro.md":        "reviews/micro.md",
		"_pages/sharepoint/text_box.png": "sharepoint/text_box.png",
		"_people/ana.md":                 "people/ana.md",
		"_teams/a/b/platform.md":         "teams/platform.md",
		"_redirects_here/x.md":           "_redirects_here/x.md",
		"_hidden/x.md":                   "_hidden/x.md",
		"docs/a.md":                      "docs/a.md",
	} {
		if got := site.PagePath(p); got != want {
			t.Errorf("PagePath(%s) = %s, want %s", p, got, want)
		}
	}
	ex := site.Excluded
	for p, want := range map[string]bool{
		"README.md": true, "Gemfile": true, "Gemfile.lock": true, "node_modules/x/y.js": true, "docs/drafts/a.md": true,
		"docs/README.md": false, "docs/a.md": false, "_pages/security.md": false, "READMEs.md": false,
	} {
		if got := ex(p); got != want {
			t.Errorf("Excluded(%s) = %v, want %v", p, got, want)
		}
	}
	var none *Site
	if Read(fstest.MapFS{}) != nil || none.Excluded("README.md") || none.Publishes("_pages") || none.PagePath("_pages/a.md") != "_pages/a.md" {
		t.Error("a site without _config.yml has folders or exclusions")
	}
	if Read(fstest.MapFS{ConfigFile: {Data: []byte("collections: [\n")}}) != nil {
		t.Error("a _config.yml that is not YAML has folders")
	}
}
