package search

import (
	"cmp"
	"context"
	"math"
	"math/bits"
	"runtime"
	"slices"
	"sync"

	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"

	"kb/internal/workers"
)

// Dense evaluation: the query for the text typed is scored one clause at
// a time over an array of every page's score (by document number), the
// way the static client scores it (see search-static/anyof.js), instead of
// one page at a time through a tree of searchers. A word's query has a
// dozen or more clauses over the same few postings lists (its terms in
// four fields, the same terms again as prefixes); here each list is read
// once per search, and combining clauses costs a pass over an array
// instead of a searcher call per page per clause.
//
// Every score is the one bleve's searchers give (term: tf·norm·idf·boost·idf
// with a query norm of 1; disjunction: sum times coord; conjunction and
// boolean: sums), added in the order of the clauses, as the static client
// adds them. A query holding a clause of another kind is searched the
// usual way (see denseOf).

// denseOn turns dense evaluation on; tests turn it off to compare.
var denseOn = true

// vec holds a score per document number; 0 is no match. A nil *vec
// matches nothing. When docs is not nil it lists, in order, every
// document with a score, and the operations visit only those: most words
// are on few pages.
type vec struct {
	s    []float64
	docs []uint32
}

// sparseShare: a result on at most one page in sparseShare lists its
// pages (see vec).
const sparseShare = 8

// posting is a term's postings list in one field, as the term scorer
// needs it: the documents and tf·norm of each, and the document frequency.
type posting struct {
	docs []uint32
	w    []float64
	df   uint64
}

type postingKey struct{ field, term string }

// evaluator scores queries densely over one index snapshot.
type evaluator struct {
	ctx   context.Context
	r     index.IndexReader
	segs  *segments // r's, nil when r is not a snapshot of segments
	total uint64    // live documents, for the idf
	n     int       // document numbers are below n
	ft    *facetTable
	lists map[postingKey]*posting
	// prefixes holds the terms of a field beginning with a prefix.
	prefixes map[postingKey][]string
	free     [][]float64 // zeroed arrays of length n
	cnt      []uint16    // zeroed counts, for multi and disjunction
	// slabs cut the postings lists' arrays; wslabs those read by the
	// workers of prefetch.
	slabs  slabber
	wslabs []slabber
}

// vecPool keeps zeroed score arrays between searches.
var vecPool sync.Pool

// zeroFloats returns n zeroes, from the pool when it has them.
func zeroFloats(n int) []float64 {
	if p, ok := vecPool.Get().(*[]float64); ok && len(*p) == n {
		return *p
	}
	return make([]float64, n)
}

// get returns a vec of zeroes, listing its (no) documents.
func (e *evaluator) get() *vec {
	if k := len(e.free); k > 0 {
		s := e.free[k-1]
		e.free = e.free[:k-1]
		return &vec{s: s, docs: []uint32{}}
	}
	return &vec{s: zeroFloats(e.n), docs: []uint32{}}
}

// put takes v back, zeroing it.
func (e *evaluator) put(v *vec) {
	if v == nil {
		return
	}
	v.zero()
	e.free = append(e.free, v.s)
}

func (v *vec) zero() {
	if v.docs != nil {
		for _, d := range v.docs {
			v.s[d] = 0
		}
	} else {
		clear(v.s)
	}
}

// each calls f for every document that may have a score in v: those
// listed, else every one.
func (v *vec) each(f func(d uint32)) {
	if v.docs != nil {
		for _, d := range v.docs {
			f(d)
		}
		return
	}
	for d := range v.s {
		f(uint32(d))
	}
}

// release zeroes v's array and hands it back to vecPool; v is not used
// after.
func (v *vec) release() {
	v.zero()
	a := v.s
	vecPool.Put(&a)
}

// sparse reports whether v lists its documents.
func (v *vec) sparse() bool { return v.docs != nil }

// listed reports whether a result on k pages lists them (see vec).
func (e *evaluator) listed(k int) bool { return k <= e.n/sparseShare }

