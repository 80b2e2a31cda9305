package search_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"kb/builder"
	"kb/search"
)

func newServer(t *testing.T, ix *search.Index) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(&search.Handler{Index: func() *search.Index { return ix }})
	t.Cleanup(srv.Close)
	return srv
}

// get requests the handler and decodes its JSON answer into v (when not
// nil).
func get(t *testing.T, srv *httptest.Server, method, rawQuery string, v any) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+"/_search?"+rawQuery, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Header.Get("Content-Type"); got != "application/json; charset=utf-8" {
		t.Errorf("%s %s: Content-Type %q", method, rawQuery, got)
	}
	if got := resp.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("%s %s: Cache-Control %q", method, rawQuery, got)
	}
	if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("%s %s: X-Content-Type-Options %q", method, rawQuery, got)
	}
	if method == http.MethodHead {
		if len(body) != 0 {
			t.Errorf("HEAD answered a body")
		}
		return resp
	}
	if !json.Valid(body) {
		t.Fatalf("%s %s: invalid JSON %q", method, rawQuery, body)
	}
	if v != nil {
		if err := json.Unmarshal(body, v); err != nil {
			t.Fatalf("%s %s: %v", method, rawQuery, err)
		}
	}
	return resp
}

func TestHandler_Answers(t *testing.T) {
	srv := newServer(t, idx)
	var res search.Result
	resp := get(t, srv, http.MethodGet, "q=weekly+project+sync&limit=3", &res)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	want := urlOf(t, "meeting-formats/weekly-project-sync.md")
	if len(res.Hits) == 0 || res.Hits[0].URL != want {
		t.Fatalf("hits %v, want %s first", res.Hits, want)
	}
	h := res.Hits[0]
	if res.Query != "weekly project sync" || res.Total == 0 || len(res.Hits) > 3 || h.Title == "" || h.Kind != "meeting-format" || h.Lang != "en" || len(h.Tags) == 0 || h.Summary == "" || h.Score <= 0 {
		t.Errorf("incomplete answer: %+v", res)
	}
	if !strings.Contains(h.TitleHTML, "<mark>") || len(h.Fragments) == 0 || !strings.Contains(strings.Join(h.Fragments, ""), "<mark>") {
		t.Errorf("nothing marked: %q %q", h.TitleHTML, h.Fragments)
	}
	if len(res.Facets.Kind) == 0 || len(res.Facets.Tags) == 0 || len(res.Facets.Lang) == 0 {
		t.Errorf("facets missing: %+v", res.Facets)
	}

	// Filters, repeated tags, paging.
	var f search.Result
	get(t, srv, http.MethodGet, "q=customer&kind=symptom&tag=support&tag=customer&lang=en&limit=50&offset=0", &f)
	for _, h := range f.Hits {
		if h.Kind != "symptom" || h.Lang != "en" || !contains(h.Tags, "support") || !contains(h.Tags, "customer") {
			t.Errorf("%s does not pass the filters", h.URL)
		}
	}

	if resp := get(t, srv, http.MethodHead, "q=sync", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("HEAD: %d", resp.StatusCode)
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// TestHandler_BadRequests: every kind of bad input is a 400 with a JSON
// error, never a 500.
func TestHandler_BadRequests(t *testing.T) {
	srv := newServer(t, idx)
	for name, raw := range map[string]string{
		"too long":        "q=" + strings.Repeat("x", search.MaxQueryBytes+1),
		"control char":    "q=a%00b",
		"limit too big":   "q=a&limit=10000",
		"limit zero":      "q=a&limit=0",
		"limit negative":  "q=a&limit=-1",
		"limit not a num": "q=a&limit=ten",
		"limit overflow":  "q=a&limit=99999999999999999999999",
		"offset negative": "q=a&offset=-5",
		"offset too far":  "q=a&offset=100000",
		"bad escape":      "q=%zz",
		"two queries":     "q=a&q=b",
		"huge string":     "q=a&tag=" + strings.Repeat("t", 5000),
		"too many words":  "q=" + strings.Repeat("w+", search.MaxTerms+1),
		"too many tags":   "q=a" + strings.Repeat("&tag=t", search.MaxTagFilters+1),
	} {
		var e struct{ Error string }
		resp := get(t, srv, http.MethodGet, raw, &e)
		if resp.StatusCode != http.StatusBadRequest || e.Error == "" {
			t.Errorf("%s: status %d, error %q; want 400 with a message", name, resp.StatusCode, e.Error)
		}
	}
}

func TestHandler_Methods(t *testing.T) {
	srv := newServer(t, idx)
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch} {
		var e struct{ Error string }
		resp := get(t, srv, m, "q=sync", &e)
		if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET, HEAD" || e.Error == "" {
			t.Errorf("%s: %d, Allow %q, error %q", m, resp.StatusCode, resp.Header.Get("Allow"), e.Error)
		}
	}
}

