package benchcorpus

import (
	"crypto/sha256"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// rng is a random generator seeded from a string, so that every page (and
// the plan of the corpus) has its own stream whatever the order pages are
// written in.
type rng struct{ *rand.Rand }

func newRNG(seed string) *rng {
	h := sha256.Sum256([]byte(seed))
	return &rng{rand.New(rand.NewPCG(binary.LittleEndian.Uint64(h[:8]), binary.LittleEndian.Uint64(h[8:16])))}
}

// between returns a uniform integer in [lo, hi].
func (r *rng) between(lo, hi int) int { return lo + r.IntN(hi-lo+1) }

// chance reports true with probability p.
func (r *rng) chance(p float64) bool { return r.Float64() < p }

// triangular returns a number of the triangular distribution on [lo, hi]
// with its peak at mode.
func (r *rng) triangular(lo, hi, mode float64) float64 {
	u, c := r.Float64(), (mode-lo)/(hi-lo)
	if u > c {
		u, c, lo, hi = 1-u, 1-c, hi, lo
	}
	return lo + (hi-lo)*math.Sqrt(u*c)
}

// pick returns a uniformly chosen element of s.
func pick[T any](r *rng, s []T) T { return s[r.IntN(len(s))] }

// sample returns k distinct elements of s in random order.
func sample[T any](r *rng, s []T, k int) []T {
	c := append([]T(nil), s...)
	for i := 0; i < k; i++ {
		j := i + r.IntN(len(c)-i)
		c[i], c[j] = c[j], c[i]
	}
	return c[:k]
}

// token is a literal followed by a word drawn from a pool (none at the end
// of a template); an turns a preceding English "a" into "an" before a vowel.
type token struct {
	lit  string
	pool []string
	an   bool
}

// language holds the word pools and compiled sentence templates of one
// language. Pools repeat words so that a uniform pick gives a Zipf-like
// distribution: a few words are very common, most are rare.
type language struct {
	code string
	*vocab
	words     map[string]bool // every vocabulary and long-tail word
	templates [][]token
}

var (
	langsOnce sync.Once
	langs     map[string]*language
)

// languages returns the English and Dutch word material, made once.
func languages() map[string]*language {
	langsOnce.Do(func() {
		langs = map[string]*language{"en": newLanguage("en", &english), "nl": newLanguage("nl", &dutch)}
	})
	return langs
}

func newLanguage(code string, v *vocab) *language {
	l := &language{code: code, vocab: v, words: map[string]bool{}}
	for _, list := range [][]string{v.nouns, v.verbs, v.adjs} {
		for _, w := range list {
			l.words[w] = true
		}
	}
	tail := l.makeTail()
	for _, w := range tail {
		l.words[w] = true
	}
	nouns, verbs := zipfExpand(v.nouns), zipfExpand(v.verbs)
	pools := map[string][]string{
		"n": nouns, "ns": mapWords(nouns, l.plural), "v": verbs, "vs": mapWords(verbs, l.thirdPerson),
		"a": zipfExpand(v.adjs), "adv": v.advs, "p": v.preps, "D": v.depts, "t": skewed(tail, 4),
	}
	for _, t := range v.templates {
		var toks []token
		parts := strings.Split(t, "{")
		lit := parts[0]
		for _, part := range parts[1:] {
			key, rest, _ := strings.Cut(part, "}")
			toks = append(toks, token{lit, pools[key], code == "en" && (strings.HasSuffix(lit, " a ") || lit == "A ")})
			lit = rest
		}
		l.templates = append(l.templates, append(toks, token{lit: lit}))
	}
	return l
}

// makeTail returns the language's long tail of made-up jargon words.
func (l *language) makeTail() []string {
	r := newRNG("tail:" + l.code)
	cons, vows, ends := concat(syllC, l.tailC), concat(syllV, l.tailV), concat(syllE, l.tailE)
	seen := map[string]bool{}
	for w := range l.words {
		seen[w] = true
	}
	var out []string
	for len(out) < tailSize {
		var b strings.Builder
		for n := r.between(2, 3); n > 0; n-- {
			b.WriteString(pick(r, cons) + pick(r, vows))
		}
		w := b.String() + pick(r, ends)
		if len(w) >= 5 && !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

func (l *language) plural(noun string) string {
	if p, ok := l.vocab.plural[noun]; ok {
		return p
	}
	if l.code == "en" {
		switch {
		case hasSuffix(noun, "s", "x", "ch", "sh"):
			return noun + "es"
		case strings.HasSuffix(noun, "y") && !strings.ContainsRune("aeiou", rune(noun[len(noun)-2])):
			return noun[:len(noun)-1] + "ies"
		}
		return noun + "s"
	}
	switch {
	case hasSuffix(noun, "a", "o", "u", "i", "y"):
		return noun + "'s"
	case strings.HasSuffix(noun, "de"):
		return noun + "n"
	case hasSuffix(noun, "e", "er", "el", "em", "en", "ie", "or", "um", "ord", "ard"):
		return noun + "s"
	}
	return noun + "en"
}

// thirdPerson is the verb form after "he" (English only).
func (l *language) thirdPerson(verb string) string {
	if l.code != "en" {
		return verb
	}
	if hasSuffix(verb, "s", "x", "ch", "sh") {
		return verb + "es"
	}
	return verb + "s"
}

func hasSuffix(s string, suffixes ...string) bool {
	for _, x := range suffixes {
		if strings.HasSuffix(s, x) {
			return true
		}
	}
	return false
}

func concat(a, b []string) []string { return append(append([]string(nil), a...), b...) }

func mapWords(ws []string, f func(string) string) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = f(w)
	}
	return out
}

// zipfExpand repeats each word about top/rank^0.9 times (at least once).
func zipfExpand(words []string) []string {
	const top = 40
	var out []string
	for i, w := range words {
		n := max(1, int(math.Round(top/math.Pow(float64(i+1), 0.9))))
		for range n {
			out = append(out, w)
		}
	}
	return out
}

// skewed returns a table such that a uniform pick gives words[n*u^power]:
// the first words are common, the last appear a few times in a large corpus.
func skewed(words []string, power float64) []string {
	n, m := len(words), 4*len(words)
	out := make([]string, m)
	for j := range out {
		out[j] = words[int(float64(n)*math.Pow((float64(j)+0.5)/float64(m), power))]
	}
	return out
}

// writer makes the text of one page from the page's own random stream.
type writer struct {
	r *rng
	l *language
}

func (w *writer) sentence() string {
	var b strings.Builder
	for _, t := range pick(w.r, w.l.templates) {
		if t.pool == nil {
			b.WriteString(t.lit)
			break
		}
		word, lit := pick(w.r, t.pool), t.lit
		if t.an && strings.ContainsRune("aeiou", rune(word[0])) {
			lit = lit[:len(lit)-1] + "n "
		}
		b.WriteString(lit)
		b.WriteString(word)
	}
	s := b.String()
	first, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(first)) + s[size:]
}

