package search_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"kb/search"
)

// TestStaticParity runs every query of the relevance set (as typed and
// completed with a space, as TestRelevance does) against the server, over
// the example site's index, and against the static client under Node, over
// the bundle exported from that index: both must give the same answer,
// hits in order, totals, snippets, flags and facet counts included, and
// the same score for every hit.
func TestStaticParity(t *testing.T) {
	var cases []*confCase
	for _, c := range relevanceCases(t) {
		for _, q := range []string{c.Query, c.Query + " "} {
			v := url.Values{"q": {q}, "limit": {"10"}}
			for k, s := range map[string]string{"lang": c.Lang, "kind": c.Kind, "tag": c.Tag, "pref": c.Pref} {
				if s != "" {
					v.Set(k, s)
				}
			}
			cases = append(cases, &confCase{name: q, query: v.Encode()})
		}
	}
	bundle := filepath.Join(t.TempDir(), "bundle")
	if _, err := search.ExportStatic(context.Background(), idx, dirWriter(bundle), ""); err != nil {
		t.Fatal(err)
	}
	static, raw := runStatic(t, nodePath(t), bundle, cases)
	srv := newServer(t, idx)
	same := 0
	for i, c := range cases {
		var res json.RawMessage
		resp := get(t, srv, "GET", c.query, &res)
		server := renderAnswer(t, resp.StatusCode, res) + scores(t, res)
		static[i] += scores(t, raw[i])
		if server == static[i] {
			same++
			continue
		}
		t.Errorf("%s\nserver answers:\n%s\nstatic client answers:\n%s", c.query, server, static[i])
	}
	t.Logf("the static client answers %d of %d queries as the server does", same, len(cases))
}

// scores lists the scores of an answer's hits.
func scores(t *testing.T, answer []byte) string {
	t.Helper()
	var r search.Result
	if err := json.Unmarshal(answer, &r); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("scores:")
	for _, h := range r.Hits {
		fmt.Fprintf(&b, " %.9g", h.Score)
	}
	return b.String() + "\n"
}
