package builder

import (
	"context"
	"errors"
	"io/fs"
	"path"
	"time"

	"kb/internal/layout"
	"kb/search"
)

// exportStatic writes the static search bundle of the index in indexDir,
// whose pages' part is made in pages or read from the index (see
// search.ExportStaticWith).
func exportStatic(ctx context.Context, indexDir string, pages *search.StaticPages) (*search.StaticStats, error) {
	idx, err := search.Open(indexDir)
	if err != nil {
		return nil, err
	}
	defer idx.Close()
	return search.ExportStaticWith(ctx, idx, pages)
}

// loadStatic reads the state of the static search bundle the last build
// wrote, for updateStatic, unless the session has it or writes no bundle:
// after the first build, and again after an update failed. The state is
// derived from the index, which a failed update has already changed, so
// then the whole bundle is written again first. It must run before the
// index changes.
func (s *Session) loadStatic(ctx context.Context) error {
	if s.opts.NoStaticSearch || s.static != nil {
		return nil
	}
	if s.staticStale {
		root, err := openOut(s.opts.Dest)
		if err != nil {
			return err
		}
		_, err = search.ExportStatic(ctx, s.Index(), root, layout.StaticSearchDir)
		root.Close()
		if err != nil {
			return err
		}
		s.staticStale = false
	}
	b, err := search.LoadStatic(ctx, s.Index(), layout.StaticSearchDir)
	if err != nil {
		return err
	}
	s.static = b
	return nil
}

// updateStatic brings the static search bundle in step with the index,
// after the pages changed were indexed again and the pages removed (by
// URL) deleted: it writes the files that changed, each atomically, then
// the manifest, and last removes the files the manifest no longer names. A
// browser that read the old manifest keeps finding its files until then.
func (s *Session) updateStatic(ctx context.Context, changed []search.Doc, removed []string) error {
	s.staticTook = 0
	if s.opts.NoStaticSearch || (len(changed) == 0 && len(removed) == 0) {
		return nil
	}
	start := time.Now()
	defer func() { s.staticTook = time.Since(start) }()
	if s.static == nil {
		return errors.New("static search: the bundle's state was not loaded")
	}
	root, err := openOut(s.opts.Dest)
	if err != nil {
		return err
	}
	defer root.Close()
	up, err := s.static.Update(ctx, s.Index(), root, changed, removed)
	if err != nil {
		s.static, s.staticStale = nil, true // written again before the next change
		return err
	}
	for _, name := range up.Stale {
		name = path.Join(layout.StaticSearchDir, name)
		if err := root.root.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}
