package search

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"

	"kb/internal/suggest"
)

// Golden vectors of search's building blocks, written by Go from bleve's
// own analysis and checked by the static client under Node (testdata/node/
// vectors.js): tokenising, lower-casing, each language's analysis, edit
// distance and the word-pair hash. The accent folding table the client
// folds with is generated from bleve's folding filter
// (themes/default/static/search-static/foldtable.js).
var updateGolden = flag.Bool("update-golden", false, "rewrite testdata/golden/vectors.json and the client's fold table")

const (
	vectorsFile   = "testdata/golden/vectors.json"
	foldTableFile = "../themes/default/static/search-static/foldtable.js"
)

// vectors is testdata/golden/vectors.json.
type vectors struct {
	Stop     map[string][]string `json:"stop"`
	Tokenize [][2]any            `json:"tokenize"` // text, tokens
	Lower    [][2]string         `json:"lower"`
	Fold     [][2]string         `json:"fold"`
	// Analyze: word, then its terms in "en", "nl" and "*" ("" for a stop
	// word).
	Analyze [][4]string `json:"analyze"`
	// Edits: a, b, d, and whether a and b are at most d edits apart.
	Edits [][4]any `json:"edits"`
	// Pairs: a, b, and the hash of the pair.
	Pairs [][3]any `json:"pairs"`
}

// oddTexts are texts whose tokens, case and folding are easy to get wrong.
var oddTexts = []string{
	"Łódź Kraków Straße GROSSE Æbeltoft œuvre ﬁnance ﬂat ĳssel", "cafe\u0301 nai\u0308ve e\u0301e\u0301n", "team's teams’ TEAM＇S don't",
	"mentoring\u0085circle", "\ufeffretro\ufeffspective", "decision\u00a0log decision\u3000log", "chat\u200detiquette etiq\u00adue",
	"ｃｈａｔ ＡＢＣ", "会议 会議 かいぎ カイギ", "اجتماع ٥ ١٢٣", "3.14 1,000 v2.6.3 e-mail stand-up check-in follow_up",
	"İstanbul ΣΟΦΟΣ ΟΔΟΣ ß ẞ", "😀 chat 👍🏽", "a.b.c x:y o'neill 12:30", "Coördinatie ideeën één Ĳsselmeer",
}

