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
// one). Text fields of one name that are not stored become one textField
// holding the sum of their analyses, the first one's place: the segment
// would merge them so (adding each one's frequencies into the first one's,
// its map grown as many times). In such a field, and in one whose name no
// other field of doc has, terms of the same count share their TokenFreq
// (see freqs.frequencies); in others, which the segment merges, each term
// has its own.
func analyzeDoc(doc *document.Document, f *freqs) {
	if f == nil {
		f = &freqs{}
	}
	if f.names == nil {
		f.names = map[string]fieldName{}
	}
	clear(f.names)
	for _, fl := range doc.Fields {
		n, seen := f.names[fl.Name()]
		n.count++
		n.merge = (n.merge || !seen) && mergeable(fl)
		f.names[fl.Name()] = n
	}
	fields := doc.Fields
	doc.Fields = make([]document.Field, 0, len(fields))
	for i, fl := range fields {
		name := fl.Name()
		if !fl.Options().IsIndexed() {
			doc.Fields = append(doc.Fields, fl)
			continue
		}
		n := f.names[name]
		tf, ok := fl.(*document.TextField)
		switch {
		case ok && n.count > 1 && n.merge:
			if n.done {
				continue // in the first field of its name
			}
			n.done = true
			f.names[name] = n
			var group []*document.TextField
			for _, other := range fields[i:] {
				if other.Name() == name {
					group = append(group, other.(*document.TextField))
				}
			}
			fl = f.analyzeText(group, true)
		case ok && !tf.Options().IncludeTermVectors():
			fl = f.analyzeText([]*document.TextField{tf}, n.count == 1)
		default:
			fl.Analyze()
		}
		doc.Fields = append(doc.Fields, fl)
		if doc.HasComposite() && name != "_id" {
			doc.VisitComposite(func(cf index.CompositeField) {
				cf.Compose(name, fl.AnalyzedLength(), fl.AnalyzedTokenFrequencies())
			})
		}
	}
}

// fieldName is what analyzeDoc knows of the fields of one name in a
// document: how many there are, whether they are merged (each mergeable),
// and whether they were.
type fieldName struct {
	count       int
	merge, done bool
}

// mergeable reports whether fl is a text field that analyzeDoc may merge
// with others of its name: indexed, neither stored nor with term vectors.
func mergeable(fl document.Field) bool {
	tf, ok := fl.(*document.TextField)
	if !ok {
		return false
	}
	o := tf.Options()
	return o.IsIndexed() && !o.IsStored() && !o.IncludeTermVectors()
}

// textField is an analyzed text field as the segment reads it: what
// document.TextField holds after Analyze, less its analyzer, and its value
// only when the field is stored. Its token frequencies are in a map of just
// their size (see freqs.frequencies): bleve's map is made for as many terms
// as the text has words, which was a fifth of a build's heap while its
// index is made.
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
	names   map[string]fieldName // the document's fields, by name
	byCount map[int32]*index.TokenFreq
	at      map[string]int32 // a term's index in keys and counts
	keys    []string
	counts  []int32
	first   [][]byte // each term's bytes as its first token has them
}

// analyzeText analyzes the fields of group, of one name, as their Analyze
// does, and returns the result as one textField, the first one's: the sum
// of their lengths and frequencies (group holds one field, or fields none
// of which is stored, see mergeable), its terms' TokenFreqs shared by count
// when shared is set.
func (f *freqs) analyzeText(group []*document.TextField, shared bool) *textField {
	first := group[0]
	t := &textField{name: first.Name(), arrayPositions: first.ArrayPositions(), options: first.Options()}
	f.reset()
	for _, tf := range group {
		t.length += f.add(tf)
		t.plainBytes += tf.NumPlainTextBytes()
	}
	t.frequencies = f.frequencies(!t.options.SkipFreqNorm(), shared)
	if t.options.IsStored() {
		t.value = first.Value()
	}
	return t
}

// add analyzes tf as its Analyze does, counts its terms with those added
// since the last reset, and returns its number of tokens.
func (f *freqs) add(tf *document.TextField) int {
	value := tf.Value()
	var tokens analysis.TokenStream
	if a := tf.Analyzer(); a != nil {
		text := value
		if tf.Options().IsStored() { // analyzers may write into the text
			text = append([]byte(nil), value...)
		}
		tokens = a.Analyze(text)
	} else {
		tokens = analysis.TokenStream{&analysis.Token{End: len(value), Term: value, Position: 1, Type: analysis.AlphaNumeric}}
	}
	if f.at == nil {
		f.at = map[string]int32{}
	}
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
	return len(tokens)
}

// reset forgets the terms counted.
func (f *freqs) reset() {
	clear(f.at)
	clear(f.first) // let go of the terms and their bytes
	clear(f.keys)
	f.keys, f.counts, f.first = f.keys[:0], f.counts[:0], f.first[:0]
}

// frequencies returns the frequencies of the terms counted, as
// analysis.TokenFrequency makes them without term vectors; withFreq false
// leaves each at 0. With shared set, the terms of each count share one
// TokenFreq, whose Term is left out: what a segment reads of a TokenFreq
// is its frequency (and locations, which there are none of), the term
// being the map's key. Most of a page's terms are found once or twice: a
// TokenFreq each was the larger part of a batch's analysis, and kept the
// analysed text alive. Without shared, each term's Term is the bytes its
// first token had, which only the last field added may still hold.
func (f *freqs) frequencies(withFreq, shared bool) index.TokenFrequencies {
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
	f.reset()
	return m
}
