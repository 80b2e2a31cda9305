package search

import (
	"context"
	"slices"
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
	// in titles, headings and summaries; boostTitlePrefix in the stemmed
	// title, boostBodyPrefix in the body.
	boostWordsPrefix = 2.0
	boostTitlePrefix = 3.0
	boostBodyPrefix  = 0.3
	// fieldTie is how much the other fields holding a word add to the best
	// one; altTie the same for the other ways a word matched (tag,
	// prefix, spelling).
	fieldTie = 0.3
	altTie   = 0.3
	// fuzzyFactor scales a match by spelling down against an exact one.
	fuzzyFactor = 0.3
	// boostPair weighs two query words found next to each other, in the
	// order typed, in a title, heading or summary: exact phrases rank above
	// scattered words.
	boostPair = 4.0
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

// variant is how the languages analyse one typed word: the terms, and the
// languages (keys of plan.an) analysing it so.
type variant struct {
	terms []string
	langs []string
}

// variants groups langs by their analysis of w. Languages in which w is
// only a stop word get none.
func (p *plan) variants(w string, langs []string) []variant {
	var out []variant
	for _, l := range langs {
		terms := p.terms(l, w)
		if len(terms) > 1 {
			// "stand-ups" gives "stand" and "up", but the index never holds
			// the stop word "up" of "stand-up": drop stems that are stop
			// words.
			kept := terms[:0:0]
			for _, t := range terms {
				if len(p.terms(l, t)) > 0 {
					kept = append(kept, t)
				}
			}
			terms = kept
		}
		if len(terms) == 0 {
			continue
		}
		i := slices.IndexFunc(out, func(v variant) bool { return slices.Equal(v.terms, terms) })
		if i < 0 {
			out = append(out, variant{terms: terms})
			i = len(out) - 1
		}
		out[i].langs = append(out[i].langs, l)
	}
	return out
}

// textQuery is the query for the text the user typed, over every page of
// the languages langs (keys of plan.an). Each page is meant to be matched by its own
// language's analysis of the words; one query for all languages is faster
// than one per language, and the analyses mostly agree. Where they do not,
// a page may match a term of another language's analysis ("meet" in a
// Dutch page for "meetings"), which is harmless. It returns nil when there
// is nothing to look for.
func (p *plan) textQuery(langs []string) query.Query {
	var must, should, mustNot []query.Query
	// Languages for which at least one word is more than a stop word: in
	// the others, nothing was asked.
	asked := map[string]bool{}
	type word struct {
		text    string
		vs      []variant
		partial bool
	}
	var words []word
	for i, w := range p.q.Words {
		vs := p.variants(w, langs)
		for _, v := range vs {
			for _, l := range v.langs {
				asked[l] = true
			}
		}
		partial := p.q.Partial && i == len(p.q.Words)-1
		if partial && p.prefixOf(w) != "" {
			// The word being typed is looked for in every language.
			for _, l := range langs {
				asked[l] = true
			}
		}
		words = append(words, word{text: w, vs: vs, partial: partial})
	}
	for _, ph := range p.q.Phrases {
		// Every word, in each language's analysis; next to each other is
		// checked on the text (see plan.phraseIDs), and ranks higher where
		// the pair index has it.
		vs := p.variants(ph, langs)
		var alts []query.Query
		for _, v := range vs {
			for _, l := range v.langs {
				asked[l] = true
			}
			all := make([]query.Query, 0, len(v.terms))
			for i, t := range v.terms {
				all = append(all, fieldsQuery(t, 1))
				if i > 0 {
					should = append(should, pairQuery(v.terms[i-1], t, boostPair))
				}
			}
			alts = append(alts, query.NewConjunctionQuery(all))
		}
		if len(alts) > 0 {
			must = append(must, anyOf(altTie, alts...))
		}
	}
	vss := make([][]variant, len(words))
	for i, w := range words {
		vss[i] = w.vs
	}
	joined := p.joinedWords(vss, langs)
	u := &unionQuery{}
	for i, w := range words {
		q := p.wordQuery(w.text, w.vs, w.partial, p.spelling(i), p.splitTerms(w.text, w.vs), joined[i], p.headTerms(w.vs))
		if q == nil {
			continue
		}
		// A language where this word is a stop word does not need it: its
		// pages count it as found.
		var free []string
		for _, l := range langs {
			if asked[l] && !slices.ContainsFunc(w.vs, func(v variant) bool { return slices.Contains(v.langs, l) }) {
				free = append(free, l)
			}
		}
		u.children = append(u.children, q)
		u.free = append(u.free, free)
		if i > 0 {
			// The two words next to each other, in each language's terms.
			var pairs []string
			for _, a := range words[i-1].vs {
				for _, b := range w.vs {
					if slices.ContainsFunc(a.langs, func(l string) bool { return slices.Contains(b.langs, l) }) {
						pt := string(pairTerm([]byte(a.terms[len(a.terms)-1]), []byte(b.terms[0])))
						if !slices.Contains(pairs, pt) {
							pairs = append(pairs, pt)
							should = append(should, boosted(term(FieldPairs, pt), boostPair))
						}
					}
				}
			}
		}
	}
	if len(u.children) > 0 {
		must = append(must, u)
	}
	if !p.q.Empty() && len(must) == 0 {
		return nil // only stop words
	}
	for _, x := range p.q.Exclude {
		// A phrase to exclude is checked on the text.
		var one []variant
		for _, v := range p.variants(x, langs) {
			if len(v.terms) == 1 {
				one = append(one, v)
			}
		}
		if len(one) > 0 {
			if q := p.wordQuery(x, one, false, 0, nil, nil, nil); q != nil {
				mustNot = append(mustNot, q)
			}
		}
	}
	if len(must) == 0 {
		must = []query.Query{query.NewMatchAllQuery()}
	}
	var q query.Query = query.NewBooleanQuery(must, should, mustNot)
	if len(should) == 0 && len(mustNot) == 0 && len(must) == 1 {
		q = must[0]
	}
	return &tierQuery{q: q, words: u, tables: &p.ix.tables, pref: p.req.Pref}
}

// spelling returns the weight of the words spelled like the query's word
// i: fuzzyFactor in modeFuzzy; in modeExact, 1 (a typo is not held
// against the page) when the word as typed matches no page at all, else 0.
func (p *plan) spelling(i int) float64 {
	if p.mode == modeFuzzy {
		return fuzzyFactor
	}
	if p.typos == nil {
		p.typos = make([]bool, len(p.q.Words))
		for j, w := range p.q.Words {
			p.typos[j] = p.unmatched(j, w)
		}
	}
	if p.typos[i] {
		return 1
	}
	return 0
}

// unmatched reports whether the query's word i, w, has words spelled like
// it to look for and matches no page of the index as typed.
func (p *plan) unmatched(i int, w string) bool {
	vs := p.variants(w, p.allLangs)
	spelt := false
	for _, s := range analyze(p.words, w) {
		spelt = spelt || fuzziness(s) > 0
	}
	for _, v := range vs {
		for _, t := range v.terms {
			spelt = spelt || fuzziness(t) > 0
		}
	}
	if !spelt {
		return false
	}
	adv, err := p.idx.Advanced()
	if err != nil {
		return false
	}
	r, err := adv.Reader()
	if err != nil {
		return false
	}
	defer r.Close()
	// A word of one term that some page holds matches: no need to build
	// the whole word's query (prefixes take a walk of the dictionaries).
	for _, v := range vs {
		if len(v.terms) == 1 && holdsTerm(p.ctx, r, v.terms[0]) {
			return false
		}
	}
	partial := p.q.Partial && i == len(p.q.Words)-1
	// Nor for a word being typed that begins a word of a title, heading
	// or summary (see wordQuery).
	if pre := p.prefixOf(w); partial && pre != "" && holdsPrefix(p.ctx, r, FieldWords, pre) {
		return false
	}
	q := p.wordQuery(w, vs, partial, 0, p.splitTerms(w, vs), nil, p.headTerms(vs))
	if q == nil {
		return false
	}
	// The first match answers: no need to count them all.
	s, err := q.Searcher(p.ctx, r, p.idx.Mapping(), search.SearcherOptions{Score: "none"})
	if err != nil {
		return false
	}
	defer s.Close()
	d, err := s.Next(&search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize(), 0)})
	return err == nil && d == nil
}

