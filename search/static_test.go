package search_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf16"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search/query"

	"kb"
	"kb/builder"
	"kb/internal/layout"
	"kb/search"
)

// memWriter keeps the files written to it.
type memWriter struct {
	mu    sync.Mutex
	files map[string][]byte
}

func (m *memWriter) WriteFile(name string, data []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, dup := m.files[name]; dup {
		return fmt.Errorf("%s written twice", name)
	}
	m.files[name] = bytes.Clone(data)
	return nil
}

// bundle is an exported static search bundle, read back.
type bundle struct {
	files map[string][]byte // compressed, as written
	man   manifest
	stats *search.StaticStats
}

// manifest is what the tests read of manifest.json, and of the index it
// names (i/H.bin).
type manifest struct {
	Format   int            `json:"format"`
	Docs     int            `json:"docs"`
	Slots    int            `json:"slots"`
	Files    map[string]any `json:"files"`
	Analyses []string       `json:"analyses"`
	Ranking  map[string]any `json:"ranking"`
	index
}

// index is what the tests read of the index, i/H.bin.
type index struct {
	Dict      []string          `json:"dict"`
	Post      []string          `json:"post"`
	Words     []string          `json:"words"`
	Spell     []string          `json:"spell"`
	Heads     []string          `json:"heads"`
	PairShift int               `json:"pair_shift"`
	NameShift int               `json:"name_shift"`
	Names     map[string]string `json:"files"`
}

const staticDir = "_kb/static-search"

func export(t testing.TB, idx *search.Index) *bundle {
	t.Helper()
	w := &memWriter{files: map[string][]byte{}}
	st, err := search.ExportStatic(context.Background(), idx, w, staticDir)
	if err != nil {
		t.Fatal(err)
	}
	return readBundle(t, w.files, st)
}

// readBundle reads the manifest and the index of the bundle whose files
// (by path, under staticDir) are files.
func readBundle(t testing.TB, files map[string][]byte, st *search.StaticStats) *bundle {
	t.Helper()
	b := &bundle{files: files, stats: st}
	data, ok := files[staticDir+"/manifest.json"]
	if !ok {
		t.Fatal("no manifest.json")
	}
	if err := json.Unmarshal(data, &b.man); err != nil {
		t.Fatalf("manifest.json: %v", err)
	}
	if err := json.Unmarshal(b.raw(t, "index"), &b.man.index); err != nil {
		t.Fatalf("index: %v", err)
	}
	return b
}

// nameHex is the length of a file's name, in hex digits.
const nameHex = 12

// file returns the path under the bundle's folder of the file the client
// names "index", "meta.bin", "tags", "ranks", "f/N.bin" (page N) or "X/N.bin"
// (chunk N of part X): the manifest and the index name the files by a
// hash of their bytes, and the chunks of n/ the pages'.
func (b *bundle) file(t testing.TB, name string) string {
	t.Helper()
	switch name {
	case "index":
		return "i/" + b.man.Files["i"].(string) + ".bin"
	case "meta.bin":
		return "m/" + b.man.Files["m"].(string) + ".bin"
	case "tags":
		return "t/" + b.man.Files["t"].(string) + ".bin"
	case "ranks":
		return "r/" + b.man.Files["r"].(string) + ".bin"
	}
	part, num, _ := strings.Cut(strings.TrimSuffix(name, ".bin"), "/")
	n, err := strconv.Atoi(num)
	if err != nil {
		t.Fatalf("bundle file %s", name)
	}
	if part == "f" {
		chunk := string(b.raw(t, fmt.Sprintf("n/%d.bin", n>>b.man.NameShift)))
		at := n & (1<<b.man.NameShift - 1) * nameHex
		if n >= b.man.Slots || at+nameHex > len(chunk) || chunk[at] == '-' {
			t.Fatalf("n/ names no page %d", n)
		}
		return "f/" + chunk[at:at+nameHex] + ".bin"
	}
	if part == "g" {
		names, _ := b.man.Files[part].([]any)
		if n >= len(names) {
			t.Fatalf("the manifest names no %s", name)
		}
		return part + "/" + names[n].(string) + ".bin"
	}
	names := b.man.Names[part]
	if (n+1)*nameHex > len(names) {
		t.Fatalf("the index names no %s", name)
	}
	return part + "/" + names[n*nameHex:(n+1)*nameHex] + ".bin"
}

