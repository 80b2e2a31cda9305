package search

import (
	"context"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// Compound heads: a Dutch word typed alone also matches the compounds of
// the index's vocabulary whose last part it is ("rollen" finds
// "Projectrollen", "afspraken" "teamafspraken"), on Dutch pages, weighing
// headFactor of an exact match. A compound is a term of a text field that
// ends with the typed word's Dutch term, after a first part that, as
// itself or without a linking -s, -en or -e, is a Dutch term of at least
// compoundMinRunes letters of the vocabulary (the rules of
// plan.splitCompound); the typed term has at least compoundMinRunes
// letters. The first maxHeads compounds, in JavaScript string order, are
// looked for.

const (
	// headFactor weighs a match of a typed word as a compound's last part.
	headFactor = 0.25
	// maxHeads is the most compounds a typed word matches as their last
	// part.
	maxHeads = 8
)

// headsLang is the language whose pages match words as compounds' heads.
const headsLang = "nl"

// isCompoundLength reports whether a term is long enough to be a compound
// (two parts of compoundMinRunes letters).
func isCompoundLength(t string) bool { return utf8.RuneCountInString(t) >= 2*compoundMinRunes }

// reverseRunes returns s with its runes in reverse order.
func reverseRunes(s string) string {
	r := []rune(s)
	slices.Reverse(r)
	return string(r)
}

// headTerms returns the compounds of the vocabulary whose last part is the
// Dutch term of the typed word (vs: its analyses). A search asks for them
// several times (each mode's query, typo check, snippets): they are looked
// up once per term.
func (p *plan) headTerms(vs []variant) []string {
	// Only one variant holds the Dutch analysis.
	i := slices.IndexFunc(vs, func(v variant) bool { return slices.Contains(v.langs, headsLang) })
	if i < 0 || len(vs[i].terms) != 1 {
		return nil
	}
	t := vs[i].terms[0]
	if out, ok := p.heads[t]; ok {
		return out
	}
	out := p.compoundsEnding(t)
	if p.heads == nil {
		p.heads = map[string][]string{}
	}
	p.heads[t] = out
	return out
}

// compoundsEnding returns the first maxHeads compounds of the vocabulary
// whose last part is the Dutch term t.
func (p *plan) compoundsEnding(t string) []string {
	n := utf8.RuneCountInString(t)
	if n < compoundMinRunes {
		return nil
	}
	var out []string
	for _, c := range p.endingWith(t) {
		if utf8.RuneCountInString(c) < n+compoundMinRunes || slices.Contains(out, c) {
			continue
		}
		if p.isFirstPart(c[:len(c)-len(t)]) {
			out = append(out, c)
			if len(out) == maxHeads {
				break
			}
		}
	}
	return out
}

// isFirstPart reports whether s is the first part of a Dutch compound: as
// itself or without a linking -s, -en or -e, a Dutch term of at least
// compoundMinRunes letters that some page holds.
func (p *plan) isFirstPart(s string) bool {
	for _, h := range linkForms(s) {
		ht := p.terms("nl", h)
		if len(ht) == 1 && utf8.RuneCountInString(ht[0]) >= compoundMinRunes && p.inVocabulary(ht[0]) {
			return true
		}
	}
	return false
}

// endingWith returns the terms of the index's text fields long enough to be
// compounds that end with t and are longer, in JavaScript string order.
func (p *plan) endingWith(t string) []string {
	ft, err := p.currentTable(p.ctx)
	if err != nil {
		return nil
	}
	rev := ft.reversedTerms(p.idx)
	key := reverseRunes(t)
	i := sort.SearchStrings(rev, key)
	var out []string
	for ; i < len(rev) && strings.HasPrefix(rev[i], key); i++ {
		if rev[i] != key {
			out = append(out, reverseRunes(rev[i]))
		}
	}
	slices.SortFunc(out, jsCompare)
	return out
}

// reversedTerms returns the terms of the text fields of the table's
// snapshot long enough to be compounds, each reversed, sorted: read once
// per snapshot, when a query first needs them.
func (t *facetTable) reversedTerms(idx interface {
	FieldDict(string) (index.FieldDict, error)
}) []string {
	t.revOnce.Do(func() {
		seen := map[string]bool{}
		for _, f := range textFields {
			dict, err := idx.FieldDict(f)
			eachTerm(dict, err, func(term string) bool {
				if isCompoundLength(term) && !seen[term] {
					seen[term] = true
					t.rev = append(t.rev, reverseRunes(term))
				}
				return true
			})
		}
		slices.Sort(t.rev)
	})
	return t.rev
}

// langOnlyQuery is q limited to the pages in language lang.
type langOnlyQuery struct {
	q      query.Query
	lang   string
	tables *facetTables
}

// Searcher implements query.Query.
func (q *langOnlyQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	ft, err := q.tables.tableFor(ctx, r, m)
	if err != nil {
		return nil, err
	}
	s, err := q.q.Searcher(ctx, r, m, opts)
	if err != nil {
		return nil, err
	}
	return &langOnlySearcher{Searcher: s, ft: ft, lang: uint16(slices.Index(ft.names[1], q.lang) + 1)}, nil
}

type langOnlySearcher struct {
	search.Searcher
	ft   *facetTable
	lang uint16 // the language's number in ft, 0: no page has it
}

func (s *langOnlySearcher) keep(d *search.DocumentMatch) bool {
	num := d.IndexInternalID.Value()
	return s.lang > 0 && num < uint64(len(s.ft.docs)) && s.ft.docs[num].lang == s.lang
}

// Next implements search.Searcher.
func (s *langOnlySearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	for {
		d, err := s.Searcher.Next(ctx)
		if err != nil || d == nil || s.keep(d) {
			return d, err
		}
		ctx.DocumentMatchPool.Put(d)
	}
}

// Advance implements search.Searcher.
func (s *langOnlySearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	d, err := s.Searcher.Advance(ctx, id)
	if err != nil || d == nil || s.keep(d) {
		return d, err
	}
	ctx.DocumentMatchPool.Put(d)
	return s.Next(ctx)
}

// isHeadTerm reports whether the bundle's h/ lists the term t: a term of a
// text field, in any analysis, long enough to be a compound.
func (d *exportData) isHeadTerm(t string) bool {
	if !isCompoundLength(t) {
		return false
	}
	for _, a := range []string{"en", "nl", "*"} {
		if e := d.post[t+"\x00"+a]; e != nil && (e.fields[0] != nil || e.fields[1] != nil || e.fields[2] != nil || e.fields[3] != nil) {
			return true
		}
	}
	return false
}

// headList lists the terms of h/, reversed and sorted.
func (d *exportData) headList() {
	seen := map[string]bool{}
	d.headKeys = d.headKeys[:0]
	for key := range d.post {
		t, _, _ := strings.Cut(key, "\x00")
		if !seen[t] && d.isHeadTerm(t) {
			seen[t] = true
			d.headKeys = append(d.headKeys, reverseRunes(t))
		}
	}
	slices.SortFunc(d.headKeys, jsCompare)
	d.headsListed = true
}

// touchHeads brings h/'s list in step after the postings of the keys
// touched (of p/) changed.
func (d *exportData) touchHeads(touched map[string]bool) {
	if !d.headsListed {
		return
	}
	keys := map[string]bool{}
	for k := range touched {
		if t, _, _ := strings.Cut(k, "\x00"); isCompoundLength(t) {
			keys[reverseRunes(t)] = true
		}
	}
	d.headKeys = resorted(d.headKeys, keys, func(k string) bool { return d.isHeadTerm(reverseRunes(k)) }, jsCompare)
}
