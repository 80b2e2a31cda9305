package search

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/klauspost/compress/gzip"

	"kb/internal/workers"
)

// bundleFile is one file of the bundle, its data compressed (but for the
// manifest).
type bundleFile struct {
	name string // "p/3f2a….bin", or "manifest.json"
	part string
	data []byte // nil when the reader has the file already
}

// staticManifest is manifest.json: what the client reads before anything
// else, kept small (it is fetched again on every visit).
type staticManifest struct {
	Format int `json:"format"`
	// Docs counts the pages, Slots the page numbers (see slotted).
	Docs  int `json:"docs"`
	Slots int `json:"slots"`
	// Analyses lists the analyses whose terms the dictionary entries hold,
	// in order ("en", "nl", and "*" for the standard analyzer when pages
	// of other languages need it).
	Analyses []string      `json:"analyses"`
	Ranking  staticRanking `json:"ranking"`
	// Files names, by the hash of their bytes (so that they may be cached
	// for good), the files every query reads: "i" the index of the other
	// files (staticIndex), "m" meta.bin, "g" the pages' translation groups
	// (one chunk); and "t" the pages' tags and "r" their order by URL,
	// read for a query that needs them. The file of part x and hash h is x/h.bin.
	Files map[string]any `json:"files"`
}

// staticIndex is i/H.bin: where the chunks are, for the client to fetch
// only those a query needs.
type staticIndex struct {
	// Dict, Post and Words hold the first key of each chunk of d/, p/ and
	// w/.
	Dict  []string `json:"dict"`
	Post  []string `json:"post"`
	Words []string `json:"words"`
	// Spell holds the first key of each chunk of s/ (see spellKey).
	Spell []string `json:"spell"`
	// Heads holds the first key (a term reversed) of each chunk of h/.
	Heads []string `json:"heads"`
	// PairShift: the bucket of pair hash h is x/(h >> PairShift).bin.
	PairShift int `json:"pair_shift"`
	// NameShift: the name of page n's file is in chunk n >> NameShift of
	// n/, at place n mod 2^NameShift.
	NameShift int `json:"name_shift"`
	// Files names the chunks of d/, p/, w/, s/, h/, x/ and n/, and the
	// files of k/ (one per tag, in the order of staticMeta.Tags), in
	// order: per part the names back to back, nameHex hex digits each.
	Files map[string]string `json:"files"`
}

// staticRanking hands Search's constants to the client, so both rank alike.
type staticRanking struct {
	Title, Headings, Summary, Body, Tag  float64
	WordsPrefix, TitlePrefix, BodyPrefix float64
	FieldTie, AltTie, FuzzyFactor, Pair  float64
	// TierScale separates the tiers of pages holding more or fewer of
	// the query's words (see backfill.go).
	TierScale float64
	// PrefScale caps a page's relevance within a tier; PrefBoost
	// multiplies it for a page in the reader's language.
	PrefScale, PrefBoost float64
	// SplitFactor and JoinFactor weigh matches by a word's parts and by
	// two words written joined (see joins.go).
	SplitFactor, JoinFactor float64
	// HeadFactor weighs a match of a word as a compound's last part, on
	// at most MaxHeads compounds (see heads.go).
	HeadFactor                            float64
	MaxHeads                              int
	CompoundMin, MaxJoinForms             int
	FuzzyMin, Fuzzy2Min                   int
	PrefixMin, BodyPrefixMin              int
	StemPrefixMin                         int
	PhraseCandidates                      int
	DefaultLimit, MaxLimit, MaxOffset     int
	MaxQueryBytes, MaxTerms, MaxTagFilter int
	FacetKinds, FacetTags, FacetLangs     int
	FragmentBytes, ContextBytes           int
	MaxFragments                          int
}