// raw returns the inflated content of the bundle file the client names
// name (see file).
func (b *bundle) raw(t testing.TB, name string) []byte {
	t.Helper()
	data, ok := b.files[staticDir+"/"+b.file(t, name)]
	if !ok {
		t.Fatalf("bundle has no %s", name)
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return out
}

// named returns the files the manifest names, through the index and the
// chunks of n/, by path under the bundle's folder: every part has some.
func (b *bundle) named(t testing.TB) map[string]bool {
	t.Helper()
	m := b.man
	out := map[string]bool{"manifest.json": true, b.file(t, "index"): true, b.file(t, "meta.bin"): true, b.file(t, "tags"): true, b.file(t, "ranks"): true, b.file(t, "g/0.bin"): true}
	for _, s := range []struct {
		dir string
		n   int
	}{{"d/", len(m.Dict)}, {"p/", len(m.Post)}, {"w/", len(m.Words)}, {"s/", len(m.Spell)}, {"h/", len(m.Heads)}, {"x/", 1 << (16 - m.PairShift)}, {"n/", (m.Slots + 1<<m.NameShift - 1) >> m.NameShift}, {"k/", len(b.tags(t).Tags)}} {
		if s.n == 0 {
			t.Errorf("no %s files", s.dir)
		}
		for i := range s.n {
			out[b.file(t, s.dir+strconv.Itoa(i)+".bin")] = true
		}
	}
	for _, n := range b.meta(t).pages {
		out[b.file(t, fmt.Sprintf("f/%d.bin", n))] = true
	}
	return out
}

// slotMeta is what the tests read of meta.bin, its lists of one item per
// page spread over the pages' numbers.
type slotMeta struct {
	Slots   []int `json:"slots"`
	Rank    []int `json:"rank"`
	BodyLen []int `json:"body_len"`
	// pages holds the number of every page, in order.
	pages []int
}

// meta reads meta.bin.
func (b *bundle) meta(t testing.TB) *slotMeta {
	t.Helper()
	var m slotMeta
	if err := json.Unmarshal(b.raw(t, "meta.bin"), &m); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b.raw(t, "ranks"), &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Slots) != b.man.Docs || len(m.Rank) != b.man.Docs || len(m.BodyLen) != b.man.Docs {
		t.Fatalf("meta.bin: %d slots, %d ranks, %d lengths for %d pages", len(m.Slots), len(m.Rank), len(m.BodyLen), b.man.Docs)
	}
	n := -1
	for _, gap := range m.Slots {
		n += gap + 1
		m.pages = append(m.pages, n)
	}
	if n >= b.man.Slots {
		t.Fatalf("meta.bin numbers a page %d of %d slots", n, b.man.Slots)
	}
	m.Rank, m.BodyLen = spread(m.pages, m.Rank, b.man.Slots), spread(m.pages, m.BodyLen, b.man.Slots)
	return &m
}

// spread returns per slot the item of list (one per page) of the page
// there.
func spread[T any](pages []int, list []T, slots int) []T {
	out := make([]T, slots)
	for i, n := range pages {
		out[n] = list[i]
	}
	return out
}

// pageTags is what the tests read of the pages' tags: their names in
// meta.bin, and per page the indexes of its tags in t/.
type pageTags struct {
	Tags    []string `json:"tags"`
	DocTags [][]int  `json:"doc_tags"`
}

// tags reads the pages' tags.
func (b *bundle) tags(t testing.TB) pageTags {
	t.Helper()
	var pt pageTags
	if err := json.Unmarshal(b.raw(t, "meta.bin"), &pt); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b.raw(t, "tags"), &pt); err != nil {
		t.Fatal(err)
	}
	if len(pt.DocTags) != b.man.Docs {
		t.Fatalf("%d pages' tags for %d pages", len(pt.DocTags), b.man.Docs)
	}
	pt.DocTags = spread(b.meta(t).pages, pt.DocTags, b.man.Slots)
	return pt
}

// jsLess orders strings as JavaScript's < does: by UTF-16 code units.
func jsLess(a, b string) bool {
	return slices.Compare(utf16.Encode([]rune(a)), utf16.Encode([]rune(b))) < 0
}

