package search

import (
	"sort"
	"strings"
	"unsafe"

	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
)

// segmentTexts reads the title, summary, body and language of pages
// straight from the segments of an index snapshot, into a buffer the
// caller reuses from page to page. A search checking hundreds of pages
// for a phrase otherwise has the search library copy every stored field
// of each into a document of its own: most of the memory such a search
// allocates.
type segmentTexts struct {
	segs []*scorch.SegmentSnapshot
	// offsets are the internal numbers of each segment's first page.
	offsets []uint64
}

// newSegmentTexts returns a reader of r's texts, or nil when r is not a
// snapshot of segments.
func newSegmentTexts(r index.IndexReader) *segmentTexts {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil
	}
	st := &segmentTexts{segs: snap.Segments()}
	var running uint64
	for _, s := range st.segs {
		st.offsets = append(st.offsets, running)
		running += s.Segment().Count() // the deleted pages' numbers included, as scorch counts
	}
	return st
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
	num := id.Value()
	i := sort.Search(len(st.offsets), func(i int) bool { return st.offsets[i] > num }) - 1
	if i < 0 {
		return pageTexts{}, nil
	}
	type at struct{ start, end, n int }
	var fields [4]at
	b := (*buf)[:0]
	err := st.segs[i].VisitDocument(num-st.offsets[i], func(field string, typ byte, value []byte, _ []uint64) bool {
		k := -1
		switch field {
		case FieldTitle:
			k = 0
		case FieldSummary:
			k = 1
		case FieldBody:
			k = 2
		case FieldLang:
			k = 3
		}
		if k >= 0 && typ == 't' {
			fields[k] = at{len(b), len(b) + len(value), fields[k].n + 1}
			b = append(b, value...)
		}
		return true
	})
	*buf = b
	if err != nil {
		return pageTexts{}, err
	}
	text := func(f at) string {
		if f.n != 1 || f.end == f.start {
			return ""
		}
		return unsafe.String(&b[f.start], f.end-f.start)
	}
	return pageTexts{text(fields[0]), text(fields[1]), text(fields[2]), strings.Clone(text(fields[3]))}, nil
}
