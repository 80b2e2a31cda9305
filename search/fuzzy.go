package search

import (
	"context"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// fuzzyQuery matches the terms of field within fuzziness edits of term
// that begin with its first letter, each weighted by 1/(edits+1), as
// bleve's fuzzy query does. bleve takes the edits from the segment's
// dictionary, and the zap 15 segments Build writes do not report them
// (every term would count as spelled right); here they are worked out from
// the automaton that found the terms.
type fuzzyQuery struct {
	field, term string
	fuzziness   int
	boost       float64
}

// Searcher implements query.Query.
func (q *fuzzyQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	fr, ok := r.(index.IndexReaderFuzzy)
	if !ok {
		return searcher.NewFuzzySearcher(ctx, r, q.term, 1, q.fuzziness, q.field, q.boost, opts)
	}
	prefix := q.term
	for i := range q.term {
		if i > 0 {
			prefix = q.term[:i]
			break
		}
	}
	dict, a, err := fr.FieldDictFuzzyAutomaton(q.field, q.term, q.fuzziness, prefix)
	if err != nil {
		return nil, err
	}
	defer dict.Close()
	var terms []string
	var edits []uint8
	for {
		e, err := dict.Next()
		if err != nil {
			return nil, err
		}
		if e == nil {
			break
		}
		_, d := a.MatchAndDistance(e.Term)
		terms = append(terms, e.Term)
		edits = append(edits, d)
	}
	if len(terms) == 0 || len(terms) == 1 && terms[0] == q.term {
		return searcher.NewTermSearcher(ctx, r, q.term, q.field, q.boost, opts)
	}
	return searcher.NewMultiTermSearcherBoosted(ctx, r, terms, q.field, q.boost, edits, opts, true)
}
