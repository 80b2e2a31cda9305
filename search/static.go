package search

import (
	"context"
	"fmt"
	"maps"
	"math"
	"runtime"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/nl"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/registry"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"

	"kb/internal/workers"
)

// The static search bundle lets the theme's search box work on a plain
// static web server, with no `kb serve` to answer /_search. ExportStatic
// reads a finished index — its documents, its analysers' output, its term
// dictionaries and postings — and writes it out as small files a browser
// fetches only as a query needs them (see themes/default/static/
// search-static/, which ranks with the same weights as Search):
//
//	manifest.json   the only file with a fixed name (JSON, staticManifest),
//	                kept small as it is read again on every visit:
//	                format, counts of pages and of page numbers
//	                (slots), analyses, the ranking constants,
//	                and the names of i/, m/, t/, r/ and g/
//	i/H.bin         the index (JSON, staticIndex): the first key of every
//	                chunk of d/, p/, w/, s/ and h/, the pair bucket shift,
//	                the name chunk shift, and the names of the chunks of
//	                every part below but f/ (the pages' are in n/)
//	m/H.bin         meta.bin, JSON (staticMeta): per page its number,
//	                its language, kind and the length of its body; the
//	                tag names; the stop words
//	t/H.bin         JSON (staticTags): per page its tags, as indexes into
//	                meta.bin's; read only by a query that filters or
//	                counts by tag
//	r/H.bin         JSON (staticRanks): per page its place in URL order,
//	                which breaks ties between equal scores; read only by
//	                a query whose results it orders
//	k/N.bin         the pages holding tag N (of meta.bin's tags): for a
//	                query naming the tag, the list as plist.appendTo
//	                writes it, the length being the page's number of tags
//	n/N.bin         the names of the f/ files of 2^shift page numbers in
//	                a row (see nameShift), back to back, dashes for an
//	                empty slot: a query reads those of the pages it shows
//	d/N.bin         surface dictionary, a JSON array of entries
//	                [word, code per analysis…]: every word as written
//	                (lower-cased, split as bleve's unicode tokenizer
//	                splits) and the term each analysis makes of it (see
//	                termCode), sorted in JavaScript string order
//	p/N.bin         postings of analysed terms, keyed "term\x00analysis"
//	                (and "word\x00+" entries holding the hyphenated forms
//	                of a word written joined, see FieldJoins)
//	                (a term's analyses side by side, in one chunk): for
//	                title, headings, summary and body, the pages holding
//	                the term with its frequency and the field's length
//	                (the body's is in meta.bin), and how many
//	                pages of other analyses hold it (bleve's idf counts
//	                them all). Binary: uvarint count, then entries as
//	                pentry.encode writes them
//	w/N.bin         the same for the folded words of titles, headings and
//	                summaries (FieldWords), keyed by the word, for matching
//	                the word being typed by its prefix
//	s/N.bin         JSON array of [term, mask]: every term of the bodies
//	                (mask 1) and of FieldWords (mask 2), sorted by
//	                spellKey (first letter, length, term), so that the
//	                terms spelt like a word are found in a few chunks
//	h/N.bin         JSON array of the terms of the text fields (any
//	                analysis) long enough to be compounds, sorted by the
//	                term reversed, so that the compounds ending with a
//	                word are found in a few chunks (see heads.go)
//	x/N.bin         postings of the word-pair hashes of FieldPairs, in
//	                buckets of hash ranges: uvarint count, then per hash
//	                uvarint (hash − bucket base), pages, frequencies and
//	                lengths
//	g/H.bin         JSON (staticGroups): the translation groups, by page
//	f/H.bin         JSON (staticDoc), one per page: URL,
//	                title, kind, language, tags, summary and text, for
//	                the result list, snippets and quoted phrases
//
// Above, N is a chunk's number, in order; on disk every file but the
// manifest is named H, a hash of its bytes (see encode), listed in the
// manifest or the index (the pages' in n/): it may be cached for good, and a
// bundle updated after a change of some pages (StaticBundle.Update)
// rewrites only the files whose bytes changed. Chunks are cut where their
// own items say (see chunked), so a change moves only the cuts near it.
//
// Pages are numbered by slot (see slotted). Every file but
// the manifest is gzip data (the browser inflates it with
// DecompressionStream unless the server already did), so what travels is
// compressed whatever the web server does. The same index gives the same
// bytes.

// StaticFormat is the version of the bundle's layout, checked by the
// client.
const StaticFormat = 8

