package search

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

func firstRunes(s string, n int) string {
	i := 0
	for ; n > 0 && i < len(s); n-- {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i]
}

// fold removes the accents of Latin letters, as the words analyzer does.
// It returns s itself when there is none.
func fold(s string) string {
	i := 0
	for i < len(s) {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if f, _ := foldRune(r); f != r {
			break
		}
		i += n
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for _, r := range s[i:] {
		if f, keep := foldRune(r); keep {
			b.WriteRune(f)
		}
	}
	return b.String()
}

// foldRune returns r without its accent; keep is false for a combining
// mark, which folding drops.
func foldRune(r rune) (f rune, keep bool) {
	if r < utf8.RuneSelf {
		return r, true
	}
	if int(r) < len(folds) {
		if f := folds[r]; f != 0 {
			return f, true
		}
		return r, true
	}
	if unicode.Is(unicode.Mn, r) {
		return -1, false
	}
	return r, true
}

// folds maps the accented Latin letters (all below U+0180) to their base.
var folds = func() (t [0x180]rune) {
	for base, accented := range map[rune]string{
		'a': "àáâãäåā", 'c': "çćč", 'e': "èéêëēėę", 'i': "ìíîïī", 'n': "ñń",
		'o': "òóôõöøō", 'u': "ùúûüū", 'y': "ýÿ", 's': "śš", 'z': "źżž",
	} {
		for _, r := range accented {
			t[r] = base
		}
	}
	return t
}()

// WithinEdits reports whether a and b are at most d edits apart, as the
// index's fuzzy matching counts edits (see withinEdits).
func WithinEdits(a, b string, d int) bool { return withinEdits([]rune(a), []rune(b), d) }

// withinEdits reports whether a and b are at most d edits apart, an edit
// being an insertion, a deletion, a substitution or the swap of two
// neighbouring letters ("cirlce" is one edit from "circle"), as the
// index's fuzzy matching counts them.
func withinEdits(a, b []rune, d int) bool {
	if abs(len(a)-len(b)) > d {
		return false
	}
	// Three rows of the optimal-string-alignment distance table.
	pp := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		low := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], pp[j-2]+1)
			}
			low = min(low, cur[j])
		}
		if low > d {
			return false
		}
		pp, prev, cur = prev, cur, pp
	}
	return prev[len(b)] <= d
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