// The bundle holds exactly the files the manifest promises, each gzip
// data but the manifest, named by a hash of their content.
func TestExportStatic_Files(t *testing.T) {
	b := export(t, idx)
	m := b.man
	if m.Format != search.StaticFormat {
		t.Errorf("format %d, want %d", m.Format, search.StaticFormat)
	}
	if m.Docs != len(site.Pages) || b.stats.Docs != m.Docs {
		t.Errorf("%d docs (stats %d), the site has %d pages", m.Docs, b.stats.Docs, len(site.Pages))
	}
	if !slices.Equal(m.Analyses, []string{"en", "nl"}) {
		t.Errorf("analyses %v, want [en nl]", m.Analyses)
	}
	for _, k := range []string{"Title", "Headings", "Body", "Pair", "FuzzyMin", "FuzzyFactor", "TierScale", "MaxLimit"} {
		if v, ok := m.Ranking[k].(float64); !ok || v <= 0 {
			t.Errorf("ranking.%s = %v", k, m.Ranking[k])
		}
	}
	want := b.named(t)
	for name := range want {
		if name != "manifest.json" && !regexp.MustCompile(`^[a-z]/[0-9a-f]{12}\.bin$`).MatchString(name) {
			t.Errorf("bundle file named %s", name)
		}
	}
	var total int64
	for name, data := range b.files {
		rel := strings.TrimPrefix(name, staticDir+"/")
		if !want[rel] {
			t.Errorf("unexpected file %s", name)
			continue
		}
		delete(want, rel)
		total += int64(len(data))
		if rel != "manifest.json" {
			if _, err := gzip.NewReader(bytes.NewReader(data)); err != nil {
				t.Errorf("%s: %v", rel, err)
			}
		}
	}
	for name := range want {
		t.Errorf("missing %s", name)
	}
	if total != b.stats.Bytes || len(b.files) != b.stats.Files {
		t.Errorf("stats say %d files, %d bytes; wrote %d, %d", b.stats.Files, b.stats.Bytes, len(b.files), total)
	}
	// Per-page fragments, one per page.
	var urls []string
	for _, i := range b.meta(t).pages {
		var d struct{ URL, Title, Lang, Kind, Text string }
		if err := json.Unmarshal(b.raw(t, fmt.Sprintf("f/%d.bin", i)), &d); err != nil {
			t.Fatal(err)
		}
		// (Section pages have no kind.)
		if d.URL == "" || d.Title == "" || d.Lang == "" || d.Text == "" {
			t.Errorf("f/%d.bin lacks something: %+v", i, d)
		}
		urls = append(urls, d.URL)
	}
	// r/ orders them by URL.
	meta := b.meta(t)
	byRank := make([]string, len(urls))
	for i, n := range meta.pages {
		byRank[meta.Rank[n]] = urls[i]
	}
	if !slices.IsSorted(byRank) || slices.Contains(byRank, "") {
		t.Error("r/ does not give the pages' order by URL")
	}
	for _, p := range site.Pages {
		if u := site.Config.BasePath() + p.URL[1:]; !slices.Contains(urls, u) {
			t.Errorf("page %s missing", u)
		}
	}
	t.Logf("%d files, %d bytes compressed, %d bytes per page", b.stats.Files, b.stats.Bytes, b.stats.Bytes/int64(m.Docs))
}

// A page's file is named in one small chunk of n/ and nowhere else, so
// that a query fetches the names of the pages it shows, not of them all.
func TestExportStatic_PageNamesApart(t *testing.T) {
	b := export(t, idx)
	k := 1 << b.man.NameShift
	if k >= b.man.Docs {
		t.Fatalf("one chunk of n/ names all %d pages", b.man.Docs)
	}
	inflated := map[string][]byte{}
	for name := range b.named(t) {
		if name != "manifest.json" && !strings.HasPrefix(name, "f/") {
			zr, err := gzip.NewReader(bytes.NewReader(b.files[staticDir+"/"+name]))
			if err != nil {
				t.Fatal(name, err)
			}
			inflated[name], _ = io.ReadAll(zr)
		}
	}
	inflated["manifest.json"] = b.files[staticDir+"/manifest.json"]
	for _, i := range b.meta(t).pages {
		page := strings.TrimSuffix(strings.TrimPrefix(b.file(t, fmt.Sprintf("f/%d.bin", i)), "f/"), ".bin")
		chunk := b.file(t, fmt.Sprintf("n/%d.bin", i/k))
		for name, data := range inflated {
			if in := bytes.Contains(data, []byte(page)); in && name != chunk {
				t.Errorf("page %d's file %s is named in %s", i, page, name)
			} else if !in && name == chunk {
				t.Errorf("page %d's file %s is not named in its chunk %s", i, page, name)
			}
		}
	}
	for i := 0; i*k < b.man.Slots; i++ {
		if n := len(b.raw(t, fmt.Sprintf("n/%d.bin", i))); n != min(k, b.man.Slots-i*k)*nameHex {
			t.Errorf("n/%d.bin: %d bytes", i, n)
		}
	}
}