// Sizes of the bundle's parts.
const (
	// Chunks hold about this much uncompressed (see chunked): about 3 kB
	// and 5 kB compressed, so that each word of a query costs little.
	dictChunkBytes = 10 << 10
	postChunkBytes = 8 << 10
	// pairBucketBytes is the uncompressed size aimed at for one bucket of
	// word-pair postings.
	pairBucketBytes = 3 << 10
)

// Fields of a posting entry, in the order of its field mask bits.
var staticFields = []string{FieldTitle, FieldHeadings, FieldSummary, FieldBody, FieldWords, FieldPairs}

// Indexes of FieldWords and FieldPairs in staticFields.
const (
	fieldW = 4
	fieldP = 5
)

// FileWriter receives the bundle's files: slash-separated paths, and may be
// called from several goroutines at once.
type FileWriter interface {
	WriteFile(name string, data []byte) error
}

// StaticStats says what ExportStatic wrote.
type StaticStats struct {
	// Dir is the content folder written, relative to the bundle's folder
	// ("3f2a…/"); the manifest names it.
	Dir   string
	Docs  int
	Files int
	Bytes int64
	// Parts counts files and bytes per part: "manifest", "index", "meta",
	// "tags", "names", "dict", "spell", "heads", "post", "words", "pairs",
	// "docs".
	Parts map[string]PartStats
}

// PartStats counts the files and bytes of one part of the bundle.
type PartStats struct {
	Files int
	Bytes int64
}

// sdoc is one page as the bundle keeps it.
type sdoc struct {
	url, title, summary, body, kind, lang string
	group                                 string // see Doc.Group
	tags                                  []string
	id                                    string // the index's _id
	enc                                   []byte // f/ file, once encoded
	// file names the f/ file written as the page was read (docStream),
	// which then let go of its title, summary and body.
	file string
	an   string // analysis code: "en", "nl" or "*"
}

// plist is one posting list, in page-number order.
type plist struct {
	docs []uint32
	// freqs and lens are, per page, how often the term occurs in the field
	// and the field's length in terms.
	freqs, lens []uint32
	// other counts the pages of other analyses holding the term in this
	// field: bleve's idf counts every page of the index.
	other uint32
}

// pentry is the postings of one key in each field.
type pentry struct {
	key    string
	fields [6]*plist
	// joins, in the entry "joined\x00+", are the hyphenated forms of the
	// word (see FieldJoins).
	joins []string
	// enc is the entry as encode writes it, nil until then and after a
	// change.
	enc []byte
}

// exportData is everything read from the index.
type exportData struct {
	docs     []sdoc
	analyses []string // analysis codes present, in order "en", "nl", "*"
	post     map[string]*pentry
	words    map[string]*pentry
	pairs    map[string]*pentry // by pair term
	stop     map[string][]string

	// joinDocs holds the pages of each term of FieldJoins.
	joinDocs map[string][]uint32
	// surf counts the pages whose stored text holds each surface form.
	surf map[string]int
	// postKeys and wordKeys are the keys of post and words, sorted.
	postKeys, wordKeys []string
	// dictKeys are the surfaces of the dictionary, sorted; entries caches
	// their entries (see entry).
	dictKeys []string
	entries  map[string][]byte
	ans      map[string]analysis.Analyzer
	isStop   map[string]map[string]bool
	tok      analysis.Tokenizer
	// spell holds the mask of every term of the spelling lists (see
	// spellings), spellEnc their JSON.
	spell     map[string]int
	spellEnc  map[string][]byte
	spellKeys []string
	// headKeys are the terms of h/ reversed, sorted (see headList), once
	// listed (headsListed).
	headKeys    []string
	headsListed bool
}

// anCode is the key prefix of the analysis of lang: "en", "nl", or "*" for
// every language analysed by the standard analyzer.
func anCode(lang string) string {
	if k := langKey(lang); k != "" {
		return k
	}
	return "*"
}

// ExportStatic writes the static search bundle of idx through w, every
// file under dir (for example "_kb/static-search"). It reads the index
// only. Identical indexes give identical files.
func ExportStatic(ctx context.Context, ix *Index, w FileWriter, dir string) (*StaticStats, error) {
	return ExportStaticWith(ctx, ix, NewStaticPages(w, dir))
}

