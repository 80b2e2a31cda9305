package search

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/util"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	zap "github.com/blevesearch/zapx/v15"

	"kb/internal/workers"
)

// MaxBodyBytes caps the body text indexed per document.
const MaxBodyBytes = 200 << 10

// Build writes a new index of docs at dir, which must not exist yet. The
// builder's temporary files go under tmpDir, which must be on the same file
// system as dir (the finished segment is moved into place with a rename).
// The document ID is the page URL.
//
// The index is reproducible: the same docs give the same bytes, and pages
// that score the same come back in the order of their URLs, as in the
// static search (see ExportStatic). bleve's own offline builder gives
// neither: it numbers the documents of a batch in the order of a Go map,
// and stamps its root file with the time. So Build numbers the documents
// by URL, writes the segments itself and merges them in order, and writes
// the root file the way bleve's builder does, with a fixed time.
func Build(ctx context.Context, dir, tmpDir string, docs []Doc) error {
	docs = slices.Clone(docs)
	slices.SortFunc(docs, func(a, b Doc) int { return strings.Compare(a.URL, b.URL) })
	return BuildFrom(ctx, dir, tmpDir, len(docs), func(i int) Doc { return docs[i] })
}

// BuildFrom is Build for n documents that doc returns one at a time, in
// the order of their URLs, which must differ. Only a segment's worth of
// documents is held at once: a large site's text need not be copied into
// documents all together.
func BuildFrom(ctx context.Context, dir, tmpDir string, n int, doc func(i int) Doc) error {
	return BuildWithPages(ctx, dir, tmpDir, n, doc, nil)
}

// BuildWithPages is BuildFrom that also makes pages, the pages' part of
// the index's static export (see StaticPages), unless pages is nil.
func BuildWithPages(ctx context.Context, dir, tmpDir string, n int, doc func(i int) Doc, pages *StaticPages) error {
	if err := build(ctx, dir, tmpDir, n, doc, pages); err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	return nil
}

// segmentPlugin is the segment format written. zap 15 is the newest whose
// files are the same for the same documents: later versions write a
// segment's sections in the order of a Go map.
var segmentPlugin scorch.SegmentPlugin = &zap.ZapPlugin{}

// mergeMax is how many segments one merge reads at most: a site of up to
// 10,000 pages (200 segments, see batchSize) is merged in one round.
// Each round writes every posting again: merging 10,000 pages' segments
// twenty at a time, then the ten results, took 8 % more of the build's
// CPU (and 9 % of its time) than merging them at once, which took 40 MB
// more memory. A merge holds each of its segments open, and a first
// round runs a merge on each core.
var mergeMax = 200

// segmentFile is the name of the index's one segment, the name scorch
// gives the segment of an index written in a single batch.
const segmentFile = "000000000002.zap"

