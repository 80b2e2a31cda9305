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
		"batchSize":       batchSize(len(docs)),
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

// batchSize returns the builder's batch size for n documents: at most 500
// (memory grows with the batch), and at most half of them, so that the
// builder always merges at least two segments. Only a merge writes a term
// found once in one page inline in the dictionary ("1-hit" encoding), which
// makes a small site's index a third smaller.
func batchSize(n int) int {
	return max(1, min(500, (n+1)/2))
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
