package search

import (
	"cmp"
	"context"
	"slices"
	"sync"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// Facet counting. bleve counts a facet by reading the field's doc values
// of every matching page, which for a query matching most of a large site
// cost more than the search itself. Instead, each index snapshot's kinds,
// languages and tags are read once into a table indexed by document
// number, and a search counts them as its matches go by.

// facetTable holds every page's kind, language and tags as numbers, and
// its translation group (see Doc.Group).
type facetTable struct {
	names [3][]string // per field (facetFields order), the values
	docs  []facetDoc  // by document number
	tags  []uint16    // the tags of every page, docs[i].tags[0:1] is a range of it
	// urls holds the URL of every page in a group, by document number;
	// groupDocs the pages of each group (by group number - 1), groupMax
	// the most pages of one group.
	urls      map[uint64]string
	groupDocs [][]uint64
	groupMax  int
	// rev holds the snapshot's terms that may be compounds, reversed
	// (see reversedTerms).
	revOnce sync.Once
	rev     []string
	// spell holds the terms fuzzy queries found (see fuzzyQuery).
	spellMu sync.Mutex
	spell   map[fuzzyKey]spelt
}

type facetDoc struct {
	kind, lang uint16 // value number + 1; 0 means none
	group      uint32 // group number + 1; 0 means none
	tags       [2]uint32
}

// facetFields are the fields counted, in the order of facetTable.names.
var facetFields = [3]string{FieldKind, FieldLang, FieldTags}

// facetTables caches the table of an index's last few snapshots (a snapshot
// never changes; a changed index has a new one). Holding the reader keeps
// its address from being reused by another, and what it refers to from
// being freed: so only the current and the previous snapshot are kept
// (searches during a swap or a rebuild).
type facetTables struct {
	sync.Mutex
	order []index.IndexReader
	m     map[index.IndexReader]*tableOnce
}

type tableOnce struct {
	once sync.Once
	t    *facetTable
	err  error
}

const tablesKept = 2

// tableFor returns the facet table of the snapshot r, reading it the first
// time.
func (tables *facetTables) tableFor(ctx context.Context, r index.IndexReader, m mapping.IndexMapping) (*facetTable, error) {
	tables.Lock()
	if tables.m == nil {
		tables.m = map[index.IndexReader]*tableOnce{}
	}
	e := tables.m[r]
	if e == nil {
		e = &tableOnce{}
		tables.m[r] = e
		tables.order = append(tables.order, r)
		if len(tables.order) > tablesKept {
			delete(tables.m, tables.order[0])
			tables.order = tables.order[1:]
		}
	}
	tables.Unlock()
	e.once.Do(func() { e.t, e.err = readFacetTable(ctx, r, m) })
	if e.err != nil {
		// Not kept: a cancelled first search must not spoil the next.
		tables.Lock()
		if tables.m[r] == e {
			delete(tables.m, r)
			tables.order = slices.DeleteFunc(tables.order, func(x index.IndexReader) bool { return x == r })
		}
		tables.Unlock()
	}
	return e.t, e.err
}

func readFacetTable(ctx context.Context, r index.IndexReader, m mapping.IndexMapping) (*facetTable, error) {
	s, err := query.NewMatchAllQuery().Searcher(ctx, r, m, search.SearcherOptions{Score: "none"})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	dvr, err := r.DocValueReader(append(facetFields[:], FieldGroup))
	if err != nil {
		return nil, err
	}
	t := &facetTable{urls: map[uint64]string{}}
	groups := map[string]uint32{}
	numbers := [3]map[string]uint16{{}, {}, {}}
	number := func(f int, v []byte) uint16 {
		n, ok := numbers[f][string(v)]
		if !ok {
			t.names[f] = append(t.names[f], string(v))
			n = uint16(len(t.names[f]))
			numbers[f][string(v)] = n
		}
		return n
	}
	sctx := &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize(), 0)}
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		d, err := s.Next(sctx)
		if err != nil {
			return nil, err
		}
		if d == nil {
			break
		}
		num := d.IndexInternalID.Value()
		if num >= uint64(len(t.docs)) {
			t.docs = append(t.docs, make([]facetDoc, int(num)+1-len(t.docs))...)
		}
		fd := facetDoc{tags: [2]uint32{uint32(len(t.tags)), 0}}
		err = dvr.VisitDocValues(d.IndexInternalID, func(field string, term []byte) {
			switch field {
			case FieldKind:
				fd.kind = number(0, term)
			case FieldLang:
				fd.lang = number(1, term)
			case FieldTags:
				t.tags = append(t.tags, number(2, term))
			case FieldGroup:
				if len(term) == 0 {
					return
				}
				g, ok := groups[string(term)]
				if !ok {
					g = uint32(len(groups) + 1)
					groups[string(term)] = g
					t.groupDocs = append(t.groupDocs, nil)
				}
				fd.group = g
			}
		})
		if err != nil {
			return nil, err
		}
		if fd.group > 0 {
			if t.urls[num], err = r.ExternalID(d.IndexInternalID); err != nil {
				return nil, err
			}
			t.groupDocs[fd.group-1] = append(t.groupDocs[fd.group-1], num)
			t.groupMax = max(t.groupMax, len(t.groupDocs[fd.group-1]))
		}
		fd.tags[1] = uint32(len(t.tags))
		t.docs[num] = fd
		sctx.DocumentMatchPool.Put(d)
	}
	return t, nil
}

