package search

import (
	"slices"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
	"github.com/blevesearch/segment"
)

// wordTokenizer is the type of the tokenizer every analyzer of the index
// uses: it splits text into the same tokens as bleve's unicode tokenizer
// (Unicode's word boundaries, UAX #29), with the same offsets, positions
// and types, and reads plain ASCII words itself, several times faster than
// the general segmenter. The mapping defines it under the unicode
// tokenizer's own name (see NewMapping), so that the language analyzers
// bleve provides use it.
const wordTokenizer = "kb_words"

// words is the tokenizer. One made with reuse set (the index builder's, see
// analysisMapping) hands out the same tokens again on its next call:
// bleve counts a field's tokens (analysis.TokenFrequency) before it
// analyses the next field, and keeps their terms but no token, so a
// document's fields, one after the other, need one field's worth of
// tokens. Such a tokenizer serves one goroutine.
type words struct {
	reuse  bool
	tokens []analysis.Token
	stream analysis.TokenStream
}

// Tokenize implements analysis.Tokenizer (see eachWord).
func (t *words) Tokenize(input []byte) analysis.TokenStream {
	if !utf8.Valid(input) {
		return unicodeTokenizer.Tokenize(input)
	}
	tokens, stream := t.tokens[:0], t.stream[:0]
	if !t.reuse {
		tokens, stream = make([]analysis.Token, 0, len(input)/7+1), nil
	}
	pos := 1
	eachWord(input, func(term []byte, start, end int, typ analysis.TokenType) {
		tokens = append(tokens, analysis.Token{Term: term, Start: start, End: end, Position: pos, Type: typ})
		pos++
	})
	stream = slices.Grow(stream, len(tokens))
	for i := range tokens {
		stream = append(stream, &tokens[i])
	}
	if t.reuse {
		t.tokens, t.stream = tokens, stream
	}
	return stream
}

// eachWord calls fn with every word of input, in order, as bleve's
// unicode tokenizer splits it: its bytes (a part of input), its offsets
// and its type. Text is taken a piece at a time, a piece being what lies
// between runs of ASCII white space, where Unicode always puts a word
// boundary. A piece of ASCII letters and digits with punctuation that
// touches no letter or digit on both sides, and no underscore, splits at
// every character that is not a letter or digit, and its runs of letters
// and of digits are its words; any other piece (beginning with the white
// space before it, which a following mark would join) goes through the
// segmenter.
//
// Text that is not valid UTF-8 goes whole to the unicode tokenizer, whose
// segmenter stops at the first invalid byte.
func eachWord(input []byte, fn func(term []byte, start, end int, typ analysis.TokenType)) {
	if !utf8.Valid(input) {
		for _, t := range unicodeTokenizer.Tokenize(input) {
			fn(t.Term, t.Start, t.End, t.Type)
		}
		return
	}
	for i := 0; i < len(input); {
		space := i
		for i < len(input) && asciiSpace(input[i]) {
			i++
		}
		start := i
		for i < len(input) && !asciiSpace(input[i]) {
			i++
		}
		piece := input[start:i]
		if len(piece) == 0 {
			break
		}
		if !plainPiece(piece) {
			seg := segment.NewWordSegmenterDirect(input[space:i])
			at := space
			for seg.Segment() {
				b := seg.Bytes()
				if t := seg.Type(); t != segment.None {
					fn(b, at, at+len(b), tokenType(t))
				}
				at += len(b)
			}
			continue
		}
		// plainPiece let no letter touch a digit: a run of either is
		// one word.
		for j := 0; j < len(piece); {
			if !asciiAlnum(piece[j]) {
				j++
				continue
			}
			k := j + 1
			for k < len(piece) && asciiAlnum(piece[k]) {
				k++
			}
			typ := analysis.AlphaNumeric
			if asciiDigit(piece[j]) {
				typ = analysis.Numeric
			}
			fn(piece[j:k], start+j, start+k, typ)
			j = k
		}
	}
}

// plainPiece reports whether a piece of text without white space is
// ASCII whose words are runs of letters or of digits alone: no underscore
// (which joins words), no letter next to a digit, and none of the
// characters that join two letters or two digits (. , ; : ') between two
// letters or digits.
func plainPiece(p []byte) bool {
	for j, c := range p {
		switch {
		case c >= 0x80 || c == '_':
			return false
		case asciiLetter(c):
			if j > 0 && asciiDigit(p[j-1]) {
				return false
			}
		case asciiDigit(c):
			if j > 0 && asciiLetter(p[j-1]) {
				return false
			}
		case c == '.' || c == ',' || c == ';' || c == ':' || c == '\'':
			if j > 0 && j+1 < len(p) && asciiAlnum(p[j-1]) && asciiAlnum(p[j+1]) {
				return false
			}
		}
	}
	return true
}

func asciiSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func asciiLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func asciiDigit(c byte) bool { return '0' <= c && c <= '9' }

func asciiAlnum(c byte) bool { return asciiLetter(c) || asciiDigit(c) }

// tokenType is the unicode tokenizer's type of a segment's.
func tokenType(t int) analysis.TokenType {
	switch t {
	case segment.Ideo, segment.Kana:
		return analysis.Ideographic
	case segment.Number:
		return analysis.Numeric
	}
	return analysis.AlphaNumeric
}

func init() {
	err := registry.RegisterTokenizer(wordTokenizer, func(config map[string]any, _ *registry.Cache) (analysis.Tokenizer, error) {
		reuse, _ := config[reuseTokens].(bool)
		return &words{reuse: reuse}, nil
	})
	if err != nil {
		panic(err)
	}
}

var unicodeTokenizer = unicode.NewUnicodeTokenizer()

// reuseTokens is the word tokenizer's setting that makes it reuse its
// tokens (see words).
const reuseTokens = "reuse_tokens"
