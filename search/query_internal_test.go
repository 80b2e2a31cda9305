package search

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

func TestParseQuery(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Query
	}{
		{"", Query{}},
		{"   ", Query{}},
		{"weekly sync", Query{Words: []string{"weekly", "sync"}, Partial: true}},
		{"weekly sync ", Query{Words: []string{"weekly", "sync"}}},
		{`"weekly sync" agenda`, Query{Words: []string{"agenda"}, Phrases: []string{"weekly sync"}, Partial: true}},
		{`agenda "weekly sync"`, Query{Words: []string{"agenda"}, Phrases: []string{"weekly sync"}}},
		{`"unclosed phrase`, Query{Phrases: []string{"unclosed phrase"}}},
		{"retro -lessons", Query{Words: []string{"retro"}, Exclude: []string{"lessons"}}},
		{`retro -"lessons learned" x`, Query{Words: []string{"retro", "x"}, Exclude: []string{"lessons learned"}, Partial: true}},
		{"+must stand-up", Query{Words: []string{"must", "stand-up"}, Partial: true}},
		{"- -- / * ?", Query{}},
		{"a\tb\nc", Query{Words: []string{"a", "b", "c"}, Partial: true}},
		{"coördinatie", Query{Words: []string{"coördinatie"}, Partial: true}},
		{`""`, Query{}},
	} {
		got, err := ParseQuery(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q:\n got %+v\nwant %+v", c.in, got, c.want)
		}
	}
	for _, bad := range []string{strings.Repeat("x", MaxQueryBytes+1), "\xff", "a\x00", "a\x1b[31m", strings.Repeat("w ", MaxTerms+1)} {
		if _, err := ParseQuery(bad); !IsQueryError(err) {
			t.Errorf("%q: error %v, want a QueryError", bad, err)
		}
	}
}

func TestMarkHTML(t *testing.T) {
	text := "A <b>bold</b> claim &\nanother\t\tline"
	b, an := strings.Index(text, "b>"), strings.Index(text, "another")
	spans := []span{{start: b, end: b + 1, group: 0}, {start: an, end: an + len("another"), group: 1}}
	got := markHTML(text, spans, 0, len(text))
	want := "A &lt;<mark>b</mark>&gt;bold&lt;/b&gt; claim &amp; · <mark>another</mark> line" // a line break ends a block
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	// Cut on both sides: ellipses, and spans outside are not marked.
	got = markHTML(text, spans, strings.Index(text, "claim"), an-1)
	if got != "… claim &amp; …" {
		t.Errorf("cut: %q", got)
	}
}

func TestFragmentWindow(t *testing.T) {
	text := strings.Repeat("filler words here ", 30) + "the needle sits here " + strings.Repeat("more filler text ", 30)
	at := strings.Index(text, "needle")
	start, end := window(text, at)
	if start > at || end < at+len("needle") {
		t.Fatalf("window %d..%d misses %d", start, end, at)
	}
	if end-start > fragmentBytes || at-start > contextBytes {
		t.Errorf("window %d..%d for a word at %d", start, end, at)
	}
	if text[start-1] != ' ' || (end < len(text) && text[end] != ' ') {
		t.Errorf("window %q does not fall on word boundaries", text[start:end])
	}
}

