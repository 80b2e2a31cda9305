package search

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// Word joins and splits: "check-in", "check in" and "checkin" are one
// word written three ways, and so are the Dutch "teamafspraken" and
// "afspraken van het team".
//
//   - A hyphenated word typed also matches the word written joined
//     (joinWord), and two words typed next to each other the word they
//     make joined ("werk overleg" finds "werkoverleg").
//   - A word typed joined matches the ways the pages write it with
//     hyphens: FieldJoins holds every hyphenated word of the pages as
//     "joined|hyphen-ated", so "checkin" looks up "check-in" and matches
//     its parts.
//   - A Dutch compound typed is split into two words of the index's own
//     vocabulary (splitCompound), each at least compoundMinRunes letters
//     and not a stop word, with a linking -s-, -e- or -en- allowed.
//
// Such matches weigh splitFactor (joinFactor for words typed apart) of an
// exact one, and a word's parts count as that one word (see backfill.go).

// FieldJoins holds the hyphenated words of titles, headings, summaries and
// bodies, each as the term "joined|hyphen-ated" (lower-cased, the joined
// word folded), and the words with letters that folding changes as
// "folded|wörd" (lower-cased): "aebeltoft|æbeltoft", "cafe|café".
const FieldJoins = "joins"

// joinsAnalyzer analyses FieldJoins.
const joinsAnalyzer = "kb_joins"

// joinsTokenizer is the name of the tokenizer that emits only the
// hyphenated words of a text.
const joinsTokenizer = "kb_joins"

const (
	// splitFactor weighs a match of a word's parts against an exact one.
	splitFactor = 0.25
	// joinFactor weighs, for each of two words typed apart, a match of
	// the word they make joined.
	joinFactor = 0.5
	// compoundMinRunes is the shortest part a compound is split into.
	compoundMinRunes = 4
	// maxJoinParts is the most parts a hyphenated word may have;
	// maxJoinForms the most hyphenated forms looked up for a word.
	maxJoinParts = 4
	maxJoinForms = 4
)

// isHyphen reports whether r joins the parts of a word.
func isHyphen(r rune) bool { return r == '-' || r == '\u2010' || r == '\u2011' }

func isLetterRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsMark(r) }

type joinsTok struct{}

// Tokenize returns one token per hyphenated word of input (letters joined
// by single hyphens, two to maxJoinParts parts), "joined|hyphen-ated",
// the joined word folded; and one per word that folding changes,
// "folded|wörd" (see foldedTerms).
func (joinsTok) Tokenize(input []byte) analysis.TokenStream {
	var out analysis.TokenStream
	s := string(input)
	pos := 0
	for off := 0; off < len(s); {
		i := nextHyphen(s, off)
		if i < 0 {
			break
		}
		// The word before the hyphen.
		start := i
		for start > 0 {
			r, n := utf8.DecodeLastRuneInString(s[:start])
			if !isLetterRune(r) {
				break
			}
			start -= n
		}
		if start == i {
			_, n := utf8.DecodeRuneInString(s[i:])
			off = i + n
			continue
		}
		if start > 0 {
			if r, _ := utf8.DecodeLastRuneInString(s[:start]); unicode.IsDigit(r) || isHyphen(r) {
				_, n := utf8.DecodeRuneInString(s[i:])
				off = i + n
				continue
			}
		}
		// The parts, as long as a hyphen is followed by a letter.
		parts := []string{s[start:i]}
		end := i
		for end < len(s) {
			h, hn := utf8.DecodeRuneInString(s[end:])
			if !isHyphen(h) {
				break
			}
			e := end + hn
			for e < len(s) {
				r, n := utf8.DecodeRuneInString(s[e:])
				if !isLetterRune(r) {
					break
				}
				e += n
			}
			if e == end+hn {
				break
			}
			parts = append(parts, s[end+hn:e])
			end = e
		}
		off = max(end, i+1)
		if len(parts) < 2 || len(parts) > maxJoinParts {
			continue
		}
		if end < len(s) {
			if r, _ := utf8.DecodeRuneInString(s[end:]); unicode.IsDigit(r) {
				continue
			}
		}
		pos++
		term := fold(strings.Join(parts, "")) + "|" + strings.Join(parts, "-")
		out = append(out, &analysis.Token{Term: []byte(term), Start: start, End: end, Position: pos, Type: analysis.AlphaNumeric})
	}
	// The words that folding changes, as "folded|wörd": not those of
	// ASCII letters alone, which skip the rune decoding.
	for off := 0; off < len(s); {
		if c := s[off]; c < utf8.RuneSelf && !asciiLetter(c) {
			off++
			continue
		}
		start, end, ascii := off, off, true
		for end < len(s) {
			if c := s[end]; c < utf8.RuneSelf {
				if !asciiLetter(c) {
					break
				}
				end++
				continue
			}
			r, n := utf8.DecodeRuneInString(s[end:])
			if !isLetterRune(r) {
				break
			}
			end, ascii = end+n, false
		}
		if end == start { // not a letter
			_, n := utf8.DecodeRuneInString(s[off:])
			off += n
			continue
		}
		off = end
		if ascii {
			continue
		}
		w := s[start:end]
		if f := fold(w); f != w {
			pos++
			out = append(out, &analysis.Token{Term: []byte(f + "|" + w), Start: start, End: end, Position: pos, Type: analysis.AlphaNumeric})
		}
	}
	return out
}

