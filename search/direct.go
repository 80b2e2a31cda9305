package search

import (
	"container/heap"
	"context"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// Direct collection: when the query for the text typed is scored densely
// (dense.go) and nothing filters it, its matches are already an array of
// scores by document number. Walking that array once counts the matches,
// the facets and the best pages, where bleve's collector would take each
// match through a searcher, a pooled match and its heap. The answer is
// bleve's own: the same total and best score, the pages ranked by score
// and, for equal scores, in document order (bleve's order of arrival).

// directOn turns direct collection on; tests turn it off to compare.
var directOn = true

// runDirect answers run's search of q when q is a dense text query with no
// filter; ok is false when it is not.
func (p *plan) runDirect(ctx context.Context, q query.Query, size, from int, fields []string, fc *facetCounter) (sr *bleve.SearchResult, ok bool, err error) {
	var noted *index.IndexReader
	if rq, isReader := q.(*readerQuery); isReader {
		q, noted = rq.q, rq.r
	}
	tq, isTier := q.(*tierQuery)
	if !directOn || !denseOn || !isTier || p.q.Empty() || !denseOf(tq.q) {
		return nil, false, nil
	}
	r, err := openReader(p.idx)
	if err != nil {
		return nil, true, err
	}
	defer r.Close()
	ts, err := tq.tiers(ctx, r, p.idx.Mapping())
	if err != nil {
		return nil, true, err
	}
	v, err := ts.dense(ctx, r, tq.q)
	if err == errNotDense {
		return nil, false, nil
	}
	if err != nil {
		return nil, true, err
	}
	if noted != nil {
		*noted = r
	}
	defer v.release()
	counting := fc.fields != [3]bool{} || fc.grouped
	if counting {
		fc.start(ts.ft)
	}
	sr = &bleve.SearchResult{}
	best := &topDocs{max: size + from}
	v.each(func(d uint32) {
		x := v.s[d]
		if x == 0 {
			return
		}
		sr.Total++
		if x > sr.MaxScore {
			sr.MaxScore = x
		}
		if counting {
			fc.add(uint64(d), x)
		}
		best.offer(d, x)
	})
	if err := ctx.Err(); err != nil {
		return nil, true, err
	}
	ranked := best.ranked()
	ranked = ranked[min(from, len(ranked)):]
	sr.Hits = make(search.DocumentMatchCollection, 0, len(ranked))
	for _, h := range ranked {
		id := index.NewIndexInternalID(nil, uint64(h.doc))
		m := &search.DocumentMatch{IndexInternalID: id, Score: h.score}
		if m.ID, err = r.ExternalID(id); err != nil {
			return nil, true, err
		}
		if len(fields) > 0 {
			if m.Fields, err = loadFields(r, m.ID, fields); err != nil {
				return nil, true, err
			}
		}
		sr.Hits = append(sr.Hits, m)
	}
	return sr, true, nil
}

// topDocs keeps the best max documents offered: a heap whose root is the
// worst kept.
type topDocs struct {
	max  int
	docs []scoredNum
}

type scoredNum struct {
	doc   uint32
	score float64
}

// worse reports whether a ranks below b: a lower score, or the same score
// and a later document.
func worse(a, b scoredNum) bool {
	return a.score < b.score || a.score == b.score && a.doc > b.doc
}

// offer keeps document d of score x if it is among the best so far.
// Documents are offered in document order.
func (t *topDocs) offer(d uint32, x float64) {
	if t.max <= 0 {
		return
	}
	if len(t.docs) < t.max {
		heap.Push(t, scoredNum{d, x})
		return
	}
	// d comes after every document kept: an equal score ranks below.
	if x <= t.docs[0].score {
		return
	}
	t.docs[0] = scoredNum{d, x}
	heap.Fix(t, 0)
}

// ranked returns the documents kept, best first; t is empty after.
func (t *topDocs) ranked() []scoredNum {
	out := make([]scoredNum, len(t.docs))
	for i := len(out) - 1; i >= 0; i-- {
		out[i] = heap.Pop(t).(scoredNum)
	}
	return out
}

// Len implements heap.Interface.
func (t *topDocs) Len() int { return len(t.docs) }

// Less implements heap.Interface: the worst document at the root.
func (t *topDocs) Less(i, j int) bool { return worse(t.docs[i], t.docs[j]) }

// Swap implements heap.Interface.
func (t *topDocs) Swap(i, j int) { t.docs[i], t.docs[j] = t.docs[j], t.docs[i] }

// Push implements heap.Interface.
func (t *topDocs) Push(x any) { t.docs = append(t.docs, x.(scoredNum)) }

// Pop implements heap.Interface.
func (t *topDocs) Pop() any {
	x := t.docs[len(t.docs)-1]
	t.docs = t.docs[:len(t.docs)-1]
	return x
}