func ranking() staticRanking {
	return staticRanking{
		Title: boostTitle, Headings: boostHeadings, Summary: boostSummary, Body: boostBody, Tag: boostTag,
		WordsPrefix: boostWordsPrefix, TitlePrefix: boostTitlePrefix, BodyPrefix: boostBodyPrefix,
		FieldTie: fieldTie, AltTie: altTie, FuzzyFactor: fuzzyFactor, Pair: boostPair,
		TierScale: tierScale, PrefScale: prefScale, PrefBoost: prefBoost,
		SplitFactor: splitFactor, JoinFactor: joinFactor, HeadFactor: headFactor, MaxHeads: maxHeads,
		CompoundMin: compoundMinRunes, MaxJoinForms: maxJoinForms,
		FuzzyMin: fuzzyMinRunes, Fuzzy2Min: fuzzy2MinRunes,
		PrefixMin: prefixMinRunes, BodyPrefixMin: bodyPrefixMinRunes, StemPrefixMin: stemPrefixMinRunes,
		PhraseCandidates: phraseCandidates,
		DefaultLimit:     DefaultLimit, MaxLimit: MaxLimit, MaxOffset: MaxOffset,
		MaxQueryBytes: MaxQueryBytes, MaxTerms: MaxTerms, MaxTagFilter: MaxTagFilters,
		FacetKinds: facetKinds, FacetTags: facetTags, FacetLangs: facetLangs,
		FragmentBytes: fragmentBytes, ContextBytes: contextBytes,
		MaxFragments: maxFragments,
	}
}

// staticMeta is meta.bin: what every query needs of every page.
type staticMeta struct {
	Langs []string `json:"langs"`
	Kinds []string `json:"kinds"`
	Tags  []string `json:"tags"`
	// Slots gives the pages' numbers (see slotted): per page in slot
	// order, how many empty slots come before it since the page before.
	// The lists below hold one item per page in that order.
	Slots []int `json:"slots"`
	// DocLang and DocKind index into Langs and Kinds.
	DocLang []int `json:"doc_lang"`
	DocKind []int `json:"doc_kind"`
	// BodyLen is each page's body length in terms, which body postings
	// leave out.
	BodyLen []uint32 `json:"body_len"`
	// Stop holds each language's stop words, for highlighting words that
	// are not in the loaded part of the dictionary.
	Stop map[string][]string `json:"stop"`
}

// encode returns sd's f/ file, uncompressed.
func (sd *sdoc) encode() ([]byte, error) {
	tags := sd.tags
	if tags == nil {
		tags = []string{}
	}
	return json.Marshal(staticDoc{URL: sd.url, Title: sd.title, Kind: sd.kind, Lang: sd.lang, Tags: tags, Summary: sd.summary, Text: sd.body})
}

// docStream writes each page's f/ file as readIndex reads the page, and
// has the page let go of its text: an export that is not kept for updates
// (ExportStatic) holds no page's text, nor its file, once read.
type docStream struct {
	w   FileWriter
	dir string
	gzs []gzipper // one per reading goroutine
	mu  sync.Mutex
	// files and bytes count what was written.
	files int
	bytes int64
}

// write writes the f/ file of sd, read by goroutine w, notes its name in
// sd.file and empties its text.
func (s *docStream) write(w int, sd *sdoc) error {
	data, err := sd.encode()
	if err != nil {
		return err
	}
	h := fileHash(data)
	if data, err = s.gzs[w].compress(data); err != nil {
		return err
	}
	if err := s.w.WriteFile(path.Join(s.dir, "f", h+".bin"), data); err != nil {
		return err
	}
	s.mu.Lock()
	s.files++
	s.bytes += int64(len(data))
	s.mu.Unlock()
	sd.file = h
	sd.title, sd.summary, sd.body = "", "", ""
	return nil
}

// staticTags is t/H.bin: the tags of every page, for a query that filters
// or counts by tag (the search box's do neither).
type staticTags struct {
	// DocTags indexes into staticMeta.Tags, one item per page in the
	// order of staticMeta.Slots.
	DocTags [][]int `json:"doc_tags"`
}