// facetCounter counts the facets of the matches of one search.
type facetCounter struct {
	fields [3]bool // which of facetFields to count
	t      *facetTable
	counts [3][]int
	// grouped counts the pages of a translation group as one for kinds
	// and tags, as the search lists them, and notes the group's matching
	// pages (see groups.go): hit and score by document number, and dup,
	// the matches of groups that had matched already.
	grouped bool
	hit     []bool
	score   []float64
	dup     uint64
}

func newFacetCounter(fields []string) *facetCounter {
	c := &facetCounter{}
	for i, f := range facetFields {
		c.fields[i] = slices.Contains(fields, f)
	}
	return c
}

// release hands the counter's arrays back for other searches; c is not
// used after.
func (c *facetCounter) release() {
	if c == nil || c.hit == nil {
		return
	}
	hit, score := c.hit, c.score // copies: the fields change below
	clear(hit)
	clear(score)
	boolPool.Put(&hit)
	vecPool.Put(&score)
	c.hit, c.score = nil, nil
}

// boolPool keeps zeroed []bool between searches.
var boolPool sync.Pool

// zeroBools returns n falses.
func zeroBools(n int) []bool {
	if p, ok := boolPool.Get().(*[]bool); ok && len(*p) == n {
		return *p
	}
	return make([]bool, n)
}

// start readies c to count the matches of a search of the snapshot whose
// table is t.
func (c *facetCounter) start(t *facetTable) {
	c.t = t
	for i := range c.counts {
		c.counts[i] = make([]int, len(t.names[i]))
	}
}

func (c *facetCounter) add(num uint64, score float64) {
	if num >= uint64(len(c.t.docs)) {
		return
	}
	d := &c.t.docs[num]
	var group []uint64 // the pages of d's group, when grouped
	if c.grouped && d.group > 0 {
		group = c.t.groupDocs[d.group-1]
		if c.hit == nil {
			c.hit, c.score = zeroBools(len(c.t.docs)), zeroFloats(len(c.t.docs))
		}
	}
	// earlier reports whether a page of d's group that matched before d
	// has what is.
	earlier := func(is func(o *facetDoc) bool) bool {
		for _, m := range group {
			if m != num && c.hit[m] && is(&c.t.docs[m]) {
				return true
			}
		}
		return false
	}
	if group != nil {
		if earlier(func(*facetDoc) bool { return true }) {
			c.dup++
		}
	}
	if c.fields[0] && d.kind > 0 && (group == nil || !earlier(func(o *facetDoc) bool { return o.kind == d.kind })) {
		c.counts[0][d.kind-1]++
	}
	if c.fields[1] && d.lang > 0 {
		c.counts[1][d.lang-1]++
	}
	if c.fields[2] {
		for _, tag := range c.t.tags[d.tags[0]:d.tags[1]] {
			if group == nil || !earlier(func(o *facetDoc) bool { return slices.Contains(c.t.tags[o.tags[0]:o.tags[1]], tag) }) {
				c.counts[2][tag-1]++
			}
		}
	}
	if group != nil {
		c.hit[num], c.score[num] = true, score
	}
}

// result returns the counts of field, at most size values: the most
// frequent first, ties by value, as bleve's terms facet chooses them.
func (c *facetCounter) result(field string, size int) map[string]int {
	out := map[string]int{}
	i := slices.Index(facetFields[:], field)
	if i < 0 || c.t == nil || !c.fields[i] {
		return out
	}
	type vc struct {
		v string
		n int
	}
	var all []vc
	for j, n := range c.counts[i] {
		if n > 0 && c.t.names[i][j] != "" {
			all = append(all, vc{c.t.names[i][j], n})
		}
	}
	slices.SortFunc(all, func(a, b vc) int { return cmp.Or(cmp.Compare(b.n, a.n), cmp.Compare(a.v, b.v)) })
	for _, x := range all[:min(size, len(all))] {
		out[x.v] = x.n
	}
	return out
}

// countingQuery is q, counting the facets of its matches into c. It must
// be the search's top query: the collector calls its searcher's Next only.
type countingQuery struct {
	q      query.Query
	c      *facetCounter
	tables *facetTables
}

// Searcher implements query.Query.
func (q *countingQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	t, err := q.tables.tableFor(ctx, r, m)
	if err != nil {
		return nil, err
	}
	q.c.start(t)
	s, err := q.q.Searcher(ctx, r, m, opts)
	if err != nil {
		return nil, err
	}
	return &countingSearcher{Searcher: s, c: q.c}, nil
}

type countingSearcher struct {
	search.Searcher
	c *facetCounter
}

// Next implements search.Searcher.
func (s *countingSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	d, err := s.Searcher.Next(ctx)
	if d != nil {
		s.c.add(d.IndexInternalID.Value(), d.Score)
	}
	return d, err
}

// Advance implements search.Searcher.
func (s *countingSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	d, err := s.Searcher.Advance(ctx, id)
	if d != nil {
		s.c.add(d.IndexInternalID.Value(), d.Score)
	}
	return d, err
}
