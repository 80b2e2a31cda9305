package search

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMatcher_QuickSameAnswers: skipping the stemming of the words that
// cannot match (matcher.mayStem) changes no answer, for every word of the
// example content and words with accents, ligatures and short stems, in
// each language's matcher, for queries with stem prefixes, typos, folded
// words and a word being typed.
func TestMatcher_QuickSameAnswers(t *testing.T) {
	words := map[string]bool{}
	for _, w := range []string{"één", "Łódź", "Straße", "us", "as", "ĳssel", "ﬁnance", "Æbeltoft", "naïve", "ideeën", "coördinatie", "team's", "Öl"} {
		words[w] = true
	}
	err := filepath.Walk("../content", func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || !strings.HasSuffix(p, ".md") {
			return err
		}
		data, err := os.ReadFile(p)
		text := string(data)
		for i := 0; err == nil && i < len(text); {
			s, e := nextWord(text, i)
			if s < 0 {
				break
			}
			words[text[s:e]] = true
			i = e
		}
		return err
	})
	if err != nil || len(words) < 1000 {
		t.Fatalf("%d words: %v", len(words), err)
	}
	en := []Doc{{URL: "/a/", Title: "Weekly sync meeting", Body: "Escalation to sales. Daily stand-up. Check-in. Finance in Łódź, Straße, naïve.", Lang: "en"}}
	mixed := append(en,
		Doc{URL: "/b/", Title: "Samenwerken", Body: "Afdeling werkoverleg teamafspraken kennis vastleggen ideeën coördinatie één.", Lang: "nl"},
		Doc{URL: "/c/", Title: "Kaffee", Body: "Große Straße.", Lang: "de"})
	matched := 0
	for _, docs := range [][]Doc{en, mixed} {
		dir := t.TempDir()
		if err := Build(context.Background(), filepath.Join(dir, "index"), dir, docs); err != nil {
			t.Fatal(err)
		}
		ix, err := Open(filepath.Join(dir, "index"))
		if err != nil {
			t.Fatal(err)
		}
		defer ix.Close()
		for _, q := range []string{"meeting us ", "retros", "weekly sync ", "escalation -sales ", "samenwerken afdeling ", "meetnig ",
			"één naïve coördinatie ", "lodz strasse ", "daily stand-up ", "as is ", "u s a ", "werk overleg ", "teamafspraken ",
			"kennis vastleggen", "lead", "ideeen ", "ijssel ", "finance ", `"weekly sync" team`, "één overleg ", "öl meeting ", "the", "thi", "Œuvr", "ĳss", "ĳs", "Æbel", "ﬁna", "naï", "strass", "Straß", "with", "wh", "us"} {
			pq, err := ParseQuery(q)
			if err != nil {
				t.Fatal(err)
			}
			for _, mode := range []mode{modeExact, modeFuzzy} {
				p, err := newPlan(ix, pq, Request{Query: q})
				if err != nil {
					t.Fatal(err)
				}
				p.mode = mode
				for _, lang := range []string{"en", "nl", "de"} {
					m := p.highlighter().matcher(lang)
					for w := range words {
						slow, quick := m.matchWord(w, false), m.matchWord(w, true)
						if slow != quick {
							t.Errorf("%q (%s, mode %d): %q matches word %d, quickly %d", q, lang, mode, w, slow, quick)
						}
						if slow >= 0 {
							matched++
						}
					}
				}
			}
		}
	}
	if matched == 0 {
		t.Error("no word matched")
	}
}
