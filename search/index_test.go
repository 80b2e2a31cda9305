package search_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"kb/search"
)

// synthCorpus returns n pages of made-up text with the statistics of
// prose: words drawn from a 20,000-word vocabulary by Zipf's law, about
// 700 words a page, in sentences, with headings, titles and summaries.
// It is deterministic.
func synthCorpus(n int) []search.Doc {
	r := rand.New(rand.NewPCG(1, 2))
	syl := []string{"ka", "lo", "me", "ri", "sta", "ven", "do", "pli", "ger", "an", "ti", "mus", "or", "bel", "zo", "quen", "ha", "rup", "sel", "ion"}
	vocab := make([]string, 20000)
	seen := map[string]bool{}
	for i := range vocab {
		for {
			var b strings.Builder
			for range 1 + r.IntN(4) {
				b.WriteString(syl[r.IntN(len(syl))])
			}
			if w := b.String(); !seen[w] {
				seen[w] = true
				vocab[i] = w
				break
			}
		}
	}
	zipf := rand.NewZipf(r, 1.1, 1, uint64(len(vocab)-1))
	words := func(k int) string {
		ws := make([]string, k)
		for i := range ws {
			ws[i] = vocab[zipf.Uint64()]
		}
		return strings.Join(ws, " ")
	}
	docs := make([]search.Doc, n)
	for i := range docs {
		lang := []string{"en", "nl"}[i%2]
		var body, heads strings.Builder
		for s := 0; body.Len() < 4500+r.IntN(1500); s++ {
			if s%6 == 0 {
				h := words(2 + r.IntN(3))
				heads.WriteString(h + "\n")
				body.WriteString(h + "\n")
			}
			body.WriteString(words(8+r.IntN(12)) + ".\n")
		}
		docs[i] = search.Doc{
			URL: fmt.Sprintf("/kb/p/%d/", i), Title: words(3 + r.IntN(4)), Summary: words(20),
			Headings: heads.String(), Body: body.String(), Lang: lang,
			Kind: []string{"symptom", "meeting-format", "channel-agreement", "tool-rollout"}[i%4],
			Tags: []string{vocab[r.IntN(30)], vocab[r.IntN(30)]}, Owner: "team-" + vocab[r.IntN(10)],
		}
	}
	return docs
}

// TestIndex_SizeBudget: the index of a corpus of a realistic size stays
// under 1.5 times the text it indexes. (A site of a few dozen pages pays a
// fixed cost of about 150 KB on top, which is logged.)
func TestIndex_SizeBudget(t *testing.T) {
	docs := synthCorpus(400)
	dir := t.TempDir()
	if err := search.Build(context.Background(), filepath.Join(dir, "index"), dir, docs); err != nil {
		t.Fatal(err)
	}
	text, size := docsText(docs), dirSize(filepath.Join(dir, "index"))
	ratio := float64(size) / float64(text)
	t.Logf("synthetic corpus: %d pages, %d bytes of text, index %d bytes: %.2f× (%d bytes a page)", len(docs), text, size, ratio, size/int64(len(docs)))
	t.Logf("example site: %d pages, %d bytes of text, index %d bytes: %.2f×", len(site.Pages), textSize, idxSize, float64(idxSize)/float64(textSize))
	if ratio >= 1.5 {
		t.Errorf("index is %.2f× the text, want < 1.5×", ratio)
	}
}

// TestIndex_BuildNeedsFreshDir: Build never writes into an existing index.
func TestIndex_BuildNeedsFreshDir(t *testing.T) {
	dir := t.TempDir()
	docs := synthCorpus(4)
	if err := search.Build(context.Background(), filepath.Join(dir, "index"), dir, docs); err != nil {
		t.Fatal(err)
	}
	if err := search.Build(context.Background(), filepath.Join(dir, "index"), dir, docs); err == nil {
		t.Fatal("second Build into the same folder succeeded")
	}
}

