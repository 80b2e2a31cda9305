package builder

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestSite_TagAndOwnerOrder: the tag and owner lists are sorted by name,
// and the pages of each tag and owner by weight (weighted pages first),
// then title. The sources
// name the tags and owners in the reverse order, and their pages' titles
// run against their paths, so an unsorted list never passes.
func TestSite_TagAndOwnerOrder(t *testing.T) {
	// Page i (p00.md … p09.md) is titled "Step <names[i]>", tagged
	// names[i] and names[i+1], and owned by "Team <names[i rounded down to
	// even]>"; p05 has weight 1.
	names := []string{"juliet", "india", "hotel", "golf", "foxtrot", "echo", "delta", "charlie", "bravo", "alpha"}
	files := map[string]string{}
	for i, n := range names {
		weight := ""
		if i == 5 {
			weight = "weight: 1\n"
		}
		files[fmt.Sprintf("p%02d.md", i)] = fmt.Sprintf("---\ntitle: Step %s\ntags: [%s, %s]\nowner: Team %s\n%s---\n\nText.\n",
			n, n, names[(i+1)%len(names)], names[i/2*2], weight)
	}
	s, _, ds, err := Load(context.Background(), Options{Source: site(t, files), Now: testNow})
	if err != nil || ds.Errors() > 0 {
		t.Fatalf("load: %v\n%s", err, diagStrings(ds))
	}
	defer s.Close()
	wantTags := [][]string{
		{"alpha", "p09", "p08"}, {"bravo", "p08", "p07"}, {"charlie", "p07", "p06"},
		{"delta", "p05", "p06"}, {"echo", "p05", "p04"}, // a weighted page before unweighted ones, whatever the titles
		{"foxtrot", "p04", "p03"}, {"golf", "p03", "p02"}, {"hotel", "p02", "p01"}, {"india", "p01", "p00"},
		{"juliet", "p09", "p00"},
	}
	wantOwners := [][]string{
		{"Team bravo", "p09", "p08"}, {"Team delta", "p07", "p06"}, {"Team foxtrot", "p05", "p04"},
		{"Team hotel", "p03", "p02"}, {"Team juliet", "p01", "p00"},
	}
	for _, c := range []struct {
		list  string
		terms []*Term
		want  [][]string
	}{{"tags", s.Tags, wantTags}, {"owners", s.Owners, wantOwners}} {
		var got [][]string
		for _, term := range c.terms {
			g := []string{term.Name}
			for _, p := range term.Pages {
				g = append(g, strings.TrimSuffix(p.Path, ".md"))
			}
			got = append(got, g)
		}
		if !slices.EqualFunc(got, c.want, slices.Equal) {
			t.Errorf("%s (name, then pages):\n got %v\nwant %v", c.list, got, c.want)
		}
	}
}
