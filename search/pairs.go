package search

import (
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
)

// pairsFilter is the name of the token filter that turns a stream of words
// into one term per pair of neighbouring words. Words dropped by an earlier
// filter (stop words) leave no gap: "head of department" gives the pair
// "head depart".
//
// A pair is not indexed as text but as a 16-bit hash (pairTerm), which
// bounds the dictionary: a page matches a pair it does not hold with a
// probability of about (its number of pairs)/65,536, well under 1 % for the
// titles, headings and summaries indexed. That only moves a page up the
// ranking; quoted phrases are checked on the text. The hash is part of the
// index format: changing it needs a rebuild.
const pairsFilter = "kb_pairs"

type pairs struct{}

func (pairs) Filter(in analysis.TokenStream) analysis.TokenStream {
	if len(in) < 2 {
		return in[:0]
	}
	out := make(analysis.TokenStream, 0, len(in)-1)
	for i := 1; i < len(in); i++ {
		a, b := in[i-1], in[i]
		out = append(out, &analysis.Token{Start: a.Start, End: b.End, Term: pairTerm(a.Term, b.Term), Position: i, Type: analysis.Shingle})
	}
	return out
}

// pairAlphabet spells a pair's hash in three printable bytes.
const pairAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// pairTerm returns the indexed term of the word pair (a, b): the FNV-1a
// hash of "a b", folded to 16 bits.
func pairTerm(a, b []byte) []byte {
	h := uint32(2166136261)
	for _, c := range a {
		h = (h ^ uint32(c)) * 16777619
	}
	h = (h ^ ' ') * 16777619
	for _, c := range b {
		h = (h ^ uint32(c)) * 16777619
	}
	h = (h ^ h>>16) & 0xffff
	return []byte{pairAlphabet[h&63], pairAlphabet[h>>6&63], pairAlphabet[h>>12]}
}

func init() {
	err := registry.RegisterTokenFilter(pairsFilter, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return pairs{}, nil
	})
	if err != nil {
		panic(err)
	}
}
