package search_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"kb/search"
)

// TestDenseMatchesSearchers runs every query of the relevance set, as
// typed, completed, filtered and misspelt, with dense evaluation (its
// matches collected directly or by bleve's collector) and through bleve's
// searchers, and requires the same answer: hits, scores,
// totals, facets and flags.
func TestDenseMatchesSearchers(t *testing.T) {
	var reqs []search.Request
	for _, c := range relevanceCases(t) {
		var tags []string
		if c.Tag != "" {
			tags = []string{c.Tag}
		}
		for _, q := range []string{c.Query, c.Query + " ", `"` + c.Query + `"`, c.Query + " -meeting", swapped(c.Query)} {
			reqs = append(reqs,
				search.Request{Query: q, Limit: 20},
				search.Request{Query: q, Lang: c.Lang, Kind: c.Kind, Pref: c.Pref, Tags: tags, Limit: 20},
				search.Request{Query: q, Pref: "nl", Limit: 5, Offset: 3},
			)
		}
	}
	answer := func(req search.Request) string {
		res := find(t, req)
		s := fmt.Sprintf("total %d fuzzy %v partial %v approx %v facets %v\n", res.Total, res.Fuzzy, res.Partial, res.Approximate, res.Facets)
		for _, h := range res.Hits {
			s += fmt.Sprintf("%s %v %q %q %v\n", h.URL, h.Score, h.TitleHTML, h.Fragments, h.AlsoIn)
		}
		return s
	}
	matched := 0
	for _, req := range reqs {
		dense := answer(req)
		was := search.SetDirect(false)
		collected := answer(req)
		search.SetDirect(was)
		was = search.SetDense(false)
		slow := answer(req)
		search.SetDense(was)
		if dense != collected {
			t.Errorf("%+v:\ndense, collected directly:\n%s\ndense, by bleve's collector:\n%s", req, dense, collected)
		}
		if dense != slow {
			t.Errorf("%+v:\ndense:\n%s\nsearchers:\n%s", req, dense, slow)
		}
		if len(dense) > 80 {
			matched++
		}
	}
	if matched < len(reqs)/2 {
		t.Fatalf("only %d of %d requests found anything", matched, len(reqs))
	}
}

// swapped is s with two letters of its first long word swapped, a typo.
func swapped(s string) string {
	r := []rune(s)
	for i := 0; i+4 < len(r); i++ {
		if r[i] != ' ' && r[i+1] != ' ' && r[i+2] != ' ' && r[i+3] != ' ' && r[i+4] != ' ' {
			r[i+2], r[i+3] = r[i+3], r[i+2]
			return string(r)
		}
	}
	return s
}

// TestDense_LongPostings: words on thousands of pages, whose postings
// lists have arrays of their own kept between searches, score as bleve's
// searchers score them, search after search, lists of other lengths in
// between.
func TestDense_LongPostings(t *testing.T) {
	var docs []search.Doc
	for i := range 9000 {
		body := "common"
		if i%2 == 0 {
			body += " half"
		}
		if i%3 == 0 {
			body += " third"
		}
		docs = append(docs, search.Doc{URL: fmt.Sprintf("/p%05d/", i), Title: fmt.Sprintf("Page %d", i), Body: body, Lang: "en"})
	}
	dir := t.TempDir()
	if err := search.Build(context.Background(), filepath.Join(dir, "index"), dir, docs); err != nil {
		t.Fatal(err)
	}
	ix, err := search.Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	answer := func(q string) string {
		res, err := search.Search(context.Background(), ix, search.Request{Query: q, Limit: 20})
		if err != nil {
			t.Fatal(err)
		}
		s := fmt.Sprintf("total %d facets %v\n", res.Total, res.Facets)
		for _, h := range res.Hits {
			s += fmt.Sprintf("%s %v %q\n", h.URL, h.Score, h.Fragments)
		}
		return s
	}
	for round := range 3 {
		for _, q := range []string{"common", "half third", "third", "common half page", "comm", "page 42"} {
			dense := answer(q)
			was := search.SetDense(false)
			slow := answer(q)
			search.SetDense(was)
			if dense != slow {
				t.Fatalf("round %d, %q:\ndense:\n%.2000s\nsearchers:\n%.2000s", round, q, dense, slow)
			}
		}
	}
}
