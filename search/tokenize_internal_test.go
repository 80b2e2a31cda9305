package search

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
)

// sameTokens reports how the word tokenizer's tokens of text differ from
// bleve's unicode tokenizer's, "" when they do not.
func sameTokens(text string) string {
	want := unicode.NewUnicodeTokenizer().Tokenize([]byte(text))
	got := (&words{}).Tokenize([]byte(text))
	show := func(ts analysis.TokenStream) string {
		var b strings.Builder
		for _, t := range ts {
			fmt.Fprintf(&b, "%q@%d-%d#%d/%d ", t.Term, t.Start, t.End, t.Position, t.Type)
		}
		return b.String()
	}
	if g, w := show(got), show(want); g != w {
		return fmt.Sprintf("text %q:\n got  %s\n want %s", text, g, w)
	}
	return ""
}

// TestWords_AsUnicodeTokenizer compares the word tokenizer with bleve's
// unicode tokenizer on the example content, every page of it, and on
// random strings of the characters where word boundaries are subtle.
func TestWords_AsUnicodeTokenizer(t *testing.T) {
	exampleTexts(t, func(p, text string) {
		if diff := sameTokens(text); diff != "" {
			t.Errorf("%s: %s", p, diff)
		}
	})
	alphabet := []string{"a", "B", "z", "1", "9", "_", ".", ",", ";", ":", "'", "\"", "-", " ", "  ", "\t", "\n", "\r\n", "\r", "\v", "$", "#", "/", "(", ")",
		"é", "ß", "\u0301", "\u200d", "\u00a0", "’", "日本", "カタ", "🙂", "١٢", "\u2028", "\ufeff", "\x85", "\xff"}
	randomTexts(1, alphabet, func(text string) {
		if diff := sameTokens(text); diff != "" {
			t.Fatal(diff)
		}
	})
}

// exampleTexts calls fn with the path and text of every Markdown file of
// the example content, and fails t unless there are 50 at least.
func exampleTexts(t *testing.T, fn func(path, text string)) {
	t.Helper()
	n := 0
	err := filepath.WalkDir(filepath.Join("..", "content"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		n++
		fn(p, string(data))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 50 {
		t.Fatalf("%d pages read", n)
	}
}

// randomTexts calls fn with 200,000 strings of one to twelve pieces of
// alphabet, drawn with seed.
func randomTexts(seed uint64, alphabet []string, fn func(string)) {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	for range 200000 {
		var b strings.Builder
		for range 1 + rng.IntN(12) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		fn(b.String())
	}
}

// FuzzWords compares the word tokenizer with bleve's unicode tokenizer
// on any text: go test ./search -run '^$' -fuzz FuzzWords
func FuzzWords(f *testing.F) {
	for _, s := range []string{"The weekly sync, e.g. at 9:30.", "don't 3.5 a_b x1 1x", "coördinatie \u0301x", "a .b. c:d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if diff := sameTokens(s); diff != "" {
			t.Fatal(diff)
		}
	})
}

// TestWords_InEveryAnalyzer checks that the analyzers of a new mapping and
// of an index opened again from disk split words with the word tokenizer.
func TestWords_InEveryAnalyzer(t *testing.T) {
	dir := t.TempDir()
	if err := Build(t.Context(), filepath.Join(dir, "index"), dir, []Doc{{URL: "/a/", Title: "A", Lang: "en"}}); err != nil {
		t.Fatal(err)
	}
	ix, err := Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for name, m := range map[string]interface {
		AnalyzerNamed(string) analysis.Analyzer
	}{"new": NewMapping(), "opened": ix.b.Mapping()} {
		for _, a := range []string{Analyzer("en"), Analyzer("nl"), Analyzer(""), wordsAnalyzer, pairsAnalyzer("en"), pairsAnalyzer("nl"), pairsAnalyzer("")} {
			da, ok := m.AnalyzerNamed(a).(*analysis.DefaultAnalyzer)
			if !ok {
				t.Fatalf("%s mapping: analyzer %s is %T", name, a, m.AnalyzerNamed(a))
			}
			if _, ok := da.Tokenizer.(*words); !ok {
				t.Errorf("%s mapping: analyzer %s splits with %T", name, a, da.Tokenizer)
			}
		}
	}
}

// BenchmarkWords measures splitting the example content into words, with
// the word tokenizer and with bleve's unicode tokenizer:
// go test ./search -run '^$' -bench Words
func BenchmarkWords(b *testing.B) {
	var text []byte
	_ = filepath.WalkDir(filepath.Join("..", "content"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
			data, _ := os.ReadFile(p)
			text = append(append(text, data...), '\n')
		}
		return nil
	})
	for _, tk := range []struct {
		name string
		t    analysis.Tokenizer
	}{{"words", &words{}}, {"unicode", unicode.NewUnicodeTokenizer()}} {
		b.Run(tk.name, func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				tk.t.Tokenize(text)
			}
		})
	}
}

// TestWords_ReusedTokens checks that documents analysed with the index
// builder's mapping, whose tokenizer hands out the same tokens on each
// call, give every field the same terms and counts as NewMapping's: no
// field's counts keep a token the next field's analysis overwrites.
func TestWords_ReusedTokens(t *testing.T) {
	docs := []Doc{
		{URL: "/a/", Lang: "en", Title: "Weekly sync: running the meeting", Summary: "Plan the weekly sync and keep it short.",
			Headings: "Agenda\nCheck-in round\nDecisions", Body: strings.Repeat("The team's check-in starts the weekly sync; decisions go to the project tool. ", 40), Tags: []string{"meetings"}},
		{URL: "/b/", Lang: "nl", Title: "Wekelijks overleg", Summary: "Het teamoverleg kort en bondig.",
			Headings: "Agenda\nAfspraken", Body: strings.Repeat("Afspraken van het team staan in de projecttool; het café-overleg niet. ", 30)},
		{URL: "/c/", Lang: "de", Title: "Übergabe", Body: "Straße, naïve café — 12 items; ünïcödé words."},
	}
	plain, reused := NewMapping(), analysisMapping()
	for round := range 2 { // the second round starts with tokens the first left
		for _, d := range docs {
			fields := func(m mapping.IndexMapping) map[string]string {
				doc := document.NewDocument(d.URL)
				if err := m.MapDocument(doc, d.normalized().capped()); err != nil {
					t.Fatal(err)
				}
				analyzeDoc(doc, nil)
				out := map[string]string{}
				doc.VisitFields(func(f index.Field) {
					var terms []string
					for term, tf := range f.AnalyzedTokenFrequencies() {
						terms = append(terms, fmt.Sprintf("%s×%d", term, tf.Frequency()))
					}
					slices.Sort(terms)
					out[fmt.Sprintf("%s/%d", f.Name(), len(out))] = fmt.Sprintf("%d %v", f.AnalyzedLength(), terms)
				})
				return out
			}
			want, got := fields(plain), fields(reused)
			if len(want) == 0 {
				t.Fatalf("%s: no fields", d.URL)
			}
			for k, w := range want {
				if got[k] != w {
					t.Errorf("round %d, %s field %s:\n got  %s\n want %s", round, d.URL, k, got[k], w)
				}
			}
		}
	}
}
