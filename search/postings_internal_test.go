package search

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/blevesearch/bleve/v2"
	index "github.com/blevesearch/bleve_index_api"
)

// termReaders is an index whose reader hides its segment, so that the
// export reads every term through a term reader, as searches do.
type termReaders struct{ bleveIndex }

// bleveIndex names bleve.Index for embedding (it has a method Index).
type bleveIndex = bleve.Index

func (t termReaders) Advanced() (index.Index, error) {
	a, err := t.bleveIndex.Advanced()
	return readerOnly{a}, err
}

type readerOnly struct{ index.Index }

func (r readerOnly) Reader() (index.IndexReader, error) {
	rd, err := r.Index.Reader()
	return struct{ index.IndexReader }{rd}, err
}

// TestPostings_SegmentAsTermReaders: the export reads a built index's
// postings (text fields, words, pairs, hyphenated joins) through its one
// segment, and gets what term readers give, page for page, with the same
// frequencies and field lengths.
func TestPostings_SegmentAsTermReaders(t *testing.T) {
	var docs []Doc
	for i := range 60 {
		lang := []string{"en", "nl", "fr"}[i%3]
		docs = append(docs, Doc{
			URL:      fmt.Sprintf("/p/%02d/", i),
			Title:    fmt.Sprintf("Stand-up meeting %d", i%7),
			Summary:  "Weekly sync and e-mail agreements; overleg over de wekelijkse stand-up.",
			Headings: "Agenda\nRoles",
			Body:     fmt.Sprintf("The retrospective %d follows the stand-up. Meetings, meeting, met. Het overleg gaat door.", i%5),
			Tags:     []string{"meetings", fmt.Sprintf("t%d", i%4)},
			Kind:     "meeting-format",
			Lang:     lang,
		})
	}
	dir := t.TempDir()
	if err := Build(context.Background(), filepath.Join(dir, "index"), dir, docs); err != nil {
		t.Fatal(err)
	}
	idx, err := bleve.Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	r, _, _, err := openExportReader(idx)
	if err != nil {
		t.Fatal(err)
	}
	if newPostings(r).seg == nil {
		t.Error("the built index's postings are not read through its segment")
	}
	_ = r.Close()
	got, err := readIndex(context.Background(), idx, nil)
	if err != nil {
		t.Fatal(err)
	}
	want, err := readIndex(context.Background(), termReaders{idx}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.post) == 0 || len(got.words) == 0 || len(got.pairs) == 0 || len(got.joinDocs) == 0 {
		t.Fatalf("nothing read: %d text, %d word, %d pair entries, %d joins", len(got.post), len(got.words), len(got.pairs), len(got.joinDocs))
	}
	for name, pair := range map[string][2]any{"text": {got.post, want.post}, "words": {got.words, want.words},
		"pairs": {got.pairs, want.pairs}, "joins": {got.joinDocs, want.joinDocs}} {
		if !reflect.DeepEqual(pair[0], pair[1]) {
			t.Errorf("%s postings differ from the term readers'", name)
		}
	}
}