func (w *writer) paragraph(lo, hi int) string {
	n := w.r.between(lo, hi)
	s := make([]string, n)
	for i := range s {
		s[i] = w.sentence()
	}
	return strings.Join(s, " ")
}

// slugify turns a title into a file name: lower-case ASCII letters and
// digits, accented vowels without their accent, other runs as one hyphen.
func slugify(text string) string {
	var b strings.Builder
	dash := false
	for _, ch := range strings.ToLower(text) {
		switch {
		case 'a' <= ch && ch <= 'z' || '0' <= ch && ch <= '9':
		case strings.ContainsRune("éëèê", ch):
			ch = 'e'
		case strings.ContainsRune("ïí", ch):
			ch = 'i'
		case strings.ContainsRune("öó", ch):
			ch = 'o'
		default:
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
			continue
		}
		b.WriteRune(ch)
		dash = false
	}
	return strings.Trim(b.String(), "-")
}

// headingID is the anchor of a heading of ASCII letters, digits, spaces and
// hyphens: the same under GitHub-style and goldmark's automatic heading IDs.
func headingID(text string) string { return strings.ReplaceAll(strings.ToLower(text), " ", "-") }

// anchorSafe reports whether headingID gives text's anchor.
func anchorSafe(text string) bool {
	for _, c := range text {
		if !(c < 128 && (unicode.IsLetter(c) || unicode.IsDigit(c) || c == ' ' || c == '-')) {
			return false
		}
	}
	return true
}
