package builder

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"kb/internal/layout"
	"kb/search"

	"github.com/yuin/goldmark/text"
)

var testNow = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

// site writes files (path → content) into a fresh folder and returns it.
func site(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		writeFile(t, filepath.Join(dir, filepath.FromSlash(name)), data)
	}
	return dir
}

func build(t *testing.T, src string, mod ...func(*Options)) (*Result, string, error) {
	t.Helper()
	dest := filepath.Join(t.TempDir(), "public")
	opts := Options{Source: src, Dest: dest, Now: testNow}
	for _, m := range mod {
		m(&opts)
	}
	res, err := Build(context.Background(), opts)
	return res, opts.Dest, err
}

func mustBuild(t *testing.T, src string, mod ...func(*Options)) (*Result, string) {
	t.Helper()
	res, dest, err := build(t, src, mod...)
	if err != nil {
		t.Fatalf("build: %v\n%v", err, res.Diagnostics)
	}
	return res, dest
}

func diagStrings(ds Diagnostics) string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString(d.String())
		b.WriteByte('\n')
	}
	return b.String()
}

const fixtureConfig = `title: Test KB
base_url: https://intranet.example/kb/
default_language: en
languages:
  - code: en
    name: English
  - code: nl
    name: Nederlands
repository:
  url: https://git.example/org/playbooks
  branch: main
  content_path: content
`

var fixture = map[string]string{
	"site.yaml":                  fixtureConfig,
	"content/README.md":          "---\ntitle: Home\n---\n\nWelcome.\n",
	"content/symptoms/README.md": "---\ntitle: Symptoms\nsummary: Signs of silos.\n---\n\nAll symptoms.\n",
	"content/symptoms/duplicate-work.md": `---
title: Duplicate work
summary: Two teams do the same job.
kind: symptom
tags: [sales, marketing]
owner: team-enablement
translation_key: dup
review_by: 2026-01-01
aliases: [/old/duplicate/]
signals: [Two reports on one topic]
impact: Wasted budget.
remedies: [../meetings/weekly-sync.md]
---

## How to recognise it

See the [weekly sync agenda](../meetings/weekly-sync.md#agenda) and ![a chart](../images/chart.svg).
`,
	"content/symptoms/dubbel-werk.md": `---
title: Dubbel werk
summary: Twee teams doen hetzelfde.
kind: symptom
lang: nl
tags: [sales]
owner: team-enablement
translation_key: dup
signals: [Twee rapporten]
impact: Verspild budget.
remedies: [duplicate-work.md]
---

> [!TIP]
> Begin klein.

Beide teams schrijven rapporten over hetzelfde onderwerp.
`,
	"content/meetings/weekly-sync.md": `---
title: Weekly sync
summary: Thirty minutes a week.
kind: meeting-format
tags: [sales]
owner: pmo
cadence: weekly
duration: 30m
participants: [Project lead]
agenda:
  - {item: Progress, minutes: 10}
  - Blockers
---

## Agenda

Talk about [duplicate work](../symptoms/duplicate-work.md).
`,
	"content/images/chart.svg": `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>chart</title></svg>`,
}

