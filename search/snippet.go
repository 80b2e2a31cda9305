package search

import (
	"html"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"

	"kb/internal/suggest"
)

// Snippet shape: a fragment is about fragmentBytes of text, starting
// about contextBytes before its first matched word; a hit has at most
// maxFragments of them.
const (
	fragmentBytes = 200
	contextBytes  = 48
	maxFragments  = 2
)

// highlighter finds the query's words in a page's stored text, as the
// index would have matched them, and marks them. The body has no term
// vectors, so each hit's text is tokenised again; only tokens that could
// match are put through the (slower) stemmer, and each word is stemmed
// once per request.
type highlighter struct {
	p     *plan
	langs map[string]*matcher
	// mu, when set, is held while a matcher is made: highlighters of
	// several goroutines share their plan.
	mu *sync.Mutex
}

// matcher holds what one language's analysis of the query looks for.
type matcher struct {
	an     analysis.Analyzer
	stems  map[string]int // stem → group (the query word it comes from)
	fuzzy  []fuzzyTerm
	prefix string // the word being typed, lower-cased and folded
	pgroup int
	// stemPrefixes are the stems matched as prefixes (see stemPrefixes).
	stemPrefixes []stemPrefix
	// starts holds the first two runes of every stem, first the first
	// rune of every fuzzy term: a token that starts otherwise cannot match.
	starts map[string]bool
	first  map[rune]bool
	// pstarts holds the first two runes of every stem and stem prefix, as
	// analysed and folded, short the stems of one rune (see mayStem).
	pstarts, short map[string]bool
	// ascii is what rejectsASCII lets through, listed when first needed.
	ascii   *asciiSet
	cache   map[string]string   // lower-cased word → stem, "" for a stop word
	shared  *stemCache          // when set, the cache of stems instead of cache
	phrases map[string][]string // phrase → its stems (see holdsPhrase)
}

// stemPrefix is a stem matched as a prefix of a word's stem, or folded,
// of the word as written.
type stemPrefix struct {
	stem, folded string
	group        int
}

type fuzzyTerm struct {
	term  []rune
	d     int
	group int
}

func newHighlighter(p *plan) *highlighter {
	return &highlighter{p: p, langs: map[string]*matcher{}}
}

// matcher returns the matcher for pages in lang.
func (h *highlighter) matcher(lang string) *matcher {
	key := langKey(lang)
	if m := h.langs[key]; m != nil {
		return m
	}
	if h.mu != nil {
		h.mu.Lock()
		defer h.mu.Unlock()
	}
	p := h.p
	m := &matcher{an: p.an[key], stems: map[string]int{}, starts: map[string]bool{}, first: map[rune]bool{}, cache: map[string]string{}, pgroup: -1}
	add := func(t string, group int) {
		if _, ok := m.stems[t]; !ok {
			m.stems[t] = group
		}
		m.starts[firstRunes(t, 2)] = true
		if group < len(p.q.Words) && p.spelling(group) > 0 || group >= len(p.q.Words) && p.mode == modeFuzzy {
			if d := fuzziness(t); d > 0 {
				m.fuzzy = append(m.fuzzy, fuzzyTerm{term: []rune(t), d: d, group: group})
				r, _ := utf8.DecodeRuneInString(t)
				m.first[r] = true
			}
		}
	}
	vss := make([][]variant, len(p.q.Words))
	for i, w := range p.q.Words {
		vss[i] = p.variants(w, p.langs)
	}
	joined := p.joinedWords(vss, p.langs)
	for i, w := range p.q.Words {
		terms := p.terms(key, w)
		for _, t := range terms {
			add(t, i)
		}
		// The parts of a word written joined, and the word two typed
		// words make joined.
		for _, ts := range p.splitTerms(w, vss[i]) {
			for _, t := range ts {
				add(t, i)
			}
		}
		for _, t := range joined[i] {
			add(t, i)
		}
		if key == headsLang {
			for _, t := range p.headTerms(vss[i]) {
				add(t, i)
			}
		}
		for _, t := range p.foldedTerms(w, vss[i]) {
			add(t, i)
		}
		var all []string
		for _, l := range p.langs {
			all = append(all, p.terms(l, w)...)
		}
		for _, t := range stemPrefixes(all) {
			m.stemPrefixes = append(m.stemPrefixes, stemPrefix{stem: t, folded: fold(t), group: i})
		}
		if len(analyze(p.words, w)) > 1 {
			if j := p.terms(key, joinWord(w)); len(j) == 1 {
				add(j[0], i)
			}
		}
		if p.q.Partial && i == len(p.q.Words)-1 {
			if s := analyze(p.words, w); len(s) > 0 && utf8.RuneCountInString(s[len(s)-1]) >= prefixMinRunes {
				m.prefix, m.pgroup = s[len(s)-1], i
			}
		}
	}
	for j, ph := range p.q.Phrases {
		for _, t := range p.terms(key, ph) {
			add(t, len(p.q.Words)+j)
		}
	}
	h.langs[key] = m
	return m
}

