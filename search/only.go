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
