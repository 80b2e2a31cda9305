package search_test

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"

	"kb/search"
)

// marked returns the words a result marks, lower-cased, from titles and
// fragments.
func marked(res *search.Result) []string {
	re := regexp.MustCompile(`<mark>([^<]*)</mark>`)
	var out []string
	for _, h := range res.Hits {
		for _, s := range append([]string{h.TitleHTML}, h.Fragments...) {
			for _, m := range re.FindAllStringSubmatch(s, -1) {
				out = append(out, strings.ToLower(m[1]))
			}
		}
	}
	return out
}

func urls(res *search.Result) []string {
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.URL)
	}
	return out
}

// TestSearch_DutchStemming: an inflection finds its stem's other forms, both
// ways, and the snippets mark the form the page uses.
func TestSearch_DutchStemming(t *testing.T) {
	for _, c := range []struct{ query, finds string }{
		{"samenwerken ", "samenwerking"},
		{"samenwerking ", "samenwerken"},
		{"vergaderingen ", "vergadering"},
	} {
		res := find(t, search.Request{Query: c.query, Lang: "nl", Limit: 50})
		if !slices.Contains(marked(res), c.finds) {
			t.Errorf("%q marks %v, want %q among them", c.query, marked(res), c.finds)
		}
		for _, h := range res.Hits {
			if h.Lang != "nl" {
				t.Errorf("%q with lang=nl returned %s in %s", c.query, h.URL, h.Lang)
			}
		}
	}
	// A Dutch stop word alone finds nothing, without an error.
	if res := find(t, search.Request{Query: "de ", Lang: "nl"}); res.Total != 0 {
		t.Errorf("stop word \"de\" found %d pages", res.Total)
	}
}

// TestSearch_EnglishPlurals: singular and plural find each other.
func TestSearch_EnglishPlurals(t *testing.T) {
	for _, c := range []struct{ query, finds string }{
		{"meetings ", "meeting"},
		{"meeting ", "meetings"},
		{"retrospectives ", "retrospective"},
	} {
		res := find(t, search.Request{Query: c.query, Lang: "en", Limit: 50})
		if !slices.Contains(marked(res), c.finds) {
			t.Errorf("%q marks %v, want %q among them", c.query, marked(res), c.finds)
		}
	}
}

// TestSearch_Typo: a misspelt word finds nothing exactly, so the result
// comes from words spelt like it, and says so.
func TestSearch_Typo(t *testing.T) {
	res := find(t, search.Request{Query: "mentorship cirlce "})
	if !res.Fuzzy {
		t.Error("result not marked fuzzy")
	}
	if len(res.Hits) == 0 || res.Hits[0].URL != urlOf(t, "meeting-formats/mentorship-circle.md") {
		t.Fatalf("got %v, want the mentorship circle first", urls(res))
	}
	if !slices.Contains(marked(res), "circle") {
		t.Errorf("marks %v, want the word as written in the page, circle", marked(res))
	}
	// Correctly spelt words are never answered fuzzily.
	if res := find(t, search.Request{Query: "mentorship circle "}); res.Fuzzy {
		t.Error("exact query answered fuzzily")
	}
}

// TestSearch_PhraseRanksFirst: the page holding the words as typed ranks
// above pages holding them apart, and a quoted phrase requires them in a
// row.
func TestSearch_PhraseRanksFirst(t *testing.T) {
	measuring := urlOf(t, "guides/measuring-collaboration.md")
	res := find(t, search.Request{Query: "project lead time "})
	if i := slices.Index(urls(res), measuring); i < 0 || i > 2 {
		t.Errorf("\"project lead time\": measuring collaboration at %d in %v", i, urls(res))
	}
	rev := find(t, search.Request{Query: "time lead project "})
	if slices.Index(urls(rev), measuring) <= slices.Index(urls(res), measuring) {
		t.Errorf("the words in another order rank the page as high (%d) as the phrase (%d)",
			slices.Index(urls(rev), measuring), slices.Index(urls(res), measuring))
	}

	loose := find(t, search.Request{Query: "project sync ", Limit: 50})
	exact := find(t, search.Request{Query: `"project sync"`, Limit: 50})
	if exact.Total == 0 || exact.Total >= loose.Total {
		t.Fatalf(`"project sync" quoted found %d pages, unquoted %d: want fewer but some`, exact.Total, loose.Total)
	}
	if exact.Total != uint64(len(exact.Hits)) {
		t.Errorf("total %d, hits %d", exact.Total, len(exact.Hits))
	}
	for _, h := range exact.Hits {
		p := pageAt(t, h.URL)
		if !regexp.MustCompile(`(?i)project[- ]sync`).MatchString(p.Title + " " + p.Summary + " " + p.Text) {
			t.Errorf("%s does not hold the phrase", h.URL)
		}
	}
	// Phrase checks need not be approximate on a site this size.
	if exact.Approximate {
		t.Error("quoted phrase result is approximate")
	}
}

