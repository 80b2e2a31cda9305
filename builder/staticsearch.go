package builder

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"

	"kb/internal/layout"
	"kb/search"
)

// exportStatic writes the static search bundle of the index in indexDir
// through w.
func exportStatic(ctx context.Context, indexDir string, w search.FileWriter) (*search.StaticStats, error) {
	idx, err := search.Open(indexDir)
	if err != nil {
		return nil, err
	}
	defer idx.Close()
	return search.ExportStatic(ctx, idx, w, layout.StaticSearchDir)
}

// updateStatic rewrites the static search bundle after a session's rebuild:
// the new content folder and then the manifest, each file atomically, and
// last the folders the manifest no longer names. A browser that read the
// old manifest keeps finding its files until then.
func (s *Session) updateStatic(ctx context.Context) error {
	if s.opts.NoStaticSearch {
		return nil
	}
	root, err := os.OpenRoot(s.opts.Dest)
	if err != nil {
		return err
	}
	defer root.Close()
	st, err := search.ExportStatic(ctx, s.Index(), rootWriter{root}, layout.StaticSearchDir)
	if err != nil {
		return err
	}
	entries, err := fs.ReadDir(root.FS(), layout.StaticSearchDir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	for _, e := range entries {
		if e.IsDir() && e.Name()+"/" != st.Dir {
			if err := os.RemoveAll(filepath.Join(s.opts.Dest, filepath.FromSlash(path.Join(layout.StaticSearchDir, e.Name())))); err != nil {
				return err
			}
		}
	}
	return nil
}

// rootWriter writes each file atomically inside root.
type rootWriter struct{ root *os.Root }

// WriteFile implements search.FileWriter.
func (w rootWriter) WriteFile(name string, data []byte) error {
	return atomicWrite(w.root, name, data)
}
