package search

import (
	"fmt"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
)

// joinsReference is joinsTok.Tokenize as it was written first, finding
// hyphens and words rune by rune: the reference the faster scans are
// checked against.
func joinsReference(input []byte) analysis.TokenStream {
	var out analysis.TokenStream
	s := string(input)
	pos := 0
	for off := 0; off < len(s); {
		i := strings.IndexFunc(s[off:], isHyphen)
		if i < 0 {
			break
		}
		i += off
		// The word before the hyphen.
		start := i
		for start > 0 {
			r, n := utf8.DecodeLastRuneInString(s[:start])
			if !isLetterRune(r) {
				break
			}
			start -= n
		}
		if start == i {
			_, n := utf8.DecodeRuneInString(s[i:])
			off = i + n
			continue
		}
		if start > 0 {
			if r, _ := utf8.DecodeLastRuneInString(s[:start]); unicode.IsDigit(r) || isHyphen(r) {
				_, n := utf8.DecodeRuneInString(s[i:])
				off = i + n
				continue
			}
		}
		// The parts, as long as a hyphen is followed by a letter.
		parts := []string{s[start:i]}
		end := i
		for end < len(s) {
			h, hn := utf8.DecodeRuneInString(s[end:])
			if !isHyphen(h) {
				break
			}
			e := end + hn
			for e < len(s) {
				r, n := utf8.DecodeRuneInString(s[e:])
				if !isLetterRune(r) {
					break
				}
				e += n
			}
			if e == end+hn {
				break
			}
			parts = append(parts, s[end+hn:e])
			end = e
		}
		off = max(end, i+1)
		if len(parts) < 2 || len(parts) > maxJoinParts {
			continue
		}
		if end < len(s) {
			if r, _ := utf8.DecodeRuneInString(s[end:]); unicode.IsDigit(r) {
				continue
			}
		}
		pos++
		term := fold(strings.Join(parts, "")) + "|" + strings.Join(parts, "-")
		out = append(out, &analysis.Token{Term: []byte(term), Start: start, End: end, Position: pos, Type: analysis.AlphaNumeric})
	}
	// The words that folding changes, as "folded|wörd".
	for off := 0; off < len(s); {
		i := strings.IndexFunc(s[off:], isLetterRune)
		if i < 0 {
			break
		}
		start := off + i
		end := start
		for end < len(s) {
			r, n := utf8.DecodeRuneInString(s[end:])
			if !isLetterRune(r) {
				break
			}
			end += n
		}
		off = end
		w := s[start:end]
		if f := fold(w); f != w {
			pos++
			out = append(out, &analysis.Token{Term: []byte(f + "|" + w), Start: start, End: end, Position: pos, Type: analysis.AlphaNumeric})
		}
	}
	return out
}

// sameJoins reports how joinsTok differs from joinsReference on text, or "".
func sameJoins(text string) string {
	show := func(ts analysis.TokenStream) string {
		var b strings.Builder
		for _, t := range ts {
			fmt.Fprintf(&b, "%q %d-%d @%d %v; ", t.Term, t.Start, t.End, t.Position, t.Type)
		}
		return b.String()
	}
	if got, want := show(joinsTok{}.Tokenize([]byte(text))), show(joinsReference([]byte(text))); got != want {
		return fmt.Sprintf("text %q:\n got  %s\n want %s", text, got, want)
	}
	return ""
}

// TestJoinsTok_AsReference compares the joins tokenizer with its reference
// on every page of the example content and on random strings of the
// characters hyphens, words and folding turn on, invalid UTF-8 included.
func TestJoinsTok_AsReference(t *testing.T) {
	tokens := 0
	exampleTexts(t, func(p, text string) {
		tokens += len(joinsTok{}.Tokenize([]byte(text)))
		if diff := sameJoins(text); diff != "" {
			t.Errorf("%s: %s", p, diff)
		}
	})
	if tokens < 100 {
		t.Fatalf("%d tokens in the example", tokens)
	}
	alphabet := []string{"a", "Z", "ab", "9", "-", "--", "\u2010", "\u2011", "\u2012", "\xe2\x80", "\xe2", "\x80\x90", " ", ".", "_",
		"é", "ö", "Ö", "ß", "æ", "\u0301", "日本", "١", "\xff", "\xf0\xe2\x80\x90", "İ", "ﬁ"}
	randomTexts(3, alphabet, func(text string) {
		if diff := sameJoins(text); diff != "" {
			t.Fatal(diff)
		}
	})
}

// FuzzJoins compares the joins tokenizer with its reference on any text:
// go test ./search -run '^$' -fuzz FuzzJoins
func FuzzJoins(f *testing.F) {
	for _, s := range []string{"check-in stand\u2010up café-overleg", "naïve x-1 a-b-c-d-e", "\xe2\x80\x90a-b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if diff := sameJoins(s); diff != "" {
			t.Fatal(diff)
		}
	})
}
