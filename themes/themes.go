// Package themes holds kb's default theme, embedded in the binary.
package themes

import (
	"embed"
	"errors"
	"io/fs"
	"sync"
)

//go:embed default
var embedded embed.FS

// Default returns the default theme's files: layouts/ (html/template),
// static/ (CSS, JavaScript, images) and i18n/ (one file of UI strings per
// language: en.yaml, nl.yaml). It is the same value on every call, so a
// caller may recognise it (and cache what it reads from it: the files never
// change).
func Default() fs.FS { return defaultFS() }

var defaultFS = sync.OnceValue(func() fs.FS {
	sub, err := fs.Sub(embedded, "default")
	if err != nil {
		panic(err)
	}
	return sub
})

// Layered returns a file system that serves a file from top when it exists
// there and from base otherwise, so a site overrides a theme file by placing
// one with the same name in its own theme folder. top may be nil.
func Layered(top, base fs.FS) fs.FS {
	if top == nil {
		return base
	}
	return layered{top, base}
}

type layered struct{ top, base fs.FS }

// Layers returns the two layers of a file system made by Layered: the site's
// (nil when there is none) and the theme's. Any other file system is a theme
// without a site layer. Files read per key, such as strings files, merge
// the two layers instead of taking the site's file whole.
func Layers(fsys fs.FS) (top, base fs.FS) {
	if l, ok := fsys.(layered); ok {
		return l.top, l.base
	}
	return nil, fsys
}

// Open implements fs.FS.
func (l layered) Open(name string) (fs.File, error) {
	f, err := l.top.Open(name)
	if err == nil {
		return f, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	return l.base.Open(name)
}

// ReadDir implements fs.ReadDirFS, merging both layers.
func (l layered) ReadDir(name string) ([]fs.DirEntry, error) {
	a, errA := fs.ReadDir(l.top, name)
	b, errB := fs.ReadDir(l.base, name)
	if errA != nil && errB != nil {
		return nil, errB
	}
	seen := map[string]bool{}
	var out []fs.DirEntry
	for _, e := range a {
		seen[e.Name()] = true
		out = append(out, e)
	}
	for _, e := range b {
		if !seen[e.Name()] {
			out = append(out, e)
		}
	}
	sortEntries(out)
	return out, nil
}

func sortEntries(es []fs.DirEntry) {
	for i := 1; i < len(es); i++ {
		for j := i; j > 0 && es[j].Name() < es[j-1].Name(); j-- {
			es[j], es[j-1] = es[j-1], es[j]
		}
	}
}
