package search

import (
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/nl"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/registry"
)

// Stemming is most of the time analysis takes, and a word's stem depends
// on the word alone while prose repeats its words: the mapping defines the
// English and Dutch stemmers under their own names as the same stemmers
// with a cache of the stems they made (see NewMapping), so bleve's
// language analyzers, which ask for them by name, use those.
const (
	cachedPorter = "kb_porter_cached"
	cachedDutch  = "kb_stemmer_nl_cached"
)

// stemCacheMax bounds the words a stemmer keeps the stems of.
const stemCacheMax = 1 << 17

// cachedStemmer is a stemmer with a cache of its stems, safe for use by
// several goroutines at once.
type cachedStemmer struct {
	stem  analysis.TokenFilter
	mu    sync.RWMutex
	stems map[string][]byte
}

// Filter implements analysis.TokenFilter: each token's term becomes its
// stem, as stem makes it. A stem handed out is shared, and nothing
// downstream writes into a term.
func (c *cachedStemmer) Filter(in analysis.TokenStream) analysis.TokenStream {
	for _, tok := range in {
		if tok.KeyWord { // a stemmer may leave it as it is: ask it
			c.stem.Filter(analysis.TokenStream{tok})
			continue
		}
		c.mu.RLock()
		s, ok := c.stems[string(tok.Term)]
		c.mu.RUnlock()
		if ok {
			tok.Term = s
			continue
		}
		word := string(tok.Term)
		c.stem.Filter(analysis.TokenStream{tok})
		tok.Term = tok.Term[:len(tok.Term):len(tok.Term)] // an append copies
		c.mu.Lock()
		if len(c.stems) < stemCacheMax {
			c.stems[word] = tok.Term
		}
		c.mu.Unlock()
	}
	return in
}

func init() {
	for name, stem := range map[string]func() analysis.TokenFilter{
		cachedPorter: func() analysis.TokenFilter { return porter.NewPorterStemmer() },
		cachedDutch:  func() analysis.TokenFilter { return nl.NewDutchStemmerFilter() },
	} {
		err := registry.RegisterTokenFilter(name, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
			return &cachedStemmer{stem: stem(), stems: map[string][]byte{}}, nil
		})
		if err != nil {
			panic(err)
		}
	}
}
