package search

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"kb/internal/workers"
)

// Timeout bounds one search, facets and snippets included.
const Timeout = 2 * time.Second

// Request is one search.
type Request struct {
	// Query is the text typed (see ParseQuery).
	Query string
	// Kind, Lang and Tags filter the results: a hit has that kind, that
	// language and every one of the tags. Empty means any.
	Kind string
	Lang string
	Tags []string
	// Pref is the reader's language (the page's, in the search box):
	// among pages holding as many of the words, those in that language
	// come first. It filters nothing.
	Pref string
	// Limit is the number of hits wanted, 1 to MaxLimit; 0 means
	// DefaultLimit. Offset skips that many hits, up to MaxOffset.
	Limit  int
	Offset int
	// NoFacets skips counting kinds, tags and languages, which costs time
	// in proportion to the number of matches; the search box's list shows
	// no counts. The Result's facets are then empty.
	NoFacets bool
}

// Result is what a search found.
type Result struct {
	Query string `json:"query"`
	// Total counts every page that matches, not only the hits returned.
	Total  uint64  `json:"total"`
	TookMS float64 `json:"took_ms"`
	Hits   []Hit   `json:"hits"`
	Facets Facets  `json:"facets"`
	// Fuzzy is true when nothing matched exactly and the hits come from
	// words spelled like the query's (typo tolerance).
	Fuzzy bool `json:"fuzzy,omitempty"`
	// Partial is true when no page held every word and the hits hold only
	// some of them (pages holding more of the words come first).
	Partial bool `json:"partial,omitempty"`
	// Approximate is true when a quoted phrase was checked on only the
	// best-matching pages (see phraseCandidates), so Total may be short.
	Approximate bool `json:"approximate,omitempty"`
}

// Hit is one page found.
type Hit struct {
	URL   string `json:"url"`
	Title string `json:"title"`
	// TitleHTML is the title, HTML-escaped, with the matched words in
	// <mark>; it holds no other markup.
	TitleHTML string   `json:"title_html"`
	Kind      string   `json:"kind"`
	Lang      string   `json:"lang"`
	Tags      []string `json:"tags"`
	Summary   string   `json:"summary"`
	// Fragments are short passages of the page around the matched words,
	// HTML-escaped, with the matched words in <mark> and no other markup.
	Fragments []string `json:"fragments"`
	Score     float64  `json:"score"`
	// AlsoIn lists the page's translations that match the query too,
	// by language (see groups.go); they are not hits of their own.
	AlsoIn []Translation `json:"also_in,omitempty"`
}

// Facets counts the matching pages per kind, tag and language. The counts
// of one field ignore the request's own filter on that field, so they say
// what choosing another value would give.
type Facets struct {
	Kind map[string]int `json:"kind"`
	Tags map[string]int `json:"tags"`
	Lang map[string]int `json:"lang"`
}

// Facet sizes: how many values of each field are counted.
const (
	facetKinds = 20
	facetTags  = 40
	facetLangs = 10
)

var facetSize = map[string]int{FieldKind: facetKinds, FieldTags: facetTags, FieldLang: facetLangs}

// storedFields are what a hit needs from the index (segmentTexts.fields
// reads them in this order).
var storedFields = [...]string{FieldURL, FieldTitle, FieldSummary, FieldBody, FieldKind, FieldLang, FieldTags}

