package search

import (
	"sort"
	"strings"
	"unsafe"

	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
)

// segmentTexts reads the stored fields of pages straight from the
// segments of an index snapshot, into a buffer the caller reuses from page
// to page. A search checking hundreds of pages for a phrase, or loading
// the pages it shows, otherwise has the search library copy every stored
// field of each into a document of its own: most of the memory such a
// search allocates.
type segmentTexts struct{ segments }

// segments are the segments of an index snapshot, which kb reads straight
// where the search library's readers would copy what they read.
type segments struct {
	segs []*scorch.SegmentSnapshot
	// offsets are the internal numbers of each segment's first page.
	offsets []uint64
}

// newSegments returns r's segments, or nil when r is not a snapshot of
// segments.
func newSegments(r index.IndexReader) *segments {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil
	}
	ss := &segments{segs: snap.Segments()}
	var running uint64
	for _, s := range ss.segs {
		ss.offsets = append(ss.offsets, running)
		running += s.Segment().Count() // the deleted pages' numbers included, as scorch counts
	}
	return ss
}

// newSegmentTexts returns a reader of r's texts, or nil when r is not a
// snapshot of segments.
func newSegmentTexts(r index.IndexReader) *segmentTexts {
	ss := newSegments(r)
	if ss == nil {
		return nil
	}
	return &segmentTexts{*ss}
}

// pageTexts are the texts of one page a phrase is looked for in, and its
// language.
type pageTexts struct {
	title, summary, body, lang string
}

// read returns the texts of the page with internal number id, held in
// *buf (grown as needed): they are valid until the next read into *buf,
// but for the language, a string of its own (it names the page's matcher
// in a map). A field with several values reads as empty, as str reads it.
func (st *segmentTexts) read(id index.IndexInternalID, buf *[]byte) (pageTexts, error) {
	f, err := st.fields(id.Value(), buf)
	return pageTexts{f.title, f.summary, f.body, strings.Clone(f.lang)}, err
}

// pageFields are the stored fields of a page that a result shows.
type pageFields struct {
	url, title, summary, body, kind, lang string
	tags                                  []string
}

// fieldsOf reads a hit's fields as bleve loads them (see str and strs).
func fieldsOf(fs map[string]any) pageFields {
	return pageFields{url: str(fs[FieldURL]), title: str(fs[FieldTitle]), summary: str(fs[FieldSummary]), body: str(fs[FieldBody]),
		kind: str(fs[FieldKind]), lang: str(fs[FieldLang]), tags: strs(fs[FieldTags])}
}

// fields returns the stored fields of the page with internal number num,
// as fieldsOf reads them from a loaded hit; the texts are held in *buf
// (grown as needed) and valid until the next read into it, the list of
// tags is the caller's. A page no segment holds reads as empty.
func (st *segmentTexts) fields(num uint64, buf *[]byte) (pageFields, error) {
	i := sort.Search(len(st.offsets), func(i int) bool { return st.offsets[i] > num }) - 1
	if i < 0 {
		return pageFields{}, nil
	}
	type at struct{ start, end int }
	var slots [len(storedFields)][]at
	b := (*buf)[:0]
	err := st.segs[i].VisitDocument(num-st.offsets[i], func(field string, typ byte, value []byte, _ []uint64) bool {
		if typ != 't' {
			return true
		}
		for k, name := range storedFields {
			if name == field {
				slots[k] = append(slots[k], at{len(b), len(b) + len(value)})
				b = append(b, value...)
				break
			}
		}
		return true
	})
	*buf = b
	if err != nil {
		return pageFields{}, err
	}
	text := func(a at) string {
		if a.end == a.start {
			return ""
		}
		return unsafe.String(&b[a.start], a.end-a.start)
	}
	one := func(k int) string {
		if len(slots[k]) != 1 {
			return ""
		}
		return text(slots[k][0])
	}
	f := pageFields{url: one(0), title: one(1), summary: one(2), body: one(3), kind: one(4), lang: one(5),
		tags: make([]string, 0, len(slots[6]))}
	for _, a := range slots[6] {
		f.tags = append(f.tags, text(a))
	}
	return f, nil
}
