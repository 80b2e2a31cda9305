package builder

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReparser_SameAsFirstParse renders every page of the example content,
// and sources with odd front matter, with the instance that parses pages
// the first time and with the one that parses them again to render them
// (front matter recognised, not read as YAML): the HTML must be the same,
// byte for byte.
func TestReparser_SameAsFirstParse(t *testing.T) {
	srcs := map[string]string{
		"none":           "# Title\n\nBody text.\n",
		"plain":          "---\ntitle: T\n---\n\n# Heading\n\nText.\n",
		"spaces":         "---   \ntitle: T\ntags: [a, b]\n  ---  \nText right after.\n",
		"long dashes":    "-----\ntitle: T\n-----\n- a list\n- item\n",
		"empty":          "---\n---\nText.\n",
		"thematic later": "Text.\n\n---\n\nMore.\n",
		"setext":         "Title\n---\n\nText.\n",
		"dash item":      "---\ntitle: T\n---\n---\n\nafter a rule\n",
		"unclosed":       "---\ntitle: T\n\nno closing line\n",
		"crlf":           "---\r\ntitle: T\r\n---\r\nText.\r\n",
	}
	err := filepath.WalkDir("../content", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
			return err
		}
		data, err := os.ReadFile(p)
		srcs[p] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(srcs) < 40 {
		t.Fatalf("only %d sources", len(srcs))
	}
	first, again := newMarkdown(false, nil), newReparser(false, nil)
	compared := 0
	for name, src := range srcs {
		var want, got bytes.Buffer
		if err := first.Convert([]byte(src), &want); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := again.Convert([]byte(src), &got); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if strings.Contains(want.String(), "<!-- yaml:") {
			continue // not valid YAML: such a page is never rendered
		}
		compared++
		if got.String() != want.String() {
			t.Errorf("%s:\nfirst parse:\n%s\nagain:\n%s", name, want.String(), got.String())
		}
	}
	if compared < len(srcs)-2 {
		t.Errorf("compared %d of %d sources", compared, len(srcs))
	}
}
