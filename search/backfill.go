package search

import (
	"context"
	"slices"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// Backfill: a page need not hold every word of the query. Pages holding
// every word come first, then those missing one, then fewer, in one ranked
// list: a page's tier is the number of the query's words it holds (a word
// that is only a stop word in the page's language counts as held), and its
// score is tier·tierScale plus its relevance. A page must hold at least one
// word that is not a stop word in some language of the query: never a page
// that matches only "the".

// tierScale separates the tiers. A relevance is capped just below
// prefScale; within a tier, a page in the reader's language
// (Request.Pref) counts its relevance prefBoost times: a preference, not a
// filter, so that of two pages about as relevant (a playbook and its
// translation) the reader's comes first, while a page in another language
// that is clearly about the words (its title holds them) stays above one
// that only mentions them.
const (
	tierScale = 1 << 20
	prefBoost = 4
	prefScale = tierScale / prefBoost
)

// unionQuery matches the pages holding at least one of the query's words
// (children, one query per word) and scores them by the sum of the words'
// scores, in order. free[i] lists the language keys in which word i is
// only a stop word.
type unionQuery struct {
	children []query.Query
	free     [][]string
	// tiers, set by tierQuery for each search, receives each matched
	// page's tier, by document number.
	tiers *tierTable
}

// tierTable is what a search's unionQuery tells its tierQuery.
type tierTable struct {
	// langs maps a document number to the language key number of the
	// facet table (0: none), tiers to the page's tier.
	ft    *facetTable
	tiers []uint8
	// free[i][lang] says word i is held by every page of that language
	// (facet table's language number).
	free [][]bool
	// strong[i]: word i is more than a stop word in every language asked.
	strong []bool
}

// Searcher implements query.Query.
func (q *unionQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	return newAnyOf(ctx, r, m, opts, q.children, 0, q.tiers)
}

// tier returns the tier of document num whose words matched are those
// set in matched, or -1 when it matches no word that is more than a stop
// word (while the query has such a word).
func (t *tierTable) tier(num uint64, matched []bool) int {
	lang := 0
	if num < uint64(len(t.ft.docs)) {
		lang = int(t.ft.docs[num].lang)
	}
	n, strong, anyStrong := 0, false, false
	for i, m := range matched {
		anyStrong = anyStrong || t.strong[i]
		if m {
			strong = strong || t.strong[i]
		}
		if m || t.free[i][lang] {
			n++
		}
	}
	if anyStrong && !strong {
		return -1
	}
	return n
}

// tierQuery is the query for the text typed, q, scored by tier and
// relevance (see tierScale). Relevance is rounded to float32 precision, so
// that the last bits of a sum, which depend on the order of the additions,
// decide nothing, and the static client ranks alike.
type tierQuery struct {
	q      query.Query
	words  *unionQuery
	tables *facetTables
	pref   string // the reader's language
}

// Searcher implements query.Query.
func (q *tierQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	ts, err := q.tiers(ctx, r, m)
	if err != nil {
		return nil, err
	}
	if denseOn && denseOf(q.q) {
		if v, err := ts.dense(ctx, r, q.q); err != errNotDense {
			if err != nil {
				return nil, err
			}
			return newVecSearcher(v), nil
		}
	}
	s, err := q.q.Searcher(ctx, r, m, opts)
	if err != nil {
		return nil, err
	}
	ts.Searcher = s
	return ts, nil
}

// tiers returns the scorer of q's matches in the snapshot r, its searcher
// not set, and tells q's words query where to note their tiers.
func (q *tierQuery) tiers(ctx context.Context, r index.IndexReader, m mapping.IndexMapping) (*tierSearcher, error) {
	ft, err := q.tables.tableFor(ctx, r, m)
	if err != nil {
		return nil, err
	}
	pref := uint16(0) // the reader's language's number in ft, 0: none
	if i := slices.Index(ft.names[1], q.pref); i >= 0 && q.pref != "" {
		pref = uint16(i + 1)
	}
	var t *tierTable
	if len(q.words.children) > 0 {
		t = &tierTable{ft: ft, tiers: make([]uint8, len(ft.docs))}
		langs := ft.names[1]
		for _, free := range q.words.free {
			row := make([]bool, len(langs)+1)
			row[0] = slices.Contains(free, langKey(""))
			for j, l := range langs {
				row[j+1] = slices.Contains(free, langKey(l))
			}
			t.free = append(t.free, row)
			t.strong = append(t.strong, len(free) == 0)
		}
		q.words.tiers = t
	}
	return &tierSearcher{t: t, ft: ft, pref: pref}, nil
}

// dense scores q over r densely (see dense.go), each page by tier and
// relevance as score does. The array returned is the caller's, to hand
// back with vec.release.
func (s *tierSearcher) dense(ctx context.Context, r index.IndexReader, q query.Query) (*vec, error) {
	total, err := r.DocCount()
	if err != nil {
		return nil, err
	}
	e := &evaluator{ctx: ctx, r: r, segs: newSegments(r), total: total, n: len(s.ft.docs), ft: s.ft, lists: map[postingKey]*posting{}}
	defer e.release()
	if err := e.prefetch(q); err != nil {
		return nil, err
	}
	v, err := e.eval(q)
	if err != nil {
		return nil, err
	}
	if v == nil {
		v = e.get()
	}
	v.each(func(d uint32) {
		if x := v.s[d]; x > 0 {
			v.s[d] = s.final(uint64(d), x)
		}
	})
	return v, nil
}

// tierSearcher scores its matches by tier and relevance.
type tierSearcher struct {
	search.Searcher
	t    *tierTable
	ft   *facetTable
	pref uint16
}

// Next implements search.Searcher.
func (s *tierSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	d, err := s.Searcher.Next(ctx)
	if d != nil {
		s.score(d)
	}
	return d, err
}

// Advance implements search.Searcher.
func (s *tierSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	d, err := s.Searcher.Advance(ctx, id)
	if d != nil {
		s.score(d)
	}
	return d, err
}

func (s *tierSearcher) score(d *search.DocumentMatch) {
	d.Score = s.final(d.IndexInternalID.Value(), d.Score)
}

// final is the score of document num, whose relevance is score: its tier
// times tierScale plus the relevance, at float32 precision, prefBoost
// times in the reader's language.
func (s *tierSearcher) final(num uint64, score float64) float64 {
	tier := 0
	if s.t != nil && num < uint64(len(s.t.tiers)) {
		tier = int(s.t.tiers[num])
	}
	rel := min(float64(float32(score)), prefScale-1)
	if s.pref > 0 && num < uint64(len(s.ft.docs)) && s.ft.docs[num].lang == s.pref {
		rel *= prefBoost
	}
	return float64(tier)*tierScale + rel
}

// tierOf returns the tier of a score.
func tierOf(score float64) int { return int(score / tierScale) }
