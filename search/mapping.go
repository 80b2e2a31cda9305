// Package search owns kb's full-text search: the bleve mapping, building the
// index at build time, and answering queries from it.
package search

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/standard"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/en" // registers the "en" analyzer
	_ "github.com/blevesearch/bleve/v2/analysis/lang/nl" // registers the "nl" analyzer
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
)

// NewMapping returns the explicit index mapping: one document type per
// language with its analyzer, text fields indexed without term vectors,
// keyword fields for filters and facets, and only what the result list
// shows stored. Nothing is mapped dynamically.
func NewMapping() mapping.IndexMapping {
	im := bleve.NewIndexMapping()
	im.DefaultAnalyzer = standard.Name
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false
	im.DefaultMapping = docMapping(standard.Name)
	for lang := range analyzers {
		im.AddDocumentMapping(lang, docMapping(lang))
	}
	im.AddDocumentMapping("other", docMapping(standard.Name))
	return im
}

func docMapping(analyzer string) *mapping.DocumentMapping {
	dm := bleve.NewDocumentStaticMapping()
	text := func(store bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store = store
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	kw := func(docValues bool) *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = true
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

	dm.AddFieldMappingsAt(FieldTitle, text(true))
	dm.AddFieldMappingsAt(FieldSummary, text(true))
	dm.AddFieldMappingsAt(FieldHeadings, text(false))
	dm.AddFieldMappingsAt(FieldBody, text(true))
	dm.AddFieldMappingsAt(FieldTags, kw(true))
	dm.AddFieldMappingsAt(FieldKind, kw(true))
	dm.AddFieldMappingsAt(FieldLang, kw(true))
	dm.AddFieldMappingsAt(FieldOwner, kw(false))
	dm.AddFieldMappingsAt(FieldURL, url)
	return dm
}