// staticRanks is r/H.bin: the pages' order by URL, which breaks ties
// between equal scores, read for a query whose order depends on it.
type staticRanks struct {
	// Rank is each page's place in URL order, one item per page in the
	// order of staticMeta.Slots.
	Rank []int `json:"rank"`
}

// staticDoc is f/N.bin: what the result list shows of a page.
type staticDoc struct {
	URL     string   `json:"url"`
	Title   string   `json:"title"`
	Kind    string   `json:"kind"`
	Lang    string   `json:"lang"`
	Tags    []string `json:"tags"`
	Summary string   `json:"summary"`
	// Text is the page's text, for snippets and quoted phrases: all of
	// it, as the server has it.
	Text string `json:"text"`
}

// encode turns what was read into the bundle's files, each named by a
// hash of its bytes, uncompressed. Files whose name is in have are listed
// without their data (the reader has them already). made, when set, is
// called with each file that has data as soon as it is made.
func (d *exportData) encode(ctx context.Context, have map[string]bool, made func(bundleFile)) ([]bundleFile, error) {
	var files []bundleFile
	seen := map[string]bool{}
	add := func(part, dir string, v []byte) string {
		h := fileHash(v)
		f := bundleFile{name: dir + "/" + h + ".bin", part: part}
		if !have[f.name] && !seen[f.name] {
			f.data = v
			if made != nil {
				made(f)
			}
		}
		seen[f.name] = true
		files = append(files, f)
		return h
	}
	man := staticManifest{Format: StaticFormat, Docs: d.count(), Slots: len(d.docs), Analyses: d.analyses, Ranking: ranking(), Files: map[string]any{}}
	idx := staticIndex{Files: map[string]string{}}

	// f/: one file per page, named in n/.
	docFiles := make([]string, len(d.docs))
	for i := range d.docs {
		if i%1024 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		sd := &d.docs[i]
		if sd.id == "" { // an empty slot
			docFiles[i] = noFile
			continue
		}
		if sd.file != "" { // written as it was read (see docStream)
			docFiles[i] = sd.file
			files = append(files, bundleFile{name: "f/" + sd.file + ".bin", part: "docs"})
			continue
		}
		if sd.enc == nil {
			data, err := sd.encode()
			if err != nil {
				return nil, err
			}
			sd.enc = data
		}
		docFiles[i] = add("docs", "f", sd.enc)
	}
	// n/: the names of the pages' files, a few dozen pages a chunk, so
	// that a query fetches the names of the pages it shows and not all.
	idx.NameShift = nameShift(len(d.docs))
	var names []string
	for start := 0; start < len(docFiles); start += 1 << idx.NameShift {
		chunk := docFiles[start:min(len(docFiles), start+1<<idx.NameShift)]
		names = append(names, add("names", "n", []byte(strings.Join(chunk, ""))))
	}
	idx.Files["n"] = strings.Join(names, "")

	// meta.bin and t/
	meta := staticMeta{Stop: d.stop, Slots: []int{}, DocLang: []int{}, DocKind: []int{}}
	docTags := staticTags{DocTags: [][]int{}}
	langs, kinds, tags := map[string]int{}, map[string]int{}, map[string]int{}
	for _, sd := range d.docs {
		if sd.id == "" {
			continue
		}
		langs[sd.lang], kinds[sd.kind] = 0, 0
		for _, t := range sd.tags {
			tags[t] = 0
		}
	}
	meta.Langs, meta.Kinds, meta.Tags = numbered(langs), numbered(kinds), numbered(tags)
	// k/: per tag, the pages holding it, for a query naming the tag.
	lists := make([]plist, len(meta.Tags))
	bodyLen := d.bodyLengths()
	prev := -1
	for i, sd := range d.docs {
		if sd.id == "" {
			continue
		}
		meta.Slots = append(meta.Slots, i-prev-1)
		prev = i
		meta.DocLang = append(meta.DocLang, langs[sd.lang])
		meta.DocKind = append(meta.DocKind, kinds[sd.kind])
		meta.BodyLen = append(meta.BodyLen, bodyLen[i])
		ts := []int{}
		for _, t := range sd.tags {
			ts = append(ts, tags[t])
		}
		docTags.DocTags = append(docTags.DocTags, ts)
		for _, t := range ts {
			l := &lists[t]
			l.docs = append(l.docs, uint32(i))
			l.freqs = append(l.freqs, 1)
			l.lens = append(l.lens, uint32(len(ts)))
		}
	}
	data, err := json.Marshal(meta)
	if err != nil {
		return nil, err
	}
	man.Files["m"] = add("meta", "m", data)
	if data, err = json.Marshal(docTags); err != nil {
		return nil, err
	}
	man.Files["t"] = add("tags", "t", data)
	if data, err = json.Marshal(staticRanks{Rank: urlRanks(d.docs)}); err != nil {
		return nil, err
	}
	man.Files["r"] = add("meta", "r", data)
	names = nil
	for i := range lists {
		names = append(names, add("tags", "k", lists[i].appendTo(nil, true)))
	}
	idx.Files["k"] = strings.Join(names, "")
	man.Files["g"] = []string{add("meta", "g", d.groups())}

	// d/: the surface dictionary, as JSON arrays.
	items := make([]chunkItem, 0, len(d.dictKeys))
	for _, s := range d.dictKeys {
		items = append(items, chunkItem{key: s, data: d.entry(s)})
	}
	// jsonChunks writes items as chunks of JSON arrays of part in dir,
	// noting each chunk's first key in firsts.
	jsonChunks := func(items []chunkItem, firsts *[]string, part, dir string) {
		var names []string
		for _, c := range chunked(items, dictChunkBytes) {
			*firsts = append(*firsts, c[0].key)
			names = append(names, add(part, dir, jsonArray(c)))
		}
		idx.Files[dir] = strings.Join(names, "")
	}
	jsonChunks(items, &idx.Dict, "dict", "d")

	// p/ and w/: postings.
	for _, s := range []struct {
		entries map[string]*pentry
		keys    []string
		dir     string
		part    string
		firsts  *[]string
	}{{d.post, d.postKeys, "p", "post", &idx.Post}, {d.words, d.wordKeys, "w", "words", &idx.Words}} {
		items = items[:0]
		for _, k := range s.keys {
			e := s.entries[k]
			if e.enc == nil {
				e.enc = e.encode()
			}
			items = append(items, chunkItem{key: k, data: e.enc})
		}
		names = nil
		for _, c := range chunked(items, postChunkBytes) {
			b := binary.AppendUvarint(nil, uint64(len(c)))
			for _, it := range c {
				b = append(b, it.data...)
			}
			*s.firsts = append(*s.firsts, c[0].key)
			names = append(names, add(s.part, s.dir, b))
		}
		idx.Files[s.dir] = strings.Join(names, "")
	}

	// s/: the terms of bodies and of the words field by first letter and
	// length, where a misspelt word's candidates are looked up.
	items = items[:0]
	for _, k := range d.spellKeys {
		t := k[strings.IndexByte(k, ' ')+1:]
		b := d.spellEnc[t]
		if b == nil {
			if b, err = json.Marshal([]any{t, d.spell[t]}); err != nil {
				return nil, err
			}
			d.spellEnc[t] = b
		}
		items = append(items, chunkItem{key: k, data: b})
	}
	jsonChunks(items, &idx.Spell, "spell", "s")

	// h/: the terms that may be compounds, by their ends.
	if !d.headsListed {
		d.headList()
	}
	items = items[:0]
	for _, k := range d.headKeys {
		b, err := json.Marshal(reverseRunes(k))
		if err != nil {
			return nil, err
		}
		items = append(items, chunkItem{key: k, data: b})
	}
	jsonChunks(items, &idx.Heads, "heads", "h")

	// x/: word pairs, in buckets of hash ranges sized to the index.
	pairs := map[uint16]*plist{}
	var pairBytes int
	for t, e := range d.pairs {
		if h, ok := pairHash(t); ok && e.fields[fieldP] != nil {
			pairs[h] = e.fields[fieldP]
			pairBytes += 2 + len(e.fields[fieldP].docs)*7/2
		}
	}
	idx.PairShift = 16
	for idx.PairShift > 0 && pairBytes>>(16-idx.PairShift) > pairBucketBytes {
		idx.PairShift--
	}
	names = nil
	for bucket := range 1 << (16 - idx.PairShift) {
		base := bucket << idx.PairShift
		var n int
		var body []byte
		for h := base; h < base+1<<idx.PairShift; h++ {
			l := pairs[uint16(h)]
			if l == nil {
				continue
			}
			n++
			body = binary.AppendUvarint(body, uint64(h-base))
			body = l.appendTo(body, true)
		}
		names = append(names, add("pairs", "x", append(binary.AppendUvarint(nil, uint64(n)), body...)))
	}
	idx.Files["x"] = strings.Join(names, "")

	if data, err = json.Marshal(idx); err != nil {
		return nil, err
	}
	man.Files["i"] = add("index", "i", data)
	if data, err = json.Marshal(man); err != nil {
		return nil, err
	}
	files = append(files, bundleFile{name: "manifest.json", part: "manifest", data: append(data, '\n')})
	return files, nil
}

