package search

import (
	"cmp"
	"context"
	"slices"
	"unsafe"

	"github.com/blevesearch/bleve/v2"
	index "github.com/blevesearch/bleve_index_api"

	"kb/internal/workers"
)

// Translations grouped: a page and its translations (Doc.Group) that both
// match are one result, not two. The result shows the page in the
// reader's language (Request.Pref) when it matches, else the group's best
// page, at the place of the group's best page, and names the group's
// other matching pages in Hit.AlsoIn. Result.Total counts results, a
// group once; the kind and tag facets count a group once per value its
// matching pages have, so each says how many results choosing it gives;
// the language facet counts pages, as choosing a language lists every
// page in it (a language filter leaves one page per group, and nothing
// is grouped).

// Translation is a page's translation that matches the query too.
type Translation struct {
	Lang string `json:"lang"`
	URL  string `json:"url"`
}

// currentTable returns the facet table of the index's current snapshot,
// the one the search is about to read (the table is read once per
// snapshot).
func (p *plan) currentTable(ctx context.Context) (*facetTable, error) {
	r, err := openReader(p.idx)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return p.ix.tables.tableFor(ctx, r, p.idx.Mapping())
}

// entry is one result of a grouped list: the page shown, its score, and
// its translations that match too.
type entry struct {
	id     string
	num    uint64 // the page's internal number in the snapshot searched
	score  float64
	alsoIn []Translation
}

// groupEntries returns the results of the ranked matches sr (the first of
// them, enough for Offset+Limit results) whose groups' matching pages fc
// noted, at most Offset+Limit of them, and how many results all the
// matches make.
func (p *plan) groupEntries(sr *bleve.SearchResult, fc *facetCounter) ([]entry, uint64) {
	ft := fc.t
	total := sr.Total - fc.dup
	pref := uint16(slices.Index(ft.names[1], p.req.Pref) + 1)
	if p.req.Pref == "" {
		pref = 0
	}
	want := p.req.Offset + p.req.Limit
	seen := map[uint32]bool{}
	var out []entry
	for _, d := range sr.Hits {
		if len(out) == want {
			break
		}
		num := d.IndexInternalID.Value()
		var g uint32
		if num < uint64(len(ft.docs)) {
			g = ft.docs[num].group
		}
		if g == 0 {
			out = append(out, entry{id: d.ID, num: num, score: d.Score})
			continue
		}
		if seen[g] {
			continue
		}
		seen[g] = true
		rep := num
		for _, m := range ft.groupDocs[g-1] {
			if pref > 0 && fc.hit[m] && ft.docs[m].lang == pref {
				rep = m
			}
		}
		e := entry{id: ft.urls[rep], num: rep, score: fc.score[rep]}
		for _, m := range ft.groupDocs[g-1] {
			if m != rep && fc.hit[m] {
				e.alsoIn = append(e.alsoIn, Translation{Lang: langName(ft, m), URL: ft.urls[m]})
			}
		}
		slices.SortFunc(e.alsoIn, func(a, b Translation) int { return cmp.Or(cmp.Compare(a.Lang, b.Lang), cmp.Compare(a.URL, b.URL)) })
		out = append(out, e)
	}
	return out, total
}

// langName returns the language of document num.
func langName(ft *facetTable, num uint64) string {
	if l := ft.docs[num].lang; l > 0 {
		return ft.names[1][l-1]
	}
	return ""
}

// groupedFields calls f with the stored fields of each page the entries
// show, but a page that is gone: f(w, i, fs) for entries[i], on procs
// goroutines (w names the goroutine, as in workers.Run). The search
// already scored them: no second search is needed. The fields are read
// straight from the segments of searched, the snapshot the entries come
// from (see segmentTexts), valid during the call; should the index have
// changed in between, the pages are loaded by URL.
func (p *plan) groupedFields(ctx context.Context, entries []entry, searched index.IndexReader, procs int, f func(w, i int, fs pageFields)) error {
	if len(entries) == 0 {
		return nil
	}
	r, err := openReader(p.idx)
	if err != nil {
		return err
	}
	defer r.Close()
	var seg *segmentTexts
	if r == searched {
		seg = newSegmentTexts(r)
	}
	bufs := make([][]byte, procs)
	return workers.Run(ctx, len(entries), procs, func(w, i int) error {
		if seg != nil {
			fs, err := seg.fields(entries[i].num, &bufs[w])
			if err != nil {
				return err
			}
			f(w, i, fs)
			return nil
		}
		fields, err := loadFields(r, entries[i].id, storedFields[:])
		if err != nil {
			return err
		}
		if fields != nil {
			f(w, i, fieldsOf(fields))
		}
		return nil
	})
}

// loadFields reads the stored fields named of page id as bleve gives a
// hit's fields (a value, or a list of several); nil when the page is gone.
func loadFields(r index.IndexReader, id string, names []string) (map[string]any, error) {
	doc, err := r.Document(id)
	if err != nil || doc == nil {
		return nil, err
	}
	fields := map[string]any{}
	doc.VisitFields(func(f index.Field) {
		name := f.Name()
		if !slices.Contains(names, name) {
			return
		}
		// The document's values are its own copies, read by nothing
		// else: the text need not be copied again.
		b := f.Value()
		v := unsafe.String(unsafe.SliceData(b), len(b))
		switch old := fields[name].(type) {
		case nil:
			fields[name] = v
		case []any:
			fields[name] = append(old, v)
		default:
			fields[name] = []any{old, v}
		}
	})
	return fields, nil
}