// Each tag's list in k/ holds the pages whose tags hold it, each with its
// number of tags, as a query naming the tag scores them.
func TestExportStatic_TagLists(t *testing.T) {
	b := export(t, idx)
	pt := b.tags(t)
	if len(pt.Tags) < 3 {
		t.Fatalf("%d tags", len(pt.Tags))
	}
	for i, tag := range pt.Tags {
		r := bytes.NewReader(b.raw(t, fmt.Sprintf("k/%d.bin", i)))
		uv := func() int {
			v, err := binary.ReadUvarint(r)
			if err != nil {
				t.Fatalf("k/%d.bin: %v", i, err)
			}
			return int(v)
		}
		var docs, want []int
		doc := 0
		for range uv() {
			doc += uv()
			docs = append(docs, doc)
		}
		for _, d := range docs {
			if freq, n := uv(), uv(); freq != 1 || n != len(pt.DocTags[d]) {
				t.Errorf("%s: page %d with frequency %d and %d tags, has %v", tag, d, freq, n, pt.DocTags[d])
			}
		}
		for d, ts := range pt.DocTags {
			if slices.Contains(ts, i) {
				want = append(want, d)
			}
		}
		if !slices.Equal(docs, want) || r.Len() != 0 {
			t.Errorf("%s: k/%d.bin lists pages %v (%d bytes left), t/ says %v", tag, i, docs, r.Len(), want)
		}
	}
}

// The dictionary maps every word of the pages, as written, to what each
// language's analyser makes of it — the analyser itself is the reference.
func TestExportStatic_Dictionary(t *testing.T) {
	b := export(t, idx)
	m := b.man
	ans := map[string]analysis.Analyzer{}
	for _, a := range m.Analyses {
		ans[a] = search.Bleve(idx).Mapping().AnalyzerNamed(search.Analyzer(a))
	}
	var all []string
	seen := map[string]bool{}
	for i, first := range m.Dict {
		var entries [][]any
		if err := json.Unmarshal(b.raw(t, fmt.Sprintf("d/%d.bin", i)), &entries); err != nil {
			t.Fatal(err)
		}
		if len(entries) == 0 || entries[0][0] != first {
			t.Fatalf("d/%d.bin does not start with %q", i, first)
		}
		for _, e := range entries {
			s := e[0].(string)
			all = append(all, s)
			seen[s] = true
			for j, a := range m.Analyses {
				var code any = ""
				if 1+j < len(e) {
					code = e[1+j]
				}
				got, stop := decodeTerm(t, s, code)
				want := analyze(ans[a], s)
				if !slices.Equal(got, want) {
					t.Errorf("%s: %q decodes to %q, the analyser says %q", a, s, got, want)
					continue
				}
				if len(want) == 1 {
					if isStop := len(analyze(ans[a], want[0])) == 0; isStop != stop {
						t.Errorf("%s: %q → %q: marked stop=%v, is %v", a, s, want[0], stop, isStop)
					}
				}
			}
		}
	}
	if !slices.IsSortedFunc(all, func(a, b string) int {
		if jsLess(a, b) {
			return -1
		}
		return 1
	}) {
		t.Error("dictionary not in strictly increasing JavaScript string order")
	}
	// Words a writer used, in both languages, inflected.
	for _, w := range []string{"meetings", "retrospective", "samenwerking", "afspraken", "stand"} {
		if !seen[w] {
			t.Errorf("dictionary lacks %q", w)
		}
	}
	if len(all) < 1000 {
		t.Errorf("dictionary holds %d words", len(all))
	}
}

// decodeTerm reads a dictionary code as the client's static.js does.
func decodeTerm(t testing.TB, s string, code any) (terms []string, stop bool) {
	switch c := code.(type) {
	case []any:
		for _, x := range c {
			terms = append(terms, x.(string))
		}
		return terms, false
	case string:
		if c == "-" {
			return nil, false
		}
		i := 0
		for ; i < len(c) && c[i] == '~'; i++ {
			stop = true
		}
		rest, suffix, _ := strings.Cut(c[i:], "|")
		drop := 0
		if rest != "" {
			n, err := strconv.Atoi(rest)
			if err != nil {
				t.Fatalf("%q: bad code %q", s, c)
			}
			drop = n
		}
		r := []rune(s)
		return []string{string(r[:len(r)-drop]) + suffix}, stop
	}
	t.Fatalf("%q: bad code %#v", s, code)
	return nil, false
}

func analyze(a analysis.Analyzer, s string) []string {
	var out []string
	for _, tok := range a.Analyze([]byte(s)) {
		out = append(out, string(tok.Term))
	}
	return out
}

// postEntry is one decoded entry of a postings chunk.
type postEntry struct {
	key    string
	fields [6]*postList
	joins  []string // the hyphenated forms of a "word\x00+" entry
}