// TestHandler_Unavailable: no index (not built yet, or failed to open) is
// a 503 with Retry-After, not a crash.
func TestHandler_Unavailable(t *testing.T) {
	for name, h := range map[string]*search.Handler{
		"nil func":  {},
		"nil index": {Index: func() *search.Index { return nil }},
	} {
		srv := httptest.NewServer(h)
		var e struct{ Error string }
		resp := get(t, srv, http.MethodGet, "q=sync", &e)
		srv.Close()
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || e.Error == "" {
			t.Errorf("%s: %d, Retry-After %q, error %q", name, resp.StatusCode, resp.Header.Get("Retry-After"), e.Error)
		}
	}
}

// TestHandler_EscapesFragments: a page whose text holds HTML comes back
// escaped, with only <mark> as markup; the JSON itself carries no raw <.
func TestHandler_EscapesFragments(t *testing.T) {
	src := fstest.MapFS{
		"content/scripts.md": {Data: []byte("---\ntitle: \"Paste <script>alert(1)</script> scripts & <b>tags</b>\"\nsummary: Why <img src=x onerror=alert(1)> scripts never run.\n---\n\n" +
			"Never paste `<script>alert(\"x\")</script>` into a page; the script is shown as text & `<mark>fake</mark>` stays text too.\n")},
		"content/other.md": {Data: []byte("---\ntitle: Other\n---\n\nNothing to see.\n")},
	}
	s, _, diags, err := builder.Load(context.Background(), builder.Options{SourceFS: src})
	if err != nil || s == nil || diags.Errors() > 0 {
		t.Fatalf("load: %v %v", err, diags)
	}
	defer s.Close()
	dir := t.TempDir()
	if err := search.Build(context.Background(), filepath.Join(dir, "index"), dir, s.SearchDocs()); err != nil {
		t.Fatal(err)
	}
	ix, err := search.Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	srv := newServer(t, ix)

	resp, err := http.Get(srv.URL + "/_search?" + url.Values{"q": {"script"}}.Encode())
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Contains(string(raw), "<") {
		t.Errorf("JSON holds a raw '<': %s", raw)
	}
	var res search.Result
	if err := json.Unmarshal(raw, &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 {
		t.Fatalf("hits: %+v", res.Hits)
	}
	h := res.Hits[0]
	tag := regexp.MustCompile(`<[^>]*>`)
	for _, html := range append([]string{h.TitleHTML}, h.Fragments...) {
		for _, m := range tag.FindAllString(html, -1) {
			if m != "<mark>" && m != "</mark>" {
				t.Errorf("markup %q in %q", m, html)
			}
		}
	}
	if !strings.Contains(h.TitleHTML, "&lt;<mark>script</mark>&gt;") || !strings.Contains(h.TitleHTML, "&amp;") {
		t.Errorf("title %q", h.TitleHTML)
	}
	frag := strings.Join(h.Fragments, " ")
	if !strings.Contains(frag, "&lt;<mark>script</mark>&gt;alert(&#34;x&#34;)&lt;/<mark>script</mark>&gt;") || !strings.Contains(frag, "&lt;mark&gt;fake&lt;/mark&gt;") {
		t.Errorf("fragments %q", frag)
	}
	// The plain fields are the text as written, for the page to insert as
	// text.
	if !strings.Contains(h.Title, "<script>") {
		t.Errorf("title %q", h.Title)
	}
}
