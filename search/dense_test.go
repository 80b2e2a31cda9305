package search_test

import (
	"fmt"
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