// holdsTerm reports whether a page of r holds the term t in a text field.
func holdsTerm(ctx context.Context, r index.IndexReader, t string) bool {
	for _, f := range textFields {
		if fieldHolds(ctx, r, f, t) {
			return true
		}
	}
	return false
}

// fieldHolds reports whether a page of r holds the term t in field.
func fieldHolds(ctx context.Context, r index.IndexReader, field, t string) bool {
	tfr, err := r.TermFieldReader(ctx, []byte(t), field, false, false, false)
	if err != nil {
		return false
	}
	defer tfr.Close()
	d, err := tfr.Next(nil)
	return err == nil && d != nil
}

// holdsPrefix reports whether a page of r holds a term of field that
// begins with pre.
func holdsPrefix(ctx context.Context, r index.IndexReader, field, pre string) bool {
	found := false
	dict, err := r.FieldDictPrefix(field, []byte(pre))
	eachTerm(dict, err, func(t string) bool {
		found = fieldHolds(ctx, r, field, t)
		return !found
	})
	return found
}

// eachTerm calls f with the terms of dict (opened with the error err) in
// order, until f returns false or the terms run out, and closes dict.
func eachTerm(dict index.FieldDict, err error, f func(t string) bool) {
	if err != nil {
		return
	}
	defer dict.Close()
	for {
		e, err := dict.Next()
		if err != nil || e == nil || !f(e.Term) {
			return
		}
	}
}