// fileHash names a file of the bundle by its bytes, uncompressed.
func fileHash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:nameBytes])
}

// nameBytes is how many bytes of a file's SHA-256 name it (nameHex hex
// digits): 48 bits, so that two of the files of a bundle of millions share
// a name with odds of about one in a hundred million.
const (
	nameBytes = 6
	nameHex   = 2 * nameBytes
)

// nameShift returns log2 of the number of pages whose file names one chunk
// of n/ holds, for n pages: the least power of two K with K² ≥ n/16, so
// that the index's list of the chunks (n/K names) and the chunks a query
// showing 8 pages fetches (8K names at most) weigh about alike.
func nameShift(n int) int {
	s := 0
	for 16<<(2*s) < n {
		s++
	}
	return s
}

// count returns the number of pages.
func (d *exportData) count() int {
	n := 0
	for i := range d.docs {
		if d.docs[i].id != "" {
			n++
		}
	}
	return n
}

// noFile stands in n/ for the file of an empty slot.
var noFile = strings.Repeat("-", nameHex)

// bodyLengths returns the length in terms of every page's body (by slot), which its
// body postings leave out (an edit that changes it changes none of them).
func (d *exportData) bodyLengths() []uint32 {
	out := make([]uint32, len(d.docs))
	for _, e := range d.post {
		if l := e.fields[3]; l != nil {
			for i, n := range l.docs {
				out[n] = l.lens[i]
			}
		}
	}
	return out
}