func build(ctx context.Context, dir, tmpDir string, total int, doc func(int) Doc, pages *StaticPages) (err error) {
	m := NewMapping()
	if err := m.Validate(); err != nil {
		return err
	}
	if err := writeIndexMeta(dir); err != nil {
		return err
	}
	work, err := os.MkdirTemp(tmpDir, "kb-index-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	ams := make([]*analyzer, runtime.GOMAXPROCS(0))
	urls := make([]string, total)
	segs, err := writeSegments(ctx, work, ams, total, func(i int) Doc {
		d := doc(i)
		urls[i] = d.URL
		return d
	})
	if err != nil {
		return err
	}
	// With pages, the pages are read from the segments while they are
	// merged: the first merges leave the segments they read in work, and
	// the last segment is not moved, until the pages are read.
	pagesRead := func() error { return nil }
	if pages != nil {
		rctx, cancel := context.WithCancel(ctx)
		defer cancel()
		read := make(chan error, 1)
		go func(segs []string) { read <- pages.read(rctx, segs, batchSize(total), urls) }(segs)
		pagesRead = sync.OnceValue(func() error { return <-read })
		defer func() {
			cancel()
			if rerr := pagesRead(); err == nil {
				err = rerr
			}
		}()
	}
	// Merge consecutive segments, so that the documents keep their order.
	for round := 0; len(segs) > 1; round++ {
		// The merges of a round are independent. Those of the first,
		// of segments of at most batchSize pages, run on every core;
		// later ones one at a time: two merges of 10,000 pages side by
		// side took 400 MB more of a 100,000-page build's 4.3 GB.
		merged := make([]string, (len(segs)+mergeMax-1)/mergeMax)
		side := 1
		if round == 0 {
			side = 0
		}
		err := workers.Run(ctx, len(merged), side, func(_, g int) error {
			group := segs[g*mergeMax : min((g+1)*mergeMax, len(segs))]
			if len(group) == 1 {
				merged[g] = group[0]
				return nil
			}
			merged[g] = filepath.Join(work, fmt.Sprintf("merged-%d-%d.zap", round, g))
			return mergeSegments(group, merged[g], round > 0 || pages == nil)
		})
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		segs = merged
	}
	if err := pagesRead(); err != nil {
		return err
	}
	store := filepath.Join(dir, "store")
	if err := os.MkdirAll(store, 0o700); err != nil {
		return err
	}
	if err := os.Rename(segs[0], filepath.Join(store, segmentFile)); err != nil {
		return err
	}
	return writeRoot(store, m)
}

// writeIndexMeta creates dir and writes the file that tells bleve how the
// index at dir is stored.
func writeIndexMeta(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	meta, err := json.Marshal(map[string]string{"storage": scorch.Name, "index_type": scorch.Name})
	if err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(dir, "index_meta.json"), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if err != nil {
		return err
	}
	if _, err := f.Write(meta); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// analyzer is what one goroutine analyses documents with.
type analyzer struct {
	m mapping.IndexMapping // an analysisMapping
	f freqs
}

// analyzeBatch analyses docs for a segment, on every core: goroutine w
// with analyzers[w] (made on first use).
func analyzeBatch(analyzers []*analyzer, docs []Doc) ([]index.Document, error) {
	results := make([]index.Document, len(docs))
	err := workers.Run(context.Background(), len(docs), len(analyzers), func(w, i int) error {
		if analyzers[w] == nil {
			analyzers[w] = &analyzer{m: analysisMapping()}
		}
		m := analyzers[w].m
		d := docs[i].normalized().capped()
		doc := document.NewDocument(d.URL)
		if err := m.MapDocument(doc, d); err != nil {
			return fmt.Errorf("%s: %w", d.URL, err)
		}
		doc.AddIDField()
		analyzeDoc(doc, &analyzers[w].f)
		results[i] = doc
		return nil
	})
	return results, err
}

// persistSegment writes the segment of analysed documents, numbered in
// their order, at path.
func persistSegment(results []index.Document, path string) (err error) {
	defer func() {
		if r := recover(); r != nil { // as the index library reports a full disk
			err = fmt.Errorf("%v", r)
		}
	}()
	seg, _, err := segmentPlugin.New(results)
	if err != nil {
		return err
	}
	defer seg.Close()
	us, ok := seg.(segment.UnpersistedSegment)
	if !ok {
		return fmt.Errorf("segment %T cannot be written to a file", seg)
	}
	return us.Persist(path)
}

// writeSegments writes the segments of total documents, batchSize(total)
// a segment, in work, and returns their paths in order. A batch is
// analysed on every core, then made into its segment on one, one batch
// after the other: while a segment is made, the builder's other work (the
// pages it renders meanwhile) has the other core. Analysing the next batch
// meanwhile held two batches' analysis at once, for little time saved.
func writeSegments(ctx context.Context, work string, ams []*analyzer, total int, doc func(int) Doc) ([]string, error) {
	var segs []string
	n := batchSize(total)
	batch := make([]Doc, 0, n)
	for start := 0; start == 0 || start < total; start += n {
		if err := ctx.Err(); err != nil {
			return segs, err
		}
		batch = batch[:0]
		for i := start; i < min(start+n, total); i++ {
			batch = append(batch, doc(i))
		}
		results, err := analyzeBatch(ams, batch)
		if err != nil {
			return segs, err
		}
		path := filepath.Join(work, fmt.Sprintf("new-%d.zap", len(segs)))
		if err := persistSegment(results, path); err != nil {
			return segs, err
		}
		segs = append(segs, path)
	}
	return segs, nil
}

// mergeSegments merges the segments at paths, in order, into one at path,
// and removes them if remove is set.
func mergeSegments(paths []string, path string, remove bool) (err error) {
	segs := make([]segment.Segment, 0, len(paths))
	defer func() {
		for _, s := range segs {
			if cerr := s.Close(); err == nil {
				err = cerr
			}
		}
		if err == nil && remove {
			for _, p := range paths {
				if rerr := os.Remove(p); err == nil {
					err = rerr
				}
			}
		}
	}()
	for _, p := range paths {
		s, err := segmentPlugin.Open(p)
		if err != nil {
			return err
		}
		segs = append(segs, s)
	}
	_, _, err = segmentPlugin.Merge(segs, make([]*roaring.Bitmap, len(segs)), path, nil, nil)
	return err
}

// rootTime is the time written in the root file: the Unix epoch, so that
// the file does not change from one build to the next.
var rootTime = time.Unix(0, 0).UTC()

// writeRoot writes store's root.bolt, which names the index's segment and
// holds the mapping, in the layout bleve's offline builder writes: one
// snapshot, epoch 3, with one segment, ID 0.
func writeRoot(store string, m mapping.IndexMapping) error {
	mappingJSON, err := util.MarshalJSON(m)
	if err != nil {
		return err
	}
	stamp, err := rootTime.MarshalText()
	if err != nil {
		return err
	}
	path := filepath.Join(store, "root.bolt")
	w, err := util.NewFileWriter([]byte(path))
	if err != nil {
		return err
	}
	db, err := util.OpenBolt(path, 0o600, nil)
	if err != nil {
		return err
	}
	err = db.Update(func(tx *util.BoltTxImpl) error {
		snapshots, err := tx.CreateBucketIfNotExists(util.BoltSnapshotsBucket)
		if err != nil {
			return err
		}
		snapshot, err := snapshots.CreateBucketIfNotExists(ascendingKey(3))
		if err != nil {
			return err
		}
		version := binary.BigEndian.AppendUint32(nil, segmentPlugin.Version())
		for _, kv := range []struct{ bucket, k, v []byte }{
			{util.BoltMetaDataKey, util.BoltMetaDataSegmentTypeKey, []byte(segmentPlugin.Type())},
			{util.BoltMetaDataKey, util.BoltMetaDataSegmentVersionKey, version},
			{util.BoltMetaDataKey, util.BoltMetaDataFileWriterIDKey, []byte(w.Id())},
			{util.BoltMetaDataKey, util.BoltMetaDataTimeStamp, stamp},
			{util.BoltInternalKey, util.MappingInternalKey, mappingJSON},
			{ascendingKey(0), util.BoltPathKey, []byte(segmentFile)},
		} {
			b, err := snapshot.CreateBucketIfNotExists(kv.bucket)
			if err != nil {
				return err
			}
			if err := b.Put(kv.k, kv.v, w); err != nil {
				return err
			}
		}
		return nil
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	return err
}

// ascendingKey encodes a small number as scorch's root file keys its
// snapshots and segments.
func ascendingKey(n byte) []byte {
	const zero = 136 // scorch's encoding of 0; 1 to 109 follow it
	return []byte{zero + n}
}

// batchSize returns the number of documents per segment before the merge
// for n documents: at most 50 (a segment being written takes up to about
// 2 MB of memory per page, all of its pages analyzed at once: with 100, a
// 1,000-page build peaked 7 MB higher; with merges of up to mergeMax
// segments, 1,000 and 10,000 pages take one round of merges, 100,000
// two), and at most half of them, so that there are always at least two
// segments to merge. Only a merge writes a term found once in one
// page inline in the dictionary ("1-hit" encoding), which makes a small
// site's index a third smaller.
func batchSize(n int) int {
	return max(1, min(50, (n+1)/2))
}