// wordQuery matches one typed word: by its terms in any text field (as
// each language analyses it), as a tag, by prefix when it is still being
// typed, and by spelling in fuzzy modes.
//
// spelling weighs the words spelled like w: 0 for none, fuzzyFactor in
// modeFuzzy, 1 for a word that matches nothing as typed (see
// plan.spelling). splits are the ways w is matched by its parts (see
// plan.splitTerms), joined the terms of w written together with the word
// before or after it (see plan.joinedWords), heads the compounds whose
// last part w is, matched on Dutch pages (see plan.headTerms).
func (p *plan) wordQuery(w string, vs []variant, partial bool, spelling float64, splits [][]string, joined, heads []string) query.Query {
	var alts []query.Query
	var stems []string
	several := len(analyze(p.words, w)) > 1
	for _, v := range vs {
		// "stand-up", "e-mail": the parts, or written as one word.
		alts = append(alts, p.seqQuery(v.terms, 1))
		if several {
			if j := p.terms(v.langs[0], joinWord(w)); len(j) == 1 {
				alts = append(alts, fieldsQuery(j[0], 1))
			}
		}
		for _, t := range v.terms {
			if !slices.Contains(stems, t) {
				stems = append(stems, t)
			}
		}
	}
	for _, t := range p.foldedTerms(w, vs) {
		alts = append(alts, fieldsQuery(t, 1))
	}
	alts = append(alts, p.splitQueries(splits)...)
	for _, t := range joined {
		alts = append(alts, fieldsQuery(t, joinFactor))
	}
	for _, c := range heads {
		alts = append(alts, &langOnlyQuery{q: fieldsQuery(c, headFactor), lang: headsLang, tables: &p.ix.tables})
	}
	if lw := strings.ToLower(w); len(vs) > 0 || p.isTag(lw) {
		// A stop word can still be a tag ("IT").
		alts = append(alts, boosted(term(FieldTags, lw), boostTag))
	}
	surface := analyze(p.words, w)
	if pre := p.prefixOf(w); partial && pre != "" {
		n := utf8.RuneCountInString(pre)
		{
			alts = append(alts, prefix(FieldWords, pre, boostWordsPrefix))
			// While typing, the prefix is mostly also a prefix of the
			// title's stems ("retros" of "retrospect"): the title decides.
			alts = append(alts, prefix(FieldTitle, pre, boostTitlePrefix))
		}
		if n >= bodyPrefixMinRunes {
			alts = append(alts, prefix(FieldBody, pre, boostBodyPrefix))
		}
	}
	// The stem of every word of stemPrefixMinRunes letters or more also
	// matches as a prefix: "lead" finds leadership, "onboard" onboarding,
	// "lodz" the words of Łódź.
	for _, t := range stemPrefixes(stems) {
		alts = append(alts, prefix(FieldWords, fold(t), boostWordsPrefix), prefix(FieldTitle, t, boostTitlePrefix), prefix(FieldBody, t, boostBodyPrefix))
	}
	if spelling > 0 {
		// Spelling is matched on the words as written in titles, headings
		// and summaries, and on the stems of bodies: each fuzzy term costs
		// an automaton, so not on every field.
		for _, t := range stems {
			if d := fuzziness(t); d > 0 {
				alts = append(alts, p.fuzzy(FieldBody, t, d, boostBody*spelling))
			}
		}
		for _, s := range surface {
			if d := fuzziness(s); d > 0 {
				alts = append(alts, p.fuzzy(FieldWords, s, d, boostTitle*spelling))
			}
		}
	}
	if len(alts) == 0 {
		return nil
	}
	return anyOf(altTie, alts...)
}

