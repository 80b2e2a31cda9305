package builder

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v2"

	"kb/internal/layout"
	"kb/search"
)

// searchedQueries is testdata/searched/queries.yaml: what each query finds
// first in the site beside it, and queries that find nothing.
type searchedQueries struct {
	First map[string]string `yaml:"first"`
	None  []string          `yaml:"none"`
}

// TestSearch_FindsWhatReadersSee builds testdata/searched and searches the
// bleve index the build wrote to disk with the queries of its
// queries.yaml: pages are found by a word only their file name,
// description, subtitle or raw HTML has (a details block, an HTML table);
// words in raw HTML count apart from their neighbours, and what a browser
// does not show (a removed script) is not indexed.
func TestSearch_FindsWhatReadersSee(t *testing.T) {
	var qs searchedQueries
	data, err := os.ReadFile(filepath.Join("testdata", "searched", "queries.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.UnmarshalStrict(data, &qs); err != nil || len(qs.First) < 10 || len(qs.None) == 0 {
		t.Fatalf("queries.yaml: %v (%d queries)", err, len(qs.First))
	}
	res, dest := mustBuild(t, filepath.Join("testdata", "searched"))
	if res.Diagnostics.Errors() != 0 {
		t.Fatalf("errors: %s", diagStrings(res.Diagnostics))
	}
	idx, err := search.Open(filepath.Join(dest, layout.IndexDir))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	find := func(q string) []string {
		r, err := search.Search(context.Background(), idx, search.Request{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		var urls []string
		for _, h := range r.Hits {
			urls = append(urls, h.URL)
		}
		return urls
	}
	for q, want := range qs.First {
		if got := find(q); len(got) == 0 || got[0] != want {
			t.Errorf("%q: hits %v, want %s first", q, got, want)
		}
	}
	for _, q := range qs.None {
		if got := find(q); len(got) > 0 {
			t.Errorf("%q finds %v: words a reader does not see, or run together", q, got)
		}
	}
}

// TestFileWords: the words of a file name the title lacks, once each.
func TestFileWords(t *testing.T) {
	for _, c := range []struct {
		path, title, lang, section string
		index                      bool
		want                       string
	}{
		{"ops/incident-response-runbook.md", "Incident handling", "en", "ops", false, "response runbook"},
		{"ops/weekly-sync.md", "Weekly sync", "en", "ops", false, ""},
		{"ops/OnCall_rota-rota.nl.md", "Dienst", "nl", "ops", false, "On Call rota"},
		{"ops/notes.v2.md", "Notes", "en", "ops", false, "v2"},
		{"ops/README.md", "Operations", "en", "ops", true, "ops"},
		{"README.md", "Home", "en", "", true, ""},
		{"2024-01-15-release-notes.md", "Release notes", "en", "", false, "2024 01 15"},
	} {
		p := &Page{Path: c.path, Title: c.title, Lang: c.lang, Section: c.section, IsIndex: c.index}
		if got := fileWords(p); got != c.want {
			t.Errorf("fileWords(%s, title %q) = %q, want %q", c.path, c.title, got, c.want)
		}
	}
}

// TestDocText_RawHTML: the text of raw HTML blocks is the page's text as
// readers see it, block by block; nothing hidden or removed is in it.
func TestDocText_RawHTML(t *testing.T) {
	site, _ := loadFS(t, map[string]string{"p.md": "<details><summary>Escalation matrix</summary>\n" +
		"<p>First&amp;second <b>bold</b>word</p><ul><li>one</li><li>two</li></ul><br>after</details>\n\n" +
		"<style>p{}</style>\n\n<script>alert(1)</script>\n\nPlain *text*.\n"})
	got := site.PageByPath("p.md").Text
	want := "Escalation matrix\nFirst&second boldword\none\ntwo\nafter\nPlain text.\n"
	if got != want {
		t.Errorf("text %q, want %q", got, want)
	}
	if strings.Contains(got, "alert") || strings.Contains(got, "p{}") {
		t.Errorf("removed markup is in the text: %q", got)
	}
}

// TestFieldText_SearchSetting: each field of a kind is searched as its
// search setting says, or by its type's default: a symptom's signals as
// headings, a list as body text, a single value and a "not_" field not at
// all, and a site's kind may change any of them.
func TestFieldText_SearchSetting(t *testing.T) {
	kinds := "kinds:\n  - name: note\n    fields:\n" +
		"      - {name: cues, type: list, search: heading}\n" +
		"      - {name: extras, type: list}\n" +
		"      - {name: quiet, type: list, search: off}\n" +
		"      - {name: owner_team, type: string, search: body}\n" +
		"      - {name: cadence, type: string}\n" +
		"      - {name: not_about, type: list, search: body}\n"
	s, diags := loadFS(t, map[string]string{
		"site.yaml": kinds,
		"content/a.md": "---\ntitle: A\nkind: note\ncues: [Walrus sighting]\nextras: [Pelican]\nquiet: [Heron]\n" +
			"owner_team: Narwhal crew\ncadence: Weekly\nnot_about: [Otter]\n---\n\nText.\n",
	})
	if diags.Errors() > 0 || s == nil {
		t.Fatalf("load: %s", diagStrings(diags))
	}
	heads, body := s.fieldText(s.Pages[0])
	if want := []string{"Walrus sighting"}; !slices.Equal(heads, want) {
		t.Errorf("headings %q, want %q", heads, want)
	}
	if want := []string{"Pelican", "Narwhal crew", "Otter"}; !slices.Equal(body, want) {
		t.Errorf("body %q, want %q", body, want)
	}

	def, diags := loadFS(t, map[string]string{
		"content/s.md": "---\ntitle: S\nkind: symptom\nsignals: [Meetings end without a decision]\nimpact: Hours lost\nremedies: [r.md]\n---\n\nText.\n",
		"content/r.md": "---\ntitle: Remedy\n---\n\nText.\n",
	})
	if def == nil {
		t.Fatalf("load: %s", diagStrings(diags))
	}
	for _, p := range def.Pages {
		if p.Kind != "symptom" {
			continue
		}
		heads, body := def.fieldText(p)
		if want := []string{"Meetings end without a decision"}; !slices.Equal(heads, want) {
			t.Errorf("symptom headings %q, want %q", heads, want)
		}
		if want := []string{"Remedy"}; !slices.Equal(body, want) {
			t.Errorf("symptom body %q, want %q (impact is not searched)", body, want)
		}
	}
}
