package suggest

import "testing"

func TestWithinEdits(t *testing.T) {
	for _, c := range []struct {
		a, b string
		d    int
		want bool
	}{
		{"circle", "circle", 0, true},
		{"circle", "cirlce", 1, true}, // swapped letters
		{"circle", "circl", 1, true},
		{"circle", "circus", 1, false},
		{"circle", "circus", 2, true},
		{"escalation", "escalaton", 1, true},
		{"ambassadors", "ambasadors", 1, true},
		{"abc", "xyz", 2, false},
	} {
		if got := WithinEdits([]rune(c.a), []rune(c.b), c.d); got != c.want {
			t.Errorf("WithinEdits(%q, %q, %d) = %v", c.a, c.b, c.d, got)
		}
	}
}

func TestDidYouMean(t *testing.T) {
	for _, c := range []struct{ s, want string }{
		{"orphans", " (did you mean orphan?)"},
		{"Orphan", " (known: orphan, image-alt)"}, // the same word in other case is no typo
		{"nl", " (known: orphan, image-alt)"},
		{"imag-alt", " (did you mean image-alt?)"},
	} {
		if got := DidYouMean(c.s, []string{"orphan", "image-alt"}); got != c.want {
			t.Errorf("DidYouMean(%q) = %q, want %q", c.s, got, c.want)
		}
	}
}
