package search

import (
	"context"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// scoredQuery is q without bleve's query norm: bleve scales every term by
// one over the root of the query's summed weights, a constant per search
// that changes no order, but whose rounding the static client would have
// to reproduce. Scores are then rounded and tiered by tierQuery (see
// backfill.go); pages with equal scores come in index order, which is URL
// order (see Build).
type scoredQuery struct {
	q query.Query
}

// Searcher implements query.Query.
func (q *scoredQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	s, err := q.q.Searcher(ctx, r, m, opts)
	if err != nil {
		return nil, err
	}
	s.SetQueryNorm(1)
	return s, nil
}
