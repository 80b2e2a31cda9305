package search

import (
	"context"
	"fmt"

	"github.com/blevesearch/bleve/v2"
)

// MaxBodyBytes caps the body text indexed per document.
const MaxBodyBytes = 200 << 10

// Build writes a new index of docs at dir, which must not exist yet. The
// builder's temporary files go under tmpDir, which must be on the same file
// system as dir (bleve moves its segment into place with a rename). The
// document ID is the page URL.
func Build(ctx context.Context, dir, tmpDir string, docs []Doc) error {
	b, err := bleve.NewBuilder(dir, NewMapping(), map[string]any{
		"buildPathPrefix": tmpDir,
		"batchSize":       500,
	})
	if err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	for _, d := range docs {
		if err := ctx.Err(); err != nil {
			_ = b.Close()
			return err
		}
		if len(d.Body) > MaxBodyBytes {
			d.Body = d.Body[:MaxBodyBytes]
		}
		if err := b.Index(d.URL, d); err != nil {
			_ = b.Close()
			return fmt.Errorf("search index: %s: %w", d.URL, err)
		}
	}
	if err := b.Close(); err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	return nil
}

// Open opens an index read-only. It fails rather than waits when another
// process holds the index's lock.
func Open(dir string) (bleve.Index, error) {
	idx, err := bleve.OpenUsing(dir, map[string]any{"read_only": true, "bolt_timeout": "2s"})
	if err != nil {
		return nil, fmt.Errorf("search index %s: %w", dir, err)
	}
	return idx, nil
}
