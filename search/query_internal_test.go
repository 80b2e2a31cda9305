package search

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
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

func TestWithinEdits(t *testing.T) {
	for _, c := range []struct {
		a, b string
		d    int
		want bool
	}{
		{"circle", "circle", 0, true},
		{"circle", "cirlce", 1, true}, // swapped letters
		{"circle", "circl", 1, true},
		{"circle", "circus", 1, false},
		{"circle", "circus", 2, true},
		{"escalation", "escalaton", 1, true},
		{"ambassadors", "ambasadors", 1, true},
		{"abc", "xyz", 2, false},
	} {
		if got := withinEdits([]rune(c.a), []rune(c.b), c.d); got != c.want {
			t.Errorf("withinEdits(%q, %q, %d) = %v", c.a, c.b, c.d, got)
		}
	}
}

func TestMarkHTML(t *testing.T) {
	text := "A <b>bold</b> claim &\nanother\t\tline"
	b, an := strings.Index(text, "b>"), strings.Index(text, "another")
	spans := []span{{start: b, end: b + 1, group: 0}, {start: an, end: an + len("another"), group: 1}}
	got := markHTML(text, spans, 0, len(text))
	want := "A &lt;<mark>b</mark>&gt;bold&lt;/b&gt; claim &amp; <mark>another</mark> line"
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
	dir := t.TempDir()
	docs := []Doc{{URL: "/a/", Title: "Weekly sync", Body: "The weekly sync.", Lang: "en", Kind: "meeting-format"}}
	if err := Build(context.Background(), filepath.Join(dir, "index"), dir, docs); err != nil {
		t.Fatal(err)
	}
	idx, err := Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	h := &Handler{Index: func() bleve.Index { return idx }}

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
	dir := t.TempDir()
	if err := Build(context.Background(), filepath.Join(dir, "index"), dir, []Doc{{URL: "/a/", Title: "A", Lang: "en"}}); err != nil {
		t.Fatal(err)
	}
	idx, err := Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	idx.Close()
	if _, err := Search(context.Background(), idx, Request{Query: "a"}); err == nil || IsQueryError(err) {
		t.Errorf("closed index: %v", err)
	}
	rec := httptest.NewRecorder()
	(&Handler{Index: func() bleve.Index { return idx }}).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/_search?q=a", nil))
	if rec.Code != http.StatusInternalServerError || !strings.Contains(rec.Body.String(), `"error"`) {
		t.Errorf("closed index over HTTP: %d %s", rec.Code, rec.Body)
	}
}
