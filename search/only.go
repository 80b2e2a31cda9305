package search

import (
	"context"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// onlyQuery is q limited to the documents ids (the pages found to hold a
// query's phrases). bleve's filters test each match of q in turn; here the
// few ids lead, and q is only advanced to them. The scores are q's.
type onlyQuery struct {
	q   query.Query
	ids []string
}

// Searcher implements query.Query.
func (q *onlyQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	main, err := q.q.Searcher(ctx, r, m, opts)
	if err != nil {
		return nil, err
	}
	f, err := query.NewDocIDQuery(q.ids).Searcher(ctx, r, m, search.SearcherOptions{Score: "none"})
	if err != nil {
		_ = main.Close()
		return nil, err
	}
	return &onlySearcher{Searcher: main, f: f}, nil
}

type onlySearcher struct {
	search.Searcher // the query's
	f               search.Searcher
}

// Next implements search.Searcher.
func (s *onlySearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	fd, err := s.f.Next(ctx)
	if err != nil {
		return nil, err
	}
	return s.from(ctx, fd)
}

// Advance implements search.Searcher.
func (s *onlySearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	fd, err := s.f.Advance(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.from(ctx, fd)
}

// from returns the first match of the query at or after the allowed
// document fd, leapfrogging the two.
func (s *onlySearcher) from(ctx *search.SearchContext, fd *search.DocumentMatch) (*search.DocumentMatch, error) {
	for fd != nil {
		m, err := s.Searcher.Advance(ctx, fd.IndexInternalID)
		if err != nil || m == nil {
			ctx.DocumentMatchPool.Put(fd)
			return nil, err
		}
		if m.IndexInternalID.Equals(fd.IndexInternalID) {
			ctx.DocumentMatchPool.Put(fd)
			return m, nil
		}
		// The query is past fd: catch the allowed documents up.
		ctx.DocumentMatchPool.Put(fd)
		if fd, err = s.f.Advance(ctx, m.IndexInternalID); err != nil {
			return nil, err
		}
		if fd != nil && fd.IndexInternalID.Equals(m.IndexInternalID) {
			ctx.DocumentMatchPool.Put(fd)
			return m, nil
		}
		ctx.DocumentMatchPool.Put(m)
	}
	return nil, nil
}

// Close implements search.Searcher.
func (s *onlySearcher) Close() error {
	err := s.Searcher.Close()
	if ferr := s.f.Close(); err == nil {
		err = ferr
	}
	return err
}

// Count is an upper bound of the matches.
func (s *onlySearcher) Count() uint64 { return min(s.Searcher.Count(), s.f.Count()) }

// Size estimates the searcher's memory.
func (s *onlySearcher) Size() int { return s.Searcher.Size() + s.f.Size() }

// DocumentMatchPoolSize is what both need, and one match held between them.
func (s *onlySearcher) DocumentMatchPoolSize() int {
	return s.Searcher.DocumentMatchPoolSize() + s.f.DocumentMatchPoolSize() + 1
}
