package search

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"kb/internal/workers"
)

// bundleFile is one file of the bundle, its data compressed (but for the
// manifest).
type bundleFile struct {
	name string // inside the content folder, or "manifest.json"
	part string
	data []byte
}

// staticManifest is manifest.json.
type staticManifest struct {
	Format int `json:"format"`
	// Dir is the content folder, relative to the manifest; its name is a
	// hash of everything in it, so its files may be cached for good.
	Dir  string `json:"dir"`
	Docs int    `json:"docs"`
	// Analyses lists the analyses whose terms the dictionary entries hold,
	// in order ("en", "nl", and "*" for the standard analyzer when pages
	// of other languages need it).
	Analyses []string `json:"analyses"`
	// Dict, Post and Words hold the first key of each chunk of d/, p/ and
	// w/.
	Dict  []string `json:"dict"`
	Post  []string `json:"post"`
	Words []string `json:"words"`
	// Spell holds the first key of each chunk of s/ (see spellKey).
	Spell []string `json:"spell"`
	// PairShift: the bucket of pair hash h is x/(h >> PairShift).bin.
	PairShift int           `json:"pair_shift"`
	Ranking   staticRanking `json:"ranking"`
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
	SplitFactor, JoinFactor               float64
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
		SplitFactor: splitFactor, JoinFactor: joinFactor,
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

// staticMeta is meta.bin: the facet values of every page.
type staticMeta struct {
	Langs []string `json:"langs"`
	Kinds []string `json:"kinds"`
	Tags  []string `json:"tags"`
	// DocLang, DocKind and DocTags index into Langs, Kinds and Tags, one
	// item per page in page-number order.
	DocLang []int   `json:"doc_lang"`
	DocKind []int   `json:"doc_kind"`
	DocTags [][]int `json:"doc_tags"`
	// Stop holds each language's stop words, for highlighting words that
	// are not in the loaded part of the dictionary.
	Stop map[string][]string `json:"stop"`
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

// encode turns what was read into the bundle's files, all but the
// manifest compressed.
func (d *exportData) encode(ctx context.Context) ([]bundleFile, error) {
	var files []bundleFile
	add := func(name, part string, v []byte) {
		files = append(files, bundleFile{name: name, part: part, data: v})
	}
	man := staticManifest{Format: StaticFormat, Docs: len(d.docs), Analyses: d.analyses, Ranking: ranking()}

	// meta.bin
	meta := staticMeta{Stop: d.stop, DocLang: make([]int, len(d.docs)), DocKind: make([]int, len(d.docs)), DocTags: make([][]int, len(d.docs))}
	langs, kinds, tags := map[string]int{}, map[string]int{}, map[string]int{}
	for _, sd := range d.docs {
		langs[sd.lang], kinds[sd.kind] = 0, 0
		for _, t := range sd.tags {
			tags[t] = 0
		}
	}
	meta.Langs, meta.Kinds, meta.Tags = numbered(langs), numbered(kinds), numbered(tags)
	for i, sd := range d.docs {
		meta.DocLang[i], meta.DocKind[i] = langs[sd.lang], kinds[sd.kind]
		meta.DocTags[i] = []int{}
		for _, t := range sd.tags {
			meta.DocTags[i] = append(meta.DocTags[i], tags[t])
		}
	}
	data, err := json.Marshal(meta)
	if err != nil {
		return nil, err
	}
	add("meta.bin", "meta", data)
	add("g/0.bin", "meta", d.groups())

	// d/: the surface dictionary, as JSON arrays.
	var items []chunkItem
	for _, e := range d.dict {
		b, err := json.Marshal(e)
		if err != nil {
			return nil, err
		}
		items = append(items, chunkItem{key: e[0].(string), data: b})
	}
	for i, c := range chunked(items, dictChunkBytes) {
		man.Dict = append(man.Dict, c[0].key)
		add("d/"+strconv.Itoa(i)+".bin", "dict", jsonArray(c))
	}

	// p/ and w/: postings.
	for _, s := range []struct {
		entries map[string]*pentry
		dir     string
		part    string
		keys    *[]string
	}{{d.post, "p/", "post", &man.Post}, {d.words, "w/", "words", &man.Words}} {
		keys := make([]string, 0, len(s.entries))
		for k := range s.entries {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, jsCompare)
		items = items[:0]
		for _, k := range keys {
			items = append(items, chunkItem{key: k, data: s.entries[k].encode()})
		}
		for i, c := range chunked(items, postChunkBytes) {
			b := binary.AppendUvarint(nil, uint64(len(c)))
			for _, it := range c {
				b = append(b, it.data...)
			}
			*s.keys = append(*s.keys, c[0].key)
			add(s.dir+strconv.Itoa(i)+".bin", s.part, b)
		}
	}

	// s/: the terms of bodies and of the words field by first letter and
	// length, where a misspelt word's candidates are looked up.
	items = items[:0]
	for _, e := range d.spellings() {
		b, err := json.Marshal(e)
		if err != nil {
			return nil, err
		}
		items = append(items, chunkItem{key: spellKey(e[0].(string)), data: b})
	}
	for i, c := range chunked(items, dictChunkBytes) {
		man.Spell = append(man.Spell, c[0].key)
		add("s/"+strconv.Itoa(i)+".bin", "spell", jsonArray(c))
	}

	// x/: word pairs, in buckets of hash ranges sized to the index.
	pairs := map[uint16]*plist{}
	var pairBytes int
	for t, e := range d.pairs {
		if h, ok := pairHash(t); ok && e.fields[fieldP] != nil {
			pairs[h] = e.fields[fieldP]
			pairBytes += 2 + len(e.fields[fieldP].docs)*7/2
		}
	}
	man.PairShift = 16
	for man.PairShift > 0 && pairBytes>>(16-man.PairShift) > pairBucketBytes {
		man.PairShift--
	}
	for bucket := range 1 << (16 - man.PairShift) {
		base := bucket << man.PairShift
		var n int
		var body []byte
		for h := base; h < base+1<<man.PairShift; h++ {
			l := pairs[uint16(h)]
			if l == nil {
				continue
			}
			n++
			body = binary.AppendUvarint(body, uint64(h-base))
			body = l.appendTo(body)
		}
		add("x/"+strconv.Itoa(bucket)+".bin", "pairs", append(binary.AppendUvarint(nil, uint64(n)), body...))
	}

	// f/: one file per page.
	for i, sd := range d.docs {
		if i%1024 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		tags := sd.tags
		if tags == nil {
			tags = []string{}
		}
		data, err := json.Marshal(staticDoc{URL: sd.url, Title: sd.title, Kind: sd.kind, Lang: sd.lang, Tags: tags, Summary: sd.summary, Text: sd.body})
		if err != nil {
			return nil, err
		}
		add("f/"+strconv.Itoa(i)+".bin", "docs", data)
	}

	if err := compressAll(ctx, files); err != nil {
		return nil, err
	}
	h := sha256.New()
	for _, f := range files {
		fmt.Fprintf(h, "%s %d\n", f.name, len(f.data))
		h.Write(f.data)
	}
	man.Dir = hex.EncodeToString(h.Sum(nil))[:16] + "/"
	data, err = json.Marshal(man)
	if err != nil {
		return nil, err
	}
	files = append(files, bundleFile{name: "manifest.json", part: "manifest", data: append(data, '\n')})
	return files, nil
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

// spellings returns the entries of s/, [term, mask], sorted by spellKey:
// every term of the bodies (any analysis) and of the words field.
func (d *exportData) spellings() [][]any {
	mask := map[string]int{}
	for key, e := range d.post {
		if e.fields[3] != nil {
			t, _, _ := strings.Cut(key, "\x00")
			mask[t] |= spellBody
		}
	}
	for t, e := range d.words {
		if e.fields[fieldW] != nil {
			mask[t] |= spellWords
		}
	}
	out := make([][]any, 0, len(mask))
	for t, m := range mask {
		out = append(out, []any{t, m})
	}
	slices.SortFunc(out, func(a, b []any) int { return jsCompare(spellKey(a[0].(string)), spellKey(b[0].(string))) })
	return out
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

// chunked cuts items, in order, into runs of about size bytes; an item
// larger than size gets a run of its own.
func chunked(items []chunkItem, size int) [][]chunkItem {
	var out [][]chunkItem
	var cur []chunkItem
	n := 0
	for _, it := range items {
		if len(cur) > 0 && n+len(it.data) > size {
			out = append(out, cur)
			cur, n = nil, 0
		}
		cur = append(cur, it)
		n += len(it.data)
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// encode writes one posting entry:
//
//	uvarint len(key), key, uvarint len(rest), rest =
//	  byte field mask (bit i: staticFields[i] present, bit 6: joins), then
//	  per field: uvarint other, then the list as plist.appendTo writes it;
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
	for _, l := range e.fields {
		if l == nil {
			continue
		}
		body = binary.AppendUvarint(body, uint64(l.other))
		body = l.appendTo(body)
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
// uvarint frequency and uvarint field length.
func (l *plist) appendTo(b []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(l.docs)))
	prev := uint32(0)
	for _, n := range l.docs {
		b = binary.AppendUvarint(b, uint64(n-prev))
		prev = n
	}
	for i := range l.docs {
		b = binary.AppendUvarint(b, uint64(l.freqs[i]))
		b = binary.AppendUvarint(b, uint64(l.lens[i]))
	}
	return b
}

// compressAll gzips every file's data in place, on every core.
func compressAll(ctx context.Context, files []bundleFile) error {
	type gz struct {
		buf bytes.Buffer
		zw  *gzip.Writer
	}
	gzs := make([]*gz, runtime.GOMAXPROCS(0))
	return workers.Run(ctx, len(files), len(gzs), func(w, i int) error {
		g := gzs[w]
		if g == nil {
			g = &gz{}
			g.zw, _ = gzip.NewWriterLevel(&g.buf, gzip.BestCompression)
			gzs[w] = g
		}
		g.buf.Reset()
		g.zw.Reset(&g.buf)
		if _, err := g.zw.Write(files[i].data); err != nil {
			return err
		}
		if err := g.zw.Close(); err != nil {
			return err
		}
		files[i].data = bytes.Clone(g.buf.Bytes())
		return nil
	})
}

// writeBundle writes files under dir, on every core, and counts them.
func writeBundle(ctx context.Context, w FileWriter, dir string, files []bundleFile) (*StaticStats, error) {
	var content string
	for _, f := range files {
		if f.name == "manifest.json" {
			var m staticManifest
			if err := json.Unmarshal(f.data, &m); err != nil {
				return nil, err
			}
			content = m.Dir
		}
	}
	st := &StaticStats{Dir: content, Parts: map[string]PartStats{}}
	for _, f := range files {
		p := st.Parts[f.part]
		p.Files++
		p.Bytes += int64(len(f.data))
		st.Parts[f.part] = p
		st.Files++
		st.Bytes += int64(len(f.data))
		if f.part == "docs" {
			st.Docs++
		}
	}
	// The manifest goes last: a reader that sees it finds its files.
	body := slices.DeleteFunc(slices.Clone(files), func(f bundleFile) bool { return f.part == "manifest" })
	err := workers.Run(ctx, len(body), max(2, runtime.GOMAXPROCS(0)), func(_, i int) error {
		return w.WriteFile(path.Join(dir, content, body[i].name), body[i].data)
	})
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if f.part == "manifest" {
			if err := w.WriteFile(path.Join(dir, f.name), f.data); err != nil {
				return nil, err
			}
		}
	}
	return st, nil
}