// nextHyphen returns the index in s of the first hyphen (see isHyphen) at
// or after off, or -1: the UTF-8 of the two Unicode hyphens, found byte by
// byte, is where decoding s rune by rune finds them, valid or not.
func nextHyphen(s string, off int) int {
	for i := off; i < len(s); i++ {
		switch s[i] {
		case '-':
			return i
		case 0xe2: // U+2010 and U+2011 are e2 80 90 and e2 80 91
			if i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0x90 || s[i+2] == 0x91) {
				return i
			}
		}
	}
	return -1
}

func init() {
	err := registry.RegisterTokenizer(joinsTokenizer, func(map[string]any, *registry.Cache) (analysis.Tokenizer, error) {
		return joinsTok{}, nil
	})
	if err != nil {
		panic(err)
	}
}

// joinKey returns the word w as FieldJoins keys it (lower-cased, folded),
// "" when it is not one word.
func (p *plan) joinKey(w string) string {
	s := analyze(p.words, w)
	if len(s) != 1 {
		return ""
	}
	return s[0]
}

// hyphenForms returns the hyphenated words of the pages that join into w
// ("check-in" for "checkin"), and the words that fold into it ("café" for
// "cafe"), at most maxJoinForms, in order.
func (p *plan) hyphenForms(w string) []string {
	key := p.joinKey(w)
	if key == "" {
		return nil
	}
	if f, ok := p.forms[key]; ok {
		return f
	}
	var forms []string
	dict, err := p.idx.FieldDictPrefix(FieldJoins, []byte(key+"|"))
	if err == nil {
		for len(forms) < maxJoinForms {
			e, err := dict.Next()
			if err != nil || e == nil {
				break
			}
			if j, h, ok := strings.Cut(e.Term, "|"); ok && j == key {
				forms = append(forms, h)
			}
		}
		_ = dict.Close()
	}
	if p.forms == nil {
		p.forms = map[string][]string{}
	}
	p.forms[key] = forms
	return forms
}

// splitTerms returns the ways the typed word w, whose analyses are vs, is
// matched by parts: the terms of each hyphenated form of it the pages
// write, and the Dutch compound's two parts. Each is a list of terms that
// must all be on a page.
func (p *plan) splitTerms(w string, vs []variant) [][]string {
	var out [][]string
	addTerms := func(ts []string) {
		if !slices.ContainsFunc(out, func(o []string) bool { return slices.Equal(o, ts) }) {
			out = append(out, ts)
		}
	}
	var langs []string
	for _, v := range vs {
		langs = append(langs, v.langs...)
	}
	for _, h := range p.hyphenForms(w) {
		if !strings.Contains(h, "-") {
			continue // a spelling with accents (see foldedTerms)
		}
		for _, v := range p.variants(h, langs) {
			addTerms(v.terms)
		}
	}
	for _, v := range vs {
		if len(v.terms) == 1 && slices.Contains(v.langs, "nl") {
			if parts := p.splitCompound(v.terms[0]); parts != nil {
				addTerms(parts)
			}
		}
	}
	return out
}

