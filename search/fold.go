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