// match returns the group of the query word tok matches, or -1.
func (m *matcher) match(tok string) int { return m.matchWord(tok, true) }

// matchWord is match; quick skips the stemming of words that cannot match
// (see mayStem), which changes no answer.
func (m *matcher) matchWord(tok string, quick bool) int {
	if quick && isASCII(tok) && m.rejectsASCII(tok) {
		return -1
	}
	low := strings.ToLower(tok)
	folded := fold(low)
	if m.prefix != "" && strings.HasPrefix(folded, m.prefix) {
		return m.pgroup
	}
	for _, sp := range m.stemPrefixes {
		if strings.HasPrefix(folded, sp.folded) {
			return sp.group
		}
	}
	r, _ := utf8.DecodeRuneInString(folded)
	if !m.starts[firstRunes(folded, 2)] && !m.first[r] && (len(m.stemPrefixes) == 0 || quick && !m.mayStem(low, folded)) {
		return -1
	}
	stem := m.stem(low)
	if stem == "" {
		return -1
	}
	if g, ok := m.stems[stem]; ok {
		return g
	}
	for _, sp := range m.stemPrefixes {
		if strings.HasPrefix(stem, sp.stem) {
			return sp.group
		}
	}
	if len(m.fuzzy) > 0 {
		sr := []rune(stem)
		for _, f := range m.fuzzy {
			if len(sr) > 0 && sr[0] == f.term[0] && suggest.WithinEdits(sr, f.term, f.d) {
				return f.group
			}
		}
	}
	return -1
}

// mayStem reports whether the word low (lower-cased), folded as folded,
// may have a stem that is one of the query's, starts with a stem prefix
// or is spelt like a fuzzy term: a stem starts with the first two letters
// of its word, as written or folded (but a stem of one letter, which
// starts with the first).
func (m *matcher) mayStem(low, folded string) bool {
	m.listStarts()
	may := func(s string) bool {
		r, _ := utf8.DecodeRuneInString(s)
		return m.pstarts[firstRunes(s, 2)] || m.short[firstRunes(s, 1)] || m.first[r]
	}
	return may(low) || folded != low && may(folded)
}

// listStarts fills pstarts and short, the first time.
func (m *matcher) listStarts() {
	if m.pstarts == nil {
		m.pstarts, m.short = map[string]bool{}, map[string]bool{}
		add := func(t string) {
			for _, s := range []string{t, fold(t)} {
				m.pstarts[firstRunes(s, 2)] = true
				if utf8.RuneCountInString(t) < 2 {
					m.short[firstRunes(s, 1)] = true
				}
			}
		}
		for t := range m.stems {
			add(t)
		}
		for _, sp := range m.stemPrefixes {
			add(sp.stem)
		}
	}
}