// jsonArray joins items holding JSON values into one JSON array.
func jsonArray(items []chunkItem) []byte {
	var b bytes.Buffer
	b.WriteByte('[')
	for j, it := range items {
		if j > 0 {
			b.WriteByte(',')
		}
		b.Write(it.data)
	}
	b.WriteByte(']')
	return b.Bytes()
}

// Bits of a spelling entry's mask: where the term is.
const (
	spellBody  = 1
	spellWords = 2
)

// spellMask returns the mask of the term t in s/ (see spellings): whether
// bodies (any analysis) and the words field hold it.
func (d *exportData) spellMask(t string) int {
	m := 0
	for _, a := range []string{"en", "nl", "*"} {
		if e := d.post[t+"\x00"+a]; e != nil && e.fields[3] != nil {
			m |= spellBody
			break
		}
	}
	if e := d.words[t]; e != nil && e.fields[fieldW] != nil {
		m |= spellWords
	}
	return m
}

// spellings sets the entries of s/, [term, mask], sorted by spellKey:
// every term of the bodies (any analysis) and of the words field.
func (d *exportData) spellings() {
	d.spell, d.spellEnc = map[string]int{}, map[string][]byte{}
	for key, e := range d.post {
		if e.fields[3] != nil {
			t, _, _ := strings.Cut(key, "\x00")
			d.spell[t] |= spellBody
		}
	}
	for t, e := range d.words {
		if e.fields[fieldW] != nil {
			d.spell[t] |= spellWords
		}
	}
	d.spellKeys = make([]string, 0, len(d.spell))
	for t := range d.spell {
		d.spellKeys = append(d.spellKeys, spellKey(t))
	}
	slices.SortFunc(d.spellKeys, jsCompare)
}

