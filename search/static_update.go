package search

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2/document"
	index "github.com/blevesearch/bleve_index_api"
)

// StaticBundle is a static search bundle as last written (see
// ExportStatic), kept in memory so that Update rewrites only the files a
// change of some pages touches: the pages' own files, the chunks holding
// their terms, meta.bin and the manifest. Every file but the manifest is
// named by a hash of its bytes, and chunks are cut where their items say
// (see chunked), so an updated bundle is the bundle a full export of the
// same index writes, byte for byte.
type StaticBundle struct {
	dir  string
	d    *exportData
	have map[string]bool // files of the bundle, by name under dir
}

// StaticUpdate says what Update wrote and what it left for the caller to
// remove.
type StaticUpdate struct {
	*StaticStats
	// Stale are the files of the bundle before the update that it no
	// longer names, relative to the bundle's folder: once Update has
	// written the new manifest, nothing leads to them.
	Stale []string
}

// LoadStatic reads the bundle ExportStatic writes of ix under dir, without
// writing anything: the state of a bundle written before, for Update.
func LoadStatic(ctx context.Context, ix *Index, dir string) (*StaticBundle, error) {
	d, err := readIndex(ctx, ix.b, nil)
	if err != nil {
		return nil, fmt.Errorf("static search: %w", err)
	}
	files, err := d.encode(ctx, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("static search: %w", err)
	}
	b := &StaticBundle{dir: dir, d: d}
	b.have = names(files)
	return b, nil
}

// names returns the names of files but the manifest.
func names(files []bundleFile) map[string]bool {
	out := make(map[string]bool, len(files))
	for _, f := range files {
		if f.part != "manifest" {
			out[f.name] = true
		}
	}
	return out
}

// prepare sorts the keys of what readIndex read and lists the spellings.
func (d *exportData) prepare() {
	d.postKeys = slices.SortedFunc(maps.Keys(d.post), jsCompare)
	d.wordKeys = slices.SortedFunc(maps.Keys(d.words), jsCompare)
	d.spellings()
}

// Update brings the bundle in step with ix after the pages changed (as
// they were indexed) were indexed again or added, and the pages removed
// (by URL) were deleted: it reads from ix only those pages and the
// postings of their terms, writes through w the files that changed and
// then the manifest, and reports the files no longer named. On error the
// bundle must be loaded again.
func (b *StaticBundle) Update(ctx context.Context, ix *Index, w FileWriter, changed []Doc, removed []string) (*StaticUpdate, error) {
	st, err := b.update(ctx, ix, w, changed, removed)
	if err != nil {
		return nil, fmt.Errorf("static search: %w", err)
	}
	return st, nil
}

// fieldTerm is a term of a field (an index into staticFields, or -1 for
// FieldJoins).
type fieldTerm struct {
	f int
	t string
}

