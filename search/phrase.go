package search

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// stem returns the stem of a lower-cased word, "" for a stop word.
func (m *matcher) stem(low string) string {
	if m.shared != nil {
		return m.shared.stem(m, low)
	}
	st, ok := m.cache[low]
	if !ok {
		if ts := m.an.Analyze([]byte(low)); len(ts) > 0 {
			st = string(ts[0].Term)
		}
		m.cache[strings.Clone(low)] = st // low may be a part of a reused buffer (segmentTexts)
	}
	return st
}

// stemCache is a cache of stems shared by the matchers of several
// goroutines (see plan.holdPhrases): stemming is most of the time a check
// of a page's text takes, and the pages share most of their words.
type stemCache struct {
	mu sync.RWMutex
	m  map[string]string
}

func (c *stemCache) stem(m *matcher, low string) string {
	c.mu.RLock()
	st, ok := c.m[low]
	c.mu.RUnlock()
	if ok {
		return st
	}
	if ts := m.an.Analyze([]byte(low)); len(ts) > 0 {
		st = string(ts[0].Term)
	}
	c.mu.Lock()
	c.m[strings.Clone(low)] = st
	c.mu.Unlock()
	return st
}

// holdsPhrases reports whether, for each phrase, one of texts holds its
// words in a row (stop words aside, as the analyzer sees them).
func (m *matcher) holdsPhrases(phrases, texts []string) bool {
	for _, ph := range phrases {
		if !m.holdsPhrase(ph, texts) {
			return false
		}
	}
	return true
}

// holdsAny reports whether one of texts holds one of the phrases of two
// words or more.
func (m *matcher) holdsAny(phrases, texts []string) bool {
	for _, ph := range phrases {
		if len(m.phraseStems(ph)) > 1 && m.holdsPhrase(ph, texts) {
			return true
		}
	}
	return false
}

// phraseStems returns the stems of phrase, analysed once per request.
func (m *matcher) phraseStems(phrase string) []string {
	want, ok := m.phrases[phrase]
	if !ok {
		want = analyze(m.an, phrase)
		if m.phrases == nil {
			m.phrases = map[string][]string{}
		}
		m.phrases[phrase] = want
	}
	return want
}

func (m *matcher) holdsPhrase(phrase string, texts []string) bool {
	want := m.phraseStems(phrase)
	if len(want) < 2 {
		return true // a single word: the index has matched it already
	}
	for _, t := range texts {
		if m.holdsRun(t, want) {
			return true
		}
	}
	return false
}

// holdsRun reports whether text holds the stems want in a row. It looks
// for the first letters of want[0], in any case, and at the words with
// accents ("coördinatie" stems to "coordinatie"), and stems only the words
// from there, each once per request.
func (m *matcher) holdsRun(text string, want []string) bool {
	key := firstRunes(want[0], 3)
	index := func(s string) int { return indexFold(s, key) }
	if !isASCII(key) {
		text = strings.ToLower(text)
		index = func(s string) int { return strings.Index(s, key) }
	}
	for off := 0; off < len(text); {
		i := index(text[off:])
		if i < 0 {
			break
		}
		i += off
		off = i + len(key)
		if i > 0 {
			if r, _ := utf8.DecodeLastRuneInString(text[:i]); isWordRune(r) {
				continue // inside a word
			}
		}
		if m.runFrom(text, i, want) {
			return true
		}
	}
	for off := 0; off < len(text); {
		i := indexNonASCII(text[off:])
		if i < 0 {
			break
		}
		i += off
		for i > 0 {
			r, n := utf8.DecodeLastRuneInString(text[:i])
			if !isWordRune(r) {
				break
			}
			i -= n
		}
		s, e := nextWord(text, i)
		if s < 0 {
			break
		}
		off = max(e, off+1)
		low := strings.ToLower(text[s:e])
		if f := fold(low); f != low && strings.HasPrefix(f, key) && m.runFrom(text, s, want) {
			return true
		}
	}
	return false
}

// indexNonASCII returns the index of the first byte of s that is not
// ASCII (the start of the first rune at or above utf8.RuneSelf), or -1.
func indexNonASCII(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return i
		}
	}
	return -1
}

func isASCII(s string) bool { return indexNonASCII(s) < 0 }

// indexFold returns the index of the first instance of the lower-case
// ASCII key in s, in any case, or -1.
func indexFold(s, key string) int {
	if key == "" {
		return 0
	}
	c, u := key[0], key[0]
	if 'a' <= c && c <= 'z' {
		u = c - 'a' + 'A'
	}
	nc, nu := -1, -1 // the next c and u at or after i; -2: none left
	for i := 0; i+len(key) <= len(s); {
		if nc != -2 && nc < i {
			if nc = strings.IndexByte(s[i:], c); nc >= 0 {
				nc += i
			} else {
				nc = -2
			}
		}
		if u != c && nu != -2 && nu < i {
			if nu = strings.IndexByte(s[i:], u); nu >= 0 {
				nu += i
			} else {
				nu = -2
			}
		}
		j := nc
		if u != c && nu >= 0 && (j < 0 || nu < j) {
			j = nu
		}
		if j < 0 || j+len(key) > len(s) {
			return -1
		}
		if equalFoldASCII(s[j+1:j+len(key)], key[1:]) {
			return j
		}
		i = j + 1
	}
	return -1
}

// equalFoldASCII reports whether s, in any case, is the lower-case ASCII
// key.
func equalFoldASCII(s, key string) bool {
	for i := 0; i < len(key); i++ {
		b := s[i]
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		if b != key[i] {
			return false
		}
	}
	return true
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) }

// runFrom reports whether lower-cased text holds want in a row from the
// word at or after i.
func (m *matcher) runFrom(text string, i int, want []string) bool {
	k, j := 0, i
	for k < len(want) {
		s, e := nextWord(text, j)
		if s < 0 {
			return false
		}
		j = e
		st := m.stem(strings.ToLower(text[s:e]))
		if st == "" && k > 0 {
			continue // a stop word, skipped by the index too
		}
		if st != want[k] {
			return false
		}
		k++
	}
	return true
}

// asciiWord tells, per ASCII character, isWordRune.
var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = isWordRune(rune(c))
	}
	return t
}()

// nextWord returns the bounds of the first word (letters, digits and
// marks, and apostrophes between letters, as in "team's") at or after i,
// or -1, -1.
func nextWord(s string, i int) (int, int) {
	for i < len(s) {
		if c := s[i]; c < utf8.RuneSelf {
			if asciiWord[c] {
				break
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if isWordRune(r) {
			break
		}
		i += n
	}
	if i >= len(s) {
		return -1, -1
	}
	start := i
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf && asciiWord[c] {
			i++
			continue
		}
		r, n := rune(c), 1
		if c >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(s[i:])
			if isWordRune(r) {
				i += n
				continue
			}
		}
		if (r == '\'' || r == '’') && i+n < len(s) {
			if next, _ := utf8.DecodeRuneInString(s[i+n:]); unicode.IsLetter(next) {
				i += n
				continue
			}
		}
		return start, i
	}
	return start, len(s)
}
