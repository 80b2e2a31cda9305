package search

import (
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
)

// The language analyzers the mapping gives stem through the cache, and a
// word stems the same from the cache as the first time.
func TestCachedStemmers(t *testing.T) {
	m := NewMapping()
	for lang, words := range map[string][]string{"en": {"meetings", "meeting", "retrospectives"}, "nl": {"afspraken", "vergaderingen", "afspraken"}} {
		a := m.AnalyzerNamed(lang)
		da, ok := a.(*analysis.DefaultAnalyzer)
		if !ok {
			t.Fatalf("%s: analyzer %T", lang, a)
		}
		var cached *cachedStemmer
		for _, f := range da.TokenFilters {
			if c, ok := f.(*cachedStemmer); ok {
				cached = c
			}
		}
		if cached == nil {
			t.Fatalf("%s: no cached stemmer among %T", lang, da.TokenFilters)
		}
		for _, w := range words {
			first := string(a.Analyze([]byte(w))[0].Term)
			again := string(a.Analyze([]byte(w))[0].Term)
			plain := string(cached.stem.Filter(analysis.TokenStream{{Term: []byte(w)}})[0].Term)
			if first != plain || again != plain {
				t.Errorf("%s %q: %q, then %q, the stemmer says %q", lang, w, first, again, plain)
			}
		}
		if len(cached.stems) == 0 {
			t.Errorf("%s: nothing cached", lang)
		}
	}
}