// settle stops listing v's documents once they are many.
func (e *evaluator) settle(v *vec) {
	if v.docs != nil && !e.listed(len(v.docs)) {
		v.docs = nil
	}
}

// release hands the evaluator's arrays back to the pool.
func (e *evaluator) release() {
	for _, s := range e.free {
		vecPool.Put(&s)
	}
	e.free = nil
	if c := e.cnt; c != nil {
		countPool.Put(&c) // a copy of the slice: e.cnt changes below
		e.cnt = nil
	}
	e.slabs.release()
	for i := range e.wslabs {
		e.wslabs[i].release()
	}
	e.lists = nil
}

// unionDocs lists the documents of vs, which all list theirs, in order.
func unionDocs(vs []*vec) []uint32 {
	k := 0
	for _, v := range vs {
		k += len(v.docs)
	}
	out := make([]uint32, 0, k)
	for _, v := range vs {
		out = append(out, v.docs...)
	}
	if len(vs) > 1 {
		slices.Sort(out)
		out = slices.Compact(out)
	}
	return out
}

// allSparse reports whether every vec of vs lists its documents, and
// they are few together.
func (e *evaluator) allSparse(vs []*vec) bool {
	k := 0
	for _, v := range vs {
		if !v.sparse() {
			return false
		}
		k += len(v.docs)
	}
	return e.listed(k)
}

// each calls f for every document that may have a score in one of vs:
// the listed ones when all list theirs, else every document. It returns
// the documents listed, nil for every document.
func (e *evaluator) each(vs []*vec, f func(d uint32)) []uint32 {
	if e.allSparse(vs) {
		docs := unionDocs(vs)
		for _, d := range docs {
			f(d)
		}
		return docs
	}
	for d := range e.n {
		f(uint32(d))
	}
	return nil
}

// keepScored makes out list the documents of docs (nil: all) that have a
// score.
func (e *evaluator) keepScored(out *vec, docs []uint32) *vec {
	if docs == nil {
		out.docs = nil
		return out
	}
	kept := docs[:0]
	for _, d := range docs {
		if out.s[d] != 0 {
			kept = append(kept, d)
		}
	}
	out.docs = kept
	return out
}

// denseOf reports whether dense evaluation knows every clause of q.
func denseOf(q query.Query) bool {
	switch x := q.(type) {
	case *query.TermQuery:
		return x.FieldVal != ""
	case *query.PrefixQuery:
		return x.FieldVal != ""
	case *fuzzyQuery:
		return true
	case *query.DisjunctionQuery:
		if x.Min != 0 {
			return false
		}
	case *query.BooleanQuery:
		if x.Filter != nil || x.Must == nil {
			return false
		}
	case *anyOfQuery, *unionQuery, *langOnlyQuery, *query.ConjunctionQuery:
	default:
		return false
	}
	for _, c := range clauses(q) {
		if !denseOf(c) {
			return false
		}
	}
	return true
}

// clauses returns the clauses q combines, none for a term, prefix or
// fuzzy query.
func clauses(q query.Query) []query.Query {
	switch x := q.(type) {
	case *anyOfQuery:
		return x.children
	case *unionQuery:
		return x.children
	case *langOnlyQuery:
		return []query.Query{x.q}
	case *query.ConjunctionQuery:
		return x.Conjuncts
	case *query.DisjunctionQuery:
		return x.Disjuncts
	case *query.BooleanQuery:
		var out []query.Query
		for _, c := range []query.Query{x.Must, x.Should, x.MustNot} {
			if c != nil {
				out = append(out, c)
			}
		}
		return out
	}
	return nil
}

// eval scores q; the result is the caller's to put back.
func (e *evaluator) eval(q query.Query) (*vec, error) {
	if err := e.ctx.Err(); err != nil {
		return nil, err
	}
	switch x := q.(type) {
	case *anyOfQuery:
		return e.anyOf(x.children, x.tie)
	case *unionQuery:
		return e.union(x)
	case *query.TermQuery:
		return e.term(x.FieldVal, x.Term, x.Boost())
	case *query.PrefixQuery:
		return e.prefix(x)
	case *fuzzyQuery:
		return e.fuzzy(x)
	case *langOnlyQuery:
		return e.langOnly(x)
	case *query.ConjunctionQuery:
		return e.conjunction(x.Conjuncts)
	case *query.DisjunctionQuery:
		kids, err := e.evalAll(x.Disjuncts)
		if err != nil {
			return nil, err
		}
		return e.disjunction(kids, len(kids)), nil
	case *query.BooleanQuery:
		return e.boolean(x)
	}
	panic("search: dense evaluation of an unknown query") // see denseOf
}

