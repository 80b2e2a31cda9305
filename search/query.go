package search

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on what a query may ask for.
const (
	// MaxQueryBytes is the longest query accepted.
	MaxQueryBytes = 256
	// MaxTerms is the most words and phrases a query may hold.
	MaxTerms = 16
	// MaxLimit is the most hits one request may return.
	MaxLimit = 50
	// DefaultLimit is the number of hits returned when none is asked for.
	DefaultLimit = 10
	// MaxOffset is the furthest one may page into the results.
	MaxOffset = 1000
	// MaxFilterBytes is the longest kind, tag or language filter accepted.
	MaxFilterBytes = 64
	// MaxTagFilters is the most tag filters one request may combine.
	MaxTagFilters = 8
)

// QueryError is a problem with what the user asked; the HTTP handler
// answers it with 400 and its message.
type QueryError struct {
	Msg string
}

func (e *QueryError) Error() string { return e.Msg }

func badQuery(format string, args ...any) error {
	return &QueryError{Msg: fmt.Sprintf(format, args...)}
}

// IsQueryError reports whether err is the user's mistake rather than the
// index's.
func IsQueryError(err error) bool {
	var qe *QueryError
	return errors.As(err, &qe)
}

// Query is a user's query, parsed. Search text has no operators besides
// these; anything else (`*`, `?`, `/re/`, `field:`) is plain text that
// the analyzer reduces to words.
type Query struct {
	// Words are the plain words in the order typed.
	Words []string
	// Phrases are the texts typed between double quotes; the words must
	// appear next to each other in that order.
	Phrases []string
	// Exclude holds the words and phrases typed after a minus sign: pages
	// containing them are left out.
	Exclude []string
	// Partial is true when the last of Words is still being typed (the
	// query does not end in a space), so it also matches as a prefix.
	Partial bool
}

// Empty reports whether the query has nothing to look for (it may still
// exclude).
func (q Query) Empty() bool { return len(q.Words) == 0 && len(q.Phrases) == 0 }

// ParseQuery splits what a user typed into words, "quoted phrases" and
// -excluded words or -"phrases", in Unicode NFC. An unclosed quote runs to
// the end. It
// fails on text longer than MaxQueryBytes, invalid UTF-8, control
// characters, or more than MaxTerms words and phrases.
func ParseQuery(s string) (Query, error) {
	var q Query
	if len(s) > MaxQueryBytes {
		return q, badQuery("query is too long: %d bytes, at most %d", len(s), MaxQueryBytes)
	}
	if !utf8.ValidString(s) {
		return q, badQuery("query is not valid UTF-8")
	}
	for _, r := range s {
		if unicode.IsControl(r) && !unicode.IsSpace(r) {
			return q, badQuery("query contains a control character (%U)", r)
		}
	}
	s = nfc(s)
	i := 0
	lastWord := false // the last item read was a plain word
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			i += n
			lastWord = false
			continue
		}
		exclude := false
		if (r == '-' || r == '+') && i+1 < len(s) && !isSpaceAt(s, i+1) {
			exclude = r == '-'
			i++
			r, n = utf8.DecodeRuneInString(s[i:])
		}
		var text string
		quoted := r == '"'
		if quoted {
			i += n
			end := strings.IndexByte(s[i:], '"')
			if end < 0 {
				end = len(s) - i
			}
			text = strings.TrimSpace(s[i : i+end])
			i += end
			if i < len(s) {
				i++ // the closing quote
			}
		} else {
			start := i
			for i < len(s) {
				r, n := utf8.DecodeRuneInString(s[i:])
				if unicode.IsSpace(r) || r == '"' {
					break
				}
				i += n
			}
			text = s[start:i]
		}
		lastWord = false
		if !hasWordChar(text) {
			continue
		}
		switch {
		case exclude:
			q.Exclude = append(q.Exclude, text)
		case quoted:
			q.Phrases = append(q.Phrases, text)
		default:
			q.Words = append(q.Words, text)
			lastWord = true
		}
		if n := len(q.Words) + len(q.Phrases) + len(q.Exclude); n > MaxTerms {
			return Query{}, badQuery("query has too many words: at most %d", MaxTerms)
		}
	}
	q.Partial = lastWord
	return q, nil
}

func isSpaceAt(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsSpace(r)
}

// hasWordChar reports whether s holds a letter or digit, that is,
// something an analyzer turns into a term.
func hasWordChar(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

// checkFilter validates one kind, tag or language filter value.
func checkFilter(name, v string) error {
	if len(v) > MaxFilterBytes {
		return badQuery("%s filter is too long: at most %d bytes", name, MaxFilterBytes)
	}
	if !utf8.ValidString(v) {
		return badQuery("%s filter is not valid UTF-8", name)
	}
	for _, r := range v {
		if unicode.IsControl(r) {
			return badQuery("%s filter contains a control character", name)
		}
	}
	return nil
}
