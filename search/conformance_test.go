package search_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v2"

	"kb/search"
)

// The conformance suite: small sets of pages (testdata/conformance/<set>/
// pages.yaml, documents as the builder hands them to search) and cases of
// queries with the answer a reader should get (<set>/*.txt). Every case runs
// against the server (a real index on disk, through the HTTP handler kb
// serve uses) and against the static search client under Node (the bundle
// ExportStatic writes, read from disk); both must give the expected answer,
// order, totals, snippets and facet counts included.
//
// A case file holds cases like this one:
//
//	#### a transposed letter is one edit
//	q=cirlce&lang=en
//	.
//	total 1 fuzzy
//	lang: en 1
//	1 /en/mentoring-circle/
//	  Mentoring <mark>circle</mark>
//	  … a fragment …
//
// The first line is the request's query string, as the search box sends
// it. After the dot: "total N" and the answer's flags; the facet counts,
// one line per facet with values (kind, lang, tags); then each hit, its
// URL, its title as HTML, the translations that match too ("also in:
// nl /nl/…/") and its fragments indented. A refused request
// answers "error 400: message". -update-conformance rewrites the answers
// from the server's, to be reviewed before they are committed.
var updateConformance = flag.Bool("update-conformance", false, "rewrite the conformance answers from the server's (review before committing)")

// confCase is one case of a case file.
type confCase struct {
	name, query, want string
	file              string
	line              int
}

// confPage is one document of a pages.yaml.
type confPage struct {
	URL      string   `yaml:"url"`
	Title    string   `yaml:"title"`
	Summary  string   `yaml:"summary"`
	Headings []string `yaml:"headings"`
	Body     string   `yaml:"body"`
	Tags     []string `yaml:"tags"`
	Kind     string   `yaml:"kind"`
	Lang     string   `yaml:"lang"`
	// Group is shared by a page and its translations (search.Doc.Group).
	Group string `yaml:"group"`
}

func TestConformance(t *testing.T) {
	sets, err := filepath.Glob("testdata/conformance/*/pages.yaml")
	if err != nil || len(sets) == 0 {
		t.Fatalf("no page sets: %v", err)
	}
	node := nodePath(t)
	total := 0
	for _, pages := range sets {
		dir := filepath.Dir(pages)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			total += runConformanceSet(t, node, dir)
		})
	}
	if total < 150 && !t.Failed() {
		t.Errorf("the conformance suite has %d cases, want at least 150", total)
	}
}

// nodePath returns the Node binary the client runs under.
func nodePath(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is needed to run the static search client: %v", err)
	}
	return p
}

// runConformanceSet builds the index and the static bundle of one page set
// and runs its cases on both; it returns the number of cases.
func runConformanceSet(t *testing.T, node, dir string) int {
	ix, bundleDir := conformanceIndex(t, filepath.Join(dir, "pages.yaml"))
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []*confCase
	for _, f := range files {
		cs, err := readCases(f)
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, cs...)
	}
	srv := newServer(t, ix)
	server := make([]string, len(cases))
	for i, c := range cases {
		var res json.RawMessage
		resp := get(t, srv, "GET", c.query, &res)
		server[i] = renderAnswer(t, resp.StatusCode, res)
	}
	static, _ := runStatic(t, node, bundleDir, cases)
	if *updateConformance {
		writeCases(t, files, cases, server)
		return len(cases)
	}
	for i, c := range cases {
		where := fmt.Sprintf("%s:%d: %s (%s)", c.file, c.line, c.name, c.query)
		if server[i] != c.want {
			t.Errorf("%s\nserver answers:\n%s\nwant:\n%s", where, server[i], c.want)
		}
		if static[i] != c.want {
			t.Errorf("%s\nstatic client answers:\n%s\nwant:\n%s", where, static[i], c.want)
		}
	}
	return len(cases)
}

// conformanceIndex builds the index of a pages.yaml on disk and exports its
// static bundle into a folder.
func conformanceIndex(t *testing.T, pagesFile string) (*search.Index, string) {
	t.Helper()
	data, err := os.ReadFile(pagesFile)
	if err != nil {
		t.Fatal(err)
	}
	var pages []confPage
	if err := yaml.UnmarshalStrict(data, &pages); err != nil {
		t.Fatalf("%s: %v", pagesFile, err)
	}
	docs := make([]search.Doc, 0, len(pages))
	for _, p := range pages {
		docs = append(docs, search.Doc{URL: p.URL, Title: p.Title, Summary: p.Summary, Headings: strings.Join(p.Headings, "\n"),
			Body: p.Body, Tags: p.Tags, Kind: p.Kind, Lang: p.Lang, Group: p.Group})
	}
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "index")
	if err := search.Build(context.Background(), dir, tmp, docs); err != nil {
		t.Fatal(err)
	}
	ix, err := search.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	bundle := filepath.Join(tmp, "bundle")
	if _, err := search.ExportStatic(context.Background(), ix, dirWriter(bundle), ""); err != nil {
		t.Fatal(err)
	}
	return ix, bundle
}

// dirWriter writes a bundle's files under a folder.
type dirWriter string

func (d dirWriter) WriteFile(name string, data []byte) error {
	p := filepath.Join(string(d), filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, data, 0o644)
}

