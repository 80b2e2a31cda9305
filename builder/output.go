package builder

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
)

// Staging is a fresh output folder that becomes the published one only when
// Commit is called. Every write goes through an os.Root, so no path can
// reach outside it, whatever a page's URL or alias says.
type Staging struct {
	dir  string
	dest string
	root *os.Root
	dirs sync.Map // folders already created
}

// NewStaging creates a staging folder next to dest (on the same file system,
// so the final rename is atomic).
func NewStaging(dest string) (*Staging, error) {
	dest = filepath.Clean(dest)
	parent := filepath.Dir(dest)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(parent, "."+filepath.Base(dest)+".staging-")
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	return &Staging{dir: dir, dest: dest, root: root}, nil
}

// Dir is the staging folder's path.
func (s *Staging) Dir() string { return s.dir }

// WriteFile writes one output file at a slash-separated path relative to
// the output folder, creating its folders.
func (s *Staging) WriteFile(name string, data []byte) error {
	if !isSafeOutPath(name) {
		return fmt.Errorf("refusing to write %q: not a path inside the output folder", name)
	}
	if dir := path.Dir(name); dir != "." {
		if _, done := s.dirs.Load(dir); !done {
			if err := s.root.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			s.dirs.Store(dir, true)
		}
	}
	return s.root.WriteFile(name, data, 0o644)
}

func isSafeOutPath(name string) bool {
	if name == "" || strings.ContainsAny(name, "\\\x00") || !filepath.IsLocal(name) {
		return false
	}
	for _, seg := range strings.Split(name, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return false
		}
	}
	return true
}

// Abort removes the staging folder; the published output is untouched.
func (s *Staging) Abort() {
	_ = s.root.Close()
	_ = os.RemoveAll(s.dir)
}

// Commit replaces the published output with the staging folder: the old
// folder is moved aside, the new one renamed into place, the old one removed.
func (s *Staging) Commit() error {
	_ = s.root.Close()
	old := ""
	if _, err := os.Lstat(s.dest); err == nil {
		tmp, err := os.MkdirTemp(filepath.Dir(s.dest), "."+filepath.Base(s.dest)+".old-")
		if err != nil {
			return err
		}
		old = filepath.Join(tmp, "site")
		if err := os.Rename(s.dest, old); err != nil {
			_ = os.Remove(tmp)
			return err
		}
		defer os.RemoveAll(tmp)
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.Rename(s.dir, s.dest); err != nil {
		if old != "" {
			_ = os.Rename(old, s.dest)
		}
		return err
	}
	syncDir(filepath.Dir(s.dest))
	return nil
}

func syncDir(dir string) {
	if f, err := os.Open(dir); err == nil {
		_ = f.Sync()
		_ = f.Close()
	}
}