// TestIndex_OpenCorrupt: a torn index_meta.json makes Open fail with an
// error, not a panic, and the handler then answers 503.
func TestIndex_OpenCorrupt(t *testing.T) {
	dir := t.TempDir()
	ix := filepath.Join(dir, "index")
	if err := search.Build(context.Background(), ix, dir, synthCorpus(4)); err != nil {
		t.Fatal(err)
	}
	meta := filepath.Join(ix, "index_meta.json")
	data, err := os.ReadFile(meta)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(meta, data[:len(data)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	if idx, err := search.Open(ix); err == nil {
		idx.Close()
		t.Fatal("Open of a corrupt index succeeded")
	}
}

// TestMapping_Validates: the mapping, with its custom analyzers (Dutch
// included), is valid.
func TestMapping_Validates(t *testing.T) {
	if err := search.NewMapping().Validate(); err != nil {
		t.Fatal(err)
	}
}

// TestIndex_Reproducible: two indexes built separately from the same pages
// are the same bytes, and pages that score the same come back from both
// in the order of their URLs, not in an order that changes per build.
func TestIndex_Reproducible(t *testing.T) {
	const n = 40 // two segments of 20 before the merge
	docs := make([]search.Doc, n)
	for i := range docs {
		// Equal text, so equal scores; given out of URL order.
		docs[i] = search.Doc{
			URL: fmt.Sprintf("/kb/p/%02d/", (i*7)%n), Title: "Printer jams", Summary: "The printer jams.",
			Body: "The printer on the third floor jams every morning.", Kind: "symptom", Lang: "en",
		}
	}
	var orders [2][]string
	var files [2]map[string][]byte
	for b := range orders {
		idx, ix := buildOpen(t, docs)
		files[b] = readTree(t, ix)
		res, err := search.Search(context.Background(), idx, search.Request{Query: "printer jams", Limit: n})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) != n {
			t.Fatalf("build %d: %d hits, want %d", b, len(res.Hits), n)
		}
		for _, h := range res.Hits {
			if h.Score != res.Hits[0].Score {
				t.Fatalf("build %d: scores differ (%v, %v): the pages are not alike", b, h.Score, res.Hits[0].Score)
			}
			orders[b] = append(orders[b], h.URL)
		}
	}
	for i := range n {
		want := fmt.Sprintf("/kb/p/%02d/", i)
		if orders[0][i] != want || orders[1][i] != want {
			t.Fatalf("hit %d: %s in one build, %s in the other, want %s (by URL)", i, orders[0][i], orders[1][i], want)
		}
	}
	if len(files[0]) == 0 {
		t.Fatal("index has no files")
	}
	for name, data := range files[0] {
		if other, ok := files[1][name]; !ok || !bytes.Equal(other, data) {
			t.Errorf("%s differs between two builds of the same pages", name)
		}
	}
	for name := range files[1] {
		if _, ok := files[0][name]; !ok {
			t.Errorf("%s is in one build only", name)
		}
	}
}

// TestIndex_NoPages: an index of no pages can be built, opened and
// searched.
func TestIndex_NoPages(t *testing.T) {
	idx, _ := buildOpen(t, nil)
	res, err := search.Search(context.Background(), idx, search.Request{Query: "printer"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 0 {
		t.Errorf("%d hits in an empty index", res.Total)
	}
}

// TestIndex_TypoByEdits: on an index Build wrote, a word one edit from
// the one typed ranks above a word two edits from it, as bleve ranks them
// on its own segment format.
func TestIndex_TypoByEdits(t *testing.T) {
	idx, _ := buildOpen(t, []search.Doc{
		{URL: "/kb/a/", Title: "Page", Body: "The word is quixotzz here.", Lang: "zz"},
		{URL: "/kb/b/", Title: "Page", Body: "The word is quixotiz here.", Lang: "zz"},
	})
	res, err := search.Search(context.Background(), idx, search.Request{Query: "quixotic"})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Fuzzy || len(res.Hits) != 2 {
		t.Fatalf("fuzzy %v, %d hits, want both pages by spelling", res.Fuzzy, len(res.Hits))
	}
	if res.Hits[0].URL != "/kb/b/" || !(res.Hits[0].Score > res.Hits[1].Score) {
		t.Errorf("hits %s %v, %s %v: want /kb/b/ (one edit) above /kb/a/ (two)", res.Hits[0].URL, res.Hits[0].Score, res.Hits[1].URL, res.Hits[1].Score)
	}
}

// buildOpen builds an index of docs in a fresh folder and opens it. It
// returns the index and its folder.
func buildOpen(t *testing.T, docs []search.Doc) (*search.Index, string) {
	t.Helper()
	dir := t.TempDir()
	ix := filepath.Join(dir, "index")
	if err := search.Build(context.Background(), ix, dir, docs); err != nil {
		t.Fatal(err)
	}
	idx, err := search.Open(ix)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	return idx, ix
}

// TestIndex_UpdateNormalizes: a page indexed by Update, as kb serve does
// on an edit, has its text in NFC as Build gives it: a decomposed naïve
// is found by the composed word.
func TestIndex_UpdateNormalizes(t *testing.T) {
	dir := t.TempDir()
	ixDir := filepath.Join(dir, "index")
	if err := search.Build(context.Background(), ixDir, dir, []search.Doc{{URL: "/a/", Title: "A", Body: "Nothing yet.", Lang: "en"}}); err != nil {
		t.Fatal(err)
	}
	ix, err := search.OpenForUpdate(ixDir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Update(context.Background(), []search.Doc{{URL: "/a/", Title: "A", Body: "Nai\u0308ve questions are welcome.", Lang: "en"}}, nil); err != nil {
		t.Fatal(err)
	}
	res, err := search.Search(context.Background(), ix, search.Request{Query: "naïve "})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 || len(res.Hits) != 1 || !strings.Contains(res.Hits[0].Fragments[0], "<mark>Naïve</mark>") {
		t.Errorf("naïve after an update: %+v", res)
	}
}

// TestIndex_TypoAfterUpdate: a misspelt word searched again after an
// update finds the words spelt like it that the update brought, not only
// those found before it.
func TestIndex_TypoAfterUpdate(t *testing.T) {
	dir := t.TempDir()
	ixDir := filepath.Join(dir, "index")
	if err := search.Build(context.Background(), ixDir, dir, []search.Doc{{URL: "/a/", Title: "A", Body: "The word is quizotic here.", Lang: "en"}}); err != nil {
		t.Fatal(err)
	}
	ix, err := search.OpenForUpdate(ixDir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for i, want := range []int{1, 2} {
		if i > 0 {
			if err := ix.Update(context.Background(), []search.Doc{{URL: "/b/", Title: "B", Body: "The word is quixatic there.", Lang: "en"}}, nil); err != nil {
				t.Fatal(err)
			}
		}
		res, err := search.Search(context.Background(), ix, search.Request{Query: "quixotic "})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Fuzzy || len(res.Hits) != want {
			t.Errorf("search %d: fuzzy %v, %d hits, want %d by spelling", i+1, res.Fuzzy, len(res.Hits), want)
		}
	}
}

// TestSearch_ConcurrentSameAnswers: searches running at once on a freshly
// opened index, misspelt words and the last parts of Dutch compounds
// among them, answer as the same searches run one after the other.
func TestSearch_ConcurrentSameAnswers(t *testing.T) {
	idx, _ := buildOpen(t, []search.Doc{
		{URL: "/en/a/", Title: "Mentorship circle", Body: "A circle of mentors meets every month. Meeting notes are shared.", Lang: "en"},
		{URL: "/nl/b/", Title: "Projectrollen", Body: "De projectleider beslist. Teamafspraken staan in de woordenlijst.", Lang: "nl"},
		{URL: "/nl/c/", Title: "Afspraken", Body: "Afspraken over vergaderingen en de planning.", Lang: "nl"},
	})
	queries := []string{"mentorship cirlce ", "meetnig ", "leider", "afspraken ", "lijst ", "vergaderingne ", "circle men", "planing "}
	const rounds = 8
	got := make([][]*search.Result, rounds)
	var wg sync.WaitGroup
	for g := range rounds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range queries {
				q := queries[(i+g)%len(queries)]
				res, err := search.Search(context.Background(), idx, search.Request{Query: q})
				if err != nil {
					t.Error(err)
					return
				}
				res.TookMS = 0
				got[g] = append(got[g], res)
			}
		}()
	}
	wg.Wait()
	for i, q := range queries {
		want, err := search.Search(context.Background(), idx, search.Request{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		want.TookMS = 0
		for g := range rounds {
			if res := got[g][(i-g%len(queries)+len(queries))%len(queries)]; !reflect.DeepEqual(res, want) {
				t.Errorf("%q at once: %+v, one after the other: %+v", q, res, want)
			}
		}
	}
}

// TestIndex_BuildCancelled: a build cancelled while segments are being
// written (one analysed while the one before is made) stops with the
// context's error and leaves none of its temporary files.
func TestIndex_BuildCancelled(t *testing.T) {
	docs := synthCorpus(600)
	slices.SortFunc(docs, func(a, b search.Doc) int { return strings.Compare(a.URL, b.URL) })
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	err := search.BuildFrom(ctx, filepath.Join(dir, "index"), dir, len(docs), func(i int) search.Doc {
		if i == 350 {
			cancel()
		}
		return docs[i]
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "kb-index-*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}