// foldedTerms returns the terms, in the analyses of vs, of the words the
// pages write that fold into the typed word w as bleve's ASCII folding
// folds (Æbeltoft for "aebeltoft", Straße for "strasse", café for
// "cafe"), that are one term and not among vs's own: the text fields are
// not folded, so these are looked up as written.
func (p *plan) foldedTerms(w string, vs []variant) []string {
	var out []string
	for _, h := range p.hyphenForms(w) {
		if strings.Contains(h, "-") {
			continue
		}
		for _, v := range vs {
			if len(v.terms) != 1 {
				continue
			}
			ts := p.terms(v.langs[0], h)
			if len(ts) == 1 && ts[0] != v.terms[0] && !slices.Contains(out, ts[0]) {
				out = append(out, ts[0])
			}
		}
	}
	return out
}

// linkForms returns the ways the first part of a compound may be written
// in it: as itself, or with a linking -s, -en or -e after it.
func linkForms(head string) []string {
	out := []string{head}
	for _, link := range []string{"s", "en", "e"} {
		if h, ok := strings.CutSuffix(head, link); ok && utf8.RuneCountInString(h) >= compoundMinRunes {
			out = append(out, h)
		}
	}
	return out
}

// splitCompound splits the Dutch term t into two terms of the index's
// vocabulary, each of at least compoundMinRunes letters and not a stop
// word, the first as short as can be; nil when it cannot.
func (p *plan) splitCompound(t string) []string {
	r := []rune(t)
	n := len(r)
	if n < 2*compoundMinRunes {
		return nil
	}
	for i := compoundMinRunes; i <= n-compoundMinRunes; i++ {
		tail := string(r[i:])
		if len(p.terms("nl", tail)) == 0 || !p.inVocabulary(tail) {
			continue
		}
		for _, h := range linkForms(string(r[:i])) {
			ht := p.terms("nl", h)
			if len(ht) == 1 && utf8.RuneCountInString(ht[0]) >= compoundMinRunes && p.inVocabulary(ht[0]) {
				return []string{ht[0], tail}
			}
		}
	}
	return nil
}

// textFields are the fields whose terms make the index's vocabulary.
var textFields = []string{FieldTitle, FieldHeadings, FieldSummary, FieldBody}

// inVocabulary reports whether some page holds the term t in a text field.
func (p *plan) inVocabulary(t string) bool {
	if v, ok := p.vocab[t]; ok {
		return v
	}
	found := false
	if adv, err := p.idx.Advanced(); err == nil {
		if r, err := adv.Reader(); err == nil {
			if rc, ok := r.(index.IndexReaderContains); ok {
				for _, f := range textFields {
					if dc, err := rc.FieldDictContains(f); err == nil {
						found, _ = dc.Contains([]byte(t))
					}
					if found {
						break
					}
				}
			}
			_ = r.Close()
		}
	}
	if p.vocab == nil {
		p.vocab = map[string]bool{}
	}
	p.vocab[t] = found
	return found
}

// joinedWords returns, for each of the query's words (vss: their
// variants), the terms of it written together with the word before or
// after it, when it is more than a stop word.
func (p *plan) joinedWords(vss [][]variant, langs []string) [][]string {
	joined := make([][]string, len(vss))
	for i := 1; i < len(vss); i++ {
		if len(vss[i-1]) == 0 && len(vss[i]) == 0 {
			continue
		}
		for _, t := range p.joinedTerms(p.q.Words[i-1], p.q.Words[i], langs) {
			for _, k := range []int{i - 1, i} {
				if len(vss[k]) > 0 && !slices.Contains(joined[k], t) {
					joined[k] = append(joined[k], t)
				}
			}
		}
	}
	return joined
}

// joinedTerms returns the terms of the words typed as words[i] and
// words[i+1] written as one ("werk overleg": werkoverleg), when each is
// one word.
func (p *plan) joinedTerms(a, b string, langs []string) []string {
	if p.joinKey(a) == "" || p.joinKey(b) == "" {
		return nil
	}
	var out []string
	for _, v := range p.variants(joinWord(a)+joinWord(b), langs) {
		if len(v.terms) == 1 && !slices.Contains(out, v.terms[0]) {
			out = append(out, v.terms[0])
		}
	}
	return out
}

// splitQueries returns the alternatives of a word matched by its parts.
func (p *plan) splitQueries(splits [][]string) []query.Query {
	var out []query.Query
	for _, ts := range splits {
		out = append(out, p.seqQuery(ts, splitFactor))
	}
	return out
}
