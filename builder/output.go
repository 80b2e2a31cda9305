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
	lock *os.File // the parent folder, locked (shared) until Commit or Abort
	dirs sync.Map // folders already created
}

// Names of the folders a build makes next to the output folder: the
// staging folder, and the one the old output is moved into while the new
// one takes its place. os.MkdirTemp appends digits.
const (
	stagingInfix = ".staging-"
	oldInfix     = ".old-"
)

// NewStaging creates a staging folder next to dest (on the same file system,
// so the final rename is atomic).
//
// Every build holds a shared lock on dest's parent folder from here until
// its Commit or Abort. A build that finds no other holding it removes what
// killed builds left behind (see removeStale).
func NewStaging(dest string) (*Staging, error) {
	dest = filepath.Clean(dest)
	parent := filepath.Dir(dest)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	lock, err := os.Open(parent)
	if err != nil {
		return nil, err
	}
	if lockExclusive(lock) {
		removeStale(dest)
	}
	if err := lockShared(lock); err != nil {
		_ = lock.Close()
		return nil, err
	}
	dir, err := os.MkdirTemp(parent, "."+filepath.Base(dest)+stagingInfix)
	if err != nil {
		_ = lock.Close()
		return nil, err
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		_ = os.RemoveAll(dir)
		_ = lock.Close()
		return nil, err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		_ = os.RemoveAll(dir)
		_ = lock.Close()
		return nil, err
	}
	return &Staging{dir: dir, dest: dest, root: root, lock: lock}, nil
}

// removeStale removes the staging and old-output folders that builds
// killed part way left next to dest. It runs only while holding the parent
// folder's lock exclusively, so no live build owns any of them. It touches
// nothing but folders (not symbolic links) named exactly as NewStaging and
// Commit name theirs; if dest is missing because a build was killed
// between the two renames of Commit, the old output is put back first.
func removeStale(dest string) {
	parent, base := filepath.Dir(dest), filepath.Base(dest)
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	_, err = os.Lstat(dest)
	missing := errors.Is(err, os.ErrNotExist)
	for _, e := range entries {
		name := e.Name()
		suffix, isOld := strings.CutPrefix(name, "."+base+oldInfix)
		if !isOld {
			var ok bool
			if suffix, ok = strings.CutPrefix(name, "."+base+stagingInfix); !ok {
				continue
			}
		}
		if !e.IsDir() || suffix == "" || strings.Trim(suffix, "0123456789") != "" {
			continue
		}
		dir := filepath.Join(parent, name)
		if isOld && missing && os.Rename(filepath.Join(dir, "site"), dest) == nil {
			missing = false
		}
		_ = os.RemoveAll(dir)
	}
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
	_ = s.lock.Close()
}

// Commit replaces the published output with the staging folder: the old
// folder is moved aside, the new one renamed into place, the old one removed.
func (s *Staging) Commit() error {
	defer s.lock.Close() // last, once the old output is gone
	_ = s.root.Close()
	old := ""
	if _, err := os.Lstat(s.dest); err == nil {
		tmp, err := os.MkdirTemp(filepath.Dir(s.dest), "."+filepath.Base(s.dest)+oldInfix)
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