// TestHandler_Busy: when every search slot is taken, a request is turned
// away at once with 503 and Retry-After instead of queueing.
func TestHandler_Busy(t *testing.T) {
	docs := []Doc{{URL: "/a/", Title: "Weekly sync", Body: "The weekly sync.", Lang: "en", Kind: "meeting-format"}}
	idx, err := Open(indexOf(t, docs))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	h := &Handler{Index: func() *Index { return idx }}
	slots := h.slotChan()
	for range cap(slots) {
		slots <- struct{}{}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/_search?q=sync", nil))
	for range cap(slots) {
		<-slots
	}
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Errorf("busy: %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/_search?q=sync", nil))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"total":1`) {
		t.Errorf("after: %d %s", rec.Code, rec.Body)
	}
}

// TestSearch_ClosedIndex: a search on an index that has gone away is an
// error, not a panic.
func TestSearch_ClosedIndex(t *testing.T) {
	idx, err := Open(indexOf(t, []Doc{{URL: "/a/", Title: "A", Lang: "en"}}))
	if err != nil {
		t.Fatal(err)
	}
	idx.Close()
	if _, err := Search(context.Background(), idx, Request{Query: "a"}); err == nil || IsQueryError(err) {
		t.Errorf("closed index: %v", err)
	}
	rec := httptest.NewRecorder()
	(&Handler{Index: func() *Index { return idx }}).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/_search?q=a", nil))
	if rec.Code != http.StatusInternalServerError || !strings.Contains(rec.Body.String(), `"error"`) {
		t.Errorf("closed index over HTTP: %d %s", rec.Code, rec.Body)
	}
}

// Phrases are found in text as the analyzer sees it: any case, stop words
// between, accents written or not, and not inside another word.
func TestHoldsRun(t *testing.T) {
	m := NewMapping()
	for _, c := range []struct {
		lang, phrase, text string
		want               bool
	}{
		{"nl", "coördinatie overleg", "Het wekelijkse Coördinatie-overleg begint om negen uur.", true},
		{"nl", "coordinatie overleg", "Het wekelijkse coördinatie overleg.", true},
		{"nl", "coördinatie overleg", "Het wekelijkse coordinatie — overleg.", true},
		{"nl", "coördinatie overleg", "Coördinatie is geen overleg.", true}, // stop words between
		{"nl", "coördinatie overleg", "Coördinatie vraagt overleg.", false},
		{"nl", "coördinatie overleg", "Hercoördinatie overleg.", false},
		{"en", "weekly sync", "Join the WEEKLY sync on Monday.", true},
		{"en", "weekly sync", "Our biweekly sync.", false},
		{"en", "lessons learned", "The lessons we all learned.", true},
		{"en", "lessons learned", "Lessons teams learned", false},
		{"en", "decision meeting", "After the decision, a meeting.", true},
	} {
		an := m.AnalyzerNamed(Analyzer(c.lang))
		mt := &matcher{an: an, cache: map[string]string{}}
		if got := mt.holdsPhrase(c.phrase, []string{c.text}); got != c.want {
			t.Errorf("%s %q in %q: %v, want %v", c.lang, c.phrase, c.text, got, c.want)
		}
	}
}

// The facets counted from the snapshot's table (facets.go) equal bleve's
// own facet counts, on an index that changes: pages added, changed and
// deleted, over several segments.
func TestFacetCounts(t *testing.T) {
	ix, err := bleve.New(filepath.Join(t.TempDir(), "index"), NewMapping())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	wrapped := &Index{b: ix}
	kinds := []string{"symptom", "meeting-format", "", "tool-rollout"}
	langs := []string{"en", "nl", "de"}
	tags := []string{"alpha", "beta", "gamma", "delta", "epsilon"}
	put := func(i, salt int) {
		d := Doc{URL: fmt.Sprintf("/p%d/", i), Title: fmt.Sprintf("Page %d", i), Body: "common words " + strings.Repeat("weekly sync ", i%3),
			Kind: kinds[(i+salt)%len(kinds)], Lang: langs[(i*7+salt)%len(langs)]}
		for j, tg := range tags {
			if (i+salt)%(j+2) == 0 {
				d.Tags = append(d.Tags, tg)
			}
		}
		if err := ix.Index(d.URL, d); err != nil {
			t.Fatal(err)
		}
	}
	check := func(when string) {
		t.Helper()
		for _, req := range []Request{{Query: "common"}, {Query: "weekly"}, {Query: "sync", Kind: "symptom"}, {Query: "common", Lang: "nl", Tags: []string{"alpha"}}, {}} {
			q, _ := ParseQuery(req.Query)
			p, err := newPlan(wrapped, q, req)
			if err != nil {
				t.Fatal(err)
			}
			p.text = p.textQuery(p.langs)
			for _, skip := range []string{"", FieldKind, FieldLang, FieldTags} {
				sr := bleve.NewSearchRequestOptions(p.filtered(skip), 0, 0, false)
				for _, f := range facetFields {
					sr.AddFacet(f, bleve.NewFacetRequest(f, facetSize[f]))
				}
				want, err := ix.Search(sr)
				if err != nil {
					t.Fatal(err)
				}
				_, fc, err := p.run(context.Background(), p.filtered(skip), 0, 0, nil, facetFields[:]...)
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range facetFields {
					w := map[string]int{}
					for _, tf := range want.Facets[f].Terms.Terms() {
						if tf.Term != "" { // a page without a kind: not a value to filter by
							w[tf.Term] = tf.Count
						}
					}
					if got := fc.result(f, facetSize[f]); !reflect.DeepEqual(got, w) {
						t.Errorf("%s: %+v without %q: %s counts %v, bleve %v", when, req, skip, f, got, w)
					}
				}
			}
		}
	}
	// onlyQuery keeps the query's matches among the ids, with their
	// scores, as bleve's filter does.
	only := func(when string) {
		t.Helper()
		q, _ := ParseQuery("common weekly")
		p, err := newPlan(wrapped, q, Request{})
		if err != nil {
			t.Fatal(err)
		}
		text := p.textQuery(p.langs)
		for _, step := range []int{1, 2, 5, 40, 1000} {
			var ids []string
			for i := 0; i < 150; i += step {
				ids = append(ids, fmt.Sprintf("/p%d/", i))
			}
			bq := query.NewBooleanQuery([]query.Query{text}, nil, nil)
			bq.AddFilter(query.NewDocIDQuery(ids))
			var hits [2][]string
			for k, q := range []query.Query{bq, &onlyQuery{q: text, ids: ids}} {
				res, err := ix.Search(bleve.NewSearchRequestOptions(q, 200, 0, false))
				if err != nil {
					t.Fatal(err)
				}
				for _, h := range res.Hits {
					hits[k] = append(hits[k], fmt.Sprintf("%s %.6f", h.ID, h.Score))
				}
			}
			// (Pages of equal score may come in either order.)
			slices.Sort(hits[0])
			slices.Sort(hits[1])
			if !reflect.DeepEqual(hits[0], hits[1]) || (len(hits[0]) == 0 && step < 40) {
				t.Errorf("%s: every %dth page: filter %v, onlyQuery %v", when, step, hits[0], hits[1])
			}
		}
	}
	for i := range 120 {
		put(i, 0)
	}
	check("first")
	only("first")
	for i := 0; i < 120; i += 3 {
		if err := ix.Delete(fmt.Sprintf("/p%d/", i)); err != nil {
			t.Fatal(err)
		}
	}
	for i := 1; i < 150; i += 4 {
		put(i, 1)
	}
	check("after changes")
	only("after changes")
}

func TestIndexFold(t *testing.T) {
	for _, c := range []struct {
		s, key string
		want   int
	}{
		{"", "abc", -1}, {"abc", "abc", 0}, {"xxABC", "abc", 2}, {"aBxAbC", "abc", 3}, {"ab", "abc", -1},
		{"Weekly wEEKLY", "wee", 0}, {"the Wee", "wee", 4}, {"öabc", "abc", 2}, {"AAAAAb", "aab", 3}, {"x-1", "-1", 1},
	} {
		if got := indexFold(c.s, c.key); got != c.want {
			t.Errorf("indexFold(%q, %q) = %d, want %d", c.s, c.key, got, c.want)
		}
	}
}
