package search

import (
	"context"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// Weights of a match per field: a word in the title says more about a page
// than the same word in its body.
const (
	boostTitle    = 6.0
	boostHeadings = 3.0
	boostSummary  = 2.0
	boostBody     = 1.0
	boostTag      = 3.0
	// boostWordsPrefix weighs the word being typed, matched by its prefix
	// in titles, headings and summaries; boostBodyPrefix in the body.
	boostWordsPrefix = 2.0
	boostBodyPrefix  = 0.3
	// fieldTie is how much the other fields holding a word add to the best
	// one; altTie the same for the other ways a word matched (tag,
	// prefix, spelling).
	fieldTie = 0.3
	altTie   = 0.3
	// fuzzyFactor scales a match by spelling down against an exact one.
	fuzzyFactor = 0.3
	// pairBoostTitle and pairBoostBody raise the score of a page holding
	// the query's words next to each other in the order typed, in its title,
	// headings or summary, or in its body: exact phrases rank above
	// scattered words (see rescore).
	pairBoostTitle = 1.0
	pairBoostBody  = 0.3
)

// Typo tolerance: words of at least fuzzyMinRunes letters match words one
// edit away, of at least fuzzy2MinRunes two edits away.
const (
	fuzzyMinRunes  = 5
	fuzzy2MinRunes = 8
	// prefixMinRunes is the shortest prefix matched in titles, headings
	// and summaries; bodyPrefixMinRunes in bodies, whose dictionary is
	// far larger.
	prefixMinRunes     = 2
	bodyPrefixMinRunes = 4
)

// langQuery is the query for the pages of one language (lang "" for any
// language without its own analysis), or nil when the query has nothing
// to look for in that language.
func (p *plan) langQuery(lang string) query.Query {
	var must, mustNot []query.Query
	var words []query.Query
	for i, w := range p.q.Words {
		partial := p.q.Partial && i == len(p.q.Words)-1
		terms := p.terms(lang, w)
		if wq := p.wordQuery(lang, w, terms, partial); wq != nil {
			words = append(words, wq)
		}
	}
	if p.mode == modeAny && len(words) > 1 {
		d := query.NewDisjunctionQuery(words)
		d.SetMin(1)
		must = append(must, d)
	} else {
		must = append(must, words...)
	}
	for _, ph := range p.q.Phrases {
		if pq := p.seqQuery(p.terms(lang, ph)); pq != nil {
			must = append(must, pq)
		}
	}
	if !p.q.Empty() && len(must) == 0 {
		// Every word is a stop word in this language.
		return nil
	}
	for _, x := range p.q.Exclude {
		if xq := p.wordQuery(lang, x, p.terms(lang, x), false); xq != nil {
			mustNot = append(mustNot, xq)
		}
	}
	if len(must) == 0 {
		must = []query.Query{query.NewMatchAllQuery()}
	}
	bq := query.NewBooleanQuery(must, nil, mustNot)
	bq.AddFilter(langFilter(lang))
	return bq
}

// langFilter matches the pages analysed as lang.
func langFilter(lang string) query.Query {
	if lang != "" {
		return term(FieldLang, lang)
	}
	var known []query.Query
	for l := range analyzers {
		known = append(known, term(FieldLang, l))
	}
	return query.NewBooleanQuery([]query.Query{query.NewMatchAllQuery()}, nil, known)
}

// wordQuery matches one typed word: by its terms in any text field, as a
// tag, by prefix when it is still being typed, and by spelling in fuzzy
// modes.
func (p *plan) wordQuery(lang, w string, terms []string, partial bool) query.Query {
	var alts []query.Query
	if len(terms) > 1 {
		// "stand-ups" gives "stand" and "up", but the index never holds the
		// stop word "up" of "stand-up": drop stems that are stop words.
		kept := terms[:0:0]
		for _, t := range terms {
			if len(p.terms(lang, t)) > 0 {
				kept = append(kept, t)
			}
		}
		terms = kept
	}
	switch len(terms) {
	case 0:
	case 1:
		alts = append(alts, fieldsQuery(terms[0], 1))
	default:
		// "stand-up", "e-mail": the parts in a row, or written as one word.
		alts = append(alts, p.seqQuery(terms))
		if j := p.terms(lang, joinWord(w)); len(j) == 1 {
			alts = append(alts, fieldsQuery(j[0], 1))
		}
	}
	if lw := strings.ToLower(w); len(terms) > 0 || p.isTag(lw) {
		// A stop word can still be a tag ("IT").
		alts = append(alts, boosted(term(FieldTags, lw), boostTag))
	}
	surface := analyze(p.words, w)
	if partial && len(surface) > 0 {
		pre := surface[len(surface)-1]
		n := utf8.RuneCountInString(pre)
		if n >= prefixMinRunes {
			pq := query.NewPrefixQuery(pre)
			pq.SetField(FieldWords)
			pq.SetBoost(boostWordsPrefix)
			alts = append(alts, pq)
		}
		if n >= bodyPrefixMinRunes {
			pq := query.NewPrefixQuery(pre)
			pq.SetField(FieldBody)
			pq.SetBoost(boostBodyPrefix)
			alts = append(alts, pq)
		}
	}
	if p.mode != modeExact {
		for _, t := range terms {
			if d := fuzziness(t); d > 0 {
				alts = append(alts, fuzzyFields(t, d))
			}
		}
		for _, s := range surface {
			if d := fuzziness(s); d > 0 {
				alts = append(alts, fuzzy(FieldWords, s, d, boostWordsPrefix*fuzzyFactor))
			}
		}
	}
	if len(alts) == 0 {
		return nil
	}
	return anyOf(altTie, alts...)
}

// fuzziness is the number of edits tolerated in a term.
func fuzziness(t string) int {
	switch n := utf8.RuneCountInString(t); {
	case n >= fuzzy2MinRunes:
		return 2
	case n >= fuzzyMinRunes:
		return 1
	}
	return 0
}

// seqQuery matches terms next to each other in that order: each term in
// some text field, and each neighbouring pair in the pair index. Pages the
// pair index lets through by accident are caught by plan.verify.
func (p *plan) seqQuery(terms []string) query.Query {
	switch len(terms) {
	case 0:
		return nil
	case 1:
		return fieldsQuery(terms[0], 1)
	}
	words := make([]query.Query, 0, len(terms))
	pairs := make([]query.Query, 0, len(terms)-1)
	for i, t := range terms {
		words = append(words, fieldsQuery(t, 1))
		if i > 0 {
			pt := string(pairTerm([]byte(terms[i-1]), []byte(t)))
			pairs = append(pairs, query.NewDisjunctionQuery([]query.Query{term(FieldTitlePairs, pt), term(FieldPairs, pt)}))
		}
	}
	// The pair field has no frequencies to score by: it only filters.
	bq := query.NewBooleanQuery(words, nil, nil)
	bq.AddFilter(query.NewConjunctionQuery(pairs))
	return bq
}

// fieldsQuery matches an analysed term in any text field, weighted by
// field.
func fieldsQuery(t string, factor float64) query.Query {
	return anyOf(fieldTie,
		boosted(term(FieldTitle, t), boostTitle*factor),
		boosted(term(FieldHeadings, t), boostHeadings*factor),
		boosted(term(FieldSummary, t), boostSummary*factor),
		boosted(term(FieldBody, t), boostBody*factor),
	)
}

// fuzzyFields matches terms within d edits of t in any text field.
func fuzzyFields(t string, d int) query.Query {
	return anyOf(fieldTie,
		fuzzy(FieldTitle, t, d, boostTitle*fuzzyFactor),
		fuzzy(FieldHeadings, t, d, boostHeadings*fuzzyFactor),
		fuzzy(FieldSummary, t, d, boostSummary*fuzzyFactor),
		fuzzy(FieldBody, t, d, boostBody*fuzzyFactor),
	)
}

func fuzzy(field, t string, d int, boost float64) query.Query {
	fq := query.NewFuzzyQuery(t)
	fq.SetField(field)
	fq.SetFuzziness(d)
	fq.SetPrefix(1)
	fq.SetBoost(boost)
	return fq
}

func term(field, t string) *query.TermQuery {
	tq := query.NewTermQuery(t)
	tq.SetField(field)
	return tq
}

func boosted(tq *query.TermQuery, b float64) query.Query {
	tq.SetBoost(b)
	return tq
}

// joinWord drops everything but letters and digits: "e-mail" → "email".
func joinWord(w string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return -1
	}, w)
}

