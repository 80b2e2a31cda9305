package watch

import (
	"hash/fnv"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// fileState is what polling compares between two scans.
type fileState struct {
	size  int64
	mtime time.Time
	mode  fs.FileMode
	// sum is a hash of the contents, taken only for files modified so
	// recently that a later write could leave size and mtime unchanged (the
	// file system's clock is coarser than a write).
	sum uint64
	// racy says the file was modified within racyWindow of the scan.
	racy bool
}

// racyWindow is how recent a modification must be for its contents to be
// hashed.
const racyWindow = 2 * time.Second

// snapshot maps each file in scope, by absolute path, to its state.
type snapshot map[string]fileState

// scan walks the scope's trees and files. Recently modified files are hashed,
// and so is a file whose previous state was, so a same-size write within the
// file system's clock tick is still seen.
func scan(sc Scope, prev snapshot) snapshot {
	now := time.Now()
	snap := snapshot{}
	record := func(p string, fi fs.FileInfo) {
		st := fileState{size: fi.Size(), mtime: fi.ModTime(), mode: fi.Mode()}
		st.racy = now.Sub(st.mtime) < racyWindow
		old, had := prev[p]
		if st.racy || (had && old.racy && old.size == st.size && old.mtime.Equal(st.mtime)) {
			st.sum = hashFile(p)
		}
		snap[p] = st
	}
	for _, f := range sc.Files {
		p := filepath.Join(sc.Root, filepath.FromSlash(f))
		if fi, err := os.Lstat(p); err == nil && !fi.IsDir() && sc.Contains(p) {
			record(p, fi)
		}
	}
	for _, p := range sc.gitFiles() {
		if fi, err := os.Lstat(p); err == nil && !fi.IsDir() {
			record(p, fi)
		}
	}
	for _, t := range sc.Trees {
		top := filepath.Join(sc.Root, filepath.FromSlash(t))
		_ = filepath.WalkDir(top, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if p != sc.Root && !sc.Contains(p) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				return nil
			}
			if fi, err := d.Info(); err == nil {
				record(p, fi)
			}
			return nil
		})
	}
	return snap
}

// hashFile returns a hash of p's contents, or 1 when it cannot be read (so a
// hashed state is never mistaken for an unhashed one).
func hashFile(p string) uint64 {
	f, err := os.Open(p)
	if err != nil {
		return 1
	}
	defer f.Close()
	h := fnv.New64a()
	if _, err := io.Copy(h, f); err != nil {
		return 1
	}
	return h.Sum64() | 1<<63
}

// Change is one difference between two scans.
type Change struct {
	Path string
	Op   Op
}

// Op is the kind of a Change.
type Op int

// The kinds of change polling reports.
const (
	Create Op = iota + 1
	Write
	Remove
)

func (o Op) String() string {
	switch o {
	case Create:
		return "create"
	case Write:
		return "write"
	case Remove:
		return "remove"
	}
	return "?"
}

// diff reports every difference between two snapshots, in both directions: a
// file only in old was removed, only in cur was created, in both with a
// different state was written. The result is sorted by path.
func diff(old, cur snapshot) []Change {
	var out []Change
	for p, o := range old {
		c, ok := cur[p]
		switch {
		case !ok:
			out = append(out, Change{p, Remove})
		case o.size != c.size || !o.mtime.Equal(c.mtime) || o.mode != c.mode || (o.sum != 0 && c.sum != 0 && o.sum != c.sum):
			out = append(out, Change{p, Write})
		}
	}
	for p := range cur {
		if _, ok := old[p]; !ok {
			out = append(out, Change{p, Create})
		}
	}
	slices.SortFunc(out, func(a, b Change) int {
		if a.Path < b.Path {
			return -1
		}
		if a.Path > b.Path {
			return 1
		}
		return 0
	})
	return out
}