// TestSearch_Exclude: -word leaves out every page holding the word.
func TestSearch_Exclude(t *testing.T) {
	all := find(t, search.Request{Query: "retrospective ", Pref: "en", Limit: 50})
	without := find(t, search.Request{Query: "retrospective -lessons ", Pref: "en", Limit: 50})
	lessons := urlOf(t, "meeting-formats/lessons-learned-session.md")
	if !slices.Contains(urls(all), lessons) {
		t.Fatalf("retrospective does not find the lessons-learned session: %v", urls(all))
	}
	if without.Total == 0 || without.Total >= all.Total {
		t.Fatalf("excluding found %d of %d", without.Total, all.Total)
	}
	for _, h := range without.Hits {
		p := pageAt(t, h.URL)
		if regexp.MustCompile(`(?i)\blessons?\b`).MatchString(p.Title + " " + p.Summary + " " + p.Text) {
			t.Errorf("%s holds the excluded word", h.URL)
		}
	}
	// A phrase can be excluded too.
	phrase := find(t, search.Request{Query: `retrospective -"lessons learned"`, Pref: "en", Limit: 50})
	if slices.Contains(urls(phrase), lessons) {
		t.Errorf(`-"lessons learned" kept %s`, lessons)
	}
}

// TestSearch_Prefix: the word being typed matches by its beginning; once
// finished (a space after it), its stem still does when it has four letters
// or more, as the stem of every other word of the query.
func TestSearch_Prefix(t *testing.T) {
	typing := find(t, search.Request{Query: "retros", Pref: "en"})
	retro := urlOf(t, "meeting-formats/retrospective.md")
	if i := slices.Index(urls(typing), retro); i < 0 || i > 2 {
		t.Errorf("\"retros\" puts the retrospective at %d: %v", i, urls(typing))
	}
	if !slices.Contains(marked(typing), "retrospective") {
		t.Errorf("\"retros\" marks %v", marked(typing))
	}
	for _, q := range []string{"retros ", "retros meeting", "meeting retros "} {
		res := find(t, search.Request{Query: q, Pref: "en"})
		if i := slices.Index(urls(res), retro); i < 0 || i > 2 {
			t.Errorf("%q puts the retrospective at %d: %v", q, i, urls(res))
		}
	}
	// A stem of three letters is not a prefix.
	if done := find(t, search.Request{Query: "ret "}); done.Total != 0 {
		t.Errorf("\"ret \" (finished) found %v", urls(done))
	}
}