// rescoreWindow is how many of the best hits are re-ranked by how many of
// the query's word pairs they hold.
const rescoreWindow = 50

// wordPairs lists each pair of neighbouring query words, as the pair terms of
// each language's analysis.
func (p *plan) wordPairs() [][]string {
	var out [][]string
	for i := 1; i < len(p.q.Words); i++ {
		var alts []string
		for _, l := range []string{"en", "nl", ""} {
			a, b := p.terms(l, p.q.Words[i-1]), p.terms(l, p.q.Words[i])
			if len(a) > 0 && len(b) > 0 {
				t := string(pairTerm([]byte(a[len(a)-1]), []byte(b[0])))
				if !slices.Contains(alts, t) {
					alts = append(alts, t)
				}
			}
		}
		if len(alts) > 0 {
			out = append(out, alts)
		}
	}
	return out
}

// rankPairs reports whether hits are re-ranked by word pairs.
func (p *plan) rankPairs() bool {
	return len(p.q.Words) > 1 && len(p.wordPairs()) > 0
}

// rescore adds to the score of each hit the best score of all, times the
// square of the share of the query's word pairs the hit holds next to each
// other, weighted by where: pairBoostTitle in the title, headings or
// summary, pairBoostBody in the body. Then it sorts the hits again. So a
// page with the words exactly as typed ranks above pages with them
// scattered, the more so where it counts; "project lead time" typed
// without quotes finds the page that says exactly that. (Quoted phrases
// are required anyway.)
func (p *plan) rescore(ctx context.Context, hits search.DocumentMatchCollection) error {
	if len(hits) == 0 {
		return nil
	}
	adv, err := p.idx.Advanced()
	if err != nil {
		return err
	}
	r, err := adv.Reader()
	if err != nil {
		return err
	}
	defer r.Close()
	// The hits' IDs in this reader's numbering.
	at := make(map[string]int, len(hits))
	for i, h := range hits {
		id, err := r.InternalID(h.ID)
		if err != nil {
			return err
		}
		if id != nil {
			at[string(id)] = i
		}
	}
	pairs := p.wordPairs()
	held := map[string][]int{FieldTitlePairs: make([]int, len(hits)), FieldPairs: make([]int, len(hits))}
	for _, alts := range pairs {
		for field, n := range held {
			seen := make([]bool, len(hits))
			for _, t := range alts {
				if err := eachDoc(ctx, r, field, t, func(id index.IndexInternalID) {
					if i, ok := at[string(id)]; ok && !seen[i] {
						seen[i] = true
						n[i]++
					}
				}); err != nil {
					return err
				}
			}
		}
	}
	var top float64
	for _, h := range hits {
		top = max(top, h.Score)
	}
	for i, h := range hits {
		ts := float64(held[FieldTitlePairs][i]) / float64(len(pairs))
		bs := float64(held[FieldPairs][i]) / float64(len(pairs))
		h.Score += top * (pairBoostTitle*ts*ts + pairBoostBody*bs*bs)
	}
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].Score != hits[j].Score {
			return hits[i].Score > hits[j].Score
		}
		return hits[i].ID < hits[j].ID
	})
	return nil
}

// eachDoc calls fn with every document holding term t in field.
func eachDoc(ctx context.Context, r index.IndexReader, field, t string, fn func(index.IndexInternalID)) error {
	tfr, err := r.TermFieldReader(ctx, []byte(t), field, false, false, false)
	if err != nil {
		return err
	}
	defer tfr.Close()
	var d index.TermFieldDoc
	for {
		m, err := tfr.Next(d.Reset())
		if err != nil {
			return err
		}
		if m == nil {
			return nil
		}
		fn(m.ID)
	}
}