// stemPrefixMinRunes is the shortest stem matched as a prefix.
const stemPrefixMinRunes = 4

// stemPrefixes returns the stems matched as prefixes.
func stemPrefixes(stems []string) []string {
	var out []string
	for _, t := range stems {
		if utf8.RuneCountInString(t) >= stemPrefixMinRunes {
			out = append(out, t)
		}
	}
	return out
}

// prefixOf returns the prefix the word w is matched by while it is being
// typed: its last folded word, "" when that is shorter than prefixMinRunes.
func (p *plan) prefixOf(w string) string {
	s := analyze(p.words, w)
	if len(s) == 0 || utf8.RuneCountInString(s[len(s)-1]) < prefixMinRunes {
		return ""
	}
	return s[len(s)-1]
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

// seqQuery matches the parts of a word like "e-mail": each part in some
// text field, ranked higher where they stand next to each other in the
// title, headings or summary.
// factor scales the whole.
func (p *plan) seqQuery(terms []string, factor float64) query.Query {
	switch len(terms) {
	case 0:
		return nil
	case 1:
		return fieldsQuery(terms[0], factor)
	}
	words := make([]query.Query, 0, len(terms))
	var pairs []query.Query
	for i, t := range terms {
		// One word typed weighs as one word, however many parts it has.
		words = append(words, fieldsQuery(t, factor/float64(len(terms))))
		if i > 0 {
			pairs = append(pairs, pairQuery(terms[i-1], t, boostPair*factor))
		}
	}
	return query.NewBooleanQuery(words, pairs, nil)
}

// pairQuery matches pages whose title, headings or summary hold the terms
// a and b next to each other.
func pairQuery(a, b string, boost float64) query.Query {
	return boosted(term(FieldPairs, string(pairTerm([]byte(a), []byte(b)))), boost)
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

func (p *plan) fuzzy(field, t string, d int, boost float64) query.Query {
	return &fuzzyQuery{field: field, term: t, fuzziness: d, boost: boost, tables: &p.ix.tables}
}

func prefix(field, pre string, boost float64) query.Query {
	pq := query.NewPrefixQuery(pre)
	pq.SetField(field)
	pq.SetBoost(boost)
	return pq
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