// spellKey orders the terms for looking up the ones spelt like a word:
// by first letter, then length in letters (two digits), then the term. A
// term within d edits of t that starts with t's letter (as the fuzzy
// query asks) has a key between those of t's letter with lengths
// len(t)−d and len(t)+d.
func spellKey(t string) string {
	r, _ := utf8.DecodeRuneInString(t)
	return fmt.Sprintf("%c%02d %s", r, min(99, utf8.RuneCountInString(t)), t)
}

// numbered sorts the keys of m, sets each to its position and returns them.
func numbered(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for i, k := range keys {
		m[k] = i
	}
	return keys
}

// chunkItem is one encoded entry of a chunked file.
type chunkItem struct {
	key  string
	data []byte
}

// chunked cuts items, in order, into runs of about size bytes. Where a run
// ends depends on the items near the cut only, so that a change to one
// item changes the runs around it and leaves the others as they were: a
// run ends after an item whose key hashes below a threshold proportional
// to the item's size, once the run holds a quarter of size (so on average
// after about size bytes), or when it reaches twice size; an item of size
// or more bytes ends the run before it and its own.
func chunked(items []chunkItem, size int) [][]chunkItem {
	var out [][]chunkItem
	start, n := 0, 0
	cut := func(end int) {
		if end > start {
			out = append(out, items[start:end:end])
		}
		start, n = end, 0
	}
	spread := uint64(size - size/4)
	for i, it := range items {
		if len(it.data) >= size {
			cut(i)
		}
		n += len(it.data)
		if n >= 2*size || len(it.data) >= size {
			cut(i + 1)
			continue
		}
		if n < size/4 {
			continue
		}
		h := fnv.New64a()
		_, _ = h.Write([]byte(it.key))
		if l := uint64(len(it.data)); l >= spread || h.Sum64() < l*(math.MaxUint64/spread) {
			cut(i + 1)
		}
	}
	cut(len(items))
	return out
}

// encode writes one posting entry:
//
//	uvarint len(key), key, uvarint len(rest), rest =
//	  byte field mask (bit i: staticFields[i] present, bit 6: joins), then
//	  per field: uvarint other, then the list as plist.appendTo writes it
//	  (without lengths for the body);
//	  then with bit 6 uvarint n and n strings (uvarint length, bytes)
func (e *pentry) encode() []byte {
	var body []byte
	mask := byte(0)
	for f, l := range e.fields {
		if l != nil {
			mask |= 1 << f
		}
	}
	if len(e.joins) > 0 {
		mask |= 1 << 6
	}
	body = append(body, mask)
	for f, l := range e.fields {
		if l == nil {
			continue
		}
		body = binary.AppendUvarint(body, uint64(l.other))
		// Bodies' lengths are in meta.bin.
		body = l.appendTo(body, f != 3)
	}
	if len(e.joins) > 0 {
		body = binary.AppendUvarint(body, uint64(len(e.joins)))
		for _, j := range e.joins {
			body = binary.AppendUvarint(body, uint64(len(j)))
			body = append(body, j...)
		}
	}
	b := binary.AppendUvarint(nil, uint64(len(e.key)))
	b = append(b, e.key...)
	b = binary.AppendUvarint(b, uint64(len(body)))
	return append(b, body...)
}

