package search_test

import (
	"context"
	"errors"
	"html"
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"kb/search"
)

// querySeeds are typical and hostile search-box inputs.
var querySeeds = []string{
	"",
	"weekly sync",
	"weekly sync ",
	`"weekly sync" agenda`,
	`"unclosed phrase`,
	`retro -lessons -"lessons learned"`,
	"+must stand-up --double ++plus",
	"- -- / * ? \" \"\"",
	"coördinatie overleg",
	"title:x kind:y /re.*/ a~2 b^3 (c OR d)",
	"<script>alert(1)</script> <mark>x</mark>",
	"\u00a0nbsp\u2003em\u3000ideographic",
	"emoji 🎉 ",
	"a\tb\nc\rd",
	"x\u200by zero\u200dwidth",
	"\u0301combining",
}

// FuzzParseQuery checks ParseQuery on any input: an error is always a
// QueryError, and an accepted query is bounded, holds only non-empty words
// and phrases taken from the input, and reads back the same when written
// out again.
func FuzzParseQuery(f *testing.F) {
	for _, s := range querySeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := search.ParseQuery(s)
		if err != nil {
			if !search.IsQueryError(err) {
				t.Fatalf("ParseQuery(%q): %v is not a QueryError", s, err)
			}
			if !reflect.DeepEqual(q, search.Query{}) {
				t.Fatalf("ParseQuery(%q) failed but returned %+v", s, q)
			}
			return
		}
		if len(s) > search.MaxQueryBytes || !utf8.ValidString(s) {
			t.Fatalf("ParseQuery accepted %q", s)
		}
		if n := len(q.Words) + len(q.Phrases) + len(q.Exclude); n > search.MaxTerms {
			t.Fatalf("ParseQuery(%q): %d terms", s, n)
		}
		for _, list := range [][]string{q.Words, q.Phrases, q.Exclude} {
			for _, w := range list {
				if !utf8.ValidString(w) || !strings.ContainsFunc(w, isWordChar) || !strings.Contains(norm.NFC.String(s), w) {
					t.Fatalf("ParseQuery(%q): term %q", s, w)
				}
				if w != strings.TrimSpace(w) || strings.Contains(w, `"`) {
					t.Fatalf("ParseQuery(%q): term %q has outer space or a quote", s, w)
				}
			}
		}
		for _, w := range q.Words {
			if strings.ContainsFunc(w, unicode.IsSpace) {
				t.Fatalf("ParseQuery(%q): word %q has a space", s, w)
			}
		}
		if q.Partial && (len(q.Words) == 0 || !strings.HasSuffix(norm.NFC.String(s), q.Words[len(q.Words)-1])) {
			t.Fatalf("ParseQuery(%q): partial, but the input does not end with the last word: %+v", s, q)
		}
		// Written out again (excluded, then phrases, then words, each word
		// after a + so a leading - stays a word), it parses the same.
		var b strings.Builder
		for _, e := range q.Exclude {
			b.WriteString(`-"` + e + `" `)
		}
		for _, p := range q.Phrases {
			b.WriteString(`"` + p + `" `)
		}
		for i, w := range q.Words {
			if i > 0 {
				b.WriteString(" ")
			}
			b.WriteString("+" + w)
		}
		if !q.Partial {
			b.WriteString(" ")
		}
		again := b.String()
		if len(again) > search.MaxQueryBytes {
			return
		}
		q2, err := search.ParseQuery(again)
		if err != nil {
			t.Fatalf("ParseQuery(%q) = %+v, written out as %q: %v", s, q, again, err)
		}
		if !reflect.DeepEqual(q, q2) {
			t.Fatalf("ParseQuery(%q) = %+v, but its written-out form %q parses as %+v", s, q, again, q2)
		}
	})
}

func isWordChar(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// FuzzSearch runs any query and filters against the example site's real
// index: the only errors are the user's (QueryError), and every hit's title
// and fragments are escaped text with <mark> as the only markup.
func FuzzSearch(f *testing.F) {
	for _, s := range querySeeds {
		f.Add(s, "", "")
	}
	f.Add("overleg", "nl", "")
	f.Add("retro*", "", "playbook")
	f.Add(`"a b" -c`, "en", "<b>")
	f.Fuzz(func(t *testing.T, q, lang, kind string) {
		res, err := search.Search(context.Background(), idx, search.Request{Query: q, Lang: lang, Kind: kind, Limit: 5})
		if err != nil {
			if search.IsQueryError(err) || errors.Is(err, context.DeadlineExceeded) {
				return
			}
			t.Fatalf("Search(%q, lang %q, kind %q): %v", q, lang, kind, err)
		}
		for _, h := range res.Hits {
			title := unmark(t, h.TitleHTML)
			if html.UnescapeString(title) != h.Title {
				t.Fatalf("query %q: title %q marked as %q", q, h.Title, h.TitleHTML)
			}
			for _, fr := range h.Fragments {
				unmark(t, fr)
				if !utf8.ValidString(fr) {
					t.Fatalf("query %q: fragment is not valid UTF-8: %q", q, fr)
				}
			}
		}
	})
}

// unmark removes <mark> and </mark> from s and fails if any other markup
// is left.
func unmark(t *testing.T, s string) string {
	t.Helper()
	if strings.Count(s, "<mark>") != strings.Count(s, "</mark>") {
		t.Fatalf("unbalanced marks in %q", s)
	}
	plain := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(s)
	if strings.ContainsAny(plain, `<>"`) {
		t.Fatalf("markup other than <mark> in %q", s)
	}
	return plain
}