type postList struct {
	other int
	docs  []int
	// freqs and lens: the term's frequency and the field's length, per
	// page.
	freqs, lens []int
}

// readPosts decodes the chunks of one series ("p" or "w").
func readPosts(t testing.TB, b *bundle, series string, firsts []string) []postEntry {
	t.Helper()
	var out []postEntry
	meta := b.meta(t)
	for i, first := range firsts {
		data := b.raw(t, fmt.Sprintf("%s/%d.bin", series, i))
		r := bytes.NewReader(data)
		uv := func() int {
			v, err := binary.ReadUvarint(r)
			if err != nil {
				t.Fatalf("%s/%d.bin: %v", series, i, err)
			}
			return int(v)
		}
		n := uv()
		for j := range n {
			key := make([]byte, uv())
			_, _ = io.ReadFull(r, key)
			if j == 0 && string(key) != first {
				t.Fatalf("%s/%d.bin starts with %q, manifest says %q", series, i, key, first)
			}
			if i+1 < len(firsts) && !jsLess(string(key), firsts[i+1]) {
				t.Fatalf("%s/%d.bin holds %q, past the next chunk's %q", series, i, key, firsts[i+1])
			}
			body := uv()
			start := r.Len()
			e := postEntry{key: string(key)}
			mask, _ := r.ReadByte()
			for f := range 6 {
				if mask&(1<<f) == 0 {
					continue
				}
				l := &postList{other: uv()}
				doc := 0
				for range uv() {
					doc += uv()
					l.docs = append(l.docs, doc)
				}
				for _, d := range l.docs {
					l.freqs = append(l.freqs, uv())
					if f == 3 { // bodies' lengths are in meta.bin
						l.lens = append(l.lens, meta.BodyLen[d])
					} else {
						l.lens = append(l.lens, uv())
					}
				}
				e.fields[f] = l
			}
			if mask&(1<<6) != 0 {
				for range uv() {
					j := make([]byte, uv())
					_, _ = io.ReadFull(r, j)
					e.joins = append(e.joins, string(j))
				}
			}
			if start-r.Len() != body {
				t.Fatalf("%s: entry of %d bytes, says %d", key, start-r.Len(), body)
			}
			out = append(out, e)
		}
		if r.Len() != 0 {
			t.Fatalf("%s/%d.bin: %d bytes left over", series, i, r.Len())
		}
	}
	return out
}

// The postings of every term of every field agree with the index: the
// same pages, and document frequencies counted over all of them, as
// bleve's idf counts them.
func TestExportStatic_Postings(t *testing.T) {
	b := export(t, idx)
	urls := make([]string, b.man.Slots)
	for _, i := range b.meta(t).pages {
		var d struct{ URL string }
		_ = json.Unmarshal(b.raw(t, fmt.Sprintf("f/%d.bin", i)), &d)
		urls[i] = d.URL
	}
	fields := []string{search.FieldTitle, search.FieldHeadings, search.FieldSummary, search.FieldBody, search.FieldWords}
	type fieldTerm struct{ field, term string }
	got := map[fieldTerm][]string{}
	df := map[fieldTerm]int{}
	check := func(entries []postEntry, text bool) {
		keys := make([]string, len(entries))
		for i, e := range entries {
			keys[i] = e.key
			term := e.key
			if text {
				term, _, _ = strings.Cut(e.key, "\x00")
			}
			for f, l := range e.fields[:5] {
				if l == nil {
					continue
				}
				if len(l.docs) == 0 || !slices.IsSorted(l.docs) {
					t.Fatalf("%s in %s: pages %v", e.key, fields[f], l.docs)
				}
				ft := fieldTerm{fields[f], term}
				for _, d := range l.docs {
					got[ft] = append(got[ft], urls[d])
				}
				if n := len(l.docs) + l.other; df[ft] != 0 && df[ft] != n {
					t.Errorf("%s in %s: df %d, another language says %d", e.key, fields[f], n, df[ft])
				} else {
					df[ft] = n
				}
			}
		}
		if !slices.IsSortedFunc(keys, func(a, b string) int {
			if jsLess(a, b) {
				return -1
			}
			return 1
		}) {
			t.Error("postings keys not in strictly increasing JavaScript string order")
		}
	}
	check(readPosts(t, b, "p", b.man.Post), true)
	check(readPosts(t, b, "w", b.man.Words), false)
	if len(got) < 1000 {
		t.Fatalf("only %d terms", len(got))
	}
	// Every field's dictionary, term by term, against a term query.
	n := 0
	for _, field := range fields {
		for i, term := range fieldTerms(t, field) {
			// The body's dictionary is large: every 7th term.
			if field == search.FieldBody && i%7 != 0 {
				continue
			}
			n++
			q := query.NewTermQuery(term)
			q.SetField(field)
			req := bleve.NewSearchRequestOptions(q, 1000, 0, false)
			req.SortBy([]string{"_id"})
			res, err := search.Bleve(idx).Search(req)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, h := range res.Hits {
				want = append(want, h.ID)
			}
			ft := fieldTerm{field, term}
			have := slices.Sorted(slices.Values(got[ft]))
			if !slices.Equal(have, want) || df[ft] != len(want) {
				t.Errorf("%s:%s: bundle has %v (df %d), index %v", field, term, have, df[ft], want)
			}
			delete(got, ft)
		}
	}
	for ft := range got {
		if ft.field != search.FieldBody {
			t.Errorf("bundle has %s:%s, the index does not", ft.field, ft.term)
		}
	}
	t.Logf("%d terms compared with the index", n)
}

