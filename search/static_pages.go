package search

import (
	"context"
	"fmt"

	segment "github.com/blevesearch/scorch_segment_api/v2"

	"kb/internal/workers"
)

// StaticPages is the pages' part of a static export: each page's file,
// and the words of their stored text. BuildWithPages makes it from the
// index's segments while it merges them, a merge the builder otherwise
// waits for on one core, and ExportStatic finishes the export with it.
type StaticPages struct {
	docs *docStream
	d    *exportData
	urls []string // of the pages read into d, in the index's order
}

// NewStaticPages returns the pages' part of an export that writes through
// w, every file under dir, as ExportStatic's dir.
func NewStaticPages(w FileWriter, dir string) *StaticPages {
	return &StaticPages{docs: &docStream{w: w, dir: dir}}
}

// read reads the pages of the documents of urls, in order, from the
// segments at paths, each holding the next perSeg of them (the last one
// the rest), as the merged index would give them. Each goroutine reads one
// segment after another, its documents in order: a large site's segments
// are too many to keep open at once.
func (p *StaticPages) read(ctx context.Context, paths []string, perSeg int, urls []string) (err error) {
	p.urls = urls
	p.d, err = readPages(ctx, urls, p.docs, func(_ []string, goroutines int, page func(int, sdoc) error) error {
		return workers.Run(ctx, len(paths), goroutines, func(w, g int) (err error) {
			seg, err := segmentPlugin.Open(paths[g])
			if err != nil {
				return err
			}
			defer func() {
				if cerr := seg.Close(); err == nil {
					err = cerr
				}
			}()
			for num := range seg.Count() {
				i := g*perSeg + int(num)
				if i >= len(urls) {
					return fmt.Errorf("segment %d holds more than the %d pages indexed", g, len(urls))
				}
				sd, err := storedDoc(seg, num, urls[i])
				if err != nil {
					return err
				}
				if err := page(w, sd); err != nil {
					return err
				}
			}
			return nil
		})
	})
	return err
}

// storedDoc reads the page u, document num of seg, as readDoc reads it
// from an index.
func storedDoc(seg segment.Segment, num uint64, u string) (sdoc, error) {
	sd := sdoc{url: u, id: u}
	var id string
	err := seg.VisitStoredFields(num, func(field string, _ byte, value []byte, _ []uint64) bool {
		// Every field is visited: the segment library mishandles a
		// visit stopped early.
		if field == "_id" {
			id = string(value)
		} else {
			sd.setStored(field, string(value))
		}
		return true
	})
	if err != nil {
		return sdoc{}, err
	}
	if id != u {
		return sdoc{}, fmt.Errorf("page %s: the segment holds %q in its place", u, id)
	}
	sd.an = anCode(sd.lang)
	return sd, nil
}