func TestBuild_Site(t *testing.T) {
	res, dest := mustBuild(t, site(t, fixture))
	if res.Diagnostics.Errors() != 0 {
		t.Fatalf("errors: %s", diagStrings(res.Diagnostics))
	}
	for _, f := range []string{
		"index.html", "symptoms/index.html", "symptoms/duplicate-work/index.html", "nl/symptoms/dubbel-werk/index.html",
		"meetings/index.html", "meetings/weekly-sync/index.html", "kinds/symptom/index.html", "kinds/meeting-format/index.html",
		"tags/index.html", "tags/sales/index.html", "tags/marketing/index.html", "owners/index.html", "review/index.html",
		"lang/nl/index.html", "404.html", "sitemap.xml", "robots.txt", "feed.xml", "old/duplicate/index.html", "images/chart.svg",
		"_kb/search/index_meta.json",
	} {
		if _, err := os.Stat(filepath.Join(dest, f)); err != nil {
			t.Errorf("missing %s", f)
		}
	}
	page := readFile(t, filepath.Join(dest, "symptoms/duplicate-work/index.html"))
	for _, want := range []string{
		`href="/kb/meetings/weekly-sync/#agenda"`,                                        // link rewritten under the base path
		`src="/kb/images/chart.svg"`,                                                     // image rewritten
		`<h2 id="how-to-recognise-it">`,                                                  // GitHub heading ID
		`href="/kb/nl/symptoms/dubbel-werk/"`,                                            // translation
		`https://git.example/org/playbooks/edit/main/content/symptoms/duplicate-work.md`, // edit link
		`<h1>Duplicate work</h1>`,                                                        // title becomes the H1
		`href="/kb/assets/style.`,                                                        // fingerprinted asset under the base path
	} {
		if !strings.Contains(page, want) {
			t.Errorf("duplicate-work page lacks %s", want)
		}
	}
	nl := readFile(t, filepath.Join(dest, "nl/symptoms/dubbel-werk/index.html"))
	if !strings.Contains(nl, `<html lang="nl">`) || !strings.Contains(nl, `class="callout callout-tip"`) || !strings.Contains(nl, "Begin klein") {
		t.Errorf("Dutch page: lang or callout missing")
	}
	// The Dutch page's URL before Dutch pages had their own folder.
	if moved := readFile(t, filepath.Join(dest, "symptoms/dubbel-werk/index.html")); !strings.Contains(moved, `url=/kb/nl/symptoms/dubbel-werk/`) {
		t.Errorf("the Dutch page's old URL does not redirect: %s", moved)
	}
	sync := readFile(t, filepath.Join(dest, "meetings/weekly-sync/index.html"))
	if !strings.Contains(sync, "Duplicate work") { // backlink from the symptom
		t.Error("weekly sync lacks its backlink")
	}
	alias := readFile(t, filepath.Join(dest, "old/duplicate/index.html"))
	if !strings.Contains(alias, `url=/kb/symptoms/duplicate-work/`) {
		t.Errorf("alias does not redirect: %s", alias)
	}
	tag := mainOf(t, readFile(t, filepath.Join(dest, "tags/marketing/index.html")))
	if !strings.Contains(tag, "Duplicate work") || strings.Contains(tag, "Weekly sync") {
		t.Error("tag page lists the wrong pages")
	}
	review := readFile(t, filepath.Join(dest, "review/index.html"))
	if !strings.Contains(review, "Duplicate work") {
		t.Error("overdue playbook not on the review page")
	}

	var sm struct {
		URLs []struct {
			Loc string `xml:"loc"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal([]byte(readFile(t, filepath.Join(dest, "sitemap.xml"))), &sm); err != nil {
		t.Fatal(err)
	}
	locs := map[string]bool{}
	for _, u := range sm.URLs {
		locs[u.Loc] = true
	}
	for _, want := range []string{"https://intranet.example/kb/", "https://intranet.example/kb/symptoms/duplicate-work/", "https://intranet.example/kb/tags/sales/"} {
		if !locs[want] {
			t.Errorf("sitemap lacks %s", want)
		}
	}
	for name, n := range map[string]int{"feed.xml": 2, "nl/feed.xml": 1} {
		var feed struct {
			Entries []struct {
				Title string `xml:"title"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal([]byte(readFile(t, filepath.Join(dest, name))), &feed); err != nil {
			t.Fatal(err)
		}
		if len(feed.Entries) != n {
			t.Errorf("%s has %d entries, want the %d playbooks in its language", name, len(feed.Entries), n)
		}
	}
	if !strings.Contains(readFile(t, filepath.Join(dest, "robots.txt")), "Sitemap: https://intranet.example/kb/sitemap.xml") {
		t.Error("robots.txt lacks the sitemap")
	}
}

func TestBuild_BaseURLOverride(t *testing.T) {
	_, dest := mustBuild(t, site(t, fixture), func(o *Options) { o.BaseURL = "http://127.0.0.1:9999/docs/x" })
	page := readFile(t, filepath.Join(dest, "meetings/weekly-sync/index.html"))
	if !strings.Contains(page, `href="/docs/x/symptoms/duplicate-work/"`) || strings.Contains(page, `"/kb/`) {
		t.Error("links do not follow the overridden base path")
	}
}

// A repository written for GitHub: no front matter, README indexes, folder
// links, encoded links to names with spaces, GitHub anchors, custom IDs.
func TestBuild_GitHubShapedRepo(t *testing.T) {
	src := site(t, map[string]string{
		"README.md":                  "# Our playbooks\n\n- [Rollouts](rollouts/)\n- [Field notes](rollouts/field%20notes.md#what-we-learned-in-q3)\n- [Custom](rollouts/field%20notes.md#custom-id)\n",
		"rollouts/README.md":         "# Rollouts\n\nBack [home](../README.md).\n",
		"rollouts/field notes.md":    "# Field notes\n\n## What we learned in Q3!\n\n## Coördinatie & overleg\n\n## Named {#custom-id}\n\nSee [Coördinatie](#coördinatie--overleg) and [up](../).\n\n> [!NOTE]\n> Keep it short.\n",
		"rollouts/Crm Pilot_Plan.md": "Plain text, no heading.\n\n[notes](<field notes.md>)\n",
	})
	res, dest := mustBuild(t, src)
	if res.Diagnostics.Errors() != 0 {
		t.Fatal(diagStrings(res.Diagnostics))
	}
	home := readFile(t, filepath.Join(dest, "index.html"))
	for _, want := range []string{`href="/rollouts/"`, `href="/rollouts/field-notes/#what-we-learned-in-q3"`, `href="/rollouts/field-notes/#custom-id"`} {
		if !strings.Contains(home, want) {
			t.Errorf("home lacks %s", want)
		}
	}
	notes := readFile(t, filepath.Join(dest, "rollouts/field-notes/index.html"))
	for _, want := range []string{`<title>Field notes · `, `id="coördinatie--overleg"`, `id="custom-id"`, `class="callout callout-note"`, `href="/rollouts/"`} {
		if !strings.Contains(notes, want) {
			t.Errorf("field notes lacks %s", want)
		}
	}
	if strings.Count(notes, "<h1") != 1 {
		t.Error("a page with its own H1 must not get a second one")
	}
	plan := readFile(t, filepath.Join(dest, "rollouts/crm-pilot-plan/index.html"))
	if !strings.Contains(plan, "<h1>Crm Pilot_Plan</h1>") && !strings.Contains(plan, "<h1>Crm Pilot Plan</h1>") {
		t.Error("title from the file name missing")
	}
}

func TestBuild_FrontMatterErrors(t *testing.T) {
	cases := []struct {
		name, page, want string
	}{
		{"missing required field", "---\ntitle: X\nkind: symptom\nsignals: [a]\nimpact: b\n---\nbody\n",
			`p.md:3:1: error: missing required field "remedies" for kind symptom [front-matter]`},
		{"unknown field", "---\ntitle: X\nkind: channel-agreement\nchannel: Mail\nuse_for: [a]\nnot_for: [b]\nresponse_time: 4h\ncolour: red\n---\n",
			`p.md:8:1: error: unknown field "colour" for kind channel-agreement [front-matter]`},
		{"wrong type", "---\ntitle: X\nkind: meeting-format\ncadence: weekly\nduration: 30m\nparticipants: {a: b}\nagenda: [x]\n---\n",
			`p.md:6:1: error: participants must be a list of strings, not a mapping [front-matter]`},
		{"bad date", "---\ntitle: X\nreview_by: next week\n---\n",
			`p.md:3:1: error: review_by must be a date written YYYY-MM-DD, not next week [front-matter]`},
		{"unknown kind", "---\ntitle: X\nkind: recipe\n---\n",
			`p.md:3:1: error: unknown kind "recipe"`},
		{"missing title", "---\nkind: tool-rollout\ntool: CRM\nstatus: pilot\nsteps: [{name: a, owner: b}]\n---\n",
			`p.md:2:1: error: title is required on a page of kind tool-rollout [front-matter]`},
		{"bad enum", "---\ntitle: X\nkind: tool-rollout\ntool: CRM\nstatus: finished\nsteps: [{name: a, owner: b}]\n---\n",
			`p.md:5:1: error: status must be one of planned, pilot, rolling-out, done, not finished [front-matter]`},
		{"step without owner", "---\ntitle: X\nkind: tool-rollout\ntool: CRM\nstatus: pilot\nsteps:\n  - name: a\n---\n",
			`p.md:6:1: error: steps: step 1 needs a "name" and an "owner" [front-matter]`},
		{"invalid YAML", "---\ntitle: X\ntags: [a, b\n---\nbody\n",
			`p.md:3:1: error: front matter is not valid YAML`},
		{"YAML tag injection", "---\n!%2D%2D%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E foo\n---\nbody\n",
			`p.md:2:1: error: front matter is not valid YAML`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := site(t, map[string]string{"p.md": c.page, "ok.md": "# Fine\n", "site.yaml": "title: Checked\n"})
			res, dest, err := build(t, src)
			if !errors.Is(err, ErrBuildFailed) {
				t.Fatalf("err = %v, want ErrBuildFailed", err)
			}
			got := diagStrings(res.Diagnostics)
			if !strings.Contains(got, c.want) {
				t.Errorf("diagnostics:\n%s\nwant a line containing:\n%s", got, c.want)
			}
			if _, err := os.Stat(dest); !os.IsNotExist(err) {
				t.Error("a failed build wrote output")
			}
		})
	}
}

func TestBuild_PlainPageKeepsUnknownKeys(t *testing.T) {
	src := site(t, map[string]string{"p.md": "---\ntitle: Plain\nicon: star\n---\nText.\n"})
	res, _ := mustBuild(t, src)
	if p := res.Site.PageByPath("p.md"); p == nil || p.Extra["icon"] != "star" {
		t.Errorf("unknown key on a plain page not kept: %+v", p)
	}
}

func TestBuild_BrokenLinks(t *testing.T) {
	src := site(t, map[string]string{
		"a.md": "# A\n\nText [missing](nope.md) and\n  [bad anchor](b.md#nowhere) and [ok](b.md#there).\n",
		"b.md": "# B\n\n## There\n",
	})
	writeFile(t, filepath.Join(src, "site.yaml"), "title: Links\n")
	res, _, err := build(t, src)
	if !errors.Is(err, ErrBuildFailed) {
		t.Fatal("with a site.yaml, broken links must fail the build")
	}
	got := diagStrings(res.Diagnostics)
	for _, want := range []string{
		`a.md:3:6: error: broken link "nope.md": no such file [broken-link]`,
		`a.md:4:3: error: broken link "b.md#nowhere": b.md has no heading #nowhere [broken-anchor]`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("diagnostics:\n%s\nwant %s", got, want)
		}
	}
	// A site may lower broken anchors to a warning.
	writeFile(t, filepath.Join(src, "site.yaml"), "title: Links\nrules:\n  broken-anchor: warning\n")
	writeFile(t, filepath.Join(src, "a.md"), "# A\n\n[bad anchor](b.md#nowhere)\n")
	res, _ = mustBuild(t, src)
	if res.Diagnostics.Warnings() != 1 {
		t.Errorf("want one warning, got %s", diagStrings(res.Diagnostics))
	}
}