// Chunks stay small, so that a query fetches little: what one word needs
// (its dictionary chunk, its postings chunk, a words chunk) is a few
// kilobytes.
func TestExportStatic_ChunkSizes(t *testing.T) {
	b := export(t, idx)
	for name, data := range b.files {
		limit := 16 << 10
		if strings.Contains(name, "/f/") {
			limit = 4 << 10
		}
		if strings.HasSuffix(name, "/meta.bin") || strings.HasSuffix(name, "manifest.json") {
			limit = 8 << 10
		}
		if len(data) > limit {
			t.Errorf("%s: %d bytes compressed, over %d", name, len(data), limit)
		}
	}
	if len(b.man.Post) < 2 || len(b.man.Dict) < 2 {
		t.Errorf("postings in %d chunks, dictionary in %d: not split", len(b.man.Post), len(b.man.Dict))
	}
}

// The same pages give the same bytes: two indexes built apart export
// identical bundles.
func TestExportStatic_Deterministic(t *testing.T) {
	dir := t.TempDir()
	if err := search.Build(context.Background(), filepath.Join(dir, "index"), dir, site.SearchDocs()); err != nil {
		t.Fatal(err)
	}
	other, err := search.Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	a, b := export(t, idx), export(t, other)
	if !maps.EqualFunc(a.files, b.files, bytes.Equal) {
		for name := range a.files {
			if !bytes.Equal(a.files[name], b.files[name]) {
				t.Errorf("%s differs", name)
			}
		}
		t.Fatalf("two exports differ (%d and %d files)", len(a.files), len(b.files))
	}
}

