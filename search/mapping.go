// Package search owns kb's full-text search: the bleve mapping, building the
// index at build time, and answering queries from it.
package search

import (
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/standard"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/lang/en" // registers the "en" analyzer
	"github.com/blevesearch/bleve/v2/analysis/lang/nl" // registers the "nl" analyzer
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
)

// Doc is one page as the index sees it.
type Doc struct {
	URL      string   `json:"url"`
	Title    string   `json:"title"`
	Summary  string   `json:"summary"`
	Headings string   `json:"headings"`
	Body     string   `json:"body"`
	Tags     []string `json:"tags"`
	Kind     string   `json:"kind"`
	Lang     string   `json:"lang"`
	Owner    string   `json:"owner"`
	// Group is shared by a page and its translations (the same playbook
	// in other languages, at most one page per language), empty for a
	// page without any: a search lists one page of a group, in the
	// reader's language, and names the others that match (Hit.AlsoIn).
	Group string `json:"group"`
}

// BleveType picks the document mapping, and so the analyzer, by language.
func (d Doc) BleveType() string {
	if analyzers[d.Lang] {
		return d.Lang
	}
	return "other"
}

// analyzers are the languages with their own stemming and stop words.
var analyzers = map[string]bool{"en": true, "nl": true}

// Analyzer returns the analyzer name used for text in lang.
func Analyzer(lang string) string {
	if analyzers[lang] {
		return lang
	}
	return standard.Name
}

// pairsAnalyzer returns the analyzer of the word-pair field for text in lang.
func pairsAnalyzer(lang string) string {
	if analyzers[lang] {
		return "kb_pairs_" + lang
	}
	return "kb_pairs"
}

// Field names in the index.
const (
	FieldTitle    = "title"
	FieldSummary  = "summary"
	FieldHeadings = "headings"
	FieldBody     = "body"
	FieldTags     = "tags"
	FieldKind     = "kind"
	FieldLang     = "lang"
	FieldOwner    = "owner"
	FieldURL      = "url"
	// FieldGroup holds Doc.Group.
	FieldGroup = "group"
	// FieldWords holds the title, headings and summary as lower-cased,
	// accent-folded words without stemming, for matching the word being
	// typed by its prefix.
	FieldWords = "words"
	// FieldPairs holds every pair of neighbouring stemmed words of the
	// title, headings and summary, hashed (see pairsFilter), so that pages
	// with the words as typed rank higher, without the cost of term
	// vectors. Bodies have no pairs: in prose most pairs are unique, and
	// indexing them would cost about as much as the text (see plan.phraseIDs
	// for quoted phrases).
	FieldPairs = "pairs"
)

// wordsAnalyzer analyses FieldWords and the prefix being typed.
const wordsAnalyzer = "kb_words"

// NewMapping returns the explicit index mapping: one document type per
// language with its analyzer, text fields indexed without term vectors,
// keyword fields for filters and facets, and only what the result list
// shows stored. Nothing is mapped dynamically.
func NewMapping() mapping.IndexMapping { return newMapping(false) }

// analysisMapping is NewMapping for one goroutine of the index builder,
// whose word tokenizer reuses its tokens (see words): it analyses
// documents as NewMapping's does, and is never written into an index.
func analysisMapping() mapping.IndexMapping { return newMapping(true) }

func newMapping(reuse bool) mapping.IndexMapping {
	im := bleve.NewIndexMapping()
	im.DefaultAnalyzer = standard.Name
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false
	// The word tokenizer takes the unicode tokenizer's name first, so that
	// bleve's own language analyzers, which ask for it by name, use it.
	tokenizer := map[string]any{"type": wordTokenizer}
	if reuse {
		tokenizer[reuseTokens] = true
	}
	mustDefine(im.AddCustomTokenizer(unicode.Name, tokenizer))
	// So do the stemmers with a cache (see stemcache.go).
	mustDefine(im.AddCustomTokenFilter(porter.Name, map[string]any{"type": cachedPorter}))
	mustDefine(im.AddCustomTokenFilter(nl.SnowballStemmerName, map[string]any{"type": cachedDutch}))
	mustDefine(im.AddCustomAnalyzer(wordsAnalyzer, map[string]any{
		"type": custom.Name, "char_filters": []string{asciifolding.Name},
		"tokenizer": unicode.Name, "token_filters": []string{lowercase.Name},
	}))
	mustDefine(im.AddCustomAnalyzer(joinsAnalyzer, map[string]any{
		"type": custom.Name, "tokenizer": joinsTokenizer, "token_filters": []string{lowercase.Name},
	}))
	mustDefine(im.AddCustomAnalyzer(pairsAnalyzer("en"), map[string]any{
		"type": custom.Name, "tokenizer": unicode.Name,
		"token_filters": []string{en.PossessiveName, lowercase.Name, en.StopName, porter.Name, pairsFilter},
	}))
	mustDefine(im.AddCustomAnalyzer(pairsAnalyzer("nl"), map[string]any{
		"type": custom.Name, "tokenizer": unicode.Name,
		"token_filters": []string{lowercase.Name, nl.StopName, nl.SnowballStemmerName, pairsFilter},
	}))
	mustDefine(im.AddCustomAnalyzer(pairsAnalyzer(""), map[string]any{
		"type": custom.Name, "tokenizer": unicode.Name,
		"token_filters": []string{lowercase.Name, en.StopName, pairsFilter},
	}))
	im.DefaultMapping = docMapping("")
	for lang := range analyzers {
		im.AddDocumentMapping(lang, docMapping(lang))
	}
	im.AddDocumentMapping("other", docMapping(""))
	return im
}

// mustDefine panics on an error defining the mapping's own analysis, which
// is a programming error caught by every test.
func mustDefine(err error) {
	if err != nil {
		panic(fmt.Sprintf("search mapping: %v", err))
	}
}

func docMapping(lang string) *mapping.DocumentMapping {
	dm := bleve.NewDocumentStaticMapping()
	field := func(name, analyzer string, store bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Name = name
		f.Analyzer = analyzer
		f.Store = store
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	text := func(name string, store bool) *mapping.FieldMapping { return field(name, Analyzer(lang), store) }
	words := func() *mapping.FieldMapping { return field(FieldWords, wordsAnalyzer, false) }
	pairs := func() *mapping.FieldMapping { return field(FieldPairs, pairsAnalyzer(lang), false) }
	joins := func() *mapping.FieldMapping { return field(FieldJoins, joinsAnalyzer, false) }
	kw := func(store, docValues bool) *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = store
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = docValues
		return f
	}
	url := bleve.NewKeywordFieldMapping()
	url.Index = false
	url.Store = true
	url.DocValues = false
	url.IncludeInAll = false
	url.IncludeTermVectors = false

	dm.AddFieldMappingsAt(FieldTitle, text(FieldTitle, true), words(), pairs(), joins())
	dm.AddFieldMappingsAt(FieldSummary, text(FieldSummary, true), words(), pairs(), joins())
	dm.AddFieldMappingsAt(FieldHeadings, text(FieldHeadings, false), words(), pairs(), joins())
	dm.AddFieldMappingsAt(FieldBody, text(FieldBody, true), joins())
	dm.AddFieldMappingsAt(FieldTags, kw(true, true))
	dm.AddFieldMappingsAt(FieldKind, kw(true, true))
	dm.AddFieldMappingsAt(FieldLang, kw(true, true))
	dm.AddFieldMappingsAt(FieldOwner, kw(false, false))
	dm.AddFieldMappingsAt(FieldGroup, kw(true, true))
	dm.AddFieldMappingsAt(FieldURL, url)
	return dm
}
