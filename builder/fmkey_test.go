package builder

import (
	"bytes"
	"math/rand/v2"
	"regexp"
	"testing"
)

// TestFmKey_AsRegexp: fmKey finds the key of a front matter line exactly
// where ^([A-Za-z_][A-Za-z0-9_-]*)\s*: does, on lines made of the
// characters that matter to it and others.
func TestFmKey_AsRegexp(t *testing.T) {
	re := regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_-]*)\s*:`)
	pieces := []string{"a", "Z", "_", "-", "0", "9", ":", " ", "\t", "\r", "\f", "\v", "\n", "é", "#", "title", "review_by", "x-y", "  "}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 100000 {
		var b bytes.Buffer
		for range rng.IntN(8) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		line := b.Bytes()
		var want []byte
		if m := re.FindSubmatch(line); m != nil {
			want = m[1]
		}
		if got := fmKey(line); !bytes.Equal(got, want) || (got == nil) != (want == nil) {
			t.Fatalf("fmKey(%q) = %q, want %q", line, got, want)
		}
	}
}
