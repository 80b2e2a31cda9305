package builder

import "testing"

// TestReleasesData: the pages' buffers are reused only after writers that
// have written their data when WriteFile returns (a build's staging
// folder, and a hashing writer in front of it); a session's writers keep
// the data they are given, or may, and never see a buffer again.
func TestReleasesData(t *testing.T) {
	for _, c := range []struct {
		name string
		w    FileWriter
		want bool
	}{
		{"staging", &Staging{}, true},
		{"hashing staging", &hashingWriter{w: &Staging{}}, true},
		{"diff", &diffWriter{}, false},
		{"hashing diff", &hashingWriter{w: &diffWriter{}}, false},
		{"output folder", &outDir{}, false},
	} {
		if got := releasesData(c.w); got != c.want {
			t.Errorf("%s: releasesData = %v, want %v", c.name, got, c.want)
		}
	}
}