func (b *StaticBundle) update(ctx context.Context, ix *Index, w FileWriter, changed []Doc, removed []string) (*StaticUpdate, error) {
	d := b.d
	r, ids, urls, err := openExportReader(ix.b)
	if err != nil {
		return nil, err
	}
	defer r.Close()

	// The pages as they were, by number, that changed or went.
	gone := map[string]bool{}
	for _, u := range removed {
		gone[u] = true
	}
	for _, doc := range changed {
		gone[doc.URL] = true
	}
	var old []uint32
	oldNum := make(map[string]uint32, len(d.docs))
	for i, sd := range d.docs {
		oldNum[sd.id] = uint32(i)
		if gone[sd.id] {
			old = append(old, uint32(i))
		}
	}

	// The terms they held and hold.
	touched := map[fieldTerm]bool{}
	for _, s := range []map[string]*pentry{d.post, d.words, d.pairs} {
		for key, e := range s {
			t, _, _ := strings.Cut(key, "\x00")
			for f, l := range e.fields {
				if l != nil && holdsAny(l.docs, old) {
					touched[fieldTerm{f, t}] = true
				}
			}
		}
	}
	for t, docs := range d.joinDocs {
		if holdsAny(docs, old) {
			touched[fieldTerm{-1, t}] = true
		}
	}
	m := ix.b.Mapping()
	for _, doc := range changed {
		bd := document.NewDocument(doc.URL)
		if err := m.MapDocument(bd, doc.capped()); err != nil {
			return nil, err
		}
		analyzeDoc(bd, nil)
		bd.VisitFields(func(fl index.Field) {
			f := slices.Index(staticFields, fl.Name())
			if fl.Name() == FieldJoins {
				f = -1
			} else if f < 0 {
				return
			}
			for t := range fl.AnalyzedTokenFrequencies() {
				touched[fieldTerm{f, t}] = true
			}
		})
	}

	// Surfaces of the pages as they were.
	surfTouched := map[string]bool{}
	for _, n := range old {
		for _, s := range docSurfaces(&d.docs[n]) {
			d.surf[s]--
			if d.surf[s] == 0 {
				delete(d.surf, s)
			}
			surfTouched[s] = true
		}
	}

	// Forget the postings of the touched terms, and which entries that
	// leaves.
	postTouched, wordTouched := map[string]bool{}, map[string]bool{}
	joined := map[string]bool{}
	clear := func(s map[string]*pentry, key string, f int, keys map[string]bool) {
		if e := s[key]; e != nil {
			e.fields[f], e.enc = nil, nil
		}
		keys[key] = true
	}
	for tm := range touched {
		switch {
		case tm.f < 0:
			j, _, _ := strings.Cut(tm.t, "|")
			joined[j] = true
			if e := d.post[j+"\x00+"]; e != nil {
				e.joins, e.enc = nil, nil
			}
			postTouched[j+"\x00+"] = true
		case tm.f == fieldW:
			clear(d.words, tm.t, tm.f, wordTouched)
		case tm.f == fieldP:
			clear(d.pairs, tm.t, tm.f, map[string]bool{})
		default:
			for _, a := range []string{"en", "nl", "*"} {
				clear(d.post, tm.t+"\x00"+a, tm.f, postTouched)
			}
		}
	}

	// The pages as they are, in their slots (see slotted): a page moves
	// only when one came or went in the run of slots ahead of it, and
	// keeps its place among the others, so the lists holding the pages
	// that moved stay sorted when renumbered.
	slots := slotted(urls)
	newNum := make(map[string]uint32, len(urls))
	for i, u := range slots {
		if u != "" {
			newNum[u] = uint32(i)
		}
	}
	remap := make([]uint32, len(d.docs))
	var moved []uint32
	docs := make([]sdoc, len(slots))
	for n, sd := range d.docs {
		if m, ok := newNum[sd.id]; ok && !gone[sd.id] {
			docs[m] = sd
			remap[n] = m
			if m != uint32(n) {
				moved = append(moved, uint32(n))
			}
		}
	}
	if len(moved) > 0 {
		for _, s := range []map[string]*pentry{d.post, d.words, d.pairs} {
			for _, e := range s {
				for _, l := range e.fields {
					if l != nil && holdsAny(l.docs, moved) {
						for i, n := range l.docs {
							l.docs[i] = remap[n]
						}
						e.enc = nil
					}
				}
			}
		}
		for t, docs := range d.joinDocs {
			if !touched[fieldTerm{-1, t}] {
				for i, n := range docs {
					docs[i] = remap[n]
				}
			}
		}
	}
	d.docs = docs
	for i, u := range slots {
		if u == "" || d.docs[i].id != "" {
			continue
		}
		if d.docs[i], err = readDoc(r, u); err != nil {
			return nil, err
		}
		for _, s := range docSurfaces(&d.docs[i]) {
			d.surf[s]++
			surfTouched[s] = true
		}
	}
	analyses := slices.Clone(d.analyses)
	d.setAnalyses()
	if !slices.Equal(analyses, d.analyses) {
		d.entries = map[string][]byte{}
	}

	// The postings of the touched terms, as they are.
	docnum := d.docNumbers(ids)
	ps := newPostings(r)
	for tm := range touched {
		var err error
		switch {
		case tm.f < 0:
			err = d.readJoin(ctx, ps, docnum, tm.t)
		case tm.f == fieldW:
			err = readTerm(ctx, ps, docnum, d.docs, tm.f, tm.t, false, d.words)
		case tm.f == fieldP:
			err = readTerm(ctx, ps, docnum, d.docs, tm.f, tm.t, false, d.pairs)
		default:
			err = readTerm(ctx, ps, docnum, d.docs, tm.f, tm.t, true, d.post)
		}
		if err != nil {
			return nil, err
		}
	}
	var forms []string
	for t := range d.joinDocs {
		if j, _, _ := strings.Cut(t, "|"); joined[j] {
			forms = append(forms, t)
		}
	}
	slices.Sort(forms)
	for _, t := range forms {
		d.addJoin(t)
	}
	for _, s := range []map[string]*pentry{d.post, d.words, d.pairs} {
		for key, e := range s {
			if e.fields == [6]*plist{} && len(e.joins) == 0 {
				delete(s, key)
			}
		}
	}

	// The sorted lists: keys, surfaces, spellings.
	d.postKeys = resorted(d.postKeys, postTouched, func(k string) bool { return d.post[k] != nil }, jsCompare)
	d.wordKeys = resorted(d.wordKeys, wordTouched, func(k string) bool { return d.words[k] != nil }, jsCompare)
	d.touchHeads(postTouched)
	for k := range wordTouched {
		surfTouched[k] = true
	}
	d.dictKeys = resorted(d.dictKeys, surfTouched, func(s string) bool {
		return (d.surf[s] > 0 || d.words[s] != nil) && d.entry(s) != nil
	}, jsCompare)
	spellTouched := map[string]bool{}
	for k := range postTouched {
		t, _, _ := strings.Cut(k, "\x00")
		spellTouched[t] = true
	}
	for k := range wordTouched {
		spellTouched[k] = true
	}
	spellKeys := map[string]bool{}
	for t := range spellTouched {
		if m := d.spellMask(t); m != d.spell[t] {
			delete(d.spellEnc, t)
			if m == 0 {
				delete(d.spell, t)
			} else {
				d.spell[t] = m
			}
			spellKeys[spellKey(t)] = true
		}
	}
	d.spellKeys = resorted(d.spellKeys, spellKeys, func(k string) bool {
		return d.spell[k[strings.IndexByte(k, ' ')+1:]] != 0
	}, jsCompare)

	files, err := d.encodeGzipped(ctx, b.have)
	if err != nil {
		return nil, err
	}
	st, err := writeBundle(ctx, w, b.dir, files)
	if err != nil {
		return nil, err
	}
	now := names(files)
	up := &StaticUpdate{StaticStats: st}
	for name := range b.have {
		if !now[name] {
			up.Stale = append(up.Stale, name)
		}
	}
	slices.Sort(up.Stale)
	b.have = now
	return up, nil
}

// holdsAny reports whether the sorted list docs holds one of ns.
func holdsAny(docs, ns []uint32) bool {
	for _, n := range ns {
		if _, ok := slices.BinarySearch(docs, n); ok {
			return true
		}
	}
	return false
}

// resorted updates keys, sorted by cmp, for a change of the keys touched:
// those of them for which in holds are in the result, the others not.
func resorted(keys []string, touched map[string]bool, in func(string) bool, cmp func(a, b string) int) []string {
	var add []string
	for k := range touched {
		if in(k) {
			add = append(add, k)
		}
	}
	slices.SortFunc(add, cmp)
	out := make([]string, 0, len(keys)+len(add))
	i := 0
	for _, k := range keys {
		if touched[k] {
			continue
		}
		for i < len(add) && cmp(add[i], k) < 0 {
			out = append(out, add[i])
			i++
		}
		out = append(out, k)
	}
	return append(out, add[i:]...)
}