func TestGoldenVectors(t *testing.T) {
	v := goldenVectors(t)
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	table := foldTable()
	if *updateGolden {
		if err := os.MkdirAll(filepath.Dir(vectorsFile), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(vectorsFile, append(data, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(foldTableFile, table, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []struct {
		name string
		want []byte
	}{{vectorsFile, append(data, '\n')}, {foldTableFile, table}} {
		got, err := os.ReadFile(f.name)
		if err != nil || !bytes.Equal(got, f.want) {
			t.Fatalf("%s is not what bleve's analysis gives (rerun with -update-golden): %v", f.name, err)
		}
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is needed to check the static client: %v", err)
	}
	scripts, err := filepath.Glob("../themes/default/static/search-static/*.js")
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no client scripts: %v", err)
	}
	cmd := exec.Command(node, "testdata/node/vectors.js", strings.Join(scripts, string(filepath.ListSeparator)), vectorsFile)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the static client disagrees with the golden vectors: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}

// goldenVectors computes the vectors: the words and lines of the example
// content and of the conformance pages, and the odd texts.
func goldenVectors(t *testing.T) *vectors {
	var texts []string
	for _, root := range []string{"../content", "testdata/conformance"} {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || (!strings.HasSuffix(p, ".md") && !strings.HasSuffix(p, ".yaml")) {
				return err
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			texts = append(texts, strings.Split(string(data), "\n")...)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	m := NewMapping()
	tok := unicode.NewUnicodeTokenizer()
	lower := lowercase.NewLowerCaseFilter()
	v := &vectors{Stop: map[string][]string{}}
	for _, lang := range []string{"en", "nl"} {
		v.Stop[lang] = stopWords(t, lang)
	}
	words := map[string]bool{}
	for i, text := range append(slices.Clone(oddTexts), texts...) {
		var toks []string
		for _, tk := range tok.Tokenize([]byte(text)) {
			s := string(tk.Term)
			toks = append(toks, s)
			words[s] = true
		}
		if i < len(oddTexts) || i%7 == 0 {
			v.Tokenize = append(v.Tokenize, [2]any{text, toks})
		}
	}
	sorted := slices.Sorted(func(yield func(string) bool) {
		for w := range words {
			if !yield(w) {
				return
			}
		}
	})
	an := [3]string{Analyzer("en"), Analyzer("nl"), Analyzer("")}
	for _, w := range sorted {
		l := string(lower.Filter(tok.Tokenize([]byte(w)))[0].Term)
		if l != w || !isASCII(w) {
			v.Lower = append(v.Lower, [2]string{w, l})
		}
		if f := fold(w); f != w {
			v.Fold = append(v.Fold, [2]string{w, f})
		}
		row := [4]string{w}
		for i, name := range an {
			if ts := analyze(m.AnalyzerNamed(name), w); len(ts) > 0 {
				row[i+1] = strings.Join(ts, " ")
			}
		}
		v.Analyze = append(v.Analyze, row)
	}
	pairs := [][2]string{{"cirlce", "circle"}, {"recieve", "receive"}, {"circl", "cirlc"}, {"abcd", "badc"}, {"ca", "abc"},
		{"retrospective", "retrosepctive"}, {"retrospective", "retrospecitev"}, {"meeting", "meetign"}, {"łódź", "lodz"},
		{"straße", "strasse"}, {"coördinatie", "coordinatie"}, {"", "ab"}, {"a", ""}, {"kitten", "sitting"}, {"😀a", "a😀"}}
	for i := 0; i+1 < len(sorted) && len(pairs) < 400; i += 17 {
		pairs = append(pairs, [2]string{sorted[i], sorted[i+1]})
	}
	for _, p := range pairs {
		for d := 0; d <= 2; d++ {
			v.Edits = append(v.Edits, [4]any{p[0], p[1], d, suggest.WithinEdits([]rune(p[0]), []rune(p[1]), d)})
		}
		v.Pairs = append(v.Pairs, [3]any{p[0], p[1], string(pairTerm([]byte(p[0]), []byte(p[1])))})
	}
	return v
}

// foldTable returns the client's folding table: every rune bleve's
// ASCII-folding filter changes, grouped by what it becomes.
func foldTable() []byte {
	f := asciifolding.New()
	by := map[string][]rune{}
	for r := rune(0x80); r <= 0x10ffff; r++ {
		if r >= 0xd800 && r <= 0xdfff {
			continue
		}
		var buf [4]byte
		n := utf8.EncodeRune(buf[:], r)
		if out := string(f.Filter(buf[:n])); out != string(r) {
			by[out] = append(by[out], r)
		}
	}
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range by {
			if !yield(k) {
				return
			}
		}
	})
	var b bytes.Buffer
	b.WriteString("// The accent folding of bleve's asciifolding filter, which the index's\n")
	b.WriteString("// words field applies: what each group of characters becomes. Written by\n")
	b.WriteString("// go test ./search -run TestGoldenVectors -update-golden; do not edit.\n")
	b.WriteString("(function (S) {\n  \"use strict\";\n  S.foldGroups = {\n")
	for i, k := range keys {
		kj, _ := json.Marshal(k)
		vj, _ := json.Marshal(string(by[k]))
		sep := ","
		if i == len(keys)-1 {
			sep = ""
		}
		fmt.Fprintf(&b, "    %s: %s%s\n", kj, vj, sep)
	}
	b.WriteString("  };\n})(self.kbSearch = self.kbSearch || {});\n")
	return b.Bytes()
}

// stopWords lists the stop words of lang's analysis.
func stopWords(t *testing.T, lang string) []string {
	ws, err := stopList(lang)
	if err != nil {
		t.Fatal(err)
	}
	return ws
}
