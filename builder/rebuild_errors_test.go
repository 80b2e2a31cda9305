package builder

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
)

// TestSession_ReportsEveryBrokenEdit: when several pages are edited at once
// and each now fails, the preview's rebuild reports every one of them, as
// a full build does, not only the first it reads.
func TestSession_ReportsEveryBrokenEdit(t *testing.T) {
	src := site(t, map[string]string{
		"site.yaml":          "title: T\n",
		"content/README.md":  "# Home\n\nHi.\n",
		"content/g/one.md":   "---\ntitle: One\n---\n\nText.\n",
		"content/g/two.md":   "---\ntitle: Two\n---\n\nText.\n",
		"content/g/three.md": "---\ntitle: Three\n---\n\nText.\n",
	})
	s := NewSession(Options{Source: src, Dest: filepath.Join(t.TempDir(), "public"), Now: testNow, NoStaticSearch: true, Preview: true})
	defer s.Close()
	if _, err := s.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"one", "two", "three"} {
		writeFile(t, filepath.Join(src, "content/g", name+".md"), "---\ntitle: [unclosed\n---\n")
	}
	res, err := s.Build(context.Background())
	if !errors.Is(err, ErrBuildFailed) {
		t.Fatalf("the rebuild: %v", err)
	}
	var files []string
	for _, d := range res.Diagnostics {
		files = append(files, d.File)
	}
	want(t, "files with errors", files, []string{"g/one.md", "g/three.md", "g/two.md"})
}
