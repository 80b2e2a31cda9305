package search

import (
	"os"
	"path/filepath"
	"slices"
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
		queries := []string{"meeting us ", "retros", "weekly sync ", "escalation -sales ", "samenwerken afdeling ", "meetnig ",
			"één naïve coördinatie ", "lodz strasse ", "daily stand-up ", "as is ", "u s a ", "werk overleg ", "teamafspraken ",
			"kennis vastleggen", "lead", "ideeen ", "ijssel ", "finance ", `"weekly sync" team`, "één overleg ", "öl meeting ", "the", "thi", "Œuvr", "ĳss", "ĳs", "Æbel", "ﬁna", "naï", "strass", "Straß", "with", "wh", "us"}
		eachMatcher(t, docs, queries, []string{"en", "nl", "de"}, func(q, lang string, mode mode, m *matcher) {
			for w := range words {
				slow, quick := m.matchWord(w, false), m.matchWord(w, true)
				if slow != quick {
					t.Errorf("%q (%s, mode %d): %q matches word %d, quickly %d", q, lang, mode, w, slow, quick)
				}
				if slow >= 0 {
					matched++
				}
			}
		})
	}
	if matched == 0 {
		t.Error("no word matched")
	}
}

// TestMatcher_FindSameAsWordByWord: find, which reads plain ASCII words
// itself, returns the spans that taking each word from nextWord and
// asking match gives, on every page of the example content and on text
// with accents, apostrophes, digits and odd punctuation, for queries of
// every kind in each language's matcher.
func TestMatcher_FindSameAsWordByWord(t *testing.T) {
	texts := []string{"", "a", "'", "team's teams' Team’s ’s café-au-lait naïve Łódź 3x4 x86_64 a1b2 ÉÉN één",
		"Retrospective; retro's RETRO retro—sprint retrō ﬁnance ĳssel l'équipe o'clock 's-Hertogenbosch",
		"\xff\xfe broken \xc3 utf8 retro\xc3\xa9 end", "ends with a word", "ends with an apostrophe'", "1999 2024-01-02 v2.3"}
	err := filepath.Walk("../content", func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || !strings.HasSuffix(p, ".md") {
			return err
		}
		data, err := os.ReadFile(p)
		texts = append(texts, string(data))
		return err
	})
	if err != nil || len(texts) < 50 {
		t.Fatalf("%d texts: %v", len(texts), err)
	}
	docs := []Doc{{URL: "/a/", Title: "Weekly sync", Body: "Retrospective team's café.", Lang: "en"},
		{URL: "/b/", Title: "Samenwerken", Body: "Teamafspraken één.", Lang: "nl"}}
	queries := []string{"retro", "team's ", "meetnig ", "café ", "een ", "the", "s", "weekly sync ", "samenwerken afdeling ",
		`"weekly sync" team`, "lodz ", "x86 ", "2024 ", "o'clock ", "finance "}
	found := 0
	eachMatcher(t, docs, queries, []string{"en", "nl", ""}, func(q, lang string, mode mode, m *matcher) {
		for _, text := range texts {
			var want []span
			for i := 0; i < len(text); {
				s, e := nextWord(text, i)
				if s < 0 {
					break
				}
				if g := m.match(text[s:e]); g >= 0 {
					want = append(want, span{s, e, g})
				}
				i = e
			}
			got := m.find(text)
			if !slices.Equal(got, want) {
				t.Fatalf("%q (%s, mode %d) in %.60q: find gives %v, word by word %v", q, lang, mode, text, got, want)
			}
			found += len(got)
		}
	})
	if found == 0 {
		t.Error("no word found")
	}
}

// eachMatcher calls f with the matcher of each language of langs, for
// each query in each mode, over an index of docs.
func eachMatcher(t *testing.T, docs []Doc, queries, langs []string, f func(q, lang string, mode mode, m *matcher)) {
	t.Helper()
	ix, err := Open(indexOf(t, docs))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for _, q := range queries {
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
			for _, lang := range langs {
				f(q, lang, mode, newHighlighter(p).matcher(lang))
			}
		}
	}
}
