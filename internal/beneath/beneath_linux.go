package beneath

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// sysFolder holds the folder open for openat2; off is set once openat2 is
// found wanting, and the os.Root does the work from then on.
type sysFolder struct {
	dir *os.File // the root's folder, nil when it could not be opened
	fd  int
	off atomic.Bool
}

func newSys(root *os.Root) sysFolder {
	dir, err := root.Open(".")
	if err != nil {
		return sysFolder{}
	}
	return sysFolder{dir: dir, fd: int(dir.Fd())}
}

func (s *sysFolder) close() error {
	if s.dir == nil {
		return nil
	}
	return s.dir.Close()
}

// resolve keeps every path inside the folder: no "..", absolute path or
// symbolic link leads out of it, and no magic link of /proc is followed.
const resolve = unix.RESOLVE_BENEATH | unix.RESOLVE_NO_MAGICLINKS

// open opens name with openat2; ok is false when openat2 cannot be used.
func (s *sysFolder) open(name string, flags int, perm uint32) (fd int, ok bool, err error) {
	if s.dir == nil || s.off.Load() {
		return -1, false, nil
	}
	for {
		fd, err = unix.Openat2(s.fd, name, &unix.OpenHow{Flags: uint64(flags | unix.O_CLOEXEC), Mode: uint64(perm), Resolve: resolve})
		if err != unix.EINTR {
			break
		}
	}
	if errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EPERM) && !s.checked() {
		// No openat2 (before Linux 5.6), or a seccomp filter refusing
		// it: the os.Root from now on.
		s.off.Store(true)
		return -1, false, nil
	}
	return fd, true, err
}

// checked reports whether openat2 is known to work here, so that EPERM
// is the file's own answer rather than a filter's: it opens the folder
// itself, which is always allowed.
func (s *sysFolder) checked() bool {
	fd, err := unix.Openat2(s.fd, ".", &unix.OpenHow{Flags: unix.O_PATH | unix.O_CLOEXEC, Resolve: resolve})
	if err != nil {
		return false
	}
	unix.Close(fd)
	return true
}

func (s *sysFolder) writeFile(name string, data []byte, perm fs.FileMode) (bool, error) {
	fd, ok, err := s.open(name, unix.O_WRONLY|unix.O_CREAT|unix.O_TRUNC, uint32(perm.Perm()))
	if !ok {
		return false, nil
	}
	if err != nil {
		return true, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	f := os.NewFile(uintptr(fd), name)
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return true, err
}

func (s *sysFolder) mkdir(name string, perm fs.FileMode) (bool, error) {
	dir, ok, err := s.open(path.Dir(name), unix.O_PATH|unix.O_DIRECTORY, 0)
	if !ok {
		return false, nil
	}
	if err == nil {
		err = unix.Mkdirat(dir, path.Base(name), uint32(perm.Perm()))
		unix.Close(dir)
	}
	if err != nil {
		return true, &fs.PathError{Op: "mkdir", Path: name, Err: err}
	}
	return true, nil
}

func (s *sysFolder) rename(oldname, newname string) (bool, error) {
	const dirFlags = unix.O_PATH | unix.O_DIRECTORY
	oldDir, ok, err := s.open(path.Dir(oldname), dirFlags, 0)
	if !ok {
		return false, nil
	}
	if err != nil {
		return true, &os.LinkError{Op: "rename", Old: oldname, New: newname, Err: err}
	}
	defer unix.Close(oldDir)
	newDir := oldDir
	if path.Dir(newname) != path.Dir(oldname) {
		if newDir, ok, err = s.open(path.Dir(newname), dirFlags, 0); !ok {
			return false, nil
		}
		if err != nil {
			return true, &os.LinkError{Op: "rename", Old: oldname, New: newname, Err: err}
		}
		defer unix.Close(newDir)
	}
	if err := unix.Renameat(oldDir, path.Base(oldname), newDir, path.Base(newname)); err != nil {
		return true, &os.LinkError{Op: "rename", Old: oldname, New: newname, Err: err}
	}
	return true, nil
}
