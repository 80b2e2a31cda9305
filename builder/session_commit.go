package builder

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sync"

	"kb/internal/beneath"
	"kb/internal/layout"
	"kb/internal/workers"
	"kb/search"
)

// commit publishes a rebuild: it writes the changed files, updates the
// search index (see updateIndex) and removes the output of removed pages.
// Every changed file is first written beside its final name, so that a
// full disk or an I/O error leaves the published output as it was; only
// once all of them and the index update have succeeded are they renamed
// into place, each rename atomic.
func (s *Session) commit(ctx context.Context, w *diffWriter, removed []string, docs []search.Doc, hashes map[string]uint64, all bool) error {
	root, err := openOut(s.opts.Dest)
	if err != nil {
		return err
	}
	defer root.Close()
	names := slices.Sorted(maps.Keys(w.files))
	temps := make([]string, len(names))
	undo := func() {
		for _, tmp := range temps {
			if tmp == "" {
				continue
			}
			_ = root.root.Remove(tmp)
			for dir := path.Dir(tmp); dir != "."; dir = path.Dir(dir) {
				if root.root.Remove(dir) != nil { // not empty: it was there before
					break
				}
			}
		}
	}
	// Creating a file costs more in system calls than writing it: the
	// files are written on all cores.
	err = workers.Run(ctx, len(names), 0, func(_, i int) error {
		tmp, err := writeTemp(root, names[i], w.files[names[i]])
		if err != nil {
			return fmt.Errorf("writing %s: %w", names[i], err)
		}
		temps[i] = tmp
		return nil
	})
	if err != nil {
		undo()
		return err
	}
	if err := s.loadStatic(ctx); err != nil {
		undo()
		return err
	}
	changed, gone, err := s.updateIndex(ctx, docs, hashes, all)
	if err != nil {
		undo()
		return err
	}
	// Once the index is updated, every file is renamed into place, even
	// if the build is cancelled meanwhile.
	renamed := make([]bool, len(names))
	err = workers.Run(context.Background(), len(names), 0, func(_, i int) error {
		if err := root.files.Rename(temps[i], names[i]); err != nil {
			return fmt.Errorf("writing %s: %w", names[i], err)
		}
		renamed[i] = true
		return nil
	})
	for i, name := range names {
		if renamed[i] {
			s.out[name] = w.sums[name]
		}
	}
	if err != nil {
		undo()
		return err
	}
	for _, name := range removed {
		if err := root.root.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		delete(s.out, name)
		for dir := path.Dir(name); dir != "."; dir = path.Dir(dir) {
			if root.root.Remove(dir) != nil {
				break
			}
		}
	}
	if err := publicTree(filepath.Join(s.opts.Dest, filepath.FromSlash(layout.IndexDir))); err != nil {
		return err
	}
	return s.updateStatic(ctx, changed, gone)
}

// updateIndex updates the search index with the documents among docs that
// changed since the last build; hashes are the hashes of documents by URL,
// of every page of the site when all is set (the documents of the others
// are removed), else of docs. It returns the documents indexed and the
// URLs removed.
func (s *Session) updateIndex(ctx context.Context, docs []search.Doc, hashes map[string]uint64, all bool) ([]search.Doc, []string, error) {
	var changed []search.Doc
	for _, d := range docs {
		if s.docs[d.URL] != hashes[d.URL] {
			changed = append(changed, d)
		}
	}
	var removed []string
	if all {
		for u := range s.docs {
			if _, ok := hashes[u]; !ok {
				removed = append(removed, u)
			}
		}
		slices.Sort(removed)
	}
	if err := s.Index().Update(ctx, changed, removed); err != nil {
		return nil, nil, err
	}
	if all {
		s.docs = hashes
	} else {
		maps.Copy(s.docs, hashes)
	}
	return changed, removed, nil
}

func docHashes(docs []search.Doc) map[string]uint64 {
	out := make(map[string]uint64, len(docs))
	for _, d := range docs {
		out[d.URL] = docHash(d)
	}
	return out
}

// docHash digests every field of a search document.
func docHash(d search.Doc) uint64 {
	var h maphash.Hash
	h.SetSeed(docSeed)
	hashStrings(&h, d.URL, d.Title, d.Summary, d.Headings, d.Body, d.Kind, d.Lang, d.Owner, d.Group)
	hashStrings(&h, d.Tags...)
	return h.Sum64()
}

// docMemo is what a session knows of the search document of each page
// of the last build, by source path: a page read from the same file as
// then (its pristine copy is the same), whose docKey is the same, has the
// same document, which is not made again.
type docMemo map[string]docMemoEntry

type docMemoEntry struct {
	from *loaded
	key  uint64
	url  string
	sum  uint64
}

// docKey digests what a page's search document reads beyond the page as
// loaded: its URL, folder and translations, and the text of its kind's
// fields as searched (fieldText), which holds the titles of the pages
// they name.
func (s *Site) docKey(p *Page) uint64 {
	var h maphash.Hash
	h.SetSeed(docSeed)
	index := "\x00"
	if p.IsIndex {
		index = "\x01"
	}
	hashStrings(&h, s.searchURL(p), s.searchGroup(p), p.Section, index)
	heads, body := s.fieldText(p)
	hashStrings(&h, heads...)
	hashStrings(&h, body...)
	return h.Sum64()
}

