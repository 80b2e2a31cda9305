package search

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBuild_MergeRounds: an index whose segments are merged in several
// rounds (two at a time, then their results) is the same, file for file,
// as one whose segments are merged at once.
func TestBuild_MergeRounds(t *testing.T) {
	words := strings.Fields("printer jams weekly sync retrospective agenda owner decisions chat mail call pilot ambassadors training wins handover escalation silo knowledge onboarding")
	docs := make([]Doc, 230) // five segments (see batchSize)
	for i := range docs {
		var body strings.Builder
		for j := range 30 {
			fmt.Fprintf(&body, "%s%d ", words[(i*7+j*3)%len(words)], (i+j)%11)
		}
		docs[i] = Doc{URL: fmt.Sprintf("/p/%03d/", i), Lang: []string{"en", "nl"}[i%2], Title: words[i%len(words)] + " " + words[(i/3)%len(words)],
			Summary: words[(i+5)%len(words)], Body: body.String(), Kind: "symptom", Tags: []string{words[i%7]}}
	}
	build := func(max int) (files map[string][]byte) {
		defer func(was int) { mergeMax = was }(mergeMax)
		mergeMax = max
		dir := t.TempDir()
		if err := Build(context.Background(), filepath.Join(dir, "index"), dir, docs); err != nil {
			t.Fatal(err)
		}
		files = map[string][]byte{}
		err := filepath.WalkDir(filepath.Join(dir, "index"), func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := os.ReadFile(p)
			files[strings.TrimPrefix(p, dir)] = data
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return files
	}
	once, rounds := build(200), build(2)
	if len(once) == 0 {
		t.Fatal("no index files")
	}
	for name, data := range once {
		if other, ok := rounds[name]; !ok || !bytes.Equal(other, data) {
			t.Errorf("%s differs when the segments are merged in rounds", name)
		}
	}
	if len(rounds) != len(once) {
		t.Errorf("%d files merged in rounds, %d at once", len(rounds), len(once))
	}
}
