package search

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"

	"kb/internal/workers"
)

// readSurfaces collects every word as written in the pages' stored text,
// lower-cased and split as the unicode tokenizer splits, and records what
// each analysis makes of it: the surface dictionary the client normalises
// queries with, in place of a stemmer.
func (d *exportData) readSurfaces(ctx context.Context, idx bleve.Index) error {
	tok := unicode.NewUnicodeTokenizer()
	lower := lowercase.NewLowerCaseFilter()
	const limit = 4
	locals := make([]map[string]bool, limit)
	err := workers.Run(ctx, len(d.docs), limit, func(w, i int) error {
		if locals[w] == nil {
			locals[w] = map[string]bool{}
		}
		local := locals[w]
		sd := &d.docs[i]
		for _, text := range []string{sd.title, sd.summary, sd.body} {
			for _, t := range lower.Filter(tok.Tokenize([]byte(text))) {
				local[string(t.Term)] = true
			}
		}
		for _, tag := range sd.tags {
			local[strings.ToLower(tag)] = true
		}
		return nil
	})
	if err != nil {
		return err
	}
	set := map[string]bool{}
	for _, local := range locals {
		maps.Copy(set, local)
	}
	// The folded words of titles and headings, which are not stored.
	for k := range d.words {
		set[k] = true
	}
	surfaces := make([]string, 0, len(set))
	for s := range set {
		// Tags and folded words may hold what the tokenizer splits.
		if ts := tok.Tokenize([]byte(s)); len(ts) != 1 || string(ts[0].Term) != s {
			continue
		}
		surfaces = append(surfaces, s)
	}
	slices.SortFunc(surfaces, jsCompare)

	m := idx.Mapping()
	ans := map[string]analysis.Analyzer{}
	for _, code := range []string{"en", "nl", "*"} {
		lang := code
		if code == "*" {
			lang = ""
		}
		a := m.AnalyzerNamed(Analyzer(lang))
		if a == nil {
			return fmt.Errorf("analyzer %q missing", Analyzer(lang))
		}
		ans[code] = a
	}
	// The standard analysis is stored only when some page uses it; the
	// client derives it otherwise (lower-case, English stop words).
	stored := slices.DeleteFunc(slices.Clone(d.analyses), func(a string) bool { return a == "*" })
	if slices.Contains(d.analyses, "*") {
		stored = append(stored, "*")
	}
	d.analyses = stored
	isStop := map[string]map[string]bool{}
	stopped := func(code, t string) bool {
		m := isStop[code]
		if m == nil {
			m = map[string]bool{}
			isStop[code] = m
		}
		v, ok := m[t]
		if !ok {
			v = len(ans[code].Analyze([]byte(t))) == 0
			m[t] = v
		}
		return v
	}
	d.dict = make([][]any, 0, len(surfaces))
	for i, s := range surfaces {
		if i%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		e := []any{s}
		for _, code := range stored {
			var terms []string
			for _, t := range ans[code].Analyze([]byte(s)) {
				terms = append(terms, string(t.Term))
			}
			e = append(e, termCode(s, terms, func(t string) bool { return stopped(code, t) }))
		}
		for len(e) > 1 && e[len(e)-1] == "" {
			e = e[:len(e)-1]
		}
		d.dict = append(d.dict, e)
	}
	return nil
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
