package builder

import (
	"strings"
	"testing"
)

// A permalink is checked like any URL: one that another page already
// publishes fails the build; one with Jekyll placeholders keeps the
// page's own URL; published: false is a draft and nav_order a weight.
func TestBuild_JekyllFrontMatter(t *testing.T) {
	src := site(t, map[string]string{
		"a.md": "---\ntitle: A\npermalink: /b/\n---\nA\n",
		"b.md": "# B\n",
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