// The pages' part of the bundle made from the index's segments while they
// are merged (BuildWithPages, ExportStaticWith) gives the bundle that
// ExportStatic reads from the index, byte for byte: for the test site's
// pages three times over (four segments), for three pages (two segments,
// merged at once), for one page (one segment, nothing merged) and for none.
func TestExportStaticWith_AsExportStatic(t *testing.T) {
	ctx := context.Background()
	var all []search.Doc // the site's pages three times over: three segments
	for copy := range 3 {
		for _, d := range site.SearchDocs() {
			d.URL += fmt.Sprint(copy, "/")
			all = append(all, d)
		}
	}
	slices.SortFunc(all, func(a, b search.Doc) int { return strings.Compare(a.URL, b.URL) })
	for _, docs := range [][]search.Doc{all, all[:3], all[3:4], nil} {
		dir := t.TempDir()
		exported := func(name string, export func(ix *search.Index, w search.FileWriter) (*search.StaticStats, error)) (map[string][]byte, *search.StaticStats) {
			ix, err := search.Open(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			defer ix.Close()
			w := &memWriter{files: map[string][]byte{}}
			st, err := export(ix, w)
			if err != nil {
				t.Fatal(err)
			}
			return w.files, st
		}
		if err := search.Build(ctx, filepath.Join(dir, "plain"), dir, docs); err != nil {
			t.Fatal(err)
		}
		want, wantStats := exported("plain", func(ix *search.Index, w search.FileWriter) (*search.StaticStats, error) {
			return search.ExportStatic(ctx, ix, w, staticDir)
		})
		var pages *search.StaticPages
		got, gotStats := map[string][]byte{}, &search.StaticStats{}
		w := &memWriter{files: got}
		pages = search.NewStaticPages(w, staticDir)
		if err := search.BuildWithPages(ctx, filepath.Join(dir, "with"), dir, len(docs), func(i int) search.Doc { return docs[i] }, pages); err != nil {
			t.Fatal(err)
		}
		if len(docs) > 0 && len(got) == 0 {
			t.Fatal("no page's file written while the index was built")
		}
		exported("with", func(ix *search.Index, _ search.FileWriter) (*search.StaticStats, error) {
			st, err := search.ExportStaticWith(ctx, ix, pages)
			gotStats = st
			return st, err
		})
		if !maps.EqualFunc(got, want, bytes.Equal) {
			for name := range want {
				if !bytes.Equal(got[name], want[name]) {
					t.Errorf("%d pages: %s differs", len(docs), name)
				}
			}
			t.Fatalf("%d pages: the bundles differ (%d and %d files)", len(docs), len(got), len(want))
		}
		if !reflect.DeepEqual(gotStats, wantStats) {
			t.Errorf("%d pages: stats %+v, want %+v", len(docs), gotStats, wantStats)
		}
	}
}

// kb build writes the bundle with the site, and two builds of the same
// sources write the same bytes.
func TestExportStatic_BuildTwice(t *testing.T) {
	dir := t.TempDir()
	var trees []map[string][]byte
	for _, out := range []string{"one", "two"} {
		dest := filepath.Join(dir, out)
		res, err := builder.Build(context.Background(), builder.Options{SourceFS: kb.ExampleSite(), Dest: dest})
		if err != nil {
			t.Fatalf("build: %v %v", err, res.Diagnostics)
		}
		trees = append(trees, readTree(t, filepath.Join(dest, filepath.FromSlash(layout.StaticSearchDir))))
	}
	if len(trees[0]) < 50 {
		t.Fatalf("bundle has %d files", len(trees[0]))
	}
	if !maps.EqualFunc(trees[0], trees[1], bytes.Equal) {
		t.Fatal("two builds of the same site wrote different bundles")
	}
	if _, ok := trees[0]["manifest.json"]; !ok {
		t.Fatal("no manifest.json")
	}
}

// kb build --watch keeps the bundle in step: after an edit, the manifest
// names files holding the new word, and the files it no longer names are
// gone.
func TestExportStatic_Session(t *testing.T) {
	src := t.TempDir()
	if err := os.CopyFS(src, kb.ExampleSite()); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(t.TempDir(), "public")
	sess := builder.NewSession(builder.Options{Source: src, Dest: dest})
	defer sess.Close()
	read := func() (manifest, map[string][]byte) {
		tree := readTree(t, filepath.Join(dest, filepath.FromSlash(layout.StaticSearchDir)))
		var m manifest
		if err := json.Unmarshal(tree["manifest.json"], &m); err != nil {
			t.Fatal(err)
		}
		return m, tree
	}
	if _, err := sess.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	before, _ := read()
	var page string
	_ = filepath.WalkDir(filepath.Join(src, "content"), func(p string, d fs.DirEntry, err error) error {
		if page == "" && err == nil && strings.HasSuffix(p, ".md") && !strings.HasSuffix(p, "_index.md") {
			page = p
		}
		return err
	})
	data, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, append(data, []byte("\n\nThe quokkaword appears here.\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := sess.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	after, tree := read()
	if reflect.DeepEqual(after, before) {
		t.Fatal("the manifest did not change after an edit")
	}
	files := map[string][]byte{}
	for name, data := range tree {
		files[staticDir+"/"+name] = data
	}
	b := readBundle(t, files, nil)
	named := b.named(t)
	found := false
	for name := range tree {
		if !named[name] {
			t.Errorf("%s left from an older bundle", name)
		}
	}
	for i := range b.man.Dict {
		found = found || bytes.Contains(b.raw(t, fmt.Sprintf("d/%d.bin", i)), []byte(`"quokkaword"`))
	}
	if !found {
		t.Error("the new word is not in the dictionary")
	}
}

// readTree reads every file under dir, by slash-separated relative path.
func readTree(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		data, err := os.ReadFile(p)
		out[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// The spelling series holds every term of the bodies and of the words
// field, each marked with where it is, ordered by first letter, length
// and term, as the client looks up the terms spelt like a word.
func TestExportStatic_Spellings(t *testing.T) {
	b := export(t, idx)
	got := map[string]int{}
	var keys []string
	for i, first := range b.man.Spell {
		var entries [][]any
		if err := json.Unmarshal(b.raw(t, fmt.Sprintf("s/%d.bin", i)), &entries); err != nil {
			t.Fatal(err)
		}
		for j, e := range entries {
			term, mask := e[0].(string), int(e[1].(float64))
			key := fmt.Sprintf("%c%02d %s", []rune(term)[0], min(99, len([]rune(term))), term)
			if j == 0 && key != first {
				t.Errorf("s/%d.bin starts with %q, manifest says %q", i, key, first)
			}
			keys = append(keys, key)
			got[term] = mask
		}
	}
	for i := 1; i < len(keys); i++ {
		if !jsLess(keys[i-1], keys[i]) {
			t.Fatalf("%q before %q", keys[i-1], keys[i])
		}
	}
	for bit, field := range map[int]string{1: search.FieldBody, 2: search.FieldWords} {
		terms := fieldTerms(t, field)
		n := len(terms)
		for _, term := range terms {
			if got[term]&bit == 0 {
				t.Errorf("%s term %q missing", field, term)
			}
		}
		for _, mask := range got {
			if mask&bit != 0 {
				n--
			}
		}
		if n != 0 {
			t.Errorf("%s: the series holds %d terms more than the index", field, -n)
		}
	}
}

// fieldTerms lists the terms of a field of the example site's index.
func fieldTerms(t *testing.T, field string) []string {
	t.Helper()
	dict, err := search.Bleve(idx).FieldDict(field)
	if err != nil {
		t.Fatal(err)
	}
	defer dict.Close()
	var terms []string
	for {
		e, err := dict.Next()
		if err != nil {
			t.Fatal(err)
		}
		if e == nil {
			return terms
		}
		terms = append(terms, e.Term)
	}
}

// An updated bundle equals a fresh export of the same index, byte for
// byte, when pages come and go across the sizes of the table of page
// numbers (every page moves) as well as within one (a few move).
func TestStaticBundle_UpdateAcrossTableSizes(t *testing.T) {
	ctx := context.Background()
	doc := func(i int) search.Doc {
		words := []string{"standup", "retro", "ambassador", "pilot", "overleg", "afspraken", "mail", "chat"}
		return search.Doc{
			URL: fmt.Sprintf("/en/page-%02d/", i), Title: fmt.Sprintf("Page %d %s", i, words[i%8]), Lang: "en",
			Kind: "meeting-format", Tags: []string{words[i%3]},
			Body: fmt.Sprintf("The %s and the %s of team %d, with %s.", words[i%8], words[(i+3)%8], i, words[(i*5)%8]),
		}
	}
	var docs []search.Doc
	for i := range 40 { // 80 slots; 41 pages take 88
		docs = append(docs, doc(i))
	}
	dir := filepath.Join(t.TempDir(), "index")
	if err := search.Build(ctx, dir, t.TempDir(), docs); err != nil {
		t.Fatal(err)
	}
	ix, err := search.OpenForUpdate(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	have := &memWriter{files: map[string][]byte{}}
	if _, err := search.ExportStatic(ctx, ix, have, staticDir); err != nil {
		t.Fatal(err)
	}
	b, err := search.LoadStatic(ctx, ix, staticDir)
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name    string
		changed []search.Doc
		removed []string
	}{
		{"a page added: the table grows", []search.Doc{doc(40)}, nil},
		{"a page added within the size", []search.Doc{doc(41)}, nil},
		{"two pages removed: the table shrinks", nil, []string{doc(5).URL, doc(17).URL}},
		{"a page edited, one added, one removed", []search.Doc{func() search.Doc { d := doc(8); d.Body += " Quokka."; return d }(), doc(42)}, []string{doc(30).URL}},
	}
	for _, st := range steps {
		if err := ix.Update(ctx, st.changed, st.removed); err != nil {
			t.Fatal(st.name, err)
		}
		w := &memWriter{files: map[string][]byte{}}
		up, err := b.Update(ctx, ix, w, st.changed, st.removed)
		if err != nil {
			t.Fatal(st.name, err)
		}
		delete(have.files, staticDir+"/manifest.json")
		maps.Copy(have.files, w.files)
		for _, name := range up.Stale {
			delete(have.files, staticDir+"/"+name)
		}
		fresh := &memWriter{files: map[string][]byte{}}
		if _, err := search.ExportStatic(ctx, ix, fresh, staticDir); err != nil {
			t.Fatal(err)
		}
		for name, data := range fresh.files {
			if got, ok := have.files[name]; !ok {
				t.Errorf("%s: %s missing", st.name, name)
			} else if !bytes.Equal(got, data) {
				t.Errorf("%s: %s differs", st.name, name)
			}
		}
		for name := range have.files {
			if _, ok := fresh.files[name]; !ok {
				t.Errorf("%s: %s left over", st.name, name)
			}
		}
		t.Logf("%s: %d of %d files written", st.name, len(w.files), len(fresh.files))
	}
}
