package search

import (
	"context"
	"fmt"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	index "github.com/blevesearch/bleve_index_api"
)

// Index is a search index on disk, written whole by Build and opened by
// Open (to search it and export it) or OpenForUpdate (to change it page by
// page with Update as the site is edited). It is the only way into the
// index: no other package sees the search library underneath. An Index
// may be searched from any number of goroutines, also while one goroutine
// updates it.
type Index struct {
	b      bleve.Index
	tables facetTables
}

// Open opens the index at dir read-only. It fails rather than waits when
// another process holds the index's lock.
func Open(dir string) (*Index, error) {
	b, err := bleve.OpenUsing(dir, map[string]any{"read_only": true, "bolt_timeout": "2s"})
	if err != nil {
		return nil, fmt.Errorf("search index %s: %w", dir, err)
	}
	return &Index{b: b}, nil
}

// OpenForUpdate opens the index at dir for Update.
func OpenForUpdate(dir string) (*Index, error) {
	b, err := bleve.OpenUsing(dir, map[string]any{"scorchMergePlanOptions": liveMerges})
	if err != nil {
		return nil, fmt.Errorf("search index %s: %w", dir, err)
	}
	return &Index{b: b}, nil
}

// liveMerges is how an index updated page by page merges its segments:
// bleve's default plan, but with no floor on a segment's size. With the
// default floor (2,000 pages) every segment of a smaller site counts as
// small, so each one-page update merged the whole index again in the
// background, competing with the next rebuild for the processor.
var liveMerges = map[string]any{"FloorSegmentSize": 1}

// openReader returns a reader of idx's current snapshot, to be closed.
func openReader(idx bleve.Index) (index.IndexReader, error) {
	adv, err := idx.Advanced()
	if err != nil {
		return nil, err
	}
	return adv.Reader()
}

// Close releases the index. Searches must have ended.
func (ix *Index) Close() error { return ix.b.Close() }

// DocCount returns the number of pages in the index.
func (ix *Index) DocCount() (uint64, error) { return ix.b.DocCount() }

// Update indexes docs, replacing the pages with the same URLs, and removes
// the pages whose URLs are in remove, in one batch: searches see all of it
// or none. Each page is indexed exactly as Build indexes it.
func (ix *Index) Update(ctx context.Context, docs []Doc, remove []string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	batch := ix.b.NewBatch()
	for _, d := range docs {
		if err := batch.Index(d.URL, d.normalized().capped()); err != nil {
			return fmt.Errorf("search index: %s: %w", d.URL, err)
		}
	}
	for _, u := range remove {
		batch.Delete(u)
	}
	if batch.Size() == 0 {
		return nil
	}
	if err := ix.b.Batch(batch); err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	return nil
}

// capped is d with its body cut to MaxBodyBytes (at a character boundary),
// as every page is indexed.
func (d Doc) capped() Doc {
	if len(d.Body) <= MaxBodyBytes {
		return d
	}
	cut := MaxBodyBytes
	for cut > 0 && !utf8.RuneStart(d.Body[cut]) {
		cut--
	}
	d.Body = d.Body[:cut]
	return d
}

// Terms returns the terms the index holds for field, its vocabulary, in
// order: the words of every page after analysis.
func (ix *Index) Terms(field string) ([]string, error) {
	dict, err := ix.b.FieldDict(field)
	if err != nil {
		return nil, err
	}
	defer dict.Close()
	var terms []string
	for {
		e, err := dict.Next()
		if err != nil {
			return nil, err
		}
		if e == nil {
			return terms, nil
		}
		terms = append(terms, e.Term)
	}
}
