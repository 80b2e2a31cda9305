package builder

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestBuild_PlaceholdersMarkedEverywhere: with the placeholder rule a
// warning, a page's placeholders from its front matter are highlighted as
// its body's are, on the page and in the lists that show its summary;
// attributes, code and text already marked stay as they are.
func TestBuild_PlaceholdersMarkedEverywhere(t *testing.T) {
	src := site(t, map[string]string{
		"site.yaml":         "title: T\nrules:\n  placeholder: warning\n",
		"content/README.md": "# Home\n\nWelcome.\n",
		"content/guides/a.md": "---\ntitle: A\nsummary: \"TODO(kb): one sentence\"\nowner: \"TODO(kb): the team\"\n---\n\n" +
			"Body TODO(kb): the steps.\n\nWrite `TODO(kb): literally` in code.\n\n```\nTODO(kb): in a block\n```\n",
	})
	_, dest := mustBuild(t, src)
	const mark = `<mark class="placeholder" title="still to be written">`
	page := readFile(t, filepath.Join(dest, "guides/a/index.html"))
	for _, want := range []string{
		`<p class="lead">` + mark + `TODO(kb): one sentence</mark></p>`,
		`>` + mark + `TODO(kb): the team</mark></a>`,
		`<p>Body ` + mark + `TODO(kb): the steps.</mark></p>`,
		`<code>TODO(kb): literally</code>`,
		"<code>TODO(kb): in a block\n</code>",
		`<meta name="description" content="TODO(kb): one sentence">`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	if strings.Contains(page, mark+mark) {
		t.Error("a placeholder is marked twice")
	}
	if list := readFile(t, filepath.Join(dest, "guides/index.html")); !strings.Contains(list, mark+"TODO(kb): one sentence</mark>") {
		t.Error("the folder's list shows the summary's placeholder unmarked")
	}
	if home := readFile(t, filepath.Join(dest, "index.html")); strings.Contains(home, "<mark") {
		t.Error("a page without placeholders got a mark")
	}
}
