package builder

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"kb/internal/beneath"
	"kb/internal/layout"
)

// Staging is a fresh output folder that becomes the published one only when
// Commit is called. Every write goes through an os.Root, so no path can
// reach outside it, whatever a page's URL or alias says.
type Staging struct {
	// Force lets Commit replace a non-empty folder that has no
	// layout.OutputMarker: it is moved aside (see CheckDest), never deleted.
	Force bool

	dir   string
	dest  string
	root  *os.Root
	files *beneath.Folder // root's, for writing files
	lock  *os.File        // the parent folder, locked (shared) until Commit or Abort
	dirs  sync.Map        // folders already created
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
	root, err := os.OpenRoot(dir)
	if err == nil {
		err = root.WriteFile(layout.OutputMarker, []byte(markerText), 0o644)
	}
	if err != nil {
		if root != nil {
			_ = root.Close()
		}
		_ = os.RemoveAll(dir)
		_ = lock.Close()
		return nil, err
	}
	return &Staging{dir: dir, dest: dest, root: root, files: beneath.New(root), lock: lock}, nil
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

// releasesData tells releasesData that Staging writes the data it is
// given before WriteFile returns.
func (s *Staging) releasesData() bool { return true }

// releasesData reports whether w keeps nothing of the data it is given
// once WriteFile returns, so that the caller may write into it again:
// true only for writers that say so.
func releasesData(w FileWriter) bool {
	r, ok := w.(interface{ releasesData() bool })
	return ok && r.releasesData()
}

// WriteFile writes one output file at a slash-separated path relative to
// the output folder, creating its folders.
func (s *Staging) WriteFile(name string, data []byte) error {
	if !isSafeOutPath(name) {
		return fmt.Errorf("refusing to write %q: not a path inside the output folder", name)
	}
	if err := s.mkdirAll(path.Dir(name)); err != nil {
		return err
	}
	return s.files.WriteFile(name, data, 0o644)
}

// mkdirAll makes the folder dir and those above it, each once.
func (s *Staging) mkdirAll(dir string) error {
	if dir == "." {
		return nil
	}
	if _, done := s.dirs.Load(dir); done {
		return nil
	}
	if err := s.mkdirAll(path.Dir(dir)); err != nil {
		return err
	}
	if err := s.files.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	s.dirs.Store(dir, true)
	return nil
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
	_ = s.files.Close()
	_ = s.root.Close()
	_ = os.RemoveAll(s.dir)
	_ = s.lock.Close()
}

// Commit replaces the published output with the staging folder: the old
// folder is moved aside, the new one renamed into place, the old one removed.
// A killed Commit is undone by the next build's Recover. The old folder is
// removed only when kb made it (it holds layout.OutputMarker) or it is empty;
// otherwise Commit fails with ErrUnsafeDest, or with Force moves it aside.
// Every folder and file of the output is made readable by all first
// (0755 and 0644 less the umask), the search index's included.
func (s *Staging) Commit() error {
	defer s.lock.Close() // last, once the old output is gone
	_ = s.files.Close()
	_ = s.root.Close()
	if err := publicModes(s.dir); err != nil {
		return err
	}
	swapHook("staged")
	old := ""
	if fi, err := os.Lstat(s.dest); err == nil {
		if !fi.IsDir() || (!isOutput(s.dest) && !emptyDir(s.dest)) {
			if !s.Force || !fi.IsDir() {
				return fmt.Errorf("%w: %s is not an output folder kb made", ErrUnsafeDest, s.dest)
			}
			if _, err := moveAside(s.dest); err != nil {
				return err
			}
		} else {
			tmp, err := os.MkdirTemp(filepath.Dir(s.dest), "."+filepath.Base(s.dest)+oldInfix)
			if err != nil {
				return err
			}
			swapHook("aside")
			old = filepath.Join(tmp, "site")
			if err := os.Rename(s.dest, old); err != nil {
				_ = os.Remove(tmp)
				return err
			}
			defer os.RemoveAll(tmp)
			swapHook("moved")
		}
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
	swapHook("renamed")
	return nil
}

// swapHook is called at each step of Commit; tests replace it to stop the
// process there.
var swapHook = func(step string) {}

// emptyDir reports whether dir is a folder with nothing in it.
func emptyDir(dir string) bool {
	f, err := os.Open(dir)
	if err != nil {
		return false
	}
	defer f.Close()
	names, _ := f.Readdirnames(1)
	return len(names) == 0
}

// publicModes gives the output folder dir mode 0755 and publicTree its
// _kb folder. Every other file was written by kb with those modes.
func publicModes(dir string) error {
	if err := os.Chmod(dir, 0o755&^umask()); err != nil {
		return err
	}
	return publicTree(filepath.Join(dir, layout.Reserved))
}

// publicTree gives every folder under dir mode 0755 and every file 0644,
// less the umask, where they differ: the search index library makes its
// own with 0700 and 0600, which a web server running as another user
// cannot read. A missing dir, or a file that the index removes while the
// walk runs, is no error.
func publicTree(dir string) error {
	mask := umask()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		want := fs.FileMode(0o644)
		if d.IsDir() {
			want = 0o755
		} else if !d.Type().IsRegular() {
			return nil
		}
		want &^= mask
		fi, err := d.Info()
		if err == nil && fi.Mode().Perm() != want {
			err = os.Chmod(p, want)
		}
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// umask returns the process's file mode creation mask (022 where it cannot
// be read).
var umask = sync.OnceValue(func() fs.FileMode {
	data, err := os.ReadFile("/proc/self/status")
	if err == nil {
		for line := range strings.Lines(string(data)) {
			if v, ok := strings.CutPrefix(line, "Umask:"); ok {
				if m, err := strconv.ParseUint(strings.TrimSpace(v), 8, 32); err == nil {
					return fs.FileMode(m) & 0o777
				}
			}
		}
	}
	return 0o022
})

func syncDir(dir string) {
	if f, err := os.Open(dir); err == nil {
		_ = f.Sync()
		_ = f.Close()
	}
}
