package beneath

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// folders runs f on a Folder of a fresh folder: through the system's own
// calls where there are any, and through the os.Root alone.
func folders(t *testing.T, f func(t *testing.T, dir string, w *Folder)) {
	for _, mode := range []string{"sys", "root"} {
		t.Run(mode, func(t *testing.T) {
			dir := t.TempDir()
			root, err := os.OpenRoot(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer root.Close()
			w := New(root)
			defer w.Close()
			if mode == "root" {
				disable(w)
			}
			f(t, dir, w)
			if mode == "sys" && runtime.GOOS == "linux" && !usesSys(w) {
				t.Error("openat2 was not used") // Linux 5.6 or later, no seccomp filter refusing it
			}
		})
	}
}

func TestWriteFile(t *testing.T) {
	folders(t, func(t *testing.T, dir string, w *Folder) {
		if err := os.MkdirAll(filepath.Join(dir, "a", "b"), 0o755); err != nil {
			t.Fatal(err)
		}
		for _, data := range []string{"a longer first version", "second"} {
			if err := w.WriteFile("a/b/page.html", []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join(dir, "a", "b", "page.html"))
			if err != nil || string(got) != data {
				t.Fatalf("read %q, %v; want %q", got, err, data)
			}
		}
		fi, err := os.Stat(filepath.Join(dir, "a", "b", "page.html"))
		if err != nil {
			t.Fatal(err)
		}
		if perm := fi.Mode().Perm(); runtime.GOOS != "windows" && (perm&^0o644 != 0 || perm&0o600 != 0o600) {
			t.Errorf("mode %v, want 0644 less the umask", perm)
		}
		err = w.WriteFile("missing/page.html", []byte("x"), 0o644)
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("a missing folder: %v, want a not-exist error", err)
		}
	})
}

func TestRename(t *testing.T) {
	folders(t, func(t *testing.T, dir string, w *Folder) {
		for _, d := range []string{"a/b", "c"} {
			if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.WriteFile("a/b/.tmp-page", []byte("new"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := w.WriteFile("a/b/page", []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := w.Rename("a/b/.tmp-page", "a/b/page"); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(filepath.Join(dir, "a", "b", "page")); string(got) != "new" {
			t.Errorf("after the rename: %q, want new", got)
		}
		if _, err := os.Stat(filepath.Join(dir, "a", "b", ".tmp-page")); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("the old name is still there: %v", err)
		}
		if err := w.Rename("a/b/page", "c/moved"); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(filepath.Join(dir, "c", "moved")); string(got) != "new" {
			t.Errorf("moved to another folder: %q, want new", got)
		}
		if err := w.Rename("a/b/gone", "c/x"); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("renaming a missing file: %v, want a not-exist error", err)
		}
	})
}

func TestMkdir(t *testing.T) {
	folders(t, func(t *testing.T, dir string, w *Folder) {
		if err := w.Mkdir("a", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := w.Mkdir("a/b", 0o755); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(filepath.Join(dir, "a", "b")); err != nil || !fi.IsDir() {
			t.Fatalf("a/b: %v", err)
		}
		if err := w.Mkdir("a/b", 0o755); !errors.Is(err, fs.ErrExist) {
			t.Errorf("making a/b again: %v, want an exists error", err)
		}
		if err := w.Mkdir("x/y", 0o755); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("no parent: %v, want a not-exist error", err)
		}
	})
}