// rejectsASCII reports whether matchWord, quick, answers -1 for the
// ASCII word tok before stemming it, as it would find out, but without
// making a lower-cased copy of tok: most words of a text are rejected so.
// (An ASCII word is its own folded form.)
func (m *matcher) rejectsASCII(tok string) bool {
	if len(tok) == 0 {
		return false
	}
	if m.ascii == nil {
		m.ascii = m.asciiStarts()
	}
	return !m.ascii.has(tok)
}

// asciiSet holds the first two characters, lower-cased, of the ASCII
// words that may match (two), and the words of one character (one).
type asciiSet struct {
	two [128][2]uint64
	one [2]uint64
}

// has reports whether the ASCII word w may match.
func (a *asciiSet) has(w string) bool {
	c := lowerASCII(w[0])
	if len(w) == 1 {
		return a.one[c>>6]&(1<<(c&63)) != 0
	}
	d := lowerASCII(w[1])
	return a.two[c][d>>6]&(1<<(d&63)) != 0
}

// asciiStarts lists what rejectsASCII lets through on the first letters
// of a word: those of the matcher's stems (starts), of its fuzzy terms
// (first), of the word being typed (prefix) and, when it has stem
// prefixes, those mayStem lets through (which include the stem prefixes,
// as analysed and folded).
func (m *matcher) asciiStarts() *asciiSet {
	a := &asciiSet{}
	// key is a word's first one or two runes: it matches words that
	// start so; every, a word's first rune: every word that starts with it.
	key := func(k string) {
		switch {
		case len(k) == 1 && k[0] < utf8.RuneSelf:
			a.one[k[0]>>6] |= 1 << (k[0] & 63)
		case len(k) == 2 && k[0] < utf8.RuneSelf && k[1] < utf8.RuneSelf:
			a.two[k[0]][k[1]>>6] |= 1 << (k[1] & 63)
		}
	}
	every := func(r rune) {
		if r < utf8.RuneSelf {
			a.one[r>>6] |= 1 << (r & 63)
			a.two[r] = [2]uint64{^uint64(0), ^uint64(0)}
		}
	}
	for k := range m.starts {
		key(k)
	}
	for r := range m.first {
		every(r)
	}
	// A word starting with the word being typed matches it.
	if k := firstRunes(m.prefix, 2); len(k) == 1 {
		every(rune(k[0]))
	} else {
		key(k)
	}
	if len(m.stemPrefixes) > 0 {
		m.listStarts()
		for k := range m.pstarts {
			key(k)
		}
		for k := range m.short {
			r, _ := utf8.DecodeRuneInString(k)
			every(r)
		}
	}
	return a
}

// lowerASCII lower-cases an ASCII letter.
func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// span is a matched word in a text.
type span struct {
	start, end int
	group      int
}

// find returns the matched words of text, in order. A word of plain
// ASCII letters and digits, most of any text, is read and most often
// rejected on its first two letters here (see rejectsASCII); any other
// goes through nextWord and match.
func (m *matcher) find(text string) []span {
	if m.ascii == nil {
		m.ascii = m.asciiStarts()
	}
	var out []span
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf && !asciiWord[c] {
			i++
			continue
		}
		s, e := i, i
		for e < len(text) && text[e] < utf8.RuneSelf && asciiWord[text[e]] {
			e++
		}
		g := -1
		if e == s || e < len(text) && (text[e] >= utf8.RuneSelf || text[e] == '\'') {
			// Not plain ASCII, or a word going on with an apostrophe.
			if s, e = nextWord(text, s); s < 0 {
				break
			}
			g = m.match(text[s:e])
		} else if m.ascii.has(text[s:e]) {
			g = m.match(text[s:e])
		}
		if g >= 0 {
			out = append(out, span{s, e, g})
		}
		i = e
	}
	return out
}

// mark returns text HTML-escaped with its matched words in <mark>.
func (h *highlighter) mark(lang, text string) string {
	return markHTML(text, h.matcher(lang).find(text), 0, len(text))
}