// Search answers req from idx. A *QueryError means the request itself is
// wrong; any other error means the index could not answer (a panic inside
// bleve is one of those, not a crash). It is safe for concurrent use.
func Search(ctx context.Context, idx *Index, req Request) (res *Result, err error) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, fmt.Errorf("search: internal error: %v", r)
		}
	}()
	if err := req.check(); err != nil {
		return nil, err
	}
	q, err := ParseQuery(req.Query)
	if err != nil {
		return nil, err
	}
	p, err := newPlan(idx, q, req)
	if err != nil {
		return nil, err
	}
	p.ctx = ctx
	res = &Result{Query: req.Query, Hits: []Hit{}, Facets: Facets{Kind: map[string]int{}, Tags: map[string]int{}, Lang: map[string]int{}}}
	if q.Empty() && len(q.Exclude) == 0 && strings.TrimSpace(req.Query) != "" {
		// Only punctuation: nothing to look for. (A blank query lists the
		// pages the filters allow.)
		res.TookMS = float64(time.Since(start).Microseconds()) / 1000
		return res, nil
	}

	// Translations are grouped when the index has some and no language
	// is asked for: then the first matches are read without their fields,
	// enough of them for Offset+Limit results, and the pages shown are
	// loaded after (see groups.go).
	size, from, fields := req.Limit, req.Offset, storedFields[:]
	if req.Lang == "" {
		ft, err := p.currentTable(ctx)
		if err != nil {
			return nil, err
		}
		if ft.groupMax > 1 {
			p.grouping = true
			size, from, fields = (req.Offset+req.Limit)*ft.groupMax, 0, nil
		}
	}
	var sr *bleve.SearchResult
	var fc *facetCounter
	var searched index.IndexReader // the snapshot sr comes from
	defer func() { fc.release() }()
	for _, m := range p.modes() {
		p.mode, p.only, p.found = m, nil, nil
		p.text, p.all = p.textQuery(p.langs), nil
		if tq, ok := p.text.(*tierQuery); ok {
			p.nwords = len(tq.words.children)
		}
		if req.Lang != "" && !req.NoFacets {
			p.all = p.textQuery(p.allLangs)
		}
		if p.checksText() {
			ids, found, approx, err := p.phraseIDs(ctx)
			if err != nil {
				return nil, err
			}
			p.only, p.found, res.Approximate = ids, found, approx
		}
		var facets []string
		if !req.NoFacets {
			facets = []string{FieldKind, FieldTags, FieldLang}
		}
		sr, fc, err = p.run(ctx, &readerQuery{q: p.filtered(""), r: &searched}, size, from, fields, facets...)
		if err != nil {
			return nil, err
		}
		if sr.Total > 0 {
			break
		}
	}
	res.Fuzzy = p.mode != modeExact || slices.Contains(p.typos, true)
	res.Partial = p.nwords > 1 && sr.Total > 0 && tierOf(sr.MaxScore) < p.nwords
	res.Total = sr.Total
	res.Facets = Facets{
		Kind: fc.result(FieldKind, facetKinds),
		Tags: fc.result(FieldTags, facetTags),
		Lang: fc.result(FieldLang, facetLangs),
	}
	// Each active filter's own facet is counted without it.
	for _, f := range []struct {
		field string
		on    bool
		dst   *map[string]int
	}{{FieldKind, req.Kind != "", &res.Facets.Kind}, {FieldTags, len(req.Tags) > 0, &res.Facets.Tags}, {FieldLang, req.Lang != "", &res.Facets.Lang}} {
		if !f.on || req.NoFacets {
			continue
		}
		_, fc, err := p.run(ctx, p.filtered(f.field), 0, 0, nil, f.field)
		if err != nil {
			return nil, err
		}
		*f.dst = fc.result(f.field, facetSize[f.field])
	}

	if p.grouping {
		var entries []entry
		entries, res.Total = p.groupEntries(sr, fc)
		entries = entries[min(req.Offset, len(entries)):]
		p.grouping = false
		hl := p.highlighters(len(entries))
		hits := make([]Hit, len(entries))
		found := make([]bool, len(entries))
		err := p.groupedFields(ctx, entries, searched, len(hl), func(w, i int, f pageFields) {
			e := entries[i]
			hits[i], found[i] = hl[w].hit(f, e.id, e.score, e.alsoIn), true
		})
		if err != nil {
			return nil, err
		}
		for i, h := range hits {
			if found[i] {
				res.Hits = append(res.Hits, h)
			}
		}
	} else {
		hl := p.highlighters(len(sr.Hits))
		res.Hits = make([]Hit, len(sr.Hits))
		err := workers.Run(ctx, len(sr.Hits), len(hl), func(w, i int) error {
			d := sr.Hits[i]
			res.Hits[i] = hl[w].hit(fieldsOf(d.Fields), d.ID, d.Score, nil)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res.TookMS = float64(time.Since(start).Microseconds()) / 1000
	return res, nil
}

// highlighters returns the highlighters of the goroutines that make n
// hits (see hit): the hits are shared out among the processors, as
// reading a page's fields and scanning its body for the fragments to show
// is most of the time a query matching many pages takes once they are
// ranked. They make their matchers one at a time, as they read the plan.
func (p *plan) highlighters(n int) []*highlighter {
	procs := min(runtime.GOMAXPROCS(0), max(1, (n+highlightShare-1)/highlightShare))
	hls := make([]*highlighter, procs)
	mu := &sync.Mutex{}
	for w := range hls {
		hls[w] = newHighlighter(p)
		hls[w].mu = mu
	}
	return hls
}

// hit returns the hit showing page id, of fields f: its fields copied (f
// may be read from a buffer used again), its title and fragments of its
// body highlighted.
func (h *highlighter) hit(f pageFields, id string, score float64, alsoIn []Translation) Hit {
	out := Hit{
		URL:     strings.Clone(f.url),
		Title:   strings.Clone(f.title),
		Kind:    strings.Clone(f.kind),
		Lang:    strings.Clone(f.lang),
		Tags:    make([]string, len(f.tags)),
		Summary: strings.Clone(f.summary),
		Score:   score,
		AlsoIn:  alsoIn,
	}
	for i, t := range f.tags {
		out.Tags[i] = strings.Clone(t)
	}
	if out.URL == "" {
		out.URL = id
	}
	out.TitleHTML = h.mark(out.Lang, out.Title)
	out.Fragments = h.fragments(out.Lang, f.body, out.Summary)
	return out
}

// highlightShare is the fewest hits a worker highlights.
const highlightShare = 4

// phraseCandidates is how many of the best pages matching a query are
// checked for its quoted phrases.
const phraseCandidates = 300

// checksText reports whether the query has phrases, to find or to
// exclude, that are checked on the pages' text.
func (p *plan) checksText() bool {
	if len(p.q.Phrases) > 0 {
		return true
	}
	for _, x := range p.q.Exclude {
		for _, l := range p.langs {
			if len(p.terms(l, x)) > 1 {
				return true
			}
		}
	}
	return false
}

// phraseIDs returns the pages, among the best phraseCandidates matching
// every word of the query (the request's filters aside), whose text holds
// each quoted phrase and none of the excluded ones; and the same pages
// with their scores, in document order, as a query of the index snapshot
// searched (see foundQuery). approx is true when more pages matched than
// were checked.
func (p *plan) phraseIDs(ctx context.Context) (ids []string, found *foundQuery, approx bool, err error) {
	// The candidates' texts are read from the segments of the snapshot
	// searched (see segmentTexts); should the index have changed in
	// between, the search loads them.
	r, err := openReader(p.idx)
	if err != nil {
		return nil, nil, false, fmt.Errorf("search: %w", err)
	}
	defer r.Close()
	var searched index.IndexReader
	// The candidates need no facets, nor their translations noted.
	grouping := p.grouping
	p.grouping = false
	sr, _, err := p.run(ctx, &readerQuery{q: p.filtered(noFilters), r: &searched}, phraseCandidates, 0, nil)
	var seg *segmentTexts
	if err == nil && searched == r {
		seg = newSegmentTexts(r)
	}
	if err == nil && seg == nil {
		sr, _, err = p.run(ctx, p.filtered(noFilters), phraseCandidates, 0, []string{FieldTitle, FieldSummary, FieldBody, FieldLang})
	}
	p.grouping = grouping
	if err != nil {
		return nil, nil, false, err
	}
	keep, err := p.holdPhrases(ctx, sr.Hits, seg)
	if err != nil {
		return nil, nil, false, err
	}
	ids = []string{}
	var docs []scoredDoc
	for i, d := range sr.Hits {
		if keep[i] {
			ids = append(ids, d.ID)
			docs = append(docs, scoredDoc{id: d.IndexInternalID, score: d.Score})
		}
	}
	if seg != nil {
		slices.SortFunc(docs, func(a, b scoredDoc) int { return a.id.Compare(b.id) })
		found = &foundQuery{docs: docs, snapshot: searched}
	}
	return ids, found, sr.Total > uint64(len(sr.Hits)), nil
}

// holdPhrases tells, for each of hits, whether its text holds every
// phrase of the query and none of those excluded: the texts are read from
// seg when it is set, else they are the hits' fields. The hits are shared out
// among the processors: reading and checking a page's text is most of the
// time a query with a phrase takes.
func (p *plan) holdPhrases(ctx context.Context, hits search.DocumentMatchCollection, seg *segmentTexts) ([]bool, error) {
	keep := make([]bool, len(hits))
	procs := min(runtime.GOMAXPROCS(0), max(1, (len(hits)+phraseShare-1)/phraseShare))
	// Each worker has its matchers (they note the phrases' stems), all
	// of one language share the stems of its words.
	ms := make([]map[string]*matcher, procs)
	var mu sync.Mutex
	caches := map[string]*stemCache{}
	matcherFor := func(w int, key string) *matcher {
		if m := ms[w][key]; m != nil {
			return m
		}
		mu.Lock()
		c := caches[key]
		if c == nil {
			c = &stemCache{m: map[string]string{}}
			caches[key] = c
		}
		mu.Unlock()
		if ms[w] == nil {
			ms[w] = map[string]*matcher{}
		}
		ms[w][key] = &matcher{an: p.an[key], shared: c}
		return ms[w][key]
	}
	bufs := make([][]byte, procs)
	err := workers.Run(ctx, len(hits), procs, func(w, i int) error {
		var t pageTexts
		if seg != nil {
			var err error
			if t, err = seg.read(hits[i].IndexInternalID, &bufs[w]); err != nil {
				return fmt.Errorf("search: %w", err)
			}
		} else {
			f := hits[i].Fields
			t = pageTexts{str(f[FieldTitle]), str(f[FieldSummary]), str(f[FieldBody]), str(f[FieldLang])}
		}
		m := matcherFor(w, langKey(t.lang))
		texts := []string{t.title, t.summary, t.body}
		keep[i] = m.holdsPhrases(p.q.Phrases, texts) && !m.holdsAny(p.q.Exclude, texts)
		return nil
	})
	return keep, err
}

// phraseShare is the fewest pages a worker checks for phrases.
const phraseShare = 32

// check validates and normalises the request's limits and filters.
func (r *Request) check() error {
	if r.Limit == 0 {
		r.Limit = DefaultLimit
	}
	if r.Limit < 0 || r.Limit > MaxLimit {
		return badQuery("limit must be between 1 and %d", MaxLimit)
	}
	if r.Offset < 0 || r.Offset > MaxOffset {
		return badQuery("offset must be between 0 and %d", MaxOffset)
	}
	if len(r.Tags) > MaxTagFilters {
		return badQuery("at most %d tag filters", MaxTagFilters)
	}
	for _, f := range []struct{ name, v string }{{"kind", r.Kind}, {"lang", r.Lang}, {"pref", r.Pref}} {
		if err := checkFilter(f.name, f.v); err != nil {
			return err
		}
	}
	for _, t := range r.Tags {
		if err := checkFilter("tag", t); err != nil {
			return err
		}
	}
	return nil
}

// mode is how strictly the query's words must match.
type mode int

const (
	// modeExact: the words by their stems (the last one also by prefix).
	modeExact mode = iota
	// modeFuzzy: the words by their stems or words spelled like them.
	modeFuzzy
)

// plan turns a parsed query into bleve queries, once per language.
type plan struct {
	ix   *Index
	idx  bleve.Index
	q    Query
	req  Request
	mode mode
	// langs are the analyses to query: "en", "nl", and "" for every other
	// language; allLangs those the index needs.
	langs, allLangs []string
	// text is the query for the typed text in langs; all in allLangs.
	text, all query.Query
	an        map[string]analysis.Analyzer
	words     analysis.Analyzer
	tags      map[string]bool // the index's tags, read when first needed
	// only, when not nil, limits the hits to these documents (the pages
	// found to hold the query's phrases).
	only []string
	// found, when not nil, gives the same pages with the scores text
	// gave them.
	found *foundQuery
	// typos[i] says word i matches nothing as typed (see plan.spelling).
	typos []bool
	ctx   context.Context
	// nwords is the number of words of the query looked for (see
	// backfill.go).
	nwords int
	// grouping: the searches note the matching pages of translation
	// groups, and count kinds and tags once per group (see groups.go).
	grouping bool
	// forms caches the hyphenated forms of the words typed, vocab whether
	// a term is in the index (see joins.go).
	forms map[string][]string
	vocab map[string]bool
	// heads caches the compounds ending with a Dutch term (see headTerms).
	heads map[string][]string
}

func newPlan(ix *Index, q Query, req Request) (*plan, error) {
	idx := ix.b
	p := &plan{ix: ix, idx: idx, q: q, req: req, an: map[string]analysis.Analyzer{}, ctx: context.Background()}
	m := idx.Mapping()
	for _, lang := range []string{"en", "nl", ""} {
		a := m.AnalyzerNamed(Analyzer(lang))
		if a == nil {
			return nil, fmt.Errorf("search: analyzer %q missing", Analyzer(lang))
		}
		p.an[lang] = a
	}
	if p.words = m.AnalyzerNamed(wordsAnalyzer); p.words == nil {
		return nil, fmt.Errorf("search: analyzer %q missing (index built by an older kb?)", wordsAnalyzer)
	}
	langs, err := indexLangs(idx)
	if err != nil {
		return nil, err
	}
	p.langs, p.allLangs = langs, langs
	if req.Lang != "" {
		p.langs = []string{langKey(req.Lang)}
	}
	return p, nil
}

// langKey maps a language to its analysis: "en", "nl", or "" for the rest.
func langKey(lang string) string {
	if analyzers[lang] {
		return lang
	}
	return ""
}

// indexLangs lists the analyses the index's pages need.
func indexLangs(idx bleve.Index) ([]string, error) {
	dict, err := idx.FieldDict(FieldLang)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	defer dict.Close()
	var langs []string
	var known uint64
	for {
		e, err := dict.Next()
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		if e == nil {
			break
		}
		if analyzers[e.Term] {
			langs = append(langs, e.Term)
			known += e.Count
		}
	}
	n, err := idx.DocCount()
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	if n > known {
		langs = append(langs, "")
	}
	return langs, nil
}

// isTag reports whether t is a tag of some page.
func (p *plan) isTag(t string) bool {
	if p.tags == nil {
		p.tags = map[string]bool{}
		dict, err := p.idx.FieldDict(FieldTags)
		eachTerm(dict, err, func(t string) bool {
			p.tags[t] = true
			return true
		})
	}
	return p.tags[t]
}

// modes lists the modes to try in turn until one finds something.
func (p *plan) modes() []mode {
	if p.q.Empty() {
		return []mode{modeExact}
	}
	ms := []mode{modeExact}
	for _, w := range p.q.Words {
		if utf8.RuneCountInString(w) >= fuzzyMinRunes {
			ms = append(ms, modeFuzzy)
			break
		}
	}
	return ms
}

// noFilters tells filtered to leave out every filter of the request.
const noFilters = "*"

// filtered returns the query with the request's filters, leaving out the
// filter on the field skip (for that field's facet), or all of them.
func (p *plan) filtered(skip string) query.Query {
	all := skip == noFilters
	var filters []query.Query
	if p.only != nil && !all && len(p.only) == 0 {
		return query.NewMatchNoneQuery()
	}
	if p.req.Kind != "" && skip != FieldKind && !all {
		filters = append(filters, term(FieldKind, p.req.Kind))
	}
	if skip != FieldTags && !all {
		for _, t := range p.req.Tags {
			filters = append(filters, term(FieldTags, t))
		}
	}
	if p.req.Lang != "" && skip != FieldLang && !all {
		filters = append(filters, term(FieldLang, p.req.Lang))
	}
	q := p.text
	if skip == FieldLang && p.all != nil {
		q = p.all
	}
	if q == nil {
		return query.NewMatchNoneQuery()
	}
	if p.only != nil && !all {
		if q == p.text && p.found != nil {
			found := *p.found
			found.otherwise = &onlyQuery{q: q, ids: p.only}
			q = &found
		} else {
			q = &onlyQuery{q: q, ids: p.only}
		}
	}
	if len(filters) == 0 {
		return q
	}
	bq := query.NewBooleanQuery([]query.Query{q}, nil, nil)
	bq.AddFilter(query.NewConjunctionQuery(filters))
	return bq
}

// run searches with q, loading the stored fields named and counting the
// facet fields named (see facets.go).
func (p *plan) run(ctx context.Context, q query.Query, size, from int, fields []string, facets ...string) (*bleve.SearchResult, *facetCounter, error) {
	fc := newFacetCounter(facets)
	fc.grouped = p.grouping
	if sr, ok, err := p.runDirect(ctx, q, size, from, fields, fc); ok {
		if err != nil {
			return nil, nil, searchErr(err)
		}
		return sr, fc, nil
	}
	q = &scoredQuery{q: q}
	if len(facets) > 0 || p.grouping {
		q = &countingQuery{q: q, c: fc, tables: &p.ix.tables}
	}
	sr := bleve.NewSearchRequestOptions(q, size, from, false)
	sr.Fields = fields
	if p.q.Empty() {
		// A listing: by URL.
		sr.SortBy([]string{"_id"})
	}
	res, err := p.idx.SearchInContext(ctx, sr)
	if err != nil {
		return nil, nil, searchErr(err)
	}
	return res, fc, nil
}

// searchErr is err, a search's, as Search returns it: the context's own,
// or else marked as the index's.
func searchErr(err error) error {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return err
	}
	return fmt.Errorf("search: %w", err)
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func strs(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return []string{}
}

// analyze returns the terms a analyzes text into, in order.
func analyze(a analysis.Analyzer, text string) []string {
	ts := a.Analyze([]byte(text))
	out := make([]string, 0, len(ts))
	for _, t := range ts {
		out = append(out, string(t.Term))
	}
	return out
}

// terms returns text's terms in the analysis of lang.
func (p *plan) terms(lang, text string) []string {
	return analyze(p.an[lang], text)
}
