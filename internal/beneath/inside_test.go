//go:build !windows

package beneath

import (
	"os"
	"path/filepath"
	"testing"
)

// TestStaysInside: no path, symbolic link or "..", leads a write or a
// rename out of the folder. (Not on Windows, where making symbolic links
// needs privileges.)
func TestStaysInside(t *testing.T) {
	folders(t, func(t *testing.T, dir string, w *Folder) {
		outside := t.TempDir()
		victim := filepath.Join(outside, "victim")
		if err := os.WriteFile(victim, []byte("keep"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(outside, filepath.Join(dir, "out")); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(victim, filepath.Join(dir, "link")); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "inside"), []byte("in"), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"out/victim", "out/new", "link", "../" + filepath.Base(outside) + "/victim", "/" + victim} {
			if err := w.WriteFile(name, []byte("overwritten"), 0o644); err == nil {
				t.Errorf("WriteFile(%q) succeeded", name)
			}
		}
		for _, name := range []string{"out/dir", "../" + filepath.Base(outside) + "/dir"} {
			if err := w.Mkdir(name, 0o755); err == nil {
				t.Errorf("Mkdir(%q) succeeded", name)
			}
		}
		for _, r := range [][2]string{{"inside", "out/moved"}, {"out/victim", "stolen"}} {
			if err := w.Rename(r[0], r[1]); err == nil {
				t.Errorf("Rename(%q, %q) succeeded", r[0], r[1])
			}
		}
		if got, _ := os.ReadFile(victim); string(got) != "keep" {
			t.Errorf("the file outside reads %q", got)
		}
		for _, name := range []string{"new", "moved", "dir"} {
			if _, err := os.Lstat(filepath.Join(outside, name)); err == nil {
				t.Errorf("%s was made outside the folder", name)
			}
		}
	})
}
