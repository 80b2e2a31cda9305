package search

import (
	"context"
	"math"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// anyOfQuery matches a page that matches any of its children and scores it
// by its best child plus tie times the others ("dis_max"). bleve's own
// disjunction multiplies the sum by the share of children matched, which
// for one word over several fields would rank a page with the word in its
// summary and body above a page with it in the title only; here the title
// decides.
type anyOfQuery struct {
	children []query.Query
	tie      float64
}

// anyOf returns the best-of query of children, or the only child.
func anyOf(tie float64, children ...query.Query) query.Query {
	if len(children) == 1 {
		return children[0]
	}
	return &anyOfQuery{children: children, tie: tie}
}

// Searcher implements query.Query.
func (q *anyOfQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	return newAnyOf(ctx, r, m, opts, q.children, q.tie, nil)
}

// newAnyOf returns the searcher of children (see anyOfSearcher).
func newAnyOf(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts search.SearcherOptions, children []query.Query, tie float64, union *tierTable) (search.Searcher, error) {
	subs := make([]search.Searcher, 0, len(children))
	for _, c := range children {
		s, err := c.Searcher(ctx, r, m, opts)
		if err != nil {
			for _, s := range subs {
				_ = s.Close()
			}
			return nil, err
		}
		subs = append(subs, s)
	}
	s := &anyOfSearcher{subs: subs, tie: tie, currs: make([]*search.DocumentMatch, len(subs)), nums: make([]uint64, len(subs)), score: opts.Score != "none", union: union}
	var w float64
	for _, c := range subs {
		w += c.Weight()
	}
	if w > 0 {
		s.SetQueryNorm(1 / math.Sqrt(w))
	}
	return s, nil
}

// anyOfSearcher merges its children's matches in document order. With
// union set (see unionQuery), a page's score is the sum of its children's,
// and its tier is recorded there; a page whose tier is -1 is skipped.
type anyOfSearcher struct {
	subs        []search.Searcher
	currs       []*search.DocumentMatch
	nums        []uint64 // currs' document numbers, noMore for none
	tie         float64
	score       bool
	initialized bool
	union       *tierTable
	matched     []bool
}

// noMore is the document number of a child with no more matches.
const noMore = math.MaxUint64

func (s *anyOfSearcher) init(ctx *search.SearchContext) error {
	for i, c := range s.subs {
		m, err := c.Next(ctx)
		if err != nil {
			return err
		}
		s.set(i, m)
	}
	s.initialized = true
	return nil
}

// set makes m child i's current match. Document numbers compare as the
// internal IDs do (they are the IDs' big-endian value).
func (s *anyOfSearcher) set(i int, m *search.DocumentMatch) {
	s.currs[i] = m
	if m == nil {
		s.nums[i] = noMore
	} else {
		s.nums[i] = m.IndexInternalID.Value()
	}
}

// Next returns the next document any child matches.
func (s *anyOfSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	if !s.initialized {
		if err := s.init(ctx); err != nil {
			return nil, err
		}
	}
	id := uint64(noMore)
	for _, n := range s.nums {
		id = min(id, n)
	}
	if id == noMore {
		return nil, nil
	}
	var best, sum float64
	var rv *search.DocumentMatch
	if s.union != nil {
		if s.matched == nil {
			s.matched = make([]bool, len(s.subs))
		}
		clear(s.matched)
	}
	for i, m := range s.currs {
		if s.nums[i] != id {
			continue
		}
		if s.union != nil {
			s.matched[i] = true
		}
		sum += m.Score
		if rv == nil || m.Score > best {
			best = m.Score
		}
		if rv == nil {
			rv = m
		} else {
			// rv carries the match on; this one goes back to the pool.
			ctx.DocumentMatchPool.Put(m)
		}
		next, err := s.subs[i].Next(ctx)
		if err != nil {
			return nil, err
		}
		s.set(i, next)
	}
	if s.union != nil {
		num := rv.IndexInternalID.Value()
		tier := s.union.tier(num, s.matched)
		if tier < 0 {
			ctx.DocumentMatchPool.Put(rv)
			return s.Next(ctx)
		}
		if num < uint64(len(s.union.tiers)) {
			s.union.tiers[num] = uint8(tier)
		}
		if s.score {
			rv.Score = sum
		}
	} else if s.score {
		rv.Score = best + s.tie*(sum-best)
	}
	rv.Expl = nil
	return rv, nil
}

// Advance moves to the first document at or after id that any child
// matches.
func (s *anyOfSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	if !s.initialized {
		if err := s.init(ctx); err != nil {
			return nil, err
		}
	}
	target := id.Value()
	for i, m := range s.currs {
		if s.nums[i] >= target {
			continue
		}
		ctx.DocumentMatchPool.Put(m)
		next, err := s.subs[i].Advance(ctx, id)
		if err != nil {
			return nil, err
		}
		s.set(i, next)
	}
	return s.Next(ctx)
}

// Close closes every child.
func (s *anyOfSearcher) Close() error {
	var first error
	for _, c := range s.subs {
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Weight is the children's summed weight, for the query norm.
func (s *anyOfSearcher) Weight() float64 {
	var w float64
	for _, c := range s.subs {
		w += c.Weight()
	}
	return w
}

// SetQueryNorm passes the query norm on to the children.
func (s *anyOfSearcher) SetQueryNorm(n float64) {
	for _, c := range s.subs {
		c.SetQueryNorm(n)
	}
}

// Count is an upper bound of the matches.
func (s *anyOfSearcher) Count() uint64 {
	var n uint64
	for _, c := range s.subs {
		n += c.Count()
	}
	return n
}

// Min is 0: any one child is enough.
func (s *anyOfSearcher) Min() int { return 0 }

// Size estimates the searcher's memory.
func (s *anyOfSearcher) Size() int {
	n := 64 + 8*len(s.currs)
	for _, c := range s.subs {
		n += c.Size()
	}
	return n
}

// DocumentMatchPoolSize is what the children need plus one current match
// per child.
func (s *anyOfSearcher) DocumentMatchPoolSize() int {
	n := len(s.subs)
	for _, c := range s.subs {
		n += c.DocumentMatchPoolSize()
	}
	return n
}
