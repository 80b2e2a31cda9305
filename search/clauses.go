package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search/query"
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

// langQuery is the query for the pages of one language (lang "" for any
// language without its own analysis), or nil when the query has nothing
// to look for in that language.
func (p *plan) langQuery(lang string) query.Query {
	var must, should, mustNot []query.Query
	var words []query.Query
	var prev []string // the previous word's terms
	for i, w := range p.q.Words {
		partial := p.q.Partial && i == len(p.q.Words)-1
		terms := p.terms(lang, w)
		if wq := p.wordQuery(lang, w, terms, partial); wq != nil {
			words = append(words, wq)
		}
		if len(prev) > 0 && len(terms) > 0 {
			should = append(should, pairQuery(prev[len(prev)-1], terms[0], boostPair))
		}
		prev = terms
	}
	if p.mode == modeAny && len(words) > 1 {
		d := query.NewDisjunctionQuery(words)
		d.SetMin(1)
		must = append(must, d)
	} else {
		must = append(must, words...)
	}
	for _, ph := range p.q.Phrases {
		// Every word here; next to each other is checked on the text (see
		// plan.phraseIDs), and ranks higher where the pair index has it.
		terms := p.terms(lang, ph)
		for i, t := range terms {
			must = append(must, fieldsQuery(t, 1))
			if i > 0 {
				should = append(should, pairQuery(terms[i-1], t, boostPair))
			}
		}
	}
	if !p.q.Empty() && len(must) == 0 {
		// Every word is a stop word in this language.
		return nil
	}
	for _, x := range p.q.Exclude {
		// A phrase to exclude is checked on the text.
		if terms := p.terms(lang, x); len(terms) == 1 {
			mustNot = append(mustNot, p.wordQuery(lang, x, terms, false))
		}
	}
	if len(must) == 0 {
		must = []query.Query{query.NewMatchAllQuery()}
	}
	bq := query.NewBooleanQuery(must, should, mustNot)
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
			alts = append(alts, prefix(FieldWords, pre, boostWordsPrefix))
			// While typing, the prefix is mostly also a prefix of the
			// title's stems ("retros" of "retrospect"): the title decides.
			alts = append(alts, prefix(FieldTitle, pre, boostTitlePrefix))
		}
		if n >= bodyPrefixMinRunes {
			alts = append(alts, prefix(FieldBody, pre, boostBodyPrefix))
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

// seqQuery matches the parts of a word like "e-mail": each part in some
// text field, ranked higher where they stand next to each other in the
// title, headings or summary.
func (p *plan) seqQuery(terms []string) query.Query {
	switch len(terms) {
	case 0:
		return nil
	case 1:
		return fieldsQuery(terms[0], 1)
	}
	words := make([]query.Query, 0, len(terms))
	var pairs []query.Query
	for i, t := range terms {
		words = append(words, fieldsQuery(t, 1))
		if i > 0 {
			pairs = append(pairs, pairQuery(terms[i-1], t, boostPair))
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
