package search

import (
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
)

func firstRunes(s string, n int) string {
	i := 0
	for ; n > 0 && i < len(s); n-- {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i]
}

// folder is bleve's ASCII-folding filter, the one the words analyzer
// applies; it holds no state.
var folder = asciifolding.New()

// fold removes the accents of letters (Łódź → Lodz, Straße → Strasse,
// ﬁ → fi) exactly as the words analyzer does. It returns s itself when
// there is nothing to fold.
func fold(s string) string {
	if isASCII(s) {
		return s
	}
	return string(folder.Filter([]byte(s)))
}