// fragments returns up to maxFragments passages of body around matched
// words; when the body has none, the summary if it has any; else nothing.
func (h *highlighter) fragments(lang, body, summary string) []string {
	m := h.matcher(lang)
	spans := m.find(body)
	if len(spans) == 0 {
		if ss := m.find(summary); len(ss) > 0 {
			return []string{markHTML(summary, ss, 0, len(summary))}
		}
		return []string{}
	}
	var out []string
	covered := map[int]bool{}
	used := []span{}
	for len(out) < maxFragments {
		best, bestScore := -1, 0
		for i := range spans {
			if overlaps(used, spans[i].start) {
				continue
			}
			groups := map[int]bool{}
			n, fresh := 0, 0
			for j := i; j < len(spans) && spans[j].end <= spans[i].start+fragmentBytes-contextBytes; j++ {
				if !groups[spans[j].group] && !covered[spans[j].group] {
					fresh++
				}
				groups[spans[j].group] = true
				n++
			}
			score := fresh*1000 + len(groups)*100 + n
			if len(out) > 0 && fresh == 0 {
				continue
			}
			if score > bestScore {
				best, bestScore = i, score
			}
		}
		if best < 0 {
			break
		}
		start, end := window(body, spans[best].start)
		var in []span
		for _, s := range spans {
			if s.start >= start && s.end <= end {
				in = append(in, s)
				covered[s.group] = true
			}
		}
		used = append(used, span{start: start, end: end})
		out = append(out, markHTML(body, in, start, end))
	}
	return out
}

func overlaps(used []span, at int) bool {
	for _, u := range used {
		if at >= u.start && at < u.end {
			return true
		}
	}
	return false
}

// window returns the bounds of a fragment of text showing the word at
// first: from a word boundary a little before it to one about
// fragmentBytes later.
func window(text string, first int) (int, int) {
	start := max(0, first-contextBytes)
	if start > 0 {
		// Start at the beginning of a word.
		if i := strings.IndexFunc(text[start:first], unicode.IsSpace); i >= 0 {
			start += i + 1
		} else {
			start = first
		}
	}
	end := min(len(text), start+fragmentBytes)
	if end < len(text) {
		if i := strings.LastIndexFunc(text[start:end], unicode.IsSpace); i > first-start {
			end = start + i
		} else {
			for end < len(text) && !utf8.RuneStart(text[end]) {
				end++
			}
		}
	}
	return start, end
}

// markHTML escapes text[start:end], wraps the spans in <mark>, turns runs
// of white space (line breaks between blocks) into one space and adds an
// ellipsis where the text is cut.
func markHTML(text string, spans []span, start, end int) string {
	var b strings.Builder
	if start > 0 {
		b.WriteString("… ")
	}
	at := start
	for _, s := range spans {
		if s.start < at || s.end > end {
			continue
		}
		b.WriteString(html.EscapeString(collapse(text[at:s.start], at == start, false)))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[s.start:s.end]))
		b.WriteString("</mark>")
		at = s.end
	}
	b.WriteString(html.EscapeString(collapse(text[at:end], at == start, true)))
	if end < len(text) {
		b.WriteString(" …")
	}
	return b.String()
}

// collapse replaces each run of white space in s by one space, or by
// blockSeparator when the run holds a line break (the text of a page has
// one between blocks: headings, paragraphs, list items, table cells), so
// a fragment does not run a heading into the text after it. A run at the
// start (first) or the end (last) of a fragment is dropped.
func collapse(s string, first, last bool) string {
	if first {
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
	}
	if last {
		s = strings.TrimRightFunc(s, unicode.IsSpace)
	}
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) && r != ' ' }) < 0 && !strings.Contains(s, "  ") {
		return s
	}
	var b strings.Builder
	space, block := false, false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = true
			block = block || r == '\n'
			continue
		}
		if space {
			if block {
				b.WriteString(blockSeparator)
			} else {
				b.WriteByte(' ')
			}
		}
		space, block = false, false
		b.WriteRune(r)
	}
	if block {
		b.WriteString(blockSeparator)
	} else if space {
		b.WriteByte(' ')
	}
	return b.String()
}

// blockSeparator stands between the text of two blocks in a fragment.
const blockSeparator = " · "
