package builder

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestSession_IncrementalMatchesFull edits, adds and removes pages through a
// Session and checks after each step that the output equals a fresh build.
func TestSession_IncrementalMatchesFull(t *testing.T) {
	src := t.TempDir()
	dest := filepath.Join(t.TempDir(), "public")
	writeFile(t, filepath.Join(src, "a.md"), "# Alpha\n\nSee [beta](b.md#details).\n")
	writeFile(t, filepath.Join(src, "b.md"), "---\ntitle: Beta\nsummary: B.\ntags: [x]\n---\n\n## Details\n\nOne.\n")
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := NewSession(Options{Source: src, Dest: dest, Now: now})
	defer s.Close()
	ctx := context.Background()
	if res, err := s.Build(ctx); err != nil {
		t.Fatal(err, res.Diagnostics)
	}
	steps := []struct {
		name      string
		do        func()
		wantQuick bool
	}{
		{"body edit", func() {
			writeFile(t, filepath.Join(src, "b.md"), "---\ntitle: Beta\nsummary: B.\ntags: [x]\n---\n\n## Details\n\nTwo words.\n")
		}, true},
		{"title edit", func() {
			writeFile(t, filepath.Join(src, "b.md"), "---\ntitle: Beta two\nsummary: B.\ntags: [x]\n---\n\n## Details\n\nTwo words.\n")
		}, false},
		{"add", func() { writeFile(t, filepath.Join(src, "sub", "c.md"), "# Gamma\n\n[a](../a.md)\n") }, false},
		{"remove", func() { os.Remove(filepath.Join(src, "sub", "c.md")) }, false},
	}
	for _, st := range steps {
		st.do()
		res, err := s.Build(ctx)
		if err != nil {
			t.Fatalf("%s: %v %v", st.name, err, res.Diagnostics)
		}
		if len(res.Changed) == 0 {
			t.Fatalf("%s: no change seen", st.name)
		}
		if quick := res.Rendered == 1; quick != st.wantQuick {
			t.Errorf("%s: rendered %d pages, want quick=%v", st.name, res.Rendered, st.wantQuick)
		}
		fresh := filepath.Join(t.TempDir(), "public")
		if _, err := Build(ctx, Options{Source: src, Dest: fresh, Now: now}); err != nil {
			t.Fatal(err)
		}
		compareTrees(t, st.name, fresh, dest)
	}
	if !strings.Contains(readFile(t, filepath.Join(dest, "b", "index.html")), "Two words") {
		t.Error("edit not written")
	}
}

// compareTrees fails unless both folders hold the same files with the same
// bytes, the search index aside.
func compareTrees(t *testing.T, step, want, got string) {
	t.Helper()
	compareDirs(t, step, want, got, "_kb")
}

// compareDirs compares every file under want and got, byte for byte,
// except those in the folders skip (relative paths).
func compareDirs(t *testing.T, step, want, got string, skip ...string) {
	t.Helper()
	files := func(root string) map[string]string {
		m := map[string]string{}
		filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			if d.IsDir() {
				if slices.Contains(skip, filepath.ToSlash(rel)) {
					return filepath.SkipDir
				}
				return nil
			}
			m[rel] = readFile(t, p)
			return nil
		})
		return m
	}
	w, g := files(want), files(got)
	for name, data := range w {
		if other, ok := g[name]; !ok {
			t.Errorf("%s: %s is missing", step, name)
		} else if other != data {
			t.Errorf("%s: %s differs", step, name)
		}
	}
	for name := range g {
		if _, ok := w[name]; !ok {
			t.Errorf("%s: %s is left over", step, name)
		}
	}
}
