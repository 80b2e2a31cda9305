package search

import (
	"unsafe"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	index "github.com/blevesearch/bleve_index_api"
)

// analyzeDoc analyzes doc's indexed fields and composes its composite fields
// from them, as bleve's scorch does before it indexes a document. A text
// field without term vectors becomes a textField (see analyzeText), which
// holds the same analysis in less memory; f counts its terms (nil: a new
// one). In a field whose name no other field of doc has, terms of the same
// count share their TokenFreq (see freqs.count): the segment merges the
// frequencies of fields of one name into the first one's, which must then
// be each term's own.
func analyzeDoc(doc *document.Document, f *freqs) {
	if f == nil {
		f = &freqs{}
	}
	if f.names == nil {
		f.names = map[string]int{}
	}
	clear(f.names)
	for _, fl := range doc.Fields {
		f.names[fl.Name()]++
	}
	for i, fl := range doc.Fields {
		if !fl.Options().IsIndexed() {
			continue
		}
		if tf, ok := fl.(*document.TextField); ok && !tf.Options().IncludeTermVectors() {
			fl = f.analyzeText(tf, f.names[tf.Name()] == 1)
			doc.Fields[i] = fl
		} else {
			fl.Analyze()
		}
		if doc.HasComposite() && fl.Name() != "_id" {
			doc.VisitComposite(func(cf index.CompositeField) {
				cf.Compose(fl.Name(), fl.AnalyzedLength(), fl.AnalyzedTokenFrequencies())
			})
		}
	}
}

// textField is an analyzed text field as the segment reads it: what
// document.TextField holds after Analyze, less its analyzer, and its value
// only when the field is stored. Its token frequencies are in a map of just
// their size, their TokenFreqs in one slice: bleve's map is made for as
// many terms as the text has words, which was a fifth of a build's heap
// while its index is made.
type textField struct {
	name           string
	arrayPositions []uint64
	options        index.FieldIndexingOptions
	value          []byte
	plainBytes     uint64
	length         int
	frequencies    index.TokenFrequencies
}

// Name implements index.Field.
func (t *textField) Name() string { return t.name }

// Value implements index.Field: the text when the field is stored, else nil.
func (t *textField) Value() []byte { return t.value }

// ArrayPositions implements index.Field.
func (t *textField) ArrayPositions() []uint64 { return t.arrayPositions }

// EncodedFieldType implements index.Field: a text field's type.
func (t *textField) EncodedFieldType() byte { return 't' }

// Analyze implements index.Field: the field is analyzed when made.
func (t *textField) Analyze() {}

// Options implements index.Field.
func (t *textField) Options() index.FieldIndexingOptions { return t.options }

// AnalyzedLength implements index.Field: the number of tokens.
func (t *textField) AnalyzedLength() int { return t.length }

// AnalyzedTokenFrequencies implements index.Field.
func (t *textField) AnalyzedTokenFrequencies() index.TokenFrequencies { return t.frequencies }

// NumPlainTextBytes implements index.Field.
func (t *textField) NumPlainTextBytes() uint64 { return t.plainBytes }

// Size implements document.Field: about the bytes the field holds.
func (t *textField) Size() int {
	n := int(unsafe.Sizeof(*t)) + len(t.name) + 8*len(t.arrayPositions) + len(t.value)
	if t.frequencies != nil {
		n += t.frequencies.Size()
	}
	return n
}

// freqs counts the terms of one field after another: what it keeps from
// one field to the next is only memory to reuse.
type freqs struct {
	names   map[string]int // how many fields of the document have each name
	byCount map[int32]*index.TokenFreq
	at      map[string]int32 // a term's index in keys and counts
	keys    []string
	counts  []int32
	first   [][]byte // each term's bytes as its first token has them
}

// analyzeText analyzes tf as its Analyze does and returns the result as a
// textField, its terms' TokenFreqs shared by count when shared is set.
func (f *freqs) analyzeText(tf *document.TextField, shared bool) *textField {
	value, opts := tf.Value(), tf.Options()
	var tokens analysis.TokenStream
	if a := tf.Analyzer(); a != nil {
		text := value
		if opts.IsStored() { // analyzers may write into the text
			text = append([]byte(nil), value...)
		}
		tokens = a.Analyze(text)
	} else {
		tokens = analysis.TokenStream{&analysis.Token{End: len(value), Term: value, Position: 1, Type: analysis.AlphaNumeric}}
	}
	t := &textField{
		name:           tf.Name(),
		arrayPositions: tf.ArrayPositions(),
		options:        opts,
		plainBytes:     tf.NumPlainTextBytes(),
		length:         len(tokens),
		frequencies:    f.count(tokens, !opts.SkipFreqNorm(), shared),
	}
	if opts.IsStored() {
		t.value = value
	}
	return t
}

// count returns the frequencies of tokens' terms, as analysis.TokenFrequency
// makes them without term vectors; withFreq false leaves each at 0. With
// shared set, the terms of each count share one TokenFreq, whose Term is
// left out: what a segment reads of a TokenFreq is its frequency (and
// locations, which there are none of), the term being the map's key. Most
// of a page's terms are found once or twice: a TokenFreq each was the
// larger part of a batch's analysis, and kept the analysed text alive.
func (f *freqs) count(tokens analysis.TokenStream, withFreq, shared bool) index.TokenFrequencies {
	if f.at == nil {
		f.at = map[string]int32{}
	}
	clear(f.at)
	f.keys, f.counts, f.first = f.keys[:0], f.counts[:0], f.first[:0]
	for _, tok := range tokens {
		if i, ok := f.at[string(tok.Term)]; ok {
			f.counts[i]++
			continue
		}
		k := string(tok.Term)
		f.at[k] = int32(len(f.keys))
		f.keys = append(f.keys, k)
		f.counts = append(f.counts, 1)
		f.first = append(f.first, tok.Term)
	}
	m := make(index.TokenFrequencies, len(f.keys))
	if shared {
		if f.byCount == nil {
			f.byCount = map[int32]*index.TokenFreq{}
		}
		clear(f.byCount)
		for i, k := range f.keys {
			n := f.counts[i]
			if !withFreq {
				n = 0
			}
			tf := f.byCount[n]
			if tf == nil {
				tf = &index.TokenFreq{}
				tf.SetFrequency(int(n))
				f.byCount[n] = tf
			}
			m[k] = tf
		}
	} else {
		all := make([]index.TokenFreq, len(f.keys))
		for i, k := range f.keys {
			tf := &all[i]
			tf.Term = f.first[i]
			if withFreq {
				tf.SetFrequency(int(f.counts[i]))
			}
			m[k] = tf
		}
	}
	clear(f.first) // let go of the terms and their bytes
	clear(f.keys)
	return m
}
