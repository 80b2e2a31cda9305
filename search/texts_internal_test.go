package search

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"unsafe"

	index "github.com/blevesearch/bleve_index_api"
)

// TestSegmentTexts reads every live page of an index of several segments,
// some of whose pages were replaced or removed, straight from the
// segments, and compares the texts with the stored document the search
// library loads.
func TestSegmentTexts(t *testing.T) {
	dir := t.TempDir()
	doc := func(i int, v string) Doc {
		return Doc{URL: fmt.Sprintf("/p%d/", i), Title: fmt.Sprintf("Page %d %s", i, v), Lang: []string{"en", "nl"}[i%2],
			Summary: "Over de wekelijkse afstemming " + v, Body: strings.Repeat(fmt.Sprintf("Body of page %d, version %s. Łódź straße. ", i, v), 1+i%7)}
	}
	var docs []Doc
	for i := range 40 {
		docs = append(docs, doc(i, "one"))
	}
	ctx := context.Background()
	if err := Build(ctx, filepath.Join(dir, "index"), dir, docs); err != nil {
		t.Fatal(err)
	}
	ix, err := OpenForUpdate(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for round, v := range []string{"two", "three"} {
		var batch []Doc
		for i := round; i < 40; i += 3 {
			batch = append(batch, doc(i, v))
		}
		if err := ix.Update(ctx, batch, []string{fmt.Sprintf("/p%d/", 5+round)}); err != nil {
			t.Fatal(err)
		}
	}
	r, err := openReader(ix.b)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	seg := newSegmentTexts(r)
	if seg == nil {
		t.Fatal("the index reader is not a snapshot of segments")
	}
	if len(seg.segs) < 2 {
		t.Fatalf("%d segments: the test needs several", len(seg.segs))
	}
	var buf []byte
	seen := 0
	var last pageTexts // the language must outlive the next read
	lastLang := ""
	for i := range 40 {
		id := fmt.Sprintf("/p%d/", i)
		internal, err := r.InternalID(id)
		if err != nil {
			t.Fatal(err)
		}
		if internal == nil {
			if i != 5 && i != 6 {
				t.Errorf("%s missing", id)
			}
			continue
		}
		seen++
		got, err := seg.read(internal, &buf)
		if err != nil {
			t.Fatal(err)
		}
		fields, err := storedTexts(r, id)
		if err != nil {
			t.Fatal(err)
		}
		want := pageTexts{str(fields[FieldTitle]), str(fields[FieldSummary]), str(fields[FieldBody]), str(fields[FieldLang])}
		if got != want {
			t.Errorf("%s: read %+v, stored %+v", id, got, want)
		}
		if last.lang != lastLang {
			t.Errorf("after reading %s, the language of the page before reads %q, not %q", id, last.lang, lastLang)
		}
		last, lastLang = got, strings.Clone(got.lang)
		if !strings.Contains(got.title, "Page "+fmt.Sprint(i)+" ") {
			t.Errorf("%s: title %q", id, got.title)
		}
	}
	if seen != 38 {
		t.Errorf("%d pages read, want 38", seen)
	}
}

// TestStemCaches_CopyWords checks that the stem caches keep words of their
// own: the texts checked for phrases are read into a buffer reused from
// page to page, and a cached word still part of it would change under the
// cache's feet.
func TestStemCaches_CopyWords(t *testing.T) {
	an := NewMapping().AnalyzerNamed(Analyzer("en"))
	buf := []byte("meetings")
	word := unsafe.String(&buf[0], len(buf))
	own := &matcher{an: an, cache: map[string]string{}}
	shared := &matcher{an: an, shared: &stemCache{m: map[string]string{}}}
	for _, m := range []*matcher{own, shared} {
		if st := m.stem(word); st != "meet" {
			t.Fatalf("stem %q", st)
		}
	}
	copy(buf, "gathered")
	for name, cache := range map[string]map[string]string{"own": own.cache, "shared": shared.shared.m} {
		for k := range cache {
			if k != "meetings" {
				t.Errorf("%s cache: word %q", name, k)
			}
		}
	}
}

// storedTexts returns the title, summary, body and language the page id
// of r stores, as the search library loads them (see str): what
// segmentTexts must read.
func storedTexts(r index.IndexReader, id string) (map[string]any, error) {
	doc, err := r.Document(id)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	out := map[string]any{}
	if doc == nil {
		return out, nil
	}
	doc.VisitFields(func(f index.Field) {
		switch name := f.Name(); name {
		case FieldTitle, FieldSummary, FieldBody, FieldLang:
			if _, ok := out[name]; ok {
				out[name] = nil // several values: not one text
			} else {
				// The document's values are its own copies, read by
				// nothing else: the text need not be copied again.
				v := f.Value()
				out[name] = unsafe.String(unsafe.SliceData(v), len(v))
			}
		}
	})
	return out, nil
}
