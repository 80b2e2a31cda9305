package search

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"unsafe"

	index "github.com/blevesearch/bleve_index_api"
)

// TestSegmentTexts reads every live page of an index of several segments,
// some of whose pages were replaced or removed, straight from the
// segments, and compares the texts a phrase is looked for in, and the
// fields a result shows, with the stored document the search library
// loads.
func TestSegmentTexts(t *testing.T) {
	ix := updatedIndex(t)
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
	var buf, buf2 []byte
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
		fields, err := loadFields(r, id, storedFields[:])
		if err != nil {
			t.Fatal(err)
		}
		stored := fieldsOf(fields)
		want := pageTexts{stored.title, stored.summary, stored.body, stored.lang}
		if got != want {
			t.Errorf("%s: read %+v, stored %+v", id, got, want)
		}
		all, err := seg.fields(internal.Value(), &buf2)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(all, stored) {
			t.Errorf("%s: read %+v, stored %+v", id, all, stored)
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

// updatedIndex returns an index of 40 pages (segmentDoc, version "one")
// updated twice, a third of its pages replaced each time and a page
// removed: several segments, with pages deleted in them.
func updatedIndex(t *testing.T) *Index {
	t.Helper()
	var docs []Doc
	for i := range 40 {
		docs = append(docs, segmentDoc(i, "one"))
	}
	ix, err := OpenForUpdate(indexOf(t, docs))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	for round, v := range []string{"two", "three"} {
		var batch []Doc
		for i := round; i < 40; i += 3 {
			batch = append(batch, segmentDoc(i, v))
		}
		if err := ix.Update(context.Background(), batch, []string{fmt.Sprintf("/p%d/", 5+round)}); err != nil {
			t.Fatal(err)
		}
	}
	return ix
}

// segmentDoc is page i of updatedIndex in version v.
func segmentDoc(i int, v string) Doc {
	return Doc{URL: fmt.Sprintf("/p%d/", i), Title: fmt.Sprintf("Page %d %s", i, v), Lang: []string{"en", "nl"}[i%2],
		Kind: []string{"", "symptom", "meeting"}[i%3], Tags: []string{"a", "b", "c", v}[:i%5],
		Summary: "Over de wekelijkse afstemming " + v, Body: strings.Repeat(fmt.Sprintf("Body of page %d, version %s. Łódź straße. ", i, v), 1+i%7)}
}

// TestSegmentPostings_SameAsTermReader: the postings lists dense
// evaluation reads straight from the segments of an updated index are the
// search library's term reader's: for every term of every text field, the
// same pages in the same order, the same weights, the same document
// frequency; and nothing for a term no page holds.
func TestSegmentPostings_SameAsTermReader(t *testing.T) {
	ix := updatedIndex(t)
	r, err := openReader(ix.b)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ss := newSegments(r)
	if ss == nil || len(ss.segs) < 2 {
		t.Fatal("the index reader is not a snapshot of several segments")
	}
	const n = 1000
	ctx := context.Background()
	byReader := &evaluator{r: r, n: n} // no segments: the term reader
	checked, deleted := 0, false
	for _, f := range textFields {
		terms, err := ix.Terms(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, term := range append(terms, "nowhere") {
			k := postingKey{f, term}
			var a, b slabber
			want, err := byReader.readPostings(ctx, k, &a)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ss.postings(ctx, k, n, &b)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s %q: read from the segments %+v, by the term reader %+v", f, term, got, want)
			}
			if term == "one" && len(want.docs) < 40 {
				deleted = true // pages of version one replaced
			}
			checked++
		}
	}
	if checked < 100 || !deleted {
		t.Errorf("%d terms compared (deleted pages among them: %v): the test needs more", checked, deleted)
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

// TestGroupedFields_SegmentsOrURLs: the fields of the pages a grouped list
// shows are the same whether read from the segments of the snapshot
// searched or, when the index changed in between, loaded by URL; a page
// gone by then is left out.
func TestGroupedFields_SegmentsOrURLs(t *testing.T) {
	var docs []Doc
	for i := range 12 {
		docs = append(docs, Doc{URL: fmt.Sprintf("/p%d/", i), Title: fmt.Sprintf("Page %d", i), Lang: []string{"en", "nl"}[i%2],
			Group: fmt.Sprintf("g%d", i/2), Kind: "meeting", Tags: []string{"x", "y"}[:i%3], Summary: "Sum", Body: "Body of the page."})
	}
	ix, err := Open(indexOf(t, docs))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	q, err := ParseQuery("page")
	if err != nil {
		t.Fatal(err)
	}
	p, err := newPlan(ix, q, Request{Query: "page"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := openReader(ix.b)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var entries []entry
	for _, d := range append(docs, Doc{URL: "/gone/"}) {
		id, err := r.InternalID(d.URL)
		if err != nil {
			t.Fatal(err)
		}
		e := entry{id: d.URL}
		if id != nil {
			e.num = id.Value()
		}
		entries = append(entries, e)
	}
	read := func(searched index.IndexReader) []string {
		out := make([]string, len(docs))
		err := p.groupedFields(context.Background(), entries[:len(docs)], searched, 2, func(_, i int, f pageFields) {
			out[i] = fmt.Sprintf("%d %q %q %q %q %q %q %q", i, f.url, f.title, f.summary, f.body, f.kind, f.lang, f.tags)
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	segs, urls := read(r), read(nil)
	if len(segs) != len(docs) || !reflect.DeepEqual(segs, urls) {
		t.Errorf("from the segments:\n%s\nby URL:\n%s", strings.Join(segs, "\n"), strings.Join(urls, "\n"))
	}
	n := 0
	if err := p.groupedFields(context.Background(), entries[len(docs):], nil, 1, func(int, int, pageFields) { n++ }); err != nil || n != 0 {
		t.Errorf("a page gone: %d fields, %v", n, err)
	}
}

// indexOf builds an index of docs in a temporary folder and returns its
// path, for Open or OpenForUpdate.
func indexOf(t *testing.T, docs []Doc) string {
	t.Helper()
	dir := t.TempDir()
	if err := Build(context.Background(), filepath.Join(dir, "index"), dir, docs); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "index")
}