func TestBuild_RawHTMLSanitised(t *testing.T) {
	page := "---\ntitle: \"<script>alert(1)</script>{{.Site}}\"\nsummary: \"<img src=x onerror=alert(2)>\"\n---\n\n<script>alert(3)</script>\n\n<b onclick=\"x()\" class=\"x\">hi</b> [js](javascript:alert(4)) <a href=\"javascript:alert(5)\">a</a>\n"
	_, dest := mustBuild(t, site(t, map[string]string{"p.md": page}))
	html := readFile(t, filepath.Join(dest, "p/index.html"))
	for _, bad := range []string{"<script>alert", "<img src=x", "onclick=", "javascript:alert", `class="x"`} {
		if strings.Contains(html, bad) {
			t.Errorf("output contains %q", bad)
		}
	}
	if !strings.Contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;{{.Site}}") {
		t.Error("title not escaped literally")
	}
	if !strings.Contains(html, "<b>hi</b>") {
		t.Error("the allowed raw HTML <b> was not kept")
	}
	// Opting in lets raw HTML through as written.
	_, dest = mustBuild(t, site(t, map[string]string{"site.yaml": "markdown:\n  unsafe_html: true\n", "p.md": "# P\n\n<b class=\"x\">bold</b>\n"}))
	if !strings.Contains(readFile(t, filepath.Join(dest, "p/index.html")), `<b class="x">bold</b>`) {
		t.Error("unsafe_html did not let raw HTML through")
	}
}

func TestBuild_FailedBuildKeepsOldOutput(t *testing.T) {
	src := site(t, map[string]string{"a.md": "# A\n\nfirst\n", "site.yaml": "title: Kept\n"})
	dest := filepath.Join(t.TempDir(), "public")
	ctx := context.Background()
	if _, err := Build(ctx, Options{Source: src, Dest: dest}); err != nil {
		t.Fatal(err)
	}
	before := readFile(t, filepath.Join(dest, "a/index.html"))
	writeFile(t, filepath.Join(src, "a.md"), "# A\n\n[broken](nowhere.md)\n")
	if _, err := Build(ctx, Options{Source: src, Dest: dest}); !errors.Is(err, ErrBuildFailed) {
		t.Fatalf("err = %v", err)
	}
	if readFile(t, filepath.Join(dest, "a/index.html")) != before {
		t.Error("failed build changed the output")
	}
	entries, _ := os.ReadDir(filepath.Dir(dest))
	if len(entries) != 1 {
		t.Errorf("staging folders left behind: %v", entries)
	}
	// A successful build replaces the output, and removes pages whose source went.
	writeFile(t, filepath.Join(src, "a.md"), "# A\n\nsecond\n")
	writeFile(t, filepath.Join(src, "b.md"), "# B\n")
	if _, err := Build(ctx, Options{Source: src, Dest: dest}); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(src, "b.md"))
	if _, err := Build(ctx, Options{Source: src, Dest: dest}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(readFile(t, filepath.Join(dest, "a/index.html")), "second") {
		t.Error("output not replaced")
	}
	if _, err := os.Stat(filepath.Join(dest, "b")); !os.IsNotExist(err) {
		t.Error("page of a removed source survived")
	}
}

// TestBuild_ByteIdentical: two builds of the example site are the same
// bytes, every file compared, the search index included.
func TestBuild_ByteIdentical(t *testing.T) {
	_, a := mustBuild(t, "..")
	_, b := mustBuild(t, "..")
	for _, f := range []string{"_kb/search/index_meta.json", "_kb/search/store/root.bolt"} {
		if _, err := os.Stat(filepath.Join(a, filepath.FromSlash(f))); err != nil {
			t.Fatalf("the build wrote no %s: %v", f, err)
		}
	}
	compareDirs(t, "rebuild", a, b)
}

func TestBuild_GitDates(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("git is needed")
	}
	src := site(t, map[string]string{"content/a.md": "# A\n", "content/b.md": "# B\n", "site.yaml": fixtureConfig})
	git := func(date, author string, args ...string) {
		cmd := exec.Command("git", args...)
		cmd.Dir = src
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME="+author, "GIT_AUTHOR_EMAIL=a@example.com", "GIT_COMMITTER_NAME="+author,
			"GIT_COMMITTER_EMAIL=a@example.com", "GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("2026-01-02T10:00:00Z", "Ann", "init", "-q")
	git("2026-01-02T10:00:00Z", "Ann", "add", ".")
	git("2026-01-02T10:00:00Z", "Ann", "commit", "-qm", "first")
	writeFile(t, filepath.Join(src, "content/b.md"), "# B\n\nmore\n")
	git("2026-03-04T10:00:00Z", "Bob", "commit", "-qam", "second")
	res, dest := mustBuild(t, src)
	a, b := res.Site.PageByPath("a.md"), res.Site.PageByPath("b.md")
	if got := a.Updated.Format(time.DateOnly); got != "2026-01-02" {
		t.Errorf("a updated %s", got)
	}
	if got := b.Updated.Format(time.DateOnly); got != "2026-03-04" || strings.Join(b.Authors, ",") != "Bob,Ann" {
		t.Errorf("b updated %s by %v", got, b.Authors)
	}
	if !strings.Contains(readFile(t, filepath.Join(dest, "b/index.html")), `datetime="2026-03-04"`) {
		t.Error("last-updated date not shown")
	}
	// Outside a checkout the build works without dates.
	res, _ = mustBuild(t, site(t, map[string]string{"a.md": "# A\n"}))
	if !res.Site.PageByPath("a.md").Updated.IsZero() {
		t.Error("date outside git")
	}
}