// ExportStaticWith is ExportStatic through pages' writer, under its dir,
// with the pages' part of the export BuildWithPages made in pages for ix,
// or, when pages holds none, reading them from ix.
func ExportStaticWith(ctx context.Context, ix *Index, pages *StaticPages) (*StaticStats, error) {
	docs := pages.docs
	w, dir := docs.w, docs.dir
	var d *exportData
	var err error
	if pages.d == nil {
		d, err = readIndex(ctx, ix.b, docs)
	} else {
		d, err = readWithPages(ctx, ix.b, pages.d, pages.urls)
		pages.d, pages.urls = nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("static search: %w", err)
	}
	files, err := d.encodeGzipped(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("static search: %w", err)
	}
	st, err := writeBundle(ctx, w, dir, files)
	if err != nil {
		return nil, err
	}
	p := st.Parts["docs"]
	p.Files += docs.files
	p.Bytes += docs.bytes
	st.Parts["docs"] = p
	st.Files += docs.files
	st.Bytes += docs.bytes
	return st, nil
}

// readIndex reads the pages, postings and surface forms of idx, and
// prepares them to be encoded (see prepare). With docs, each page's file
// is written as it is read, and its text let go.
func readIndex(ctx context.Context, idx bleve.Index, docs *docStream) (*exportData, error) {
	r, ids, urls, err := openExportReader(idx)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	d, err := readPages(ctx, urls, docs, func(slots []string, goroutines int, page func(int, sdoc) error) error {
		return workers.Run(ctx, len(slots), goroutines, func(w, i int) error {
			if slots[i] == "" {
				return nil
			}
			sd, err := readDoc(r, slots[i])
			if err != nil {
				return err
			}
			return page(w, sd)
		})
	})
	if err != nil {
		return nil, err
	}
	return readRest(ctx, idx, r, ids, d)
}

// readWithPages is readIndex with the pages d read, for the documents of
// urls, from the index's segments before they were merged into idx (see
// StaticPages).
func readWithPages(ctx context.Context, idx bleve.Index, d *exportData, urls []string) (*exportData, error) {
	r, ids, indexed, err := openExportReader(idx)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	if !slices.Equal(urls, indexed) {
		return nil, fmt.Errorf("the pages read are not the index's: %d read, %d indexed", len(urls), len(indexed))
	}
	return readRest(ctx, idx, r, ids, d)
}

// readPages reads the pages of urls (the index's, in its order) with
// read, and counts the words of their stored text (exportData.surf). With
// docs, each page's file is written as it is read, and its text let go.
// read calls page with each page of slots (urls slotted, "" where none is)
// on goroutines goroutines, telling it which.
func readPages(ctx context.Context, urls []string, docs *docStream, read func(slots []string, goroutines int, page func(w int, sd sdoc) error) error) (*exportData, error) {
	slots := slotted(urls)
	slotOf := make(map[string]int, len(urls))
	for i, u := range slots {
		if u != "" {
			slotOf[u] = i
		}
	}
	d := &exportData{docs: make([]sdoc, len(slots))}
	// The pages are read on every core, one goroutine each, with a
	// compressor (a megabyte) of its own. Each goroutine counts the pages
	// each word is on in a counter of its own: keeping every page's words
	// until all are read took more memory than any other part of a large
	// build.
	readGoroutines := runtime.GOMAXPROCS(0)
	counters := make([]*surfaceCounter, readGoroutines)
	if docs != nil {
		docs.gzs = make([]gzipper, readGoroutines)
	}
	err := read(slots, readGoroutines, func(w int, sd sdoc) error {
		if counters[w] == nil {
			counters[w] = newSurfaceCounter()
		}
		counters[w].add(&sd)
		if docs != nil {
			if err := docs.write(w, &sd); err != nil {
				return err
			}
		}
		d.docs[slotOf[sd.id]] = sd
		return nil
	})
	if docs != nil {
		docs.gzs = nil // a megabyte each, for the rest of the export
	}
	if err != nil {
		return nil, err
	}
	d.surf = map[string]int{}
	for _, c := range counters {
		if c != nil {
			for i, w := range c.words {
				d.surf[w] += c.pages[i]
			}
		}
	}
	return d, nil
}

