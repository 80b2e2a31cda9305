// Package beneath writes and renames files inside a folder, never outside
// it, in as few system calls as the platform allows. An os.Root resolves a
// path one folder at a time (an open and a close per folder on the way);
// on Linux 5.6 and later, openat2 with RESOLVE_BENEATH has the kernel do
// the same check in one call. Elsewhere, or where openat2 is refused (an
// older kernel, a seccomp filter), the os.Root does the work.
package beneath

import (
	"io/fs"
	"os"
)

// Folder is a folder files are written in, by slash-separated paths
// relative to it that may not leave it, through symbolic links or "..".
// It is safe for use by several goroutines at once.
type Folder struct {
	root *os.Root
	sys  sysFolder
}

// New returns the Folder of root, which must stay open while it is used.
func New(root *os.Root) *Folder {
	return &Folder{root: root, sys: newSys(root)}
}

// Close lets go of what New opened (not the root).
func (f *Folder) Close() error { return f.sys.close() }

// WriteFile writes data to the file name, creating it with perm (less the
// umask) or truncating it, as os.Root.WriteFile does. A missing folder on
// the way is an error satisfying errors.Is(err, fs.ErrNotExist).
func (f *Folder) WriteFile(name string, data []byte, perm fs.FileMode) error {
	if ok, err := f.sys.writeFile(name, data, perm); ok {
		return err
	}
	return f.root.WriteFile(name, data, perm)
}

// Mkdir makes the folder name with perm (less the umask), as os.Root.Mkdir
// does: its parent must exist, and an existing name is an error
// satisfying errors.Is(err, fs.ErrExist).
func (f *Folder) Mkdir(name string, perm fs.FileMode) error {
	if ok, err := f.sys.mkdir(name, perm); ok {
		return err
	}
	return f.root.Mkdir(name, perm)
}

// Rename renames oldname to newname, as os.Root.Rename does.
func (f *Folder) Rename(oldname, newname string) error {
	if ok, err := f.sys.rename(oldname, newname); ok {
		return err
	}
	return f.root.Rename(oldname, newname)
}
