package search

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
)

// tokenizerSurfaces is what the dictionary's words are defined as: the
// words of the page's texts as bleve's unicode tokenizer and lowercase
// filter make them, and its tags lower-cased, each once, sorted.
func tokenizerSurfaces(sd *sdoc) []string {
	tok, lower := unicode.NewUnicodeTokenizer(), lowercase.NewLowerCaseFilter()
	var out []string
	for _, text := range []string{sd.title, sd.summary, sd.body} {
		for _, t := range lower.Filter(tok.Tokenize([]byte(text))) {
			out = append(out, string(t.Term))
		}
	}
	for _, tag := range sd.tags {
		out = append(out, strings.ToLower(tag))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestSurfaceCounter_AsTokenizer: the counter finds the words bleve's
// tokenizer and lowercase filter find, on text with every kind of word
// boundary and the letters whose lower case is special (a final sigma,
// letters whose lower case is longer), and counts each word once a page.
func TestSurfaceCounter_AsTokenizer(t *testing.T) {
	pieces := []string{"Meeting", "OVERLEG", "stand-up", "e-mail", "don't", "3.14", "1,000", "U.S.A.",
		"ΟΔΟΣ", "Σίσυφος", "ȺȾ", "Ⱥb", "İstanbul", "Straße", "Łódź", "日本語", "テスト", "한국어", "😀", "👩‍💻",
		"a_b", "x:y", "foo.bar", "v1.2.3", "\u00ad", "\u200b", "\ufeff", "\u0085", "ǅ", "ﬁ", "Ǆungla",
		" ", "  ", "\n", "\t", ".", ",", "-", "'", "\"", "(", ")", "/", "#", "@", "&"}
	rng := rand.New(rand.NewPCG(1, 2))
	text := func() string {
		var b strings.Builder
		for range rng.IntN(40) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		return b.String()
	}
	c := newSurfaceCounter()
	want := map[string]int{}
	for range 2000 {
		sd := sdoc{title: text(), summary: text(), body: text() + text() + text(), tags: []string{text()}}
		ref := tokenizerSurfaces(&sd)
		got := slices.Clone(docSurfaces(&sd))
		slices.Sort(got)
		if !slices.Equal(got, ref) {
			t.Fatalf("%+v:\ngot  %q\nwant %q", sd, got, ref)
		}
		for _, w := range ref {
			want[w]++
		}
		c.add(&sd)
	}
	if len(c.words) != len(want) {
		t.Fatalf("%d words counted, want %d", len(c.words), len(want))
	}
	for i, w := range c.words {
		if c.pages[i] != want[w] {
			t.Errorf("%q on %d pages, want %d", w, c.pages[i], want[w])
		}
	}
}
