package builder

import (
	"bytes"
	"fmt"
	"reflect"
	"testing"

	"github.com/yuin/goldmark"
	meta "github.com/yuin/goldmark-meta"
	"github.com/yuin/goldmark/parser"
)

// TestFrontMatterExt_AsGoldmarkMeta checks frontMatterExt against the
// front matter extension itself on front matter of every kind, valid or
// not: the same fields, the same error, the same rendered document.
func TestFrontMatterExt_AsGoldmarkMeta(t *testing.T) {
	docs := []string{
		"---\ntitle: Weekly sync\ntags: [meetings, sync]\nweight: 3\n---\n# Weekly sync\n\nText.\n",
		"---\ntitle: Anchors\nbase: &b {owner: ops}\nother: *b\nmerged:\n  <<: *b\n  kind: symptom\n---\nBody\n",
		"---\n---\nEmpty front matter.\n",
		"---\n~\n---\nNull front matter.\n",
		"---\n- a\n- b\n---\nA list, not a mapping.\n",
		"---\njust words\n---\nA scalar.\n",
		"---\ntitle: [unclosed\n---\nBroken flow.\n",
		"---\ntitle: a\n  bad: indent\n---\nBad indentation.\n",
		"---\n? [a, b]\n: complex key\n---\nA key that is not a string.\n",
		"---\ntitle: one\ntitle: two\n---\nA key twice.\n",
		"---\n1: one\ntrue: yes\n---\nKeys of other types.\n",
		"---\ntitle: no closing line\n\nText after.\n",
		"No front matter at all.\n",
		"Text first\n---\ntitle: not front matter\n---\n",
		"---\ttabs\ntitle: x\n---\n",
	}
	theirs := goldmark.New(goldmark.WithExtensions(meta.Meta))
	ours := goldmark.New(goldmark.WithExtensions(frontMatterExt{}))
	for _, doc := range docs {
		run := func(md goldmark.Markdown, get func(parser.Context) (map[string]any, error)) (string, map[string]any, string) {
			pc := parser.NewContext()
			var out bytes.Buffer
			if err := md.Convert([]byte(doc), &out, parser.WithContext(pc)); err != nil {
				t.Fatal(err)
			}
			fields, err := get(pc)
			return out.String(), fields, fmt.Sprint(err)
		}
		wantHTML, wantFields, wantErr := run(theirs, meta.TryGet)
		gotHTML, gotFields, gotErr := run(ours, frontMatterOf)
		if gotHTML != wantHTML || gotErr != wantErr || !reflect.DeepEqual(gotFields, wantFields) {
			t.Errorf("%q:\n got %q, %#v, %s\nwant %q, %#v, %s", doc, gotHTML, gotFields, gotErr, wantHTML, wantFields, wantErr)
		}
	}
}
