package search

import (
	"context"
	"fmt"

	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// StaticPages is the pages' part of a static export: each page's file,
// and the words of their stored text. BuildWithPages makes it from the
// index's segments while it merges them, a merge the builder otherwise
// waits for on one core, and ExportStatic finishes the export with it.
type StaticPages struct {
	docs *docStream
	d    *exportData
}

// NewStaticPages returns the pages' part of an export that writes through
// w, every file under dir, as ExportStatic's dir.
func NewStaticPages(w FileWriter, dir string) *StaticPages {
	return &StaticPages{docs: &docStream{w: w, dir: dir}}
}

// read reads the pages of the documents of urls, in order, from the
// segments at paths, each holding the next perSeg of them (the last one
// the rest), as the merged index would give them.
func (p *StaticPages) read(ctx context.Context, paths []string, perSeg int, urls []string) (err error) {
	segs := make([]segment.Segment, 0, len(paths))
	defer func() {
		for _, s := range segs {
			if cerr := s.Close(); err == nil {
				err = cerr
			}
		}
	}()
	for _, path := range paths {
		s, err := segmentPlugin.Open(path)
		if err != nil {
			return err
		}
		segs = append(segs, s)
	}
	num := make(map[string]int, len(urls))
	for i, u := range urls {
		num[u] = i
	}
	p.d, err = readPages(ctx, urls, func(u string) (sdoc, error) {
		i := num[u]
		return storedDoc(segs[i/perSeg], uint64(i%perSeg), u)
	}, p.docs)
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
