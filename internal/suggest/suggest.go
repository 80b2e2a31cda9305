// Package suggest finds the word a mistyped one was meant to be, for
// messages that say "did you mean …", and counts edits between words as
// the search index's fuzzy matching does.
package suggest

import (
	"fmt"
	"strings"
)

// Nearest returns the option closest to s, when it is close enough to be
// the one meant (a typo or two), or "" when none is. Letters count alike
// in either case, but an option that is s in lower case is no typo and
// never returned.
func Nearest(s string, options []string) string {
	limit := 1 // a typo in a short word leaves little of it
	if n := len([]rune(s)); n > 4 {
		limit = max(2, n/4)
	}
	s = strings.ToLower(s)
	rs := []rune(s)
	for d := 1; d <= limit; d++ {
		for _, o := range options {
			if o != s && WithinEdits(rs, []rune(strings.ToLower(o)), d) {
				return o
			}
		}
	}
	return ""
}

// DidYouMean is " (did you mean X?)" for the option nearest to s (see
// Nearest), else " (known: every option)".
func DidYouMean(s string, options []string) string {
	if n := Nearest(s, options); n != "" {
		return fmt.Sprintf(" (did you mean %s?)", n)
	}
	return fmt.Sprintf(" (known: %s)", strings.Join(options, ", "))
}

// WithinEdits reports whether a and b are at most d edits apart, an edit
// being an insertion, a deletion, a substitution or the swap of two
// neighbouring letters ("cirlce" is one edit from "circle").
func WithinEdits(a, b []rune, d int) bool {
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
