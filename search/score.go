package search

import (
	"context"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// scoredQuery is q with scores the static client can reproduce exactly: no
// query norm (bleve scales every term by one over the root of the query's
// summed weights; a constant per search, so it changes no order, but its
// rounding would differ between two implementations), and each page's
// score rounded to float32 precision, so that the last bits of a sum,
// which depend on the order of the additions, decide nothing. Pages with
// equal scores come in index order, which is URL order (see Build).
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
	return &scoredSearcher{Searcher: s}, nil
}

// scoredSearcher rounds its matches' scores (see scoredQuery).
type scoredSearcher struct {
	search.Searcher
}

// Next implements search.Searcher.
func (s *scoredSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	d, err := s.Searcher.Next(ctx)
	if d != nil {
		d.Score = roundScore(d.Score)
	}
	return d, err
}

// Advance implements search.Searcher.
func (s *scoredSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	d, err := s.Searcher.Advance(ctx, id)
	if d != nil {
		d.Score = roundScore(d.Score)
	}
	return d, err
}

// SetQueryNorm keeps the norm at 1.
func (s *scoredSearcher) SetQueryNorm(float64) {}

// roundScore rounds a page's score to float32 precision, as the static
// client does (Math.fround).
func roundScore(v float64) float64 {
	return float64(float32(v))
}
