package search

import (
	"context"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// onlyQuery is q limited to the documents ids (the pages found to hold a
// query's phrases). The scores are q's, exactly as without the limit: q is
// only ever moved on with Next (bleve's boolean searcher, advanced past a
// page, can lose the match of its optional clauses there, and a page would
// score lower than it does without the limit).
type onlyQuery struct {
	q   query.Query
	ids []string
}

// Searcher implements query.Query.
func (q *onlyQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	f, err := query.NewDocIDQuery(q.ids).Searcher(ctx, r, m, search.SearcherOptions{Score: "none"})
	if err != nil {
		return nil, err
	}
	defer f.Close()
	allowed := map[string]bool{}
	sctx := &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(f.DocumentMatchPoolSize(), 0)}
	for {
		d, err := f.Next(sctx)
		if err != nil {
			return nil, err
		}
		if d == nil {
			break
		}
		allowed[string(d.IndexInternalID)] = true
		sctx.DocumentMatchPool.Put(d)
	}
	main, err := q.q.Searcher(ctx, r, m, opts)
	if err != nil {
		return nil, err
	}
	return &onlySearcher{Searcher: main, allowed: allowed}, nil
}

type onlySearcher struct {
	search.Searcher // the query's
	allowed         map[string]bool
}

// Next implements search.Searcher.
func (s *onlySearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	for {
		m, err := s.Searcher.Next(ctx)
		if err != nil || m == nil || s.allowed[string(m.IndexInternalID)] {
			return m, err
		}
		ctx.DocumentMatchPool.Put(m)
	}
}

// Advance implements search.Searcher: to the first allowed match at or
// after id, which is the next one (the search only moves forward).
func (s *onlySearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	for {
		m, err := s.Next(ctx)
		if err != nil || m == nil || m.IndexInternalID.Compare(id) >= 0 {
			return m, err
		}
		ctx.DocumentMatchPool.Put(m)
	}
}

// Count is an upper bound of the matches.
func (s *onlySearcher) Count() uint64 { return min(s.Searcher.Count(), uint64(len(s.allowed))) }

// scoredDoc is a page and its score, as a search found it.
type scoredDoc struct {
	id    index.IndexInternalID
	score float64
}

// foundQuery gives back the pages a search of the same query found in
// the index snapshot snapshot, with the scores it gave them (the pages
// found to hold a query's phrases, among those the search for candidates
// scored): searching the query again, limited to them, would walk every
// page it matches to score them the same. docs are in document order,
// which is the snapshot's own: in another snapshot (the index changed in
// between) the query is otherwise.
type foundQuery struct {
	docs      []scoredDoc
	snapshot  index.IndexReader
	otherwise query.Query
}

// Searcher implements query.Query.
func (q *foundQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	if r != q.snapshot {
		return q.otherwise.Searcher(ctx, r, m, opts)
	}
	return &foundSearcher{docs: q.docs}, nil
}

// readerQuery is q, noting the index snapshot it searches in r.
type readerQuery struct {
	q query.Query
	r *index.IndexReader
}

// Searcher implements query.Query.
func (q *readerQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	*q.r = r
	return q.q.Searcher(ctx, r, m, opts)
}

// foundSearcher yields its pages in document order.
type foundSearcher struct {
	docs []scoredDoc
	next int
}

// Next implements search.Searcher.
func (s *foundSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	if s.next >= len(s.docs) {
		return nil, nil
	}
	d := s.docs[s.next]
	s.next++
	m := ctx.DocumentMatchPool.Get()
	m.IndexInternalID = append(m.IndexInternalID[:0], d.id...)
	m.Score = d.score
	return m, nil
}

// Advance implements search.Searcher.
func (s *foundSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	for s.next < len(s.docs) && s.docs[s.next].id.Compare(id) < 0 {
		s.next++
	}
	return s.Next(ctx)
}

// Close implements search.Searcher.
func (s *foundSearcher) Close() error { return nil }

// Weight implements search.Searcher: the scores are given.
func (s *foundSearcher) Weight() float64 { return 0 }

// SetQueryNorm implements search.Searcher: the scores are given.
func (s *foundSearcher) SetQueryNorm(float64) {}

// Count implements search.Searcher.
func (s *foundSearcher) Count() uint64 { return uint64(len(s.docs)) }

// Min implements search.Searcher.
func (s *foundSearcher) Min() int { return 0 }

// Size implements search.Searcher.
func (s *foundSearcher) Size() int { return 64 + 48*len(s.docs) }

// DocumentMatchPoolSize implements search.Searcher.
func (s *foundSearcher) DocumentMatchPoolSize() int { return 1 }