// readRest reads what readPages leaves of idx into d: its postings and
// surface forms, prepared to be encoded. r is a reader of idx, ids its
// pages' internal IDs (see readIDs).
func readRest(ctx context.Context, idx bleve.Index, r index.IndexReader, ids map[string]string, d *exportData) (*exportData, error) {
	var err error
	d.setAnalyses()
	docnum := d.docNumbers(ids)

	if d.words, err = readPostings(ctx, r, docnum, d.docs, []int{fieldW}, false); err != nil {
		return nil, err
	}
	// The surface dictionary needs the words and nothing after them: it
	// is made while the other postings are read, each filling in the
	// other's pauses on one core.
	surfaces := make(chan error, 1)
	go func() { surfaces <- d.readSurfaces(ctx, idx) }()
	err = func() error {
		var err error
		if d.post, err = readPostings(ctx, r, docnum, d.docs, []int{0, 1, 2, 3}, true); err != nil {
			return err
		}
		if d.pairs, err = readPostings(ctx, r, docnum, d.docs, []int{fieldP}, false); err != nil {
			return err
		}
		if err := d.readJoins(ctx, r, docnum); err != nil {
			return err
		}
		d.prepare()
		return nil
	}()
	if serr := <-surfaces; err == nil {
		err = serr
	}
	if err != nil {
		return nil, err
	}
	d.stop = map[string][]string{}
	for _, lang := range []string{"en", "nl"} {
		if d.stop[lang], err = stopList(lang); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// openExportReader opens a reader of idx, and reads its pages' IDs (see
// readIDs).
func openExportReader(idx bleve.Index) (index.IndexReader, map[string]string, []string, error) {
	adv, err := idx.Advanced()
	if err != nil {
		return nil, nil, nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, nil, nil, err
	}
	ids, urls, err := readIDs(r)
	if err != nil {
		_ = r.Close()
		return nil, nil, nil, err
	}
	return r, ids, urls, nil
}

// readIDs returns the internal ID → URL of every page of the index, and
// the URLs in order (the index's _id order, which breaks ties between
// equal scores).
func readIDs(r index.IndexReader) (map[string]string, []string, error) {
	ids := map[string]string{}
	dr, err := r.DocIDReaderAll()
	if err != nil {
		return nil, nil, err
	}
	defer dr.Close()
	for {
		id, err := dr.Next()
		if err != nil {
			return nil, nil, err
		}
		if id == nil {
			break
		}
		ext, err := r.ExternalID(id)
		if err != nil {
			return nil, nil, err
		}
		ids[string(id)] = ext
	}
	urls := make([]string, 0, len(ids))
	for _, u := range ids {
		urls = append(urls, u)
	}
	slices.Sort(urls)
	return ids, urls, nil
}

// docNumbers maps internal IDs (see readIDs) to page numbers (slots).
func (d *exportData) docNumbers(ids map[string]string) map[string]uint32 {
	num := make(map[string]uint32, len(d.docs))
	for i, sd := range d.docs {
		if sd.id != "" {
			num[sd.id] = uint32(i)
		}
	}
	docnum := make(map[string]uint32, len(ids))
	for id, u := range ids {
		docnum[id] = num[u]
	}
	return docnum
}

// setAnalyses lists the analyses of the pages, in order "en", "nl", "*".
func (d *exportData) setAnalyses() {
	seen := map[string]bool{}
	for _, sd := range d.docs {
		if sd.id != "" {
			seen[sd.an] = true
		}
	}
	d.analyses = d.analyses[:0]
	for _, a := range []string{"en", "nl", "*"} {
		if seen[a] {
			d.analyses = append(d.analyses, a)
		}
	}
}

// readDoc reads the stored fields of the page u.
func readDoc(r index.IndexReader, u string) (sdoc, error) {
	doc, err := r.Document(u)
	if err != nil {
		return sdoc{}, err
	}
	sd := sdoc{url: u, id: u}
	if doc != nil {
		doc.VisitFields(func(f index.Field) { sd.setStored(f.Name(), string(f.Value())) })
	}
	sd.an = anCode(sd.lang)
	return sd, nil
}

// setStored sets the part of sd that the stored field named field holds,
// v.
func (sd *sdoc) setStored(field, v string) {
	switch field {
	case FieldURL:
		sd.url = v
	case FieldTitle:
		sd.title = v
	case FieldSummary:
		sd.summary = v
	case FieldBody:
		sd.body = v
	case FieldKind:
		sd.kind = v
	case FieldLang:
		sd.lang = v
	case FieldTags:
		sd.tags = append(sd.tags, v)
	case FieldGroup:
		sd.group = v
	}
}

// readJoins adds the hyphenated forms of FieldJoins to the postings, as
// entries "joined\x00+" (at most maxJoinForms, in dictionary order, as
// plan.hyphenForms reads them), and keeps the pages holding each term of
// FieldJoins (for Update).
func (d *exportData) readJoins(ctx context.Context, r index.IndexReader, docnum map[string]uint32) error {
	dict, err := r.FieldDict(FieldJoins)
	if err != nil {
		return err
	}
	var terms []string
	for {
		e, err := dict.Next()
		if err != nil {
			_ = dict.Close()
			return err
		}
		if e == nil {
			break
		}
		terms = append(terms, e.Term)
	}
	_ = dict.Close()
	d.joinDocs = map[string][]uint32{}
	ps := newPostings(r)
	for _, t := range terms {
		if err := d.readJoin(ctx, ps, docnum, t); err != nil {
			return err
		}
	}
	for _, t := range terms {
		d.addJoin(t)
	}
	return nil
}

// readJoin reads the pages holding the FieldJoins term t.
func (d *exportData) readJoin(ctx context.Context, ps *postings, docnum map[string]uint32, t string) error {
	var docs []uint32
	err := ps.each(ctx, FieldJoins, t, false, func(id index.IndexInternalID, _ uint64, _ float64) {
		if n, ok := docnum[string(id)]; ok {
			docs = append(docs, n)
		}
	})
	if len(docs) == 0 {
		delete(d.joinDocs, t)
	} else {
		slices.Sort(docs)
		d.joinDocs[t] = docs
	}
	return err
}

// addJoin adds the hyphenated form of the FieldJoins term t, when a page
// holds it, to its joined word's entry; terms come in dictionary order.
func (d *exportData) addJoin(t string) {
	j, h, ok := strings.Cut(t, "|")
	if !ok || len(d.joinDocs[t]) == 0 {
		return
	}
	key := j + "\x00+"
	pe := d.post[key]
	if pe == nil {
		pe = &pentry{key: key}
		d.post[key] = pe
	}
	if len(pe.joins) < maxJoinForms {
		pe.joins = append(pe.joins, h)
		pe.enc = nil
	}
}

// stopList returns the stop words of lang's analysis ("en" or "nl"), sorted.
func stopList(lang string) ([]string, error) {
	name := map[string]string{"en": en.StopName, "nl": nl.StopName}[lang]
	tm, err := registry.NewCache().TokenMapNamed(name)
	if err != nil {
		return nil, err
	}
	words := make([]string, 0, len(tm))
	for w := range tm {
		words = append(words, w)
	}
	slices.Sort(words)
	return words, nil
}

// readPostings reads the postings of fields (indexes into staticFields),
// keyed by term and analysis code ("meet\x00en": a term's analyses side by
// side, in one chunk) when text is set, else by the
// term alone.
func readPostings(ctx context.Context, r index.IndexReader, docnum map[string]uint32, docs []sdoc, fields []int, text bool) (map[string]*pentry, error) {
	terms := make([][]string, len(fields))
	for fi, f := range fields {
		dict, err := r.FieldDict(staticFields[f])
		if err != nil {
			return nil, err
		}
		for {
			e, err := dict.Next()
			if err != nil {
				_ = dict.Close()
				return nil, err
			}
			if e == nil {
				break
			}
			terms[fi] = append(terms[fi], e.Term)
		}
		_ = dict.Close()
	}
	// The terms are read on every core, each goroutine taking those of
	// one share of their hashes in every field, so that a term's entry
	// is one goroutine's.
	shares := runtime.GOMAXPROCS(0)
	outs := make([]map[string]*pentry, shares)
	err := workers.Run(ctx, shares, shares, func(_, g int) error {
		out := map[string]*pentry{}
		ps := newPostings(r)
		for fi, f := range fields {
			for i, t := range terms[fi] {
				if termShare(t, shares) != g {
					continue
				}
				if i%1024 == 0 && ctx.Err() != nil {
					return ctx.Err()
				}
				if err := readTerm(ctx, ps, docnum, docs, f, t, text, out); err != nil {
					return err
				}
			}
		}
		outs[g] = out
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := outs[0]
	for _, o := range outs[1:] {
		maps.Copy(out, o)
	}
	return out, nil
}

// termShare is the share of n that t is read in (see readPostings).
func termShare(t string, n int) int {
	h := uint32(2166136261) // FNV-1a
	for i := 0; i < len(t); i++ {
		h = (h ^ uint32(t[i])) * 16777619
	}
	return int(h % uint32(n))
}

// readTerm reads the postings of t in staticFields[f] into the entries of
// out (see readPostings), making those it needs.
func readTerm(ctx context.Context, ps *postings, docnum map[string]uint32, docs []sdoc, f int, t string, text bool, out map[string]*pentry) error {
	lists := map[string]*plist{}
	var total uint32
	err := ps.each(ctx, staticFields[f], t, true, func(id index.IndexInternalID, freq uint64, norm float64) {
		n, ok := docnum[string(id)]
		if !ok {
			return
		}
		key := t
		if text {
			key = t + "\x00" + docs[n].an
		}
		l := lists[key]
		if l == nil {
			l = &plist{}
			lists[key] = l
		}
		l.docs = append(l.docs, n)
		l.freqs = append(l.freqs, uint32(freq))
		l.lens = append(l.lens, fieldLength(norm))
		total++
	})
	if err != nil {
		return err
	}
	for key, l := range lists {
		l.other = total - uint32(len(l.docs))
		l.sort()
		e := out[key]
		if e == nil {
			e = &pentry{key: key}
			out[key] = e
		}
		e.fields[f] = l
		e.enc = nil
	}
	return nil
}

// pairHash decodes a pair term (see pairTerm) back into its 16-bit hash.
func pairHash(t string) (uint16, bool) {
	if len(t) != 3 {
		return 0, false
	}
	var h uint16
	for i := 2; i >= 0; i-- {
		j := strings.IndexByte(pairAlphabet, t[i])
		if j < 0 {
			return 0, false
		}
		h = h<<6 | uint16(j)
	}
	return h, true
}

// postings reads the postings of terms for one goroutine: through the
// index's segment when it has only one, as an index kb builds has, with a
// dictionary per field and one postings list and iterator reused from
// term to term; else through a term reader per term, as searches do.
type postings struct {
	r     index.IndexReader
	seg   segment.Segment
	dicts map[string]segment.TermDictionary
	list  segment.PostingsList
	iter  segment.PostingsIterator
	id    index.IndexInternalID
}

func newPostings(r index.IndexReader) *postings {
	p := &postings{r: r}
	if snap, ok := r.(*scorch.IndexSnapshot); ok {
		if segs := snap.Segments(); len(segs) == 1 {
			if del := segs[0].Deleted(); del == nil || del.IsEmpty() {
				p.seg = segs[0].Segment()
			}
		}
	}
	return p
}

// each calls fn with every posting of t in field: the page's internal ID
// and, with freqNorm, the term's frequency and the field's norm.
func (p *postings) each(ctx context.Context, field, t string, freqNorm bool, fn func(index.IndexInternalID, uint64, float64)) error {
	if p.seg == nil {
		tfr, err := p.r.TermFieldReader(ctx, []byte(t), field, freqNorm, freqNorm, false)
		if err != nil {
			return err
		}
		defer tfr.Close()
		var d index.TermFieldDoc
		for {
			m, err := tfr.Next(d.Reset())
			if err != nil || m == nil {
				return err
			}
			fn(m.ID, m.Freq, m.Norm)
		}
	}
	dict := p.dicts[field]
	if dict == nil {
		var err error
		if dict, err = p.seg.Dictionary(field); err != nil {
			return err
		}
		if p.dicts == nil {
			p.dicts = map[string]segment.TermDictionary{}
		}
		p.dicts[field] = dict
	}
	list, err := dict.PostingsList([]byte(t), nil, p.list)
	if err != nil {
		return err
	}
	p.list = list
	p.iter = list.Iterator(freqNorm, freqNorm, false, p.iter)
	for {
		next, err := p.iter.Next()
		if err != nil || next == nil {
			return err
		}
		// The segment is the index's first: its page numbers are the
		// index's.
		p.id = index.NewIndexInternalID(p.id, next.Number())
		if freqNorm {
			fn(p.id, next.Frequency(), next.Norm())
		} else {
			fn(p.id, 0, 0)
		}
	}
}

// fieldLength is the length in terms of a field whose norm is norm: the
// index keeps the norm as float32(1/√length), which the client computes
// again from the length.
func fieldLength(norm float64) uint32 {
	if norm <= 0 {
		return 0
	}
	return uint32(math.Round(1 / (norm * norm)))
}

// sort orders the list by page number.
func (l *plist) sort() {
	if slices.IsSorted(l.docs) {
		return
	}
	idx := make([]int, len(l.docs))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return int(l.docs[a]) - int(l.docs[b]) })
	docs := make([]uint32, len(idx))
	freqs := make([]uint32, len(idx))
	lens := make([]uint32, len(idx))
	for i, j := range idx {
		docs[i], freqs[i], lens[i] = l.docs[j], l.freqs[j], l.lens[j]
	}
	l.docs, l.freqs, l.lens = docs, freqs, lens
}