func TestBuild_SearchIndexQuery(t *testing.T) {
	_, dest := mustBuild(t, site(t, fixture))
	idx, err := search.Open(filepath.Join(dest, layout.IndexDir))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	res, err := search.Search(context.Background(), idx, search.Request{Query: "weekly sync", Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 || res.Hits[0].URL != "/kb/meetings/weekly-sync/" {
		t.Errorf("hits %v", res.Hits)
	}
	// The Dutch page's "rapporten" is indexed by its Dutch stem, "rapport"
	// (English stemming would keep "rapporten").
	terms, err := idx.Terms(search.FieldBody)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(terms, "rapport") || slices.Contains(terms, "rapporten") {
		t.Errorf("the Dutch page is not analysed as Dutch: rapport %v, rapporten %v", slices.Contains(terms, "rapport"), slices.Contains(terms, "rapporten"))
	}
}

func TestConfig_Errors(t *testing.T) {
	cases := map[string]string{
		"title: X\ncolour: red\n":                                           `site.yaml:2: error: unknown key colour (known here: title, description, base_url, content_dir, theme_dir, default_language, languages, repository, markdown, tags, rules, kinds, feed_size, external_media) [config]`,
		"title: X\nfeed_size: many\n":                                       `site.yaml:2: error: feed_size must be a whole number, not "many" [config]`,
		"default_language: fr\n":                                            `site.yaml:1: error: default_language "fr" is not one of the languages (known: en, nl) [config]`,
		"default_language: nll\n":                                           `site.yaml:1: error: default_language "nll" is not one of the languages (did you mean nl?) [config]`,
		"rules:\n  orphans: warning\n":                                      `site.yaml:2: error: rules: unknown rule "orphans" (did you mean orphan?) [config]`,
		"rules:\n  orphan: warnign\n":                                       `site.yaml:2: error: rules.orphan: severity must be error, warning or off, not "warnign" (did you mean warning?) [config]`,
		"kinds:\n  - name: x\n    fields:\n      - {name: a, type: blob}\n": `unknown type "blob" (known: string, text, list, links, date, int, bool, enum, agenda, steps)`,
		"kinds:\n  - name: x\n    fields:\n      - {name: a, type: lsit}\n": `unknown type "lsit" (did you mean list?)`,
		// Typos in keys, at the top level and nested.
		"title: X\ndescription: Y\ndefault_langauge: nl\n":                       `site.yaml:3: error: unknown key default_langauge: did you mean default_language? [config]`,
		"repository:\n  url: https://x.example/r\n  brnch: main\n":               `site.yaml:3: error: unknown key repository.brnch: did you mean repository.branch? [config]`,
		"markdown:\n  unsafe_htm: true\n":                                        `site.yaml:2: error: unknown key markdown.unsafe_htm: did you mean markdown.unsafe_html? [config]`,
		"languages:\n  - code: en\n    nmae: English\n":                          `site.yaml:3: error: unknown key languages.nmae: did you mean languages.name? [config]`,
		"kinds:\n  - name: x\n    fields:\n      - name: a\n        typ: list\n": `site.yaml:5: error: unknown key kinds.fields.typ: did you mean kinds.fields.type? [config]`,
		"kinds:\n  - name: x\n    feilds: []\n":                                  `site.yaml:3: error: unknown key kinds.feilds: did you mean kinds.fields? [config]`,
		"languages:\n  code: en\n":                                               `site.yaml:2: error: languages must be a list, not a mapping (key: value lines) [config]`,
		"markdown:\n  unsafe_html: sometimes\n":                                  `site.yaml:2: error: markdown.unsafe_html must be true or false, not "sometimes" [config]`,
	}
	for src, want := range cases {
		_, ds := ParseConfig("site.yaml", []byte(src))
		got := diagStrings(ds)
		if !strings.Contains(got, want) {
			t.Errorf("%q: got %q, want %q", src, got, want)
		}
		for _, goWord := range []string{"builder.", "unmarshal", "!!", "[]", "map["} {
			if strings.Contains(got, goWord) {
				t.Errorf("%q: %q speaks of Go types", src, got)
			}
		}
	}
}

func TestBuild_TemplateErrorReportedOnce(t *testing.T) {
	src := site(t, map[string]string{
		"a.md": "# A\n", "b.md": "# B\n",
		"theme/layouts/page.html": `{{define "main"}}{{.NoSuchField}}{{end}}{{template "baseof.html" .}}`,
	})
	res, dest, err := build(t, src)
	if !errors.Is(err, ErrBuildFailed) {
		t.Fatalf("err = %v", err)
	}
	got := diagStrings(res.Diagnostics)
	if strings.Count(got, "can't evaluate field") != 1 || !strings.Contains(got, "a.md: error: template: page.html:1:") || !strings.Contains(got, "(and 1 more pages)") {
		t.Errorf("diagnostics:\n%s", got)
	}
	if _, err := os.Stat(dest); !os.IsNotExist(err) {
		t.Error("output written despite a template error")
	}
}

// TestWrite_BodyRenderFailure: a page whose Markdown fails to render (here
// its source no longer matches its syntax tree, so goldmark reads past the
// end) is an error naming the page, and nothing of the site is written,
// least of all the page with an empty body. When bodies are rendered with
// their pages (a build of its own), the pages are written to the staging
// folder the build then drops, and the error is the same.
func TestWrite_BodyRenderFailure(t *testing.T) {
	for _, onWrite := range []bool{false, true} {
		t.Run(fmt.Sprintf("transient=%v", onWrite), func(t *testing.T) {
			src := site(t, map[string]string{"README.md": "# Home\n\n[A](a.md)\n", "a.md": "# A\n\nA paragraph of some length.\n"})
			s, theme, ds, err := Load(context.Background(), Options{Source: src, Now: testNow})
			if err != nil || ds.Errors() > 0 {
				t.Fatalf("load: %v\n%s", err, diagStrings(ds))
			}
			defer s.Close()
			s.read.transient = onWrite
			p := s.PageByPath("a.md")
			p.doc = s.md.Parser().Parse(text.NewReader(p.src))
			p.src = p.src[:3:3]
			w := &diffWriter{}
			n, ds, err := s.write(context.Background(), theme, w, nil)
			if err != nil {
				t.Fatal(err)
			}
			got := diagStrings(ds)
			if !strings.HasPrefix(got, "a.md: error: the Markdown could not be rendered: runtime error: slice bounds out of range") || ds.Errors() != 1 {
				t.Errorf("diagnostics:\n%s", got)
			}
			if n != 0 || !onWrite && len(w.files) != 0 {
				t.Errorf("%d pages, %d files written despite the failure", n, len(w.files))
			}
			if p.Body != "" {
				t.Errorf("the failed page has a body: %q", p.Body)
			}
		})
	}
}

// TestBuild_BodiesLetGoOnceWritten: a build of its own of a large site
// renders each body with its page and keeps none of them once written, nor
// the pages' texts once indexed; a theme with its own layouts (which may
// show any page's body or text on another page) gets every body before the
// first page is rendered, and keeps them and the texts, as does a site
// smaller than transientBytes. Here "large" is any size at all. Each way,
// the pages' texts are in the search index.
func TestBuild_BodiesLetGoOnceWritten(t *testing.T) {
	files := map[string]string{
		"README.md": "# Home\n\n[A](a.md) and [B](b.md)\n",
		"a.md":      "# A\n\nAlpha words.\n\nA zeppelin past the summary.\n",
		"b.md":      "# B\n\nBeta words with a TODO placeholder.\n",
	}
	for _, c := range []struct {
		name   string
		own    bool
		large  int64
		letsGo bool
	}{
		{"large", false, 1, true},
		{"small", false, 0, false},
		{"own layouts", true, 1, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.own {
				// The home page lists the bodies of the other pages.
				files["theme/layouts/home.html"] = `{{range .Site.Pages}}<section>{{.Body}}</section><p>{{.Text}}</p>{{end}}`
			}
			src := site(t, files)
			dest := filepath.Join(t.TempDir(), "public")
			res, err := Build(context.Background(), Options{Source: src, Dest: dest, Now: testNow, transientAt: c.large})
			if err != nil {
				t.Fatalf("%v\n%s", err, diagStrings(res.Diagnostics))
			}
			for _, p := range res.Site.Pages {
				if kept := p.Body != ""; kept == c.letsGo {
					t.Errorf("%s: body kept: %v", p.Path, kept)
				}
				if kept := p.Text != ""; kept == c.letsGo {
					t.Errorf("%s: text kept: %v", p.Path, kept)
				}
			}
			a, err := os.ReadFile(filepath.Join(dest, "a", "index.html"))
			if err != nil || !strings.Contains(string(a), "Alpha words.") {
				t.Errorf("a's page lacks its body: %v\n%s", err, a)
			}
			// The text the pages let go of (held compressed until then) is
			// indexed all the same.
			idx, err := search.Open(filepath.Join(dest, layout.IndexDir))
			if err != nil {
				t.Fatal(err)
			}
			defer idx.Close()
			found, err := search.Search(context.Background(), idx, search.Request{Query: "zeppelin"})
			if err != nil || len(found.Hits) != 1 || found.Hits[0].URL != "/a/" {
				t.Errorf("search for a's text: %v, %+v", err, found)
			}
			if c.own {
				home, err := os.ReadFile(filepath.Join(dest, "index.html"))
				if err != nil || !strings.Contains(string(home), "Alpha words.") || !strings.Contains(string(home), "Beta words") {
					t.Errorf("home lacks the other pages' bodies: %v\n%s", err, home)
				}
			}
		})
	}
}

// TestPaceGC: a build that lets go of its pages' text runs the collector at
// transientGC while it runs, and the pace the process had comes back when
// the last of the builds running at once is done, not before.
func TestPaceGC(t *testing.T) {
	pace := func() int { p := debug.SetGCPercent(-1); debug.SetGCPercent(p); return p }
	defer debug.SetGCPercent(debug.SetGCPercent(70))
	a, b := paceGC(), paceGC()
	if got := pace(); got != transientGC {
		t.Fatalf("two builds running: GOGC %d, want %d", got, transientGC)
	}
	a()
	a() // once is once
	if got := pace(); got != transientGC {
		t.Errorf("one build done, one running: GOGC %d, want %d", got, transientGC)
	}
	b()
	if got := pace(); got != 70 {
		t.Errorf("both done: GOGC %d, want the process's 70", got)
	}

	t.Setenv("GOGC", "")
	src := site(t, map[string]string{"README.md": "# Home\n\n[A](a.md)\n", "a.md": "# A\n\nAlpha.\n"})
	res, err := Build(context.Background(), Options{Source: src, Dest: filepath.Join(t.TempDir(), "public"), Now: testNow, transientAt: 1})
	if err != nil {
		t.Fatalf("%v\n%s", err, diagStrings(res.Diagnostics))
	}
	if !res.Site.read.transient || !res.Site.read.paced {
		t.Fatalf("the build let go of its pages' text: %v, paced the collector: %v", res.Site.read.transient, res.Site.read.paced)
	}
	if got := pace(); got != 70 {
		t.Errorf("after a build: GOGC %d, want the process's 70", got)
	}
}

// TestPaceGC_WhileReading: a build that paces the collector sets the pace
// back once its pages are read, before anything is rendered or indexed.
func TestPaceGC_WhileReading(t *testing.T) {
	pace := func() int { p := debug.SetGCPercent(-1); debug.SetGCPercent(p); return p }
	defer debug.SetGCPercent(debug.SetGCPercent(70))
	t.Setenv("GOGC", "")
	src := site(t, map[string]string{"README.md": "# Home\n\n[A](a.md)\n", "a.md": "# A\n\nAlpha.\n"})
	s, _, diags, err := Load(context.Background(), Options{Source: src, Now: testNow, transientAt: 1, oneShot: true})
	if err != nil || diags.Errors() > 0 {
		t.Fatalf("%v\n%s", err, diagStrings(diags))
	}
	if !s.read.paced || pace() != 70 {
		t.Errorf("read at transientGC: %v; GOGC once read %d, want the process's 70", s.read.paced, pace())
	}
}

// wantDiagnostics fails t unless ds has a line containing each of wants;
// what names the build they come from ("" for the test's main one).
func wantDiagnostics(t *testing.T, what string, ds Diagnostics, wants ...string) {
	t.Helper()
	got := diagStrings(ds)
	for _, want := range wants {
		if !strings.Contains(got, want) {
			t.Errorf("%sdiagnostics:\n%s\nwant a line containing:\n%s", what, got, want)
		}
	}
}

// Lists put weighted pages first, lower weights before higher, and pages
// without a weight after them, by title.
func TestBuild_WeightOrder(t *testing.T) {
	page := func(title, weight string) string {
		fm := "---\ntitle: " + title + "\nkind: tool-rollout\ntool: T\nstatus: done\nsteps: [{name: Go, owner: it}]\n"
		if weight != "" {
			fm += "weight: " + weight + "\n"
		}
		return fm + "---\n\nText.\n"
	}
	src := site(t, map[string]string{
		"README.md":            "# Home\n",
		"tools/alpha.md":       page("Alpha", ""),
		"tools/beta.md":        page("Beta", "2"),
		"tools/gamma.md":       page("Gamma", "1"),
		"tools/delta.md":       page("Delta", ""),
		"tools/epsilon.md":     page("Epsilon", "10"),
		"tools/zeta.md":        page("Zeta", "1"),
		"guides/README.md":     "---\ntitle: Guides\n---\n\n# Guides\n",
		"handbook/README.md":   "---\ntitle: Handbook\nweight: 1\n---\n\n# Handbook\n",
		"appendices/README.md": "---\ntitle: Appendices\n---\n\n# Appendices\n",
	})
	site, _, diags, err := Load(context.Background(), Options{Source: src, Now: testNow})
	if err != nil || diags.Errors() > 0 {
		t.Fatalf("%v %v", err, diags)
	}
	var got []string
	for _, p := range site.Section("tools").Pages {
		got = append(got, p.Title)
	}
	want := []string{"Gamma", "Zeta", "Beta", "Epsilon", "Alpha", "Delta"}
	if !slices.Equal(got, want) {
		t.Errorf("section order %v, want %v", got, want)
	}
	got = nil
	for _, sec := range site.Section("").Children {
		got = append(got, sec.Title)
	}
	if folders := []string{"Handbook", "Appendices", "Guides", "Tools"}; !slices.Equal(got, folders) {
		t.Errorf("folder order %v, want %v", got, folders)
	}
	_, dest := mustBuild(t, src)
	html := readFile(t, filepath.Join(dest, "kinds", "tool-rollout", "index.html"))
	last := -1
	for _, title := range want {
		i := strings.Index(html, ">"+title+"<")
		if i < last {
			t.Errorf("the kind's list shows %s out of order", title)
		}
		last = i
	}
}

// An agenda without durations lists its items without start times; one
// with durations shows when each item starts.
func TestBuild_AgendaWithoutDurations(t *testing.T) {
	meeting := func(title, agenda string) string {
		return "---\ntitle: " + title + "\nkind: meeting-format\ncadence: weekly\nduration: 30m\nparticipants: [Lead]\nagenda: " + agenda + "\n---\n\nText.\n"
	}
	src := site(t, map[string]string{
		"README.md": "# Home\n",
		"plain.md":  meeting("Plain", "[Blockers, Decisions]"),
		"timed.md":  meeting("Timed", "[{item: Blockers, minutes: 10}, {item: Decisions, minutes: 20}]"),
	})
	_, dest := mustBuild(t, src)
	plain := readFile(t, filepath.Join(dest, "plain", "index.html"))
	if !strings.Contains(plain, `<li><span class="item">Blockers</span></li>`) || strings.Contains(plain, "0:00") {
		t.Errorf("untimed agenda:\n%s", plain)
	}
	timed := readFile(t, filepath.Join(dest, "timed", "index.html"))
	for _, want := range []string{`<time class="at" datetime="PT0M">0:00</time> <span class="item">Blockers</span>`, `<time class="at" datetime="PT10M">0:10</time>`, `datetime="PT30M">0:30</time>`} {
		if !strings.Contains(timed, want) {
			t.Errorf("timed agenda lacks %s", want)
		}
	}
}

// The channel agreement's response-time heading draws its clock itself,
// rather than relying on an emoji font for ⏱.
func TestBuild_ResponseTimeIcon(t *testing.T) {
	src := site(t, map[string]string{
		"README.md": "# Home\n",
		"chat.md":   "---\ntitle: Chat\nkind: channel-agreement\nchannel: Chat\nuse_for: [Quick questions]\nnot_for: [Decisions]\nresponse_time: within a day\n---\n\nText.\n",
	})
	_, dest := mustBuild(t, src)
	html := readFile(t, filepath.Join(dest, "chat", "index.html"))
	if strings.Contains(html, "⏱") || !strings.Contains(html, `<h2 id="channel-response-time"><svg class="mark" aria-hidden="true"`) {
		t.Errorf("response-time heading:\n%s", html)
	}
}

// TestBuild_SiteThemeReplacesStaticFile: a file in the site's theme/static/
// replaces the default theme's file of that name, in every build of the
// process, whatever the builds before it used (the default theme's files
// are read once and kept).
func TestBuild_SiteThemeReplacesStaticFile(t *testing.T) {
	own := map[string]string{"theme/static/style.css": "body{color:red}", "theme/static/kb.js": "/* the site's own */"}
	withOwn := map[string]string{}
	for k, v := range fixture {
		withOwn[k] = v
	}
	for k, v := range own {
		withOwn[k] = v
	}
	assets := func(files map[string]string) map[string]string {
		_, dest := mustBuild(t, site(t, files))
		got := map[string]string{}
		for _, glob := range []string{"style.*.css", "kb.*.js"} {
			m, _ := filepath.Glob(filepath.Join(dest, "assets", glob))
			if len(m) != 1 {
				t.Fatalf("%d assets %s", len(m), glob)
			}
			got[glob] = readFile(t, m[0])
		}
		return got
	}
	for i, files := range []map[string]string{fixture, withOwn, fixture, withOwn} {
		got := assets(files)
		mine := i%2 == 1
		if (got["style.*.css"] == own["theme/static/style.css"]) != mine || (got["kb.*.js"] == own["theme/static/kb.js"]) != mine {
			t.Errorf("build %d (site's own files: %v): style.css %.40q, kb.js %.40q", i, mine, got["style.*.css"], got["kb.*.js"])
		}
	}
}

// TestLoad_LetsTreesGo: once loaded, a page keeps no syntax tree (they are
// most of a large site's memory; rendering parses the source again), except
// a page the placeholder rule still has to read; and the second reading
// renders links, raw HTML references included, where they lead.
func TestLoad_LetsTreesGo(t *testing.T) {
	src := site(t, map[string]string{
		"README.md": "# Home\n\n[A](a.md#part) and <a href=\"b.md\">B</a>\n",
		"a.md":      "# A\n\n## Part\n\nSee [home](README.md).\n",
		"b.md":      "# B\n\n" + PlaceholderMarker + " to fill in\n",
	})
	s, _, ds, err := Load(context.Background(), Options{Source: src, Now: testNow})
	if err != nil || ds.Errors() > 1 {
		t.Fatalf("load: %v\n%s", err, diagStrings(ds))
	}
	defer s.Close()
	for _, p := range s.Pages {
		if hasTree := p.doc != nil; hasTree != (p.Path == "b.md") {
			t.Errorf("%s: syntax tree kept: %v", p.Path, hasTree)
		}
	}
	s.renderBodies()
	home := string(s.PageByPath("README.md").Body)
	for _, want := range []string{`href="/a/#part"`, `href="/b/"`} {
		if !strings.Contains(home, want) {
			t.Errorf("home body lacks %s:\n%s", want, home)
		}
	}
}

// TestBuild_ManyPagesLinkSkippedFiles: links are resolved on every core,
// and those to files Scan skipped (an image under _img/, a note under
// .github/) or to nothing at all are resolved again page after page: each
// image is copied once, each page's link leads to it, and every build of
// the same pages reports the same diagnostics.
func TestBuild_ManyPagesLinkSkippedFiles(t *testing.T) {
	files := map[string]string{
		"_img/shared.png":  "png",
		".github/notes.md": "# Notes\n",
	}
	for i := range 60 {
		body := fmt.Sprintf("# Page %d\n\n![Diagram](_img/shared.png) ![Own](_img/own%d.png)\n", i, i)
		files[fmt.Sprintf("_img/own%d.png", i)] = "png"
		if i%3 == 0 {
			body += "\nSee [notes](.github/notes.md).\n"
		}
		if i%5 == 0 {
			body += "\nSee [gone](gone.md).\n"
		}
		files[fmt.Sprintf("p%02d.md", i)] = body
	}
	src := site(t, files)
	var first string
	for run := range 3 {
		res, dest, _ := build(t, src)
		diags := diagStrings(res.Diagnostics)
		if run == 0 {
			first = diags
			if n := strings.Count(diags, "is not published"); n != 20 {
				t.Errorf("%d links to .github/notes.md reported, want 20:\n%s", n, diags)
			}
			if n := strings.Count(diags, `"gone.md"`); n != 12 {
				t.Errorf("%d links to gone.md reported, want 12:\n%s", n, diags)
			}
		} else if diags != first {
			t.Fatalf("build %d reports\n%s\nbuild 1 reported\n%s", run+1, diags, first)
		}
		for i := range 60 {
			page := readFile(t, filepath.Join(dest, fmt.Sprintf("p%02d", i), "index.html"))
			for _, img := range []string{"/_img/shared.png", fmt.Sprintf("/_img/own%d.png", i)} {
				if !strings.Contains(page, `src="`+img+`"`) {
					t.Fatalf("p%02d does not show %s", i, img)
				}
				if _, err := os.Stat(filepath.Join(dest, filepath.FromSlash(img))); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}

// TestBuild_SourceReadAgain: a build of its own that does not render bodies
// as it loads them (a site over preRenderBytes) lets go of each source once
// parsed and reads it again to render it, as loading made it (byte order
// mark dropped, Liquid tags done), so its pages are those of a build that
// kept every source; a file changed in between is an error naming it, not
// a page rendered from text that was never checked.
func TestBuild_SourceReadAgain(t *testing.T) {
	src := site(t, map[string]string{
		"README.md":      "\uFEFF# Home\n\n[A](a.md) and [guide]({% link docs/guide.md %})\n",
		"a.md":           "---\ntitle: A\n---\n\nAlpha {% comment %}hidden{% endcomment %}words, [home](README.md).\n\n{% raw %}{{ kept }}{% endraw %}\n",
		"docs/guide.md":  "# Guide\n\nSteps.\n",
		"docs/README.md": "# Docs\n\n[Guide](guide.md)\n",
	})
	load := func(oneShot bool) (*Site, *Theme) {
		s, theme, ds, err := Load(context.Background(), Options{Source: src, Now: testNow, oneShot: oneShot, transientAt: 1, noPreRender: true})
		if err != nil || ds.Errors() > 0 {
			t.Fatalf("load: %v\n%s", err, diagStrings(ds))
		}
		t.Cleanup(s.Close)
		return s, theme
	}
	write := func(s *Site, theme *Theme) (map[string][]byte, Diagnostics) {
		w := &diffWriter{}
		if _, ds, err := s.write(context.Background(), theme, w, nil); err != nil || ds.Errors() > 0 {
			return w.files, ds
		}
		return w.files, nil
	}
	kept, keptTheme := load(false)
	want, ds := write(kept, keptTheme)
	if ds != nil {
		t.Fatalf("build keeping the sources:\n%s", diagStrings(ds))
	}
	again, theme := load(true)
	for _, p := range again.Pages {
		if p.src != nil || !p.reread {
			t.Errorf("%s: source kept after loading", p.Path)
		}
	}
	got, ds := write(again, theme)
	if ds != nil {
		t.Fatalf("build reading the sources again:\n%s", diagStrings(ds))
	}
	if len(got) != len(want) {
		t.Errorf("%d files, want %d", len(got), len(want))
	}
	for name, data := range want {
		if !bytes.Equal(got[name], data) {
			t.Errorf("%s differs from the build that kept the sources", name)
		}
	}
	if a := string(got["a/index.html"]); !strings.Contains(a, "Alpha words") || !strings.Contains(a, "{{ kept }}") {
		t.Errorf("a's page:\n%s", a)
	}

	changed, theme := load(true)
	writeFile(t, filepath.Join(src, "a.md"), "---\ntitle: A\n---\n\nAlpha words, [home](README.md), [gone](gone.md).\n")
	if _, ds := write(changed, theme); diagStrings(ds) != "a.md: error: the Markdown could not be rendered: the file changed while the site was built: build again [source]\n" {
		t.Errorf("diagnostics:\n%s", diagStrings(ds))
	}
}

// A handbook whose own folders are named like kb's pages (review/,
// search/, tags/) keeps its URLs; kb's pages of those names move under
// /_kb-site/, and every link to them follows. The others stay.
func TestBuild_OwnFoldersKeepReservedNames(t *testing.T) {
	src := site(t, map[string]string{
		"README.md":                 "# Engineering practices\n\n- [Code review](review/)\n- [Search](search.md)\n",
		"review/README.md":          "# Code review\n\nSee [the standard](reviewer/standard.md) and [search](../search.md).\n",
		"review/reviewer/README.md": "# The reviewer's guide\n\n[The standard](standard.md).\n",
		"review/reviewer/standard.md": "---\ntags: [review]\nreview_by: 2025-01-01\n---\n\n# The standard of code review\n\n" +
			"[Back](../).\n",
		"search.md": "# Search\n\nHow our search team works. [Review](review/).\n",
		"team.md":   "---\ntags: [team]\nowner: Platform\n---\n\n# Team\n\n[Home](README.md).\n",
	})
	res, dest := mustBuild(t, src)
	if res.Diagnostics.Errors() != 0 {
		t.Fatal(diagStrings(res.Diagnostics))
	}
	for name, want := range map[string]string{
		"review/index.html":                   ">Code review</h1>",
		"review/reviewer/standard/index.html": ">The standard of code review</h1>",
		"search/index.html":                   "How our search team works.",
		"_kb-site/review/index.html":          "/review/reviewer/standard/", // kb's review list names the overdue page
		"_kb-site/search/index.html":          `role="search"`,
		"tags/index.html":                     `href="/tags/team/"`,
		"owners/index.html":                   `href="/owners/platform/"`,
	} {
		if got := readFile(t, filepath.Join(dest, filepath.FromSlash(name))); !strings.Contains(got, want) {
			t.Errorf("%s lacks %s", name, want)
		}
	}
	home := readFile(t, filepath.Join(dest, "index.html"))
	for _, want := range []string{`action="/_kb-site/search/"`, `href="/_kb-site/review/"`, `href="/review/"`, `href="/search/"`, `href="/tags/"`} {
		if !strings.Contains(home, want) {
			t.Errorf("home lacks %s", want)
		}
	}
	if strings.Contains(home, `action="/search/"`) {
		t.Error("the search box sends queries to the handbook's own search page")
	}
}

// A handbook with pages in assets/ keeps them there, and the theme's files
// move to /_kb-site/assets/, where every page's links lead.
func TestBuild_OwnAssetsFolder(t *testing.T) {
	src := site(t, map[string]string{
		"README.md":        "# Home\n\n![Our logo](assets/logo.png) and [the assets](assets/).\n",
		"assets/README.md": "# Assets\n\nThe logo and the slides.\n",
		"assets/logo.png":  "PNG",
	})
	res, dest := mustBuild(t, src)
	if res.Diagnostics.Errors() != 0 {
		t.Fatal(diagStrings(res.Diagnostics))
	}
	if got := readFile(t, filepath.Join(dest, "assets", "index.html")); !strings.Contains(got, "The logo and the slides.") {
		t.Error("the handbook's assets/ page is missing")
	}
	if got := readFile(t, filepath.Join(dest, "assets", "logo.png")); got != "PNG" {
		t.Errorf("assets/logo.png = %q", got)
	}
	home := readFile(t, filepath.Join(dest, "index.html"))
	css := regexp.MustCompile(`href="/(_kb-site/assets/style\.[0-9a-f]{8}\.css)"`).FindStringSubmatch(home)
	if css == nil {
		t.Fatal("the home page does not link the theme's style sheet under /_kb-site/assets/")
	}
	if _, err := os.Stat(filepath.Join(dest, filepath.FromSlash(css[1]))); err != nil {
		t.Error(err)
	}
	if strings.Contains(home, `src="/assets/kb.`) || strings.Contains(home, `href="/assets/style.`) {
		t.Error("a link still leads to the theme's files in /assets/")
	}
}

// In a folder of Markdown without site.yaml, as GitHub shows such files, a
// page whose front matter is not valid YAML is published without it, the
// YAML shown as code, and bytes that are not UTF-8 as U+FFFD, each with a
// warning at its line; front matter that is YAML but wrong for kb is
// still an error, and with a site.yaml all three are.
func TestBuild_NoConfigShowsUnreadablePages(t *testing.T) {
	files := map[string]string{
		"README.md":  "# Handbook\n\n[Tracing](tracing.md), [notes](notes.md), [inject](inject.md).\n",
		"tracing.md": "---\nname: tracer\ndescription: Use it. Trigger phrases: \"add a trace\".\n---\n\n## Instrumenting\n\nSpans and traces.\n",
		"notes.md":   "# Notes\n\nBob said \xa6\xa6 code vs. talk.\n",
		"inject.md":  "---\n!%2D%2D%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E foo\n---\nbody\n",
	}
	res, dest := mustBuild(t, site(t, files))
	wantDiagnostics(t, "", res.Diagnostics,
		"tracing.md:3:1: warning: front matter is not valid YAML: mapping values are not allowed in this context: the page is published without it, its text shown [front-matter]",
		"notes.md:3: warning: not valid UTF-8 text",
		"inject.md:2:1: warning: front matter is not valid YAML",
	)
	tracing := readFile(t, filepath.Join(dest, "tracing", "index.html"))
	for _, want := range []string{"<pre", "Trigger phrases: &quot;add a trace&quot;.", ">Instrumenting</h2>", "Spans and traces."} {
		if !strings.Contains(tracing, want) {
			t.Errorf("tracing page lacks %s", want)
		}
	}
	if notes := readFile(t, filepath.Join(dest, "notes", "index.html")); !strings.Contains(notes, "Bob said \uFFFD\uFFFD code") {
		t.Error("the notes page does not show its text with U+FFFD")
	}
	if inject := readFile(t, filepath.Join(dest, "inject", "index.html")); strings.Contains(inject, "<img") || !strings.Contains(inject, "body") {
		t.Error("the front matter of inject.md is not shown as text")
	}

	files["site.yaml"] = "title: Checked\n"
	res, _, err := build(t, site(t, files))
	if !errors.Is(err, ErrBuildFailed) {
		t.Fatalf("with site.yaml: err = %v, want ErrBuildFailed", err)
	}
	wantDiagnostics(t, "with site.yaml: ", res.Diagnostics, "tracing.md:3:1: error: front matter is not valid YAML", "notes.md:3: error: not valid UTF-8 text", "inject.md:2:1: error: front matter is not valid YAML")
	bad := site(t, map[string]string{"README.md": "# H\n", "p.md": "---\ntitle: X\nreview_by: next week\n---\n\nText.\n"})
	if _, _, err := build(t, bad); !errors.Is(err, ErrBuildFailed) {
		t.Errorf("a date kb cannot read: err = %v, want ErrBuildFailed", err)
	}
}

// An HTML file that starts with front matter is a Jekyll page (a layout
// and Liquid kb does not render): it is skipped with a warning, so the
// README is the home page; other HTML files are copied as they are.
func TestBuild_JekyllHTMLPagesSkipped(t *testing.T) {
	src := site(t, map[string]string{
		"README.md":     "# Open source guides\n\n[Plain](plain.html)\n",
		"index.html":    "---\nlayout: index\nlang: en\n---\n",
		"docs/a.htm":    "\uFEFF---\r\ntitle: A\r\n---\r\n{{ content }}\n",
		"plain.html":    "<!doctype html><p>Plain</p>\n",
		"not-fm.html":   "---- not front matter\n",
		"data/list.txt": "---\nlayout: x\n---\n",
	})
	res, dest := mustBuild(t, src)
	wantDiagnostics(t, "", res.Diagnostics,
		"index.html:1: warning: skipped: an HTML file with front matter is a Jekyll page",
		"docs/a.htm:1: warning: skipped: an HTML file with front matter is a Jekyll page",
	)
	if home := readFile(t, filepath.Join(dest, "index.html")); !strings.Contains(home, "Open source guides") {
		t.Error("the README is not the home page")
	}
	for _, name := range []string{"plain.html", "not-fm.html", "data/list.txt"} {
		if _, err := os.Stat(filepath.Join(dest, filepath.FromSlash(name))); err != nil {
			t.Errorf("%s not copied: %v", name, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dest, "docs", "a.htm")); err == nil {
		t.Error("docs/a.htm, a Jekyll page, was copied")
	}
}

// Without site.yaml, pages whose URLs collide are all published: a
// folder's page keeps the folder's URL and the other page moves to the
// URL with "-1" (or the next free suffix), with a warning naming both,
// and links to it lead there; with a site.yaml the collision is an error.
func TestBuild_NoConfigMovesDuplicateURLs(t *testing.T) {
	files := map[string]string{
		"README.md":                  "# Handbook\n\n[Spending](finance/spending.md), [the folder](finance/spending/), [restart](Restart-DB.md), [again](restart-db.md)\n",
		"finance/spending.md":        "# Spending company money\n\nDraft page.\n",
		"finance/spending/README.md": "# Spending\n\nLanding page.\n",
		"finance/spending-1.md":      "# Taken\n\nA page of its own at /finance/spending-1/.\n",
		"Restart-DB.md":              "# Restart the database\n",
		"restart-db.md":              "# Restart, the other one\n",
		"index.md":                   "# Also a home\n",
	}
	res, dest := mustBuild(t, site(t, files))
	wantDiagnostics(t, "", res.Diagnostics,
		"finance/spending.md:1:1: warning: finance/spending/README.md and finance/spending.md both publish the URL /finance/spending/: finance/spending.md is published at /finance/spending-2/ [duplicate-url]",
		"restart-db.md:1:1: warning: Restart-DB.md and restart-db.md both publish the URL /restart-db/: restart-db.md is published at /restart-db-1/ [duplicate-url]",
		"README.md and index.md both publish the URL /: index.md is published at /index-1/",
	)
	for name, want := range map[string]string{
		"finance/spending/index.html":   "Landing page.",
		"finance/spending-2/index.html": "Draft page.",
		"finance/spending-1/index.html": "A page of its own",
		"restart-db/index.html":         "Restart the database",
		"restart-db-1/index.html":       "Restart, the other one",
		"index-1/index.html":            "Also a home",
		"index.html":                    `href="/finance/spending-2/"`,
	} {
		if got := readFile(t, filepath.Join(dest, filepath.FromSlash(name))); !strings.Contains(got, want) {
			t.Errorf("%s lacks %s", name, want)
		}
	}
	files["site.yaml"] = "title: Checked\n"
	if _, _, err := build(t, site(t, files)); !errors.Is(err, ErrBuildFailed) {
		t.Errorf("with site.yaml: err = %v, want ErrBuildFailed", err)
	}
}

// An image a page shows from a folder whose name starts with '.' (GitBook
// keeps them in .gitbook/assets/) is published, under _.gitbook/, where
// web servers serve it; a dotfile, a file of another kind or anything in
// .git/ is not, with a warning.
func TestBuild_ImagesFromDotFolders(t *testing.T) {
	src := site(t, map[string]string{
		"README.md": "# Handbook\n\n![Flow](.gitbook/assets/flow%20(1).png)\n\n<img src=\".github/images/logo.svg\" alt=\"Logo\">\n\n" +
			"[workflow](.github/workflows/ci.yml) [secret](.gitbook/assets/.env) [config](.git/logo.png)\n",
		".gitbook/assets/flow (1).png": "PNG",
		".github/images/logo.svg":      "<svg/>",
		".github/workflows/ci.yml":     "on: push\n",
		".gitbook/assets/.env":         "TOKEN=1\n",
		".git/logo.png":                "PNG",
	})
	res, dest := mustBuild(t, src)
	wantDiagnostics(t, "", res.Diagnostics,
		`README.md:7:1: warning: link ".github/workflows/ci.yml": .github/workflows/ci.yml is not published`,
		`warning: link ".gitbook/assets/.env": .gitbook/assets/.env is not published`,
		`warning: link ".git/logo.png": .git/logo.png is not published`,
	)
	home := readFile(t, filepath.Join(dest, "index.html"))
	for _, want := range []string{`src="/_.gitbook/assets/flow%20(1).png"`, `src="/_.github/images/logo.svg"`} {
		if !strings.Contains(home, want) {
			t.Errorf("home lacks %s", want)
		}
	}
	for _, name := range []string{"_.gitbook/assets/flow (1).png", "_.github/images/logo.svg"} {
		if _, err := os.Stat(filepath.Join(dest, filepath.FromSlash(name))); err != nil {
			t.Error(err)
		}
	}
	for _, name := range []string{".gitbook", ".github", "_.github/workflows", "_.gitbook/assets/.env", "_.gitbook/assets/_.env", ".git", "_.git"} {
		if _, err := os.Stat(filepath.Join(dest, filepath.FromSlash(name))); err == nil {
			t.Errorf("%s published", name)
		}
	}
}

// Without site.yaml, a lang the site does not have (a Jekyll site's
// lang: ar) is a warning and the page is published in the default
// language; with a site.yaml it is an error.
func TestBuild_NoConfigUnknownLanguage(t *testing.T) {
	files := map[string]string{
		"README.md":   "# Guides\n\n[Legal](ar/legal.md)\n",
		"ar/legal.md": "---\nlang: ar\ntitle: الجانب القانوني\n---\n\nنص.\n",
	}
	res, dest := mustBuild(t, site(t, files))
	if got := diagStrings(res.Diagnostics); !strings.Contains(got, `ar/legal.md:2:1: warning: lang "ar" is not one of the site's languages: the page is published in the default language`) {
		t.Errorf("diagnostics:\n%s", got)
	}
	if page := readFile(t, filepath.Join(dest, "ar", "legal", "index.html")); !strings.Contains(page, "نص.") {
		t.Error("the page is not published at /ar/legal/")
	}
	files["site.yaml"] = "title: Checked\n"
	if _, _, err := build(t, site(t, files)); !errors.Is(err, ErrBuildFailed) {
		t.Errorf("with site.yaml: err = %v, want ErrBuildFailed", err)
	}
}

// Without site.yaml, a folder named as a language (a Jekyll site's nl/
// of Dutch pages) gives no folder list of its own, which would take that
// language's home: the build succeeds, the home lists the pages.
func TestBuild_NoConfigLanguageFolder(t *testing.T) {
	files := map[string]string{
		"README.md":          "# Guides\n\n[Legal](legal.md), [Juridisch](nl/legal.md)\n",
		"legal.md":           "# The legal side\n\nLicences.\n",
		"nl/legal.md":        "---\nlang: nl\ntitle: De juridische kant\n---\n\nLicenties.\n",
		"nl/samenwerking.md": "---\nlang: nl\ntitle: Samenwerken\n---\n\nSamen.\n",
	}
	res, dest := mustBuild(t, site(t, files))
	if n := res.Diagnostics.Errors(); n != 0 {
		t.Fatal(diagStrings(res.Diagnostics))
	}
	if home := readFile(t, filepath.Join(dest, "nl", "index.html")); !strings.Contains(home, "De juridische kant") || !strings.Contains(home, "Samenwerken") {
		t.Error("the Dutch home does not list the Dutch pages")
	}
	files["site.yaml"] = "title: Checked\nlanguages:\n  - {code: en, name: English}\n  - {code: nl, name: Nederlands}\n"
	if _, _, err := build(t, site(t, files)); !errors.Is(err, ErrBuildFailed) {
		t.Errorf("with site.yaml: err = %v, want ErrBuildFailed (the folder's list and the Dutch home)", err)
	}
}
