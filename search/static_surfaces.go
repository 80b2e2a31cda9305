package search

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"

	"kb/internal/workers"
)

// readSurfaces records what each analysis makes of every word as written
// in the pages' stored text (counted by readIndex), lower-cased and split
// as the unicode tokenizer splits, and of the folded words of titles and
// headings: the surface dictionary the client normalises queries with, in
// place of a stemmer.
func (d *exportData) readSurfaces(ctx context.Context, idx bleve.Index) error {
	m := idx.Mapping()
	d.ans = map[string]analysis.Analyzer{}
	for _, code := range []string{"en", "nl", "*"} {
		lang := code
		if code == "*" {
			lang = ""
		}
		a := m.AnalyzerNamed(Analyzer(lang))
		if a == nil {
			return fmt.Errorf("analyzer %q missing", Analyzer(lang))
		}
		d.ans[code] = uncached(a)
	}
	d.entries = map[string][]byte{}
	d.tok = &words{}
	// The folded words of titles and headings, which are not stored.
	var keys []string
	for s := range d.surf {
		keys = append(keys, s)
	}
	for k := range d.words {
		if d.surf[k] == 0 {
			keys = append(keys, k)
		}
	}
	// The entries are made on every core, each goroutine taking every
	// n-th word with a tokenizer and stop-word memo of its own.
	entries := make([][]byte, len(keys))
	shares := runtime.GOMAXPROCS(0)
	err := workers.Run(ctx, shares, shares, func(_, g int) error {
		tok, isStop := &words{}, map[string]map[string]bool{}
		stopped := func(code, t string) bool { return stopMemo(isStop, d.ans, code, t) }
		for i := g; i < len(keys); i += shares {
			if i/shares%4096 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			entries[i] = surfaceEntry(keys[i], tok, d.analyses, d.ans, stopped)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	d.dictKeys = d.dictKeys[:0]
	for i, s := range keys {
		d.entries[s] = entries[i]
		if entries[i] != nil {
			d.dictKeys = append(d.dictKeys, s)
		}
	}
	slices.SortFunc(d.dictKeys, jsCompare)
	return nil
}

// uncached returns a with the stemmers it caches the stems of (see
// cachedStemmer) in place of their caches: the surface dictionary analyses
// each word once, and the caches only held a copy of the dictionary.
func uncached(a analysis.Analyzer) analysis.Analyzer {
	da, ok := a.(*analysis.DefaultAnalyzer)
	if !ok {
		return a
	}
	c := *da
	c.TokenFilters = slices.Clone(da.TokenFilters)
	for i, f := range c.TokenFilters {
		if cs, ok := f.(*cachedStemmer); ok {
			c.TokenFilters[i] = cs.stem
		}
	}
	return &c
}

// docSurfaces returns the words of a page's title, summary, body and tags,
// lower-cased, each once.
func docSurfaces(sd *sdoc) []string {
	c := newSurfaceCounter()
	c.add(sd)
	return c.words
}

// surfaceCounter counts the pages holding each word of their title,
// summary, body and tags, lower-cased, split as bleve's unicode tokenizer
// splits and lower-cased as its lowercase filter does (which the analyses
// do first), with the words it has seen once as its only allocations.
type surfaceCounter struct {
	at    map[string]int // index of a word in words
	words []string
	// pages counts the pages holding each word; last is the number of the
	// last page counted (see page).
	pages, last []int
	page        int
	lower       analysis.TokenFilter
	tok         analysis.Token
	one         analysis.TokenStream
	buf         []byte
	text        []byte // the text being counted, reused
}

func newSurfaceCounter() *surfaceCounter {
	c := &surfaceCounter{at: map[string]int{}, lower: lowercase.NewLowerCaseFilter()}
	c.one = analysis.TokenStream{&c.tok}
	return c
}

// add counts the words of sd.
func (c *surfaceCounter) add(sd *sdoc) {
	c.page++
	for _, text := range []string{sd.title, sd.summary, sd.body} {
		c.text = append(c.text[:0], text...)
		eachWord(c.text, c.word)
	}
	for _, tag := range sd.tags {
		c.count([]byte(strings.ToLower(tag)))
	}
}

// word counts a word of the text (see eachWord), lower-cased.
func (c *surfaceCounter) word(term []byte, _, _ int, _ analysis.TokenType) {
	// The filter lower-cases in place: a copy, so that the text stays as
	// written.
	c.buf = append(c.buf[:0], term...)
	c.tok.Term = c.buf
	c.lower.Filter(c.one)
	c.count(c.tok.Term)
}

// count counts the word w once for the page being added.
func (c *surfaceCounter) count(w []byte) {
	i, ok := c.at[string(w)]
	if !ok {
		i = len(c.words)
		word := string(w)
		c.at[word] = i
		c.words = append(c.words, word)
		c.pages = append(c.pages, 0)
		c.last = append(c.last, 0)
	}
	if c.last[i] != c.page {
		c.last[i] = c.page
		c.pages[i]++
	}
}

// entry returns the dictionary entry of the surface s as JSON, [word, code
// per analysis…], or nil when s is not one word as the tokenizer splits
// (tags and folded words may hold several).
func (d *exportData) entry(s string) []byte {
	if b, ok := d.entries[s]; ok {
		return b
	}
	b := surfaceEntry(s, d.tok, d.analyses, d.ans, d.stopped)
	d.entries[s] = b
	return b
}

// surfaceEntry makes the entry of s (see exportData.entry) with tok, the
// analyses' analyzers ans and stopped, which reports whether the analysis
// code drops a term.
func surfaceEntry(s string, tok analysis.Tokenizer, analyses []string, ans map[string]analysis.Analyzer, stopped func(code, t string) bool) []byte {
	ts := tok.Tokenize([]byte(s))
	if len(ts) != 1 || string(ts[0].Term) != s {
		return nil
	}
	e := []any{s}
	for _, code := range analyses {
		var terms []string
		for _, t := range ans[code].Analyze([]byte(s)) {
			terms = append(terms, string(t.Term))
		}
		e = append(e, termCode(s, terms, func(t string) bool { return stopped(code, t) }))
	}
	for len(e) > 1 && e[len(e)-1] == "" {
		e = e[:len(e)-1]
	}
	b, _ := json.Marshal(e)
	return b
}

// stopped reports whether the analysis code drops the term t.
func (d *exportData) stopped(code, t string) bool {
	if d.isStop == nil {
		d.isStop = map[string]map[string]bool{}
	}
	return stopMemo(d.isStop, d.ans, code, t)
}

// stopMemo reports whether the analysis code (its analyzer in ans) drops
// the term t, remembering the answers in memo.
func stopMemo(memo map[string]map[string]bool, ans map[string]analysis.Analyzer, code, t string) bool {
	m := memo[code]
	if m == nil {
		m = map[string]bool{}
		memo[code] = m
	}
	v, ok := m[t]
	if !ok {
		v = len(ans[code].Analyze([]byte(t))) == 0
		m[t] = v
	}
	return v
}

// termCode encodes what an analysis makes of the surface s:
//
//	"-"             nothing (a stop word)
//	[flags][n][|suffix]  one term: s without its last n characters (code
//	                points), then suffix; n and suffix are left out when
//	                zero and empty, so "" is s itself. Flag: "~" when the
//	                term is itself a stop word (dropped from words of
//	                several terms, as Search does).
//	["t1", "t2"]    several terms (rare).
func termCode(s string, terms []string, stop func(string) bool) any {
	switch len(terms) {
	case 0:
		return "-"
	case 1:
	default:
		return terms
	}
	t := terms[0]
	var b strings.Builder
	if stop(t) {
		b.WriteByte('~')
	}
	sr, tr := []rune(s), []rune(t)
	k := 0
	for k < len(sr) && k < len(tr) && sr[k] == tr[k] {
		k++
	}
	if drop := len(sr) - k; drop > 0 || k < len(tr) {
		fmt.Fprintf(&b, "%d", drop)
		if k < len(tr) {
			b.WriteByte('|')
			b.WriteString(string(tr[k:]))
		}
	}
	return b.String()
}

// jsCompare orders strings as JavaScript's < does (by UTF-16 code units),
// so that the client's binary searches agree with the bundle's order.
func jsCompare(a, b string) int {
	for i, j := 0, 0; ; {
		if i == len(a) || j == len(b) {
			return (len(a) - i) - (len(b) - j)
		}
		if a[i] < 0x80 && b[j] < 0x80 {
			if a[i] != b[j] {
				return int(a[i]) - int(b[j])
			}
			i++
			j++
			continue
		}
		ra, na := utf8.DecodeRuneInString(a[i:])
		rb, nb := utf8.DecodeRuneInString(b[j:])
		if ra != rb {
			return utf16Key(ra) - utf16Key(rb)
		}
		i += na
		j += nb
	}
}

// utf16Key is the first UTF-16 code unit of r, scaled so that runes sharing
// it keep their order.
func utf16Key(r rune) int {
	if r < 0x10000 {
		return int(r) << 10
	}
	r -= 0x10000
	return (0xD800+int(r>>10))<<10 | int(r&0x3ff)
}
