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
//
// The terms found are kept with the snapshot's facet table (tables), so
// that the same word searched again on the same snapshot builds no
// automaton and walks no dictionary.
type fuzzyQuery struct {
	field, term string
	fuzziness   int
	boost       float64
	tables      *facetTables
}

// spelt is what a fuzzy query found in one snapshot: the terms and their
// edits from the term looked for.
type spelt struct {
	terms []string
	edits []uint8
}

// fuzzyKey identifies a fuzzy query's terms in a snapshot.
type fuzzyKey struct {
	field, term string
	fuzziness   int
}

// maxSpelt bounds the fuzzy queries whose terms a snapshot keeps; past
// it, they are forgotten and found again.
const maxSpelt = 1024

// Searcher implements query.Query.
func (q *fuzzyQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	fr, ok := r.(index.IndexReaderFuzzy)
	if !ok {
		return searcher.NewFuzzySearcher(ctx, r, q.term, 1, q.fuzziness, q.field, q.boost, opts)
	}
	var ft *facetTable
	if q.tables != nil {
		ft, _ = q.tables.tableFor(ctx, r, m)
	}
	key := fuzzyKey{q.field, q.term, q.fuzziness}
	sp, ok := ft.spelt(key)
	if !ok {
		var err error
		if sp, err = q.find(fr); err != nil {
			return nil, err
		}
		ft.keepSpelt(key, sp)
	}
	if len(sp.terms) == 0 || len(sp.terms) == 1 && sp.terms[0] == q.term {
		return searcher.NewTermSearcher(ctx, r, q.term, q.field, q.boost, opts)
	}
	// The searcher only reads the slices (they are shared).
	return searcher.NewMultiTermSearcherBoosted(ctx, r, sp.terms, q.field, q.boost, sp.edits, opts, true)
}

// find walks the dictionary of r for the query's terms.
func (q *fuzzyQuery) find(fr index.IndexReaderFuzzy) (spelt, error) {
	prefix := q.term
	for i := range q.term {
		if i > 0 {
			prefix = q.term[:i]
			break
		}
	}
	dict, a, err := fr.FieldDictFuzzyAutomaton(q.field, q.term, q.fuzziness, prefix)
	if err != nil {
		return spelt{}, err
	}
	defer dict.Close()
	var sp spelt
	for {
		e, err := dict.Next()
		if err != nil {
			return spelt{}, err
		}
		if e == nil {
			return sp, nil
		}
		_, d := a.MatchAndDistance(e.Term)
		sp.terms = append(sp.terms, e.Term)
		sp.edits = append(sp.edits, d)
	}
}

// spelt returns the terms of a fuzzy query kept for the table's snapshot.
func (t *facetTable) spelt(k fuzzyKey) (spelt, bool) {
	if t == nil {
		return spelt{}, false
	}
	t.spellMu.Lock()
	defer t.spellMu.Unlock()
	sp, ok := t.spell[k]
	return sp, ok
}

// keepSpelt keeps the terms of a fuzzy query for the table's snapshot.
func (t *facetTable) keepSpelt(k fuzzyKey, sp spelt) {
	if t == nil {
		return
	}
	t.spellMu.Lock()
	defer t.spellMu.Unlock()
	if t.spell == nil || len(t.spell) >= maxSpelt {
		t.spell = map[fuzzyKey]spelt{}
	}
	t.spell[k] = sp
}
