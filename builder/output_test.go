package builder

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"kb/internal/layout"
)

// TestStaging_RemovesOnlyStaleLeftovers checks that a build removes the
// staging and old-output folders of killed builds, but not a live build's
// staging folder nor anything else next to the output.
func TestStaging_RemovesOnlyStaleLeftovers(t *testing.T) {
	parent := t.TempDir()
	dest := filepath.Join(parent, "public")
	mk := func(p string) {
		if err := os.MkdirAll(filepath.Join(parent, p), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p string) {
		mk(filepath.Dir(p))
		if err := os.WriteFile(filepath.Join(parent, p), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("public/index.html")
	write("public/" + layout.OutputMarker) // an earlier build's
	// Look-alikes that are not kb's.
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "keep"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(parent, ".public.staging-789")); err != nil {
		t.Fatal(err)
	}
	write(".public.staging-42") // a file
	mk(".public.staging-")      // no digits
	mk(".public.staging-12x")   // not only digits
	mk("public.staging-1")      // no dot
	mk(".other.staging-1")      // another output's
	write("keep.md")            // a file next to it

	live, err := NewStaging(dest)
	if err != nil {
		t.Fatal(err)
	}
	if err := live.WriteFile("live/index.html", []byte("x")); err != nil {
		t.Fatal(err)
	}
	// What killed builds leave: a staging folder and an old output.
	write(".public.staging-123/a/index.html")
	write(".public.old-456/site/index.html")
	next, err := NewStaging(dest) // while live is still building
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(live.Dir(), "live", "index.html")); err != nil {
		t.Fatalf("a live build's staging folder was touched: %v", err)
	}
	if err := next.Commit(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(parent, ".public.staging-123")); err != nil {
		t.Fatal("leftovers removed while another build held the folder")
	}
	live.Abort()

	last, err := NewStaging(dest) // the only build: cleans up
	if err != nil {
		t.Fatal(err)
	}
	if err := last.Commit(); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(parent)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := []string{".other.staging-1", ".public.staging-", ".public.staging-12x", ".public.staging-42", ".public.staging-789", "keep.md", "public", "public.staging-1"}
	if !slices.Equal(names, want) {
		t.Errorf("next to the output:\n got %q\nwant %q", names, want)
	}
	if _, err := os.Stat(filepath.Join(outside, "keep")); err != nil {
		t.Errorf("the symbolic link's target was touched: %v", err)
	}
}

// TestStaging_RestoresOldOutput checks that when a build was killed
// between moving the old output aside and moving the new one in, the next
// build puts the old output back before anything else.
func TestStaging_RestoresOldOutput(t *testing.T) {
	parent := t.TempDir()
	dest := filepath.Join(parent, "public")
	old := filepath.Join(parent, ".public.old-77", "site")
	if err := os.MkdirAll(old, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(old, "index.html"), []byte("old site"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := NewStaging(dest)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Abort()
	data, err := os.ReadFile(filepath.Join(dest, "index.html"))
	if err != nil || string(data) != "old site" {
		t.Fatalf("old output not restored: %q, %v", data, err)
	}
	if _, err := os.Stat(filepath.Join(parent, ".public.old-77")); !os.IsNotExist(err) {
		t.Errorf("old-output folder left: %v", err)
	}
}