// staticScripts are the client's files, in the order the theme joins
// them into its one script.
func staticScripts(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../themes/default/static/search-static/*.js")
	if err != nil || len(files) == 0 {
		t.Fatalf("no client scripts: %v", err)
	}
	return files
}

// runStatic answers every case with the static client under Node, in the
// case files' form and as the JSON it returned.
func runStatic(t *testing.T, node, bundleDir string, cases []*confCase) ([]string, []json.RawMessage) {
	t.Helper()
	reqs := make([]string, 0, len(cases))
	for _, c := range cases {
		reqs = append(reqs, c.query)
	}
	in, err := json.Marshal(reqs)
	if err != nil {
		t.Fatal(err)
	}
	reqFile := filepath.Join(t.TempDir(), "requests.json")
	if err := os.WriteFile(reqFile, in, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, "testdata/node/static.js", strings.Join(staticScripts(t), string(filepath.ListSeparator)), bundleDir, reqFile)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("static client: %v\n%s", err, stderr.String())
	}
	var answers []json.RawMessage
	if err := json.Unmarshal(out, &answers); err != nil || len(answers) != len(cases) {
		t.Fatalf("static client answered %d of %d cases: %v", len(answers), len(cases), err)
	}
	got := make([]string, len(cases))
	for i, a := range answers {
		var e struct {
			Status int `json:"status"`
		}
		_ = json.Unmarshal(a, &e)
		status := 200
		if e.Status != 0 {
			status = e.Status
		}
		got[i] = renderAnswer(t, status, a)
	}
	return got, answers
}

// renderAnswer writes an answer of the endpoint in the case files' form.
func renderAnswer(t *testing.T, status int, body []byte) string {
	t.Helper()
	if status != 200 {
		var e struct {
			Error string `json:"error"`
		}
		if err := json.Unmarshal(body, &e); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("error %d: %s\n", status, e.Error)
	}
	var r search.Result
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "total %d", r.Total)
	for _, f := range []struct {
		on   bool
		name string
	}{{r.Fuzzy, "fuzzy"}, {r.Partial, "partial"}, {r.Approximate, "approximate"}} {
		if f.on {
			b.WriteString(" " + f.name)
		}
	}
	b.WriteByte('\n')
	for _, f := range []struct {
		name string
		m    map[string]int
	}{{"kind", r.Facets.Kind}, {"lang", r.Facets.Lang}, {"tags", r.Facets.Tags}} {
		if len(f.m) == 0 {
			continue
		}
		keys := slices.Sorted(func(yield func(string) bool) {
			for k := range f.m {
				if !yield(k) {
					return
				}
			}
		})
		var vs []string
		for _, k := range keys {
			vs = append(vs, k+" "+strconv.Itoa(f.m[k]))
		}
		fmt.Fprintf(&b, "%s: %s\n", f.name, strings.Join(vs, ", "))
	}
	for i, h := range r.Hits {
		fmt.Fprintf(&b, "%d %s\n  %s\n", i+1, h.URL, h.TitleHTML)
		if len(h.AlsoIn) > 0 {
			var also []string
			for _, a := range h.AlsoIn {
				also = append(also, a.Lang+" "+a.URL)
			}
			fmt.Fprintf(&b, "  also in: %s\n", strings.Join(also, ", "))
		}
		for _, f := range h.Fragments {
			fmt.Fprintf(&b, "  %s\n", f)
		}
	}
	return b.String()
}

// readCases reads a case file.
func readCases(file string) ([]*confCase, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var cases []*confCase
	var cur *confCase
	inAnswer := false
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "#### "):
			cur = &confCase{name: strings.TrimPrefix(line, "#### "), file: file, line: n}
			cases = append(cases, cur)
			inAnswer = false
		case cur == nil:
			// The file's introduction.
		case cur.query == "" && !inAnswer:
			if line == "" {
				return nil, fmt.Errorf("%s:%d: a case starts with its query string", file, n)
			}
			cur.query = line
		case line == "." && !inAnswer:
			inAnswer = true
		case inAnswer:
			if line != "" {
				cur.want += line + "\n"
			}
		default:
			return nil, fmt.Errorf("%s:%d: one line of query string, then a line with a dot", file, n)
		}
	}
	for _, c := range cases {
		if c.query == "" {
			return nil, fmt.Errorf("%s:%d: case without a query", c.file, c.line)
		}
		if c.query == "-" {
			c.query = ""
		}
	}
	return cases, sc.Err()
}

// writeCases rewrites the case files with the answers given.
func writeCases(t *testing.T, files []string, cases []*confCase, answers []string) {
	t.Helper()
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		intro, _, _ := strings.Cut(string(data), "\n#### ")
		if strings.HasPrefix(string(data), "#### ") {
			intro = ""
		} else {
			intro = strings.TrimRight(intro, "\n") + "\n\n"
		}
		var b strings.Builder
		b.WriteString(intro)
		for i, c := range cases {
			if c.file != f {
				continue
			}
			q := c.query
			if q == "" {
				q = "-"
			}
			fmt.Fprintf(&b, "#### %s\n%s\n.\n%s\n", c.name, q, answers[i])
		}
		if err := os.WriteFile(f, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