func (e *evaluator) evalAll(qs []query.Query) ([]*vec, error) {
	out := make([]*vec, 0, len(qs))
	for i, c := range qs {
		// A clause the same as an earlier one (a word whose stem is
		// the same in both languages) shares its scores.
		if j := sameLeaf(qs[:i], c); j >= 0 {
			out = append(out, out[j])
			continue
		}
		v, err := e.eval(c)
		if err != nil {
			e.putAll(out)
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// putAll puts each of vs, once however often it is listed.
func (e *evaluator) putAll(vs []*vec) {
	for i, v := range vs {
		if v != nil && !slices.Contains(vs[:i], v) {
			e.put(v)
		}
	}
}

// sameLeaf returns the index of the term or prefix query of qs that
// is the same as q, or -1.
func sameLeaf(qs []query.Query, q query.Query) int {
	switch x := q.(type) {
	case *query.PrefixQuery:
		return slices.IndexFunc(qs, func(o query.Query) bool {
			y, ok := o.(*query.PrefixQuery)
			return ok && y.FieldVal == x.FieldVal && y.Prefix == x.Prefix && y.Boost() == x.Boost()
		})
	case *query.TermQuery:
		return slices.IndexFunc(qs, func(o query.Query) bool {
			y, ok := o.(*query.TermQuery)
			return ok && y.FieldVal == x.FieldVal && y.Term == x.Term && y.Boost() == x.Boost()
		})
	}
	return -1
}

func dropNil(vs []*vec) []*vec {
	out := vs[:0]
	for _, v := range vs {
		if v != nil {
			out = append(out, v)
		}
	}
	return out
}

// postings reads the postings list of term in field, once per search.
func (e *evaluator) postings(field, term string) (*posting, error) {
	k := postingKey{field, term}
	if p, ok := e.lists[k]; ok {
		return p, nil
	}
	p, err := e.readPostings(e.ctx, k, &e.slabs)
	if err != nil {
		return nil, err
	}
	e.lists[k] = p
	return p, nil
}

// readPostings reads the postings list k, its arrays cut by a.
func (e *evaluator) readPostings(ctx context.Context, k postingKey, a *slabber) (*posting, error) {
	if e.segs != nil {
		return e.segs.postings(ctx, k, e.n, a)
	}
	tfr, err := e.r.TermFieldReader(ctx, []byte(k.term), k.field, true, true, false)
	if err != nil {
		return nil, err
	}
	defer tfr.Close()
	p := &posting{df: tfr.Count()}
	if p.df > 0 {
		p.docs, p.w = a.cut(int(p.df))
	}
	var d index.TermFieldDoc
	for i := 0; ; i++ {
		if i&1023 == 1023 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		m, err := tfr.Next(d.Reset())
		if err != nil {
			return nil, err
		}
		if m == nil {
			break
		}
		num := m.ID.Value()
		if num >= uint64(e.n) {
			continue // not a live page of the facet table (cannot happen)
		}
		p.docs = append(p.docs, uint32(num))
		p.w = append(p.w, math.Sqrt(float64(m.Freq))*m.Norm)
	}
	return p, nil
}

// postings reads k's postings list from every segment, as the search
// library's term reader reads it (the pages deleted left out, the same
// pages in the same order, the same frequencies and norms) but without
// making a match of each posting: for a common word or prefix, that was a
// third of reading its lists. Pages numbered n or above are left out (see
// readPostings).
func (ss *segments) postings(ctx context.Context, k postingKey, n int, a *slabber) (*posting, error) {
	term := []byte(k.term)
	lists := make([]segment.PostingsList, len(ss.segs))
	p := &posting{}
	for i, s := range ss.segs {
		dict, err := s.Segment().Dictionary(k.field)
		if err != nil {
			return nil, err
		}
		if lists[i], err = dict.PostingsList(term, s.Deleted(), nil); err != nil {
			return nil, err
		}
		p.df += lists[i].Count()
	}
	if p.df > 0 {
		p.docs, p.w = a.cut(int(p.df))
	}
	read := 0
	for i, l := range lists {
		it := l.Iterator(true, true, false, nil)
		for {
			if read++; read&1023 == 0 {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
			m, err := it.Next()
			if err != nil {
				return nil, err
			}
			if m == nil {
				break
			}
			num := ss.offsets[i] + m.Number()
			if num >= uint64(n) {
				continue // not a live page of the facet table (cannot happen)
			}
			p.docs = append(p.docs, uint32(num))
			p.w = append(p.w, postingWeight(m))
		}
	}
	return p, nil
}

// postingWeight is m's weight as the term reader gives it to the scorer,
// √frequency × norm, from tables for the frequencies and field lengths
// most postings have: a square root and a division a posting were a
// fifth of reading a long list.
func postingWeight(m segment.Posting) float64 {
	f := m.Frequency()
	if nb, ok := m.(interface{ NormUint64() uint64 }); ok && f < uint64(len(sqrtTable)) {
		if l := nb.NormUint64(); l < uint64(len(normTable)) {
			return sqrtTable[f] * normTable[l]
		}
	}
	return math.Sqrt(float64(f)) * m.Norm()
}

// sqrtTable holds √f, and normTable the norm of a field of length l, as
// the segments compute it (zapx's Posting.Norm), for small f and l.
var sqrtTable, normTable = func() (s, n []float64) {
	s, n = make([]float64, 256), make([]float64, 8192)
	for f := range s {
		s[f] = math.Sqrt(float64(f))
	}
	for l := range n {
		n[l] = float64(float32(1.0 / math.Sqrt(float64(l))))
	}
	return s, n
}()

// prefetch reads, on every processor, the postings lists the clauses of
// q need, after expanding its prefix and fuzzy clauses into their terms:
// reading them is most of a dense evaluation, and they are independent
// of each other. eval then finds them read.
func (e *evaluator) prefetch(q query.Query) error {
	procs := runtime.GOMAXPROCS(0)
	if procs < 2 {
		return nil
	}
	var keys []postingKey
	var expand []query.Query
	var walk func(q query.Query)
	walk = func(q query.Query) {
		switch x := q.(type) {
		case *query.TermQuery:
			keys = append(keys, postingKey{x.FieldVal, x.Term})
		case *query.PrefixQuery, *fuzzyQuery:
			expand = append(expand, q)
		default:
			for _, c := range clauses(q) {
				walk(c)
			}
		}
	}
	walk(q)
	// The expansions first, each into its field's terms; a query also
	// reads its own term when it expands to none.
	found := make([][]string, len(expand))
	err := workers.Run(e.ctx, len(expand), 0, func(_, i int) error {
		var err error
		switch x := expand[i].(type) {
		case *query.PrefixQuery:
			found[i], err = e.prefixTerms(x.FieldVal, x.Prefix)
		case *fuzzyQuery:
			var sp spelt
			sp, err = e.spelt(x)
			found[i] = sp.terms
		}
		return err
	})
	if err != nil {
		return err
	}
	for i, terms := range found {
		var field, own string
		switch x := expand[i].(type) {
		case *query.PrefixQuery:
			field, own = x.FieldVal, x.Prefix
			e.keepPrefix(postingKey{field, own}, terms)
		case *fuzzyQuery:
			field, own = x.field, x.term
		}
		keys = append(keys, postingKey{field, own})
		for _, t := range terms {
			keys = append(keys, postingKey{field, t})
		}
	}
	slices.SortFunc(keys, func(a, b postingKey) int { return cmp.Or(cmp.Compare(a.field, b.field), cmp.Compare(a.term, b.term)) })
	keys = slices.Compact(keys)
	lists := make([]*posting, len(keys))
	e.wslabs = make([]slabber, procs)
	// A postings reader reports the bytes it read to the search, through
	// a function that is not safe for concurrent use.
	ctx := e.ctx
	if f, ok := ctx.Value(search.SearchIOStatsCallbackKey).(search.SearchIOStatsCallbackFunc); ok {
		var mu sync.Mutex
		ctx = context.WithValue(ctx, search.SearchIOStatsCallbackKey, search.SearchIOStatsCallbackFunc(func(n uint64) {
			mu.Lock()
			defer mu.Unlock()
			f(n)
		}))
	}
	err = workers.Run(ctx, len(keys), 0, func(w, i int) error {
		p, err := e.readPostings(ctx, keys[i], &e.wslabs[w])
		lists[i] = p
		return err
	})
	if err != nil {
		return err
	}
	for i, k := range keys {
		e.lists[k] = lists[i]
	}
	return nil
}

// slabSize is the length of the arrays postings lists are cut from.
const slabSize = 16 << 10

// slabs are the arrays postings lists are cut from, kept between searches.
type slabs struct {
	docs []uint32
	w    []float64
}

var slabPool sync.Pool

// bigPools keep the arrays of the longer postings lists between searches,
// by size class: bigPools[k] holds arrays of 2^k postings.
var bigPools [33]sync.Pool

// slabber cuts postings arrays from slabs.
type slabber struct {
	cur  *slabs
	used []*slabs
}

// cut returns empty arrays with room for n postings, cut from the
// slabs where they fit; a longer list has arrays of its own, from
// bigPools.
func (a *slabber) cut(n int) ([]uint32, []float64) {
	if n > slabSize/4 {
		k := bits.Len(uint(n - 1))
		sl, ok := bigPools[k].Get().(*slabs)
		if !ok {
			sl = &slabs{docs: make([]uint32, 0, 1<<k), w: make([]float64, 0, 1<<k)}
		}
		a.used = append(a.used, sl)
		return sl.docs[:0:n], sl.w[:0:n]
	}
	if a.cur == nil || cap(a.cur.docs)-len(a.cur.docs) < n {
		if a.cur != nil {
			a.used = append(a.used, a.cur)
		}
		if sl, ok := slabPool.Get().(*slabs); ok {
			a.cur = sl
		} else {
			a.cur = &slabs{docs: make([]uint32, 0, slabSize), w: make([]float64, 0, slabSize)}
		}
	}
	c := a.cur
	k := len(c.docs)
	c.docs, c.w = c.docs[:k+n], c.w[:k+n]
	return c.docs[k : k : k+n], c.w[k : k : k+n]
}

// release hands the slabs back to the pool.
func (a *slabber) release() {
	if a.cur != nil {
		a.used = append(a.used, a.cur)
	}
	for _, sl := range a.used {
		sl.docs, sl.w = sl.docs[:0], sl.w[:0]
		if c := cap(sl.docs); c != slabSize {
			bigPools[bits.Len(uint(c-1))].Put(sl)
			continue
		}
		slabPool.Put(sl)
	}
	a.cur, a.used = nil, nil
}

// termScore is the term scorer's score of a posting of tf·norm w, for a
// term of inverse document frequency idf and query weight qw (its boost
// times idf), in the scorer's order of operations.
func termScore(w, idf, qw float64) float64 {
	s := w * idf
	if qw != 1.0 {
		s *= qw
	}
	return s
}

// idf is the term scorer's inverse document frequency.
func (e *evaluator) idf(df uint64) float64 {
	return 1.0 + math.Log(float64(e.total)/float64(df+1.0))
}

func (e *evaluator) term(field, term string, boost float64) (*vec, error) {
	p, err := e.postings(field, term)
	if err != nil || len(p.docs) == 0 {
		return nil, err
	}
	out := e.get()
	idf := e.idf(p.df)
	qw := boost * idf
	for i, d := range p.docs {
		out.s[d] = termScore(p.w[i], idf, qw)
	}
	if e.listed(len(p.docs)) {
		out.docs = append(out.docs, p.docs...)
	} else {
		out.docs = nil
	}
	return out, nil
}

// counts returns the evaluator's zeroed counts.
func (e *evaluator) counts() []uint16 {
	if e.cnt == nil {
		if p, ok := countPool.Get().(*[]uint16); ok && len(*p) == e.n {
			e.cnt = *p
		} else {
			e.cnt = make([]uint16, e.n)
		}
	}
	return e.cnt
}

// countPool keeps zeroed count arrays between searches.
var countPool sync.Pool

// multi scores expansions of one term (prefix or spelling) in field as
// bleve's disjunction of term searchers: the sum of the expansions a page
// holds, times their share of all the expansions.
func (e *evaluator) multi(field string, terms []string, boosts func(i int) float64) (*vec, error) {
	var ps []*posting
	k := 0
	for _, t := range terms {
		p, err := e.postings(field, t)
		if err != nil {
			return nil, err
		}
		if len(p.docs) > 0 {
			ps = append(ps, p)
			k += len(p.docs)
		} else {
			ps = append(ps, nil)
		}
	}
	if k == 0 {
		return nil, nil
	}
	out, cnt := e.get(), e.counts()
	if !e.listed(k) {
		out.docs = nil
	}
	for i, p := range ps {
		if p == nil {
			continue
		}
		idf := e.idf(p.df)
		qw := boosts(i) * idf
		for j, d := range p.docs {
			out.s[d] += termScore(p.w[j], idf, qw)
			if cnt[d] == 0 && out.docs != nil {
				out.docs = append(out.docs, d)
			}
			cnt[d]++
		}
	}
	total := float64(len(terms))
	if out.docs != nil {
		slices.Sort(out.docs)
		for _, d := range out.docs {
			out.s[d] *= float64(cnt[d]) / total
			cnt[d] = 0
		}
	} else {
		for d, c := range cnt {
			if c > 0 {
				out.s[d] *= float64(c) / total
			}
		}
		clear(cnt)
	}
	e.settle(out)
	return out, nil
}

// prefix scores a prefix query as bleve's prefix searcher does.
func (e *evaluator) prefix(q *query.PrefixQuery) (*vec, error) {
	k := postingKey{q.FieldVal, q.Prefix}
	terms, ok := e.prefixes[k]
	if !ok {
		var err error
		if terms, err = e.prefixTerms(q.FieldVal, q.Prefix); err != nil {
			return nil, err
		}
		e.keepPrefix(k, terms)
	}
	if len(terms) == 0 || len(terms) == 1 && terms[0] == q.Prefix {
		return e.term(q.FieldVal, q.Prefix, q.Boost())
	}
	b := q.Boost()
	return e.multi(q.FieldVal, terms, func(int) float64 { return b })
}

// prefixTerms lists the terms of field that begin with pre.
func (e *evaluator) prefixTerms(field, pre string) ([]string, error) {
	dict, err := e.r.FieldDictPrefix(field, []byte(pre))
	if err != nil {
		return nil, err
	}
	var terms []string
	eachTerm(dict, nil, func(t string) bool {
		terms = append(terms, t)
		return true
	})
	return terms, nil
}

func (e *evaluator) keepPrefix(k postingKey, terms []string) {
	if e.prefixes == nil {
		e.prefixes = map[postingKey][]string{}
	}
	e.prefixes[k] = terms
}

// fuzzy scores a fuzzyQuery: the terms found, each weighted by
// 1/(edits+1).
func (e *evaluator) fuzzy(q *fuzzyQuery) (*vec, error) {
	sp, err := e.spelt(q)
	if err != nil {
		return nil, err
	}
	if len(sp.terms) == 0 || len(sp.terms) == 1 && sp.terms[0] == q.term {
		return e.term(q.field, q.term, q.boost)
	}
	return e.multi(q.field, sp.terms, func(i int) float64 { return q.boost * (1 / float64(sp.edits[i]+1)) })
}

// spelt returns the terms q finds, kept with the snapshot's table.
func (e *evaluator) spelt(q *fuzzyQuery) (spelt, error) {
	fr, ok := e.r.(index.IndexReaderFuzzy)
	if !ok {
		return spelt{}, errNotDense
	}
	key := fuzzyKey{q.field, q.term, q.fuzziness}
	sp, ok := e.ft.spelt(key)
	if !ok {
		var err error
		if sp, err = q.find(fr); err != nil {
			return spelt{}, err
		}
		e.ft.keepSpelt(key, sp)
	}
	return sp, nil
}

// errNotDense stops a dense evaluation that cannot go on; the query is
// then searched the usual way.
var errNotDense = denseError("search: not densely evaluable")

type denseError string

func (e denseError) Error() string { return string(e) }

func (e *evaluator) langOnly(q *langOnlyQuery) (*vec, error) {
	v, err := e.eval(q.q)
	if err != nil || v == nil {
		return v, err
	}
	lang := uint16(slices.Index(e.ft.names[1], q.lang) + 1)
	v.each(func(d uint32) {
		if v.s[d] != 0 && (lang == 0 || e.ft.docs[d].lang != lang) {
			v.s[d] = 0
		}
	})
	return e.keepScored(v, v.docs), nil
}

// anyOf: the best child plus tie times the others.
func (e *evaluator) anyOf(qs []query.Query, tie float64) (*vec, error) {
	kids, err := e.evalAll(qs)
	if err != nil {
		return nil, err
	}
	kids = dropNil(kids)
	switch len(kids) {
	case 0:
		return nil, nil
	case 1:
		return kids[0], nil
	}
	out := e.get()
	docs := e.each(kids, func(d uint32) {
		var best, sum float64
		for _, k := range kids {
			v := k.s[d]
			sum += v
			if v > best {
				best = v
			}
		}
		if sum > 0 {
			out.s[d] = best + tie*(sum-best)
		}
	})
	e.putAll(kids)
	return e.keepScored(out, docs), nil
}

// disjunction: the sum of the children matched times their share
// (bleve's coord); total counts the children that matched nothing too.
func (e *evaluator) disjunction(kids []*vec, total int) *vec {
	kids = dropNil(kids)
	if len(kids) == 0 {
		return nil
	}
	out := e.get()
	t := float64(total)
	docs := e.each(kids, func(d uint32) {
		var sum float64
		n := 0
		for _, k := range kids {
			if v := k.s[d]; v > 0 {
				sum += v
				n++
			}
		}
		if n > 0 {
			out.s[d] = sum * (float64(n) / t)
		}
	})
	e.putAll(kids)
	return e.keepScored(out, docs)
}

// conjunction: every child must match; the sum.
func (e *evaluator) conjunction(qs []query.Query) (*vec, error) {
	kids, err := e.evalAll(qs)
	if err != nil {
		return nil, err
	}
	if len(kids) == 0 || slices.Contains(kids, nil) {
		e.putAll(dropNil(kids))
		return nil, nil
	}
	if len(kids) == 1 {
		return kids[0], nil
	}
	// The pages of the child on fewest pages, when it lists them.
	var few []uint32
	for _, k := range kids {
		if k.docs != nil && (few == nil || len(k.docs) < len(few)) {
			few = k.docs
		}
	}
	out := e.get()
	f := func(d uint32) {
		var sum float64
		for _, k := range kids {
			v := k.s[d]
			if v <= 0 {
				return
			}
			sum += v
		}
		out.s[d] = sum
	}
	if few != nil {
		for _, d := range few {
			f(d)
		}
		few = slices.Clone(few)
	} else {
		for d := range e.n {
			f(uint32(d))
		}
	}
	e.putAll(kids)
	return e.keepScored(out, few), nil
}

// boolean: must, plus what should adds where it matches, less what
// mustNot matches.
func (e *evaluator) boolean(q *query.BooleanQuery) (*vec, error) {
	must, err := e.eval(q.Must)
	if err != nil || must == nil {
		return nil, err
	}
	// apply scores q's clause c and passes each page must has to f with
	// c's score there.
	apply := func(c query.Query, f func(d uint32, score float64)) error {
		if c == nil {
			return nil
		}
		v, err := e.eval(c)
		if err != nil || v == nil {
			return err
		}
		must.each(func(d uint32) {
			if must.s[d] > 0 {
				f(d, v.s[d])
			}
		})
		e.put(v)
		return nil
	}
	err = apply(q.Should, func(d uint32, score float64) { must.s[d] += score })
	if err == nil {
		err = apply(q.MustNot, func(d uint32, score float64) {
			if score > 0 {
				must.s[d] = 0
			}
		})
	}
	if err != nil {
		e.put(must)
		return nil, err
	}
	return e.keepScored(must, must.docs), nil
}

// union scores the pages holding at least one of the words: the sum of
// the words' scores, in order; each page's tier goes to q.tiers (see
// unionQuery).
func (e *evaluator) union(q *unionQuery) (*vec, error) {
	kids, err := e.evalAll(q.children)
	if err != nil {
		return nil, err
	}
	live := dropNil(slices.Clone(kids))
	if len(live) == 0 {
		return nil, nil
	}
	out := e.get()
	matched := make([]bool, len(kids))
	docs := e.each(live, func(d uint32) {
		hit := false
		var sum float64
		for i, k := range kids {
			v := 0.0
			if k != nil {
				v = k.s[d]
			}
			matched[i] = v > 0
			if v > 0 {
				sum += v
				hit = true
			}
		}
		if !hit {
			return
		}
		tier := q.tiers.tier(uint64(d), matched)
		if tier < 0 {
			return
		}
		q.tiers.tiers[d] = uint8(tier)
		out.s[d] = sum
	})
	e.putAll(live)
	return e.keepScored(out, docs), nil
}

// vecSearcher yields the pages of a score array in document order.
type vecSearcher struct {
	v     *vec
	next  int
	count uint64
}

func newVecSearcher(v *vec) *vecSearcher {
	s := &vecSearcher{v: v}
	if v.docs != nil {
		s.count = uint64(len(v.docs))
		return s
	}
	for _, x := range v.s {
		if x != 0 {
			s.count++
		}
	}
	return s
}

// Next implements search.Searcher.
func (s *vecSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	v := s.v
	if v.docs != nil {
		if s.next >= len(v.docs) {
			return nil, nil
		}
		d := v.docs[s.next]
		s.next++
		return s.match(ctx, int(d)), nil
	}
	for s.next < len(v.s) {
		d := s.next
		s.next++
		if v.s[d] != 0 {
			return s.match(ctx, d), nil
		}
	}
	return nil, nil
}

func (s *vecSearcher) match(ctx *search.SearchContext, d int) *search.DocumentMatch {
	m := ctx.DocumentMatchPool.Get()
	m.IndexInternalID = index.NewIndexInternalID(m.IndexInternalID, uint64(d))
	m.Score = s.v.s[d]
	return m
}

// Advance implements search.Searcher.
func (s *vecSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	t := id.Value()
	if s.v.docs != nil {
		for s.next < len(s.v.docs) && uint64(s.v.docs[s.next]) < t {
			s.next++
		}
	} else if t > uint64(s.next) {
		s.next = int(min(t, uint64(len(s.v.s))))
	}
	return s.Next(ctx)
}

// Close implements search.Searcher; the array goes back to the pool.
func (s *vecSearcher) Close() error {
	if s.v != nil {
		s.v.release()
		s.v = nil
	}
	return nil
}

// Weight implements search.Searcher: the scores are final.
func (s *vecSearcher) Weight() float64 { return 0 }

// SetQueryNorm implements search.Searcher: the scores are final.
func (s *vecSearcher) SetQueryNorm(float64) {}

// Count implements search.Searcher.
func (s *vecSearcher) Count() uint64 { return s.count }

// Min implements search.Searcher.
func (s *vecSearcher) Min() int { return 0 }

// Size implements search.Searcher.
func (s *vecSearcher) Size() int { return 64 + 8*len(s.v.s) }

// DocumentMatchPoolSize implements search.Searcher.
func (s *vecSearcher) DocumentMatchPoolSize() int { return 1 }
