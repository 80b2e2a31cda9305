package search_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v2"

	"kb/search"
)

// relevanceCase is one entry of testdata/relevance.yaml.
type relevanceCase struct {
	Query  string `yaml:"query"`
	Expect string `yaml:"expect"`
	Top    int    `yaml:"top"`
	Lang   string `yaml:"lang"`
	Kind   string `yaml:"kind"`
	Tag    string `yaml:"tag"`
	// Pref is the reader's language (see search.Request.Pref).
	Pref string `yaml:"pref"`
}

// TestRelevance runs the relevance set written with the example content:
// each query's expected page must come first, or within the top three, as
// the set says. The query is sent as typed, so its last word also matches
// as a prefix, exactly as in the search box; and once more with a
// trailing space, as after the user has finished the word. A page found
// as a result's translation (Hit.AlsoIn, one link away) counts at that
// result's rank.
func TestRelevance(t *testing.T) {
	cases := relevanceCases(t)
	if len(cases) < 40 {
		t.Fatalf("relevance set has %d queries, want at least 40", len(cases))
	}
	failed, runs, top1, top3 := 0, 0, 0, 0
	mrr := 0.0
	for _, c := range cases {
		if c.Top != 1 && c.Top != 3 {
			t.Errorf("%q: top must be 1 or 3, is %d", c.Query, c.Top)
			continue
		}
		want := urlOf(t, c.Expect)
		for _, q := range []string{c.Query, c.Query + " "} {
			req := search.Request{Query: q, Lang: c.Lang, Kind: c.Kind, Pref: c.Pref, Limit: 10}
			if c.Tag != "" {
				req.Tags = []string{c.Tag}
			}
			res := find(t, req)
			rank := -1
			for i, h := range res.Hits {
				if h.URL == want || slices.ContainsFunc(h.AlsoIn, func(a search.Translation) bool { return a.URL == want }) {
					rank = i + 1
					break
				}
			}
			runs++
			if rank >= 1 {
				mrr += 1 / float64(rank)
			}
			if rank == 1 {
				top1++
			}
			if rank >= 1 && rank <= 3 {
				top3++
			}
			if rank < 1 || rank > c.Top {
				failed++
				var got []string
				for i, h := range res.Hits {
					if i == 5 {
						break
					}
					got = append(got, h.URL)
				}
				t.Errorf("%q (lang=%s kind=%s tag=%s): %s at rank %d, want top %d; got %s",
					q, c.Lang, c.Kind, c.Tag, c.Expect, rank, c.Top, strings.Join(got, " "))
			}
		}
	}
	t.Logf("relevance: %d of %d queries pass (each run as typed and completed); MRR %.3f, top-1 %d (%.1f%%), top-3 %d (%.1f%%)",
		2*len(cases)-failed, 2*len(cases), mrr/float64(runs), top1, 100*float64(top1)/float64(runs), top3, 100*float64(top3)/float64(runs))
}

// relevanceCases reads testdata/relevance.yaml.
func relevanceCases(t *testing.T) []relevanceCase {
	t.Helper()
	data, err := os.ReadFile("testdata/relevance.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cases []relevanceCase
	if err := yaml.UnmarshalStrict(data, &cases); err != nil {
		t.Fatal(err)
	}
	return cases
}