// appendTo writes uvarint n, the page numbers as deltas, then per page
// uvarint frequency and, when lens is set, uvarint field length.
func (l *plist) appendTo(b []byte, lens bool) []byte {
	b = binary.AppendUvarint(b, uint64(len(l.docs)))
	prev := uint32(0)
	for _, n := range l.docs {
		b = binary.AppendUvarint(b, uint64(n-prev))
		prev = n
	}
	for i := range l.docs {
		b = binary.AppendUvarint(b, uint64(l.freqs[i]))
		if lens {
			b = binary.AppendUvarint(b, uint64(l.lens[i]))
		}
	}
	return b
}

// encodeGzipped is encode (with have) with every file but the manifest
// gzipped, on every core as encode makes them, so that the files made
// last wait the least.
func (d *exportData) encodeGzipped(ctx context.Context, have map[string]bool) ([]bundleFile, error) {
	c := newCompressor()
	files, err := d.encode(ctx, have, c.add)
	if cerr := c.done(files); err == nil {
		err = cerr
	}
	return files, err
}

// compressor gzips the bundle's files on every core as they are queued
// (see encodeGzipped).
type compressor struct {
	queue chan bundleFile
	wg    sync.WaitGroup
	mu    sync.Mutex
	gz    map[string][]byte
	err   error
}

func newCompressor() *compressor {
	c := &compressor{queue: make(chan bundleFile, 64), gz: map[string][]byte{}}
	for range runtime.GOMAXPROCS(0) {
		c.wg.Go(func() {
			var g gzipper
			for f := range c.queue {
				data, err := g.compress(f.data)
				c.mu.Lock()
				c.gz[f.name] = data
				if err != nil && c.err == nil {
					c.err = err
				}
				c.mu.Unlock()
			}
		})
	}
	return c
}

// add queues f to be compressed, unless it is the manifest.
func (c *compressor) add(f bundleFile) {
	if f.part != "manifest" {
		c.queue <- f
	}
}

// done waits for the files queued and puts each one's gzipped bytes in
// place of its data in files.
func (c *compressor) done(files []bundleFile) error {
	close(c.queue)
	c.wg.Wait()
	for i := range files {
		if gz, ok := c.gz[files[i].name]; ok && files[i].data != nil {
			files[i].data = gz
		}
	}
	return c.err
}

// gzipper compresses one file after another, as the bundle's files are.
type gzipper struct {
	buf bytes.Buffer
	zw  *gzip.Writer
}

// compress returns data gzipped, in a slice of its own.
func (g *gzipper) compress(data []byte) ([]byte, error) {
	g.buf.Reset()
	if g.zw == nil {
		g.zw, _ = gzip.NewWriterLevel(&g.buf, gzip.DefaultCompression)
	} else {
		g.zw.Reset(&g.buf)
	}
	if _, err := g.zw.Write(data); err != nil {
		return nil, err
	}
	if err := g.zw.Close(); err != nil {
		return nil, err
	}
	return bytes.Clone(g.buf.Bytes()), nil
}

// writeBundle writes the files that have data under dir, on every core,
// the manifest last, and counts them.
func writeBundle(ctx context.Context, w FileWriter, dir string, files []bundleFile) (*StaticStats, error) {
	st := &StaticStats{Parts: map[string]PartStats{}}
	var body []bundleFile
	var man *bundleFile
	for i, f := range files {
		if f.part == "docs" {
			st.Docs++
		}
		if f.data == nil {
			continue
		}
		p := st.Parts[f.part]
		p.Files++
		p.Bytes += int64(len(f.data))
		st.Parts[f.part] = p
		st.Files++
		st.Bytes += int64(len(f.data))
		if f.part == "manifest" {
			man = &files[i]
		} else {
			body = append(body, f)
		}
	}
	// The manifest goes last: a reader that sees it finds its files.
	err := workers.Run(ctx, len(body), max(2, runtime.GOMAXPROCS(0)), func(_, i int) error {
		return w.WriteFile(path.Join(dir, body[i].name), body[i].data)
	})
	if err != nil {
		return nil, err
	}
	if man != nil {
		if err := w.WriteFile(path.Join(dir, man.name), man.data); err != nil {
			return nil, err
		}
	}
	return st, nil
}
