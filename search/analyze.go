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
// one).
func analyzeDoc(doc *document.Document, f *freqs) {
	if f == nil {
		f = &freqs{}
	}
	for i, fl := range doc.Fields {
		if !fl.Options().IsIndexed() {
			continue
		}
		if tf, ok := fl.(*document.TextField); ok && !tf.Options().IncludeTermVectors() {
			fl = f.analyzeText(tf)
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
	at     map[string]int32 // a term's index in keys and counts
	keys   []string
	counts []int32
	first  [][]byte // each term's bytes as its first token has them
}

// analyzeText analyzes tf as its Analyze does and returns the result as a
// textField.
func (f *freqs) analyzeText(tf *document.TextField) *textField {
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
		frequencies:    f.count(tokens, !opts.SkipFreqNorm()),
	}
	if opts.IsStored() {
		t.value = value
	}
	return t
}

// count returns the frequencies of tokens' terms, as analysis.TokenFrequency
// makes them without term vectors; withFreq false leaves each at 0.
func (f *freqs) count(tokens analysis.TokenStream, withFreq bool) index.TokenFrequencies {
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
	all := make([]index.TokenFreq, len(f.keys))
	m := make(index.TokenFrequencies, len(f.keys))
	for i, k := range f.keys {
		tf := &all[i]
		tf.Term = f.first[i]
		if withFreq {
			tf.SetFrequency(int(f.counts[i]))
		}
		m[k] = tf
	}
	clear(f.first) // let go of the terms and their bytes
	clear(f.keys)
	return m
}
