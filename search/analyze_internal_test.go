package search

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
)

// TestAnalyzeDoc_AsTextFieldAnalyze checks that the fields analyzeDoc makes
// give a segment what bleve's own analysis gives it: for each field, in
// order, its name, positions, options, length, terms with their counts and
// bytes when it holds them, its value when stored (and none when not),
// those of one name not stored merged as the segment merges them; and the
// same composite fields; with one freqs reused from field to field and
// document to document. And a segment of them is the same file.
func TestAnalyzeDoc_AsTextFieldAnalyze(t *testing.T) {
	docs := []Doc{
		{URL: "/a/", Lang: "en", Title: "Weekly sync: running the meeting", Summary: "Plan the weekly sync and keep it short.",
			Headings: "Agenda\nCheck-in round\nDecisions", Body: strings.Repeat("The team's check-in starts the weekly sync; decisions go to the project tool. ", 40),
			Tags: []string{"meetings", "sync", "meetings"}, Kind: "meeting-format", Owner: "Team Ops"},
		{URL: "/b/", Lang: "nl", Title: "Wekelijks overleg", Summary: "Het teamoverleg kort en bondig.",
			Headings: "Agenda\nAfspraken", Body: strings.Repeat("Afspraken van het team staan in de projecttool; het café-overleg niet. ", 30)},
		{URL: "/c/", Lang: "de", Title: "Übergabe", Body: "Straße, naïve café — 12 items; ünïcödé words."},
		{URL: "/d/", Lang: "en"},
	}
	type fieldSummary struct {
		Name, Options string
		Terms         map[string]int
		Positions     []uint64
		Length        int
		Value         string
		Stored        bool
	}
	summarize := func(fl index.Field) fieldSummary {
		terms := map[string]int{}
		for key, tf := range fl.AnalyzedTokenFrequencies() {
			if tf.Term != nil && string(tf.Term) != key {
				t.Errorf("%s: term %q under key %q", fl.Name(), tf.Term, key)
			}
			terms[key] = tf.Frequency()
		}
		s := fieldSummary{Name: fl.Name(), Options: fmt.Sprint(fl.Options()), Terms: terms,
			Positions: fl.ArrayPositions(), Length: fl.AnalyzedLength(), Stored: fl.Options().IsStored()}
		if s.Stored {
			s.Value = string(fl.Value())
		} else if _, ours := fl.(*textField); ours && fl.Value() != nil {
			t.Errorf("%s: not stored, yet holds its value", fl.Name())
		}
		return s
	}
	analysed := func(m mapping.IndexMapping, d Doc, analyze func(*document.Document)) (fields, composite []fieldSummary, ours int) {
		doc := document.NewDocument(d.URL)
		if err := m.MapDocument(doc, d.normalized().capped()); err != nil {
			t.Fatal(err)
		}
		doc.AddIDField()
		analyze(doc)
		doc.VisitFields(func(fl index.Field) {
			if _, ok := fl.(*textField); ok {
				ours++
			}
			fields = append(fields, summarize(fl))
		})
		doc.VisitComposite(func(cf index.CompositeField) { composite = append(composite, summarize(cf)) })
		return fields, composite, ours
	}
	// merged is fields as the segment takes them: those of one name not
	// stored as one, the first one's, with the sum of their lengths and
	// frequencies.
	merged := func(fields []fieldSummary) []fieldSummary {
		var out []fieldSummary
		first := map[string]int{}
		for _, f := range fields {
			i, seen := first[f.Name]
			if !seen || f.Stored || out[i].Stored {
				if !f.Stored {
					first[f.Name] = len(out)
				}
				out = append(out, f)
				continue
			}
			out[i].Length += f.Length
			for term, n := range f.Terms {
				out[i].Terms[term] += n
			}
		}
		return out
	}
	bleveAnalysis := func(doc *document.Document) { // as scorch analyses a document
		doc.VisitFields(func(fl index.Field) {
			if !fl.Options().IsIndexed() {
				return
			}
			fl.Analyze()
			if doc.HasComposite() && fl.Name() != "_id" {
				doc.VisitComposite(func(cf index.CompositeField) {
					cf.Compose(fl.Name(), fl.AnalyzedLength(), fl.AnalyzedTokenFrequencies())
				})
			}
		})
	}
	// Whole segments of the documents, analysed each way, are the same
	// file: with TokenFreqs shared where the segment would merge them,
	// they would not be.
	segment := func(m mapping.IndexMapping, analyze func(*document.Document)) []byte {
		var results []index.Document
		for _, d := range docs {
			doc := document.NewDocument(d.URL)
			if err := m.MapDocument(doc, d.normalized().capped()); err != nil {
				t.Fatal(err)
			}
			doc.AddIDField()
			analyze(doc)
			results = append(results, doc)
		}
		path := filepath.Join(t.TempDir(), "seg.zap")
		if err := persistSegment(results, path); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	var f freqs
	if !bytes.Equal(segment(analysisMapping(), func(doc *document.Document) { analyzeDoc(doc, &f) }), segment(NewMapping(), bleveAnalysis)) {
		t.Error("the segments of the documents analysed each way differ")
	}
	for round := range 2 {
		for _, d := range docs {
			want, wantComposite, _ := analysed(NewMapping(), d, bleveAnalysis)
			want = merged(want)
			got, gotComposite, ours := analysed(analysisMapping(), d, func(doc *document.Document) { analyzeDoc(doc, &f) })
			if ours == 0 {
				t.Fatalf("%s: no field became a textField", d.URL)
			}
			if !slices.EqualFunc(got, want, func(a, b fieldSummary) bool { return fmt.Sprint(a) == fmt.Sprint(b) }) {
				t.Errorf("round %d, %s: fields\n got %+v\nwant %+v", round, d.URL, got, want)
			}
			if fmt.Sprint(gotComposite) != fmt.Sprint(wantComposite) {
				t.Errorf("round %d, %s: composite fields\n got %+v\nwant %+v", round, d.URL, gotComposite, wantComposite)
			}
		}
	}
}

// BenchmarkAnalyzeDoc measures analysing the example content's pages as
// the index builder does, a document each:
// go test ./search -run '^$' -bench AnalyzeDoc -benchmem
func BenchmarkAnalyzeDoc(b *testing.B) {
	var docs []Doc
	var bytes int64
	exampleTexts(&testing.T{}, func(p, text string) {
		lang := "en"
		if strings.Contains(p, "/nl/") {
			lang = "nl"
		}
		title, body, _ := strings.Cut(text, "\n")
		docs = append(docs, Doc{URL: p, Lang: lang, Title: title, Summary: title, Headings: title, Body: body, Tags: []string{"meetings"}})
		bytes += int64(len(text))
	})
	m := analysisMapping()
	var f freqs
	b.SetBytes(bytes)
	for b.Loop() {
		for _, d := range docs {
			doc := document.NewDocument(d.URL)
			if err := m.MapDocument(doc, d.normalized().capped()); err != nil {
				b.Fatal(err)
			}
			analyzeDoc(doc, &f)
		}
	}
}