// TestSearch_Filters: kind, tag and language filters combine, and each
// facet counts its field without its own filter.
func TestSearch_Filters(t *testing.T) {
	all := find(t, search.Request{Query: "customer ", Limit: 50})
	if all.Total > 50 {
		t.Fatalf("test needs a query with at most 50 hits, got %d", all.Total)
	}
	// Facets count the results; languages count pages, the translations
	// a result names included (see groups.go).
	kinds, tags, langs := map[string]int{}, map[string]int{}, map[string]int{}
	for _, h := range all.Hits {
		if h.Kind != "" {
			kinds[h.Kind]++
		}
		langs[h.Lang]++
		for _, a := range h.AlsoIn {
			langs[a.Lang]++
		}
		for _, tg := range h.Tags {
			tags[tg]++
		}
	}
	checkCounts(t, "kind", all.Facets.Kind, kinds)
	checkCounts(t, "lang", all.Facets.Lang, langs)
	checkCounts(t, "tags", all.Facets.Tags, tags)

	sym := find(t, search.Request{Query: "customer ", Kind: "symptom", Tags: []string{"support"}, Lang: "en", Limit: 50})
	if sym.Total == 0 {
		t.Fatal("no English symptom tagged support about customers")
	}
	for _, h := range sym.Hits {
		if h.Kind != "symptom" || h.Lang != "en" || !slices.Contains(h.Tags, "support") {
			t.Errorf("%s (%s, %s, %v) does not pass the filters", h.URL, h.Kind, h.Lang, h.Tags)
		}
	}
	// The kind facet ignores the kind filter but applies the others.
	other := find(t, search.Request{Query: "customer ", Tags: []string{"support"}, Lang: "en", Limit: 50})
	checkCounts(t, "kind with kind filter", sym.Facets.Kind, other.Facets.Kind)
	if sym.Facets.Kind["symptom"] != int(sym.Total) {
		t.Errorf("kind facet says %d symptoms, total is %d", sym.Facets.Kind["symptom"], sym.Total)
	}
	// Filters alone list pages, without a query.
	list := find(t, search.Request{Kind: "meeting-format", Lang: "nl", Limit: 50})
	if list.Total == 0 {
		t.Fatal("no Dutch meeting formats listed")
	}
	for _, h := range list.Hits {
		if h.Kind != "meeting-format" || h.Lang != "nl" {
			t.Errorf("listing has %s (%s, %s)", h.URL, h.Kind, h.Lang)
		}
	}
}

func checkCounts(t *testing.T, what string, got, want map[string]int) {
	t.Helper()
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%s facet %q: %d, want %d", what, k, got[k], n)
		}
	}
	for k, n := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s facet has %q: %d, want none", what, k, n)
		}
	}
}

// TestSearch_Paging: offset pages through the same ranking.
func TestSearch_Paging(t *testing.T) {
	all := find(t, search.Request{Query: "team ", Limit: 20})
	if len(all.Hits) < 10 {
		t.Fatalf("need 10 hits, got %d", len(all.Hits))
	}
	second := find(t, search.Request{Query: "team ", Limit: 5, Offset: 5})
	if !slices.Equal(urls(second), urls(all)[5:10]) {
		t.Errorf("offset 5: %v, want %v", urls(second), urls(all)[5:10])
	}
}

// TestSearch_SyntaxIsText: characters other search engines read as
// operators (wildcards, regexps, fields, boosts) are plain text here.
func TestSearch_SyntaxIsText(t *testing.T) {
	for _, q := range []string{"/.*/", "*", "title:meeting", "meet*", "meeting^10", "?", "a AND b OR c", `\`, `"`, "-", "+", "((", "~2"} {
		if _, err := search.Search(context.Background(), idx, search.Request{Query: q}); err != nil {
			t.Errorf("%q: %v", q, err)
		}
	}
	if res := find(t, search.Request{Query: "/.*/"}); res.Total != 0 {
		t.Errorf("/.*/ matched %d pages", res.Total)
	}
}

// TestSearch_BadRequests: what the user got wrong is a QueryError.
func TestSearch_BadRequests(t *testing.T) {
	for name, req := range map[string]search.Request{
		"long":        {Query: strings.Repeat("a", search.MaxQueryBytes+1)},
		"utf8":        {Query: "caf\xe9"},
		"control":     {Query: "a\x00b"},
		"limit":       {Query: "a", Limit: search.MaxLimit + 1},
		"neg limit":   {Query: "a", Limit: -1},
		"offset":      {Query: "a", Offset: search.MaxOffset + 1},
		"neg offset":  {Query: "a", Offset: -1},
		"words":       {Query: strings.Repeat("w ", search.MaxTerms+1)},
		"kind utf8":   {Query: "a", Kind: "\xff"},
		"long tag":    {Query: "a", Tags: []string{strings.Repeat("t", 100)}},
		"tag control": {Query: "a", Tags: []string{"a\nb"}},
	} {
		_, err := search.Search(context.Background(), idx, req)
		var qe *search.QueryError
		if !errors.As(err, &qe) {
			t.Errorf("%s: error %v, want a QueryError", name, err)
		}
	}
}