// siteDocs returns the hash of every page's search document, by URL, the
// documents whose hash is not the one indexed (s.docs), and the memo of
// the site's documents. Only the documents of pages that changed, or whose
// document the memo lacks, are made.
func (s *Session) siteDocs(site *Site) (docs []search.Doc, hashes map[string]uint64, memo docMemo) {
	entries := make([]docMemoEntry, len(site.Pages))
	made := make([]*search.Doc, len(site.Pages))
	parallel(len(site.Pages), func(i int) {
		p := site.Pages[i]
		key := site.docKey(p)
		if old, ok := s.docMemo[p.Path]; ok && p.pristine != nil && old.from == p.pristine && old.key == key {
			entries[i] = old
			if s.docs[old.url] == old.sum {
				return
			}
		}
		d := site.searchDoc(p)
		entries[i] = docMemoEntry{from: p.pristine, key: key, url: d.URL, sum: docHash(d)}
		if s.docs[d.URL] != entries[i].sum {
			made[i] = &d
		}
	})
	hashes = make(map[string]uint64, len(site.Pages))
	memo = make(docMemo, len(site.Pages))
	for i, p := range site.Pages {
		e := entries[i]
		hashes[e.url] = e.sum
		if e.from != nil {
			memo[p.Path] = e
		}
		if made[i] != nil {
			docs = append(docs, *made[i])
		}
	}
	return docs, hashes, memo
}

// docSeed seeds docHashes: the hashes are compared within one process.
var docSeed = maphash.MakeSeed()

// outDir is the published output folder, open for writing: no name
// leads out of it (see beneath).
type outDir struct {
	root  *os.Root
	files *beneath.Folder
}

func openOut(dir string) (*outDir, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &outDir{root: root, files: beneath.New(root)}, nil
}

func (out *outDir) Close() error {
	_ = out.files.Close()
	return out.root.Close()
}

// WriteFile implements search.FileWriter: it replaces one file through a
// temporary file and a rename, so readers see the old bytes or the new,
// never a mix.
func (out *outDir) WriteFile(name string, data []byte) error {
	tmp, err := writeTemp(out, name, data)
	if err != nil {
		return err
	}
	if err := out.files.Rename(tmp, name); err != nil {
		_ = out.root.Remove(tmp)
		return err
	}
	return nil
}

// writeTemp writes data to a temporary file beside name (creating its
// folders) and returns the temporary file's name; on error nothing of it
// is left.
func writeTemp(out *outDir, name string, data []byte) (string, error) {
	if !isSafeOutPath(name) {
		return "", fmt.Errorf("refusing to write %q: not a path inside the output folder", name)
	}
	tmp := path.Join(path.Dir(name), ".kb-tmp-"+path.Base(name))
	err := out.files.WriteFile(tmp, data, 0o644)
	if errors.Is(err, fs.ErrNotExist) && path.Dir(name) != "." {
		// A new page's folder: made only when needed, as it rarely is.
		if err := out.root.MkdirAll(path.Dir(name), 0o755); err != nil {
			return "", err
		}
		err = out.files.WriteFile(tmp, data, 0o644)
	}
	if err != nil {
		_ = out.root.Remove(tmp)
		return "", err
	}
	return tmp, nil
}

// diffWriter keeps the files whose bytes differ from the last build.
type diffWriter struct {
	old   map[string]uint64
	mu    sync.Mutex
	files map[string][]byte
	sums  map[string]uint64
	all   map[string]uint64
}

// WriteFile implements FileWriter.
func (w *diffWriter) WriteFile(name string, data []byte) error {
	sum := hashBytes(data)
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.all != nil {
		w.all[name] = sum
	}
	if old, ok := w.old[name]; ok && old == sum {
		return nil
	}
	if w.files == nil {
		w.files, w.sums = map[string][]byte{}, map[string]uint64{}
	}
	w.files[name] = data
	w.sums[name] = sum
	return nil
}

// keepAsIs counts name as written with the bytes it has from the last
// build, whatever they are; it reports whether there are any.
func (w *diffWriter) keepAsIs(name string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	old, ok := w.old[name]
	if ok && w.all != nil {
		w.all[name] = old
	}
	return ok
}

// keep counts name as written with the bytes it has from the last build,
// when their hash is sum; it reports whether it is.
func (w *diffWriter) keep(name string, sum uint64) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if old, ok := w.old[name]; !ok || old != sum {
		return false
	}
	if w.all != nil {
		w.all[name] = sum
	}
	return true
}

// hashBytes sums up a file's bytes, to tell whether a file changed within
// one process: the sums are kept in memory only, and the seed is the
// process's own.
func hashBytes(b []byte) uint64 { return maphash.Bytes(fileSeed, b) }

var fileSeed = maphash.MakeSeed()
