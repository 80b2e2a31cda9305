package config

import (
	"reflect"
	"strconv"
	"strings"
	"testing"

	"kb/internal/diag"
	"kb/internal/layout"
)

var testRules = Rules{Names: []string{"config", "image-alt", "orphan"}, Fixed: []string{"config"}}

func parse(t *testing.T, src string) (*Config, string) {
	t.Helper()
	c, ds := Parse(layout.ConfigFile, []byte(src), testRules)
	var b strings.Builder
	for _, d := range ds {
		b.WriteString(d.String() + "\n")
	}
	if (c == nil) != (ds.Errors() > 0) {
		t.Errorf("%q: config %v with %d errors", src, c != nil, ds.Errors())
	}
	return c, b.String()
}

const positions = `title: Playbooks
repository:
  url: https://git.example/kb
  branch:   main
rules: {orphan: warning, image-alt: off}
languages:
  - code: en
    name: English
  - code: nl
    name: Nederlands
    sections:
      symptoms: Symptomen
kinds:
  - name: x
    fields:
      - name: a
        type: list
      - {name: b, type: string}
`

func TestPos(t *testing.T) {
	c, ds := parse(t, positions)
	if c == nil {
		t.Fatal(ds)
	}
	for path, want := range map[string]Pos{
		"title":                          {1, 1},
		"repository":                     {2, 1},
		"repository.branch":              {4, 3},
		"rules.orphan":                   {5, 9},
		"rules.image-alt":                {5, 26},
		"languages[1]":                   {9, 5},
		"languages[1].name":              {10, 5},
		"languages[1].sections":          {11, 5},
		"languages[1].sections.symptoms": {12, 7},
		"kinds[0].fields[0].type":        {17, 9},
		"kinds[0].fields[1].type":        {18, 19},
		"kinds[0].fields[1]":             {18, 9},
		// Not in the file, or not a path.
		"description":           {},
		"repository.brnch":      {},
		"languages[2]":          {},
		"languages[x]":          {},
		"languages[0]name":      {},
		"title.x":               {},
		"[0]":                   {},
		"kinds[0].fields[0][0]": {},
	} {
		if got := c.Pos(path); got != want {
			t.Errorf("Pos(%q) = %v, want %v", path, got, want)
		}
	}
	if got := Default().Pos("title"); got != (Pos{}) {
		t.Errorf("the defaults have a position: %v", got)
	}
}

// Keys merged into a mapping with "<<" and values shared with anchors are
// read and found where they are written.
func TestPos_MergesAndAliases(t *testing.T) {
	c, ds := parse(t, "x-base: &base\n  branch: main\n")
	if c != nil || !strings.Contains(ds, "unknown key x-base") {
		t.Errorf("an unknown top-level key: %q", ds)
	}
	c, ds = parse(t, "title: &t Playbooks\ndescription: *t\nrepository:\n  <<: {url: u, branch: main}\n  branch: dev\n")
	if c == nil {
		t.Fatal(ds)
	}
	if c.Description != "Playbooks" || c.Repository.URL != "u" || c.Repository.Branch != "dev" {
		t.Errorf("config %+v %+v", c.Description, c.Repository)
	}
	if got := c.Pos("repository.branch"); got != (Pos{5, 3}) {
		t.Errorf("the key that overrides a merged one: %v", got)
	}
	if got := c.Pos("repository.url"); got != (Pos{4, 8}) {
		t.Errorf("a merged key: %v", got)
	}
}

func TestParse_Strict(t *testing.T) {
	for src, want := range map[string]string{
		// Unknown keys at every level, with the nearest valid one.
		"titel: X\n":                                    "site.yaml:1: error: unknown key titel: did you mean title? [config]\n",
		"colour: red\n":                                 "site.yaml:1: error: unknown key colour (known here: title, description, base_url, content_dir, theme_dir, default_language, languages, repository, markdown, tags, rules, kinds, feed_size, external_media) [config]\n",
		"repository:\n  brnch: main\n":                  "site.yaml:2: error: unknown key repository.brnch: did you mean repository.branch? [config]\n",
		"repository: {url: u, brnch: main}\n":           "site.yaml:1: error: unknown key repository.brnch: did you mean repository.branch? [config]\n",
		"markdown:\n  unsafe_htm: true\n":               "site.yaml:2: error: unknown key markdown.unsafe_htm: did you mean markdown.unsafe_html? [config]\n",
		"languages:\n  - code: en\n    nmae: English\n": "site.yaml:3: error: unknown key languages.nmae: did you mean languages.name? [config]\n",
		"kinds:\n  - name: x\n    fields:\n      - name: a\n        typ: list\n": "site.yaml:5: error: unknown key kinds.fields.typ: did you mean kinds.fields.type? [config]\n",
		"kinds: [{name: x, fields: [{name: a, typ: list}]}]\n":                   "site.yaml:1: error: unknown key kinds.fields.typ: did you mean kinds.fields.type? [config]\n",
		// Wrong types, named by the key's path.
		"feed_size: many\n":                     "site.yaml:1: error: feed_size must be a whole number, not \"many\" [config]\n",
		"feed_size: \"12\"\n":                   "site.yaml:1: error: feed_size must be a whole number, not \"12\" [config]\n",
		"languages:\n  code: en\n":              "site.yaml:2: error: languages must be a list, not a mapping (key: value lines) [config]\n",
		"languages:\n  - en\n":                  "site.yaml:2: error: languages must be a mapping (key: value lines), not \"en\" [config]\n",
		"markdown:\n  unsafe_html: sometimes\n": "site.yaml:2: error: markdown.unsafe_html must be true or false, not \"sometimes\" [config]\n",
		"markdown: {unsafe_html: sometimes}\n":  "site.yaml:1: error: markdown.unsafe_html must be true or false, not \"sometimes\" [config]\n",
		"title:\n  en: X\n":                     "site.yaml:2: error: title must be text, not a mapping (key: value lines) [config]\n",
		"tags: a\n":                             "site.yaml:1: error: tags must be a list, not \"a\" [config]\n",
		"kinds:\n  - name: x\n    label: [a]\n": "site.yaml:3: error: kinds.label must be a mapping (key: value lines), not a list [config]\n",
		"rules:\n  orphan: [warning]\n":         "site.yaml:2: error: rules.orphan must be text, not a list [config]\n",
		"- title\n":                             "site.yaml:1: error: the value must be a mapping (key: value lines), not a list [config]\n",
		"? [a]\n: x\n":                          "site.yaml:1: error: a key must be text, not a list [config]\n",
		"repository:\n  ? {a: b}\n  : x\n":      "site.yaml:2: error: a key in repository must be text, not a mapping (key: value lines) [config]\n",
		"repository:\n  <<: [x]\n":              "site.yaml:2: error: << in repository must merge a mapping (key: value lines), not \"x\" [config]\n",
		// Keys set twice, at any level.
		"title: X\ntitle: Y\n":                       "site.yaml:2: error: title is set twice (first on line 1) [config]\n",
		"repository:\n  url: a\n  url: b\n":          "site.yaml:3: error: repository.url is set twice (first on line 2) [config]\n",
		"rules:\n  orphan: warning\n  orphan: off\n": "site.yaml:3: error: rules.orphan is set twice (first on line 2) [config]\n",
		// Not YAML.
		"title: [broken\n": "site.yaml:1: error: did not find expected ',' or ']' [config]\n",
		// Rules and severities.
		"rules:\n  orphans: warning\n": "site.yaml:2: error: rules: unknown rule \"orphans\" (did you mean orphan?) [config]\n",
		"rules:\n  orphan: warnign\n":  "site.yaml:2: error: rules.orphan: severity must be error, warning or off, not \"warnign\" (did you mean warning?) [config]\n",
		"rules:\n  orphan: loud\n":     "site.yaml:2: error: rules.orphan: severity must be error, warning or off, not \"loud\" [config]\n",
		"rules:\n  config: warning\n":  "site.yaml:2: error: rules: config cannot be lowered [config]\n",
		// Values that make no sense.
		"default_language: nll\n": "site.yaml:1: error: default_language \"nll\" is not one of the languages (did you mean nl?) [config]\n",
		"base_url: /kb/\n":        "site.yaml:1: error: base URL \"/kb/\" must be an absolute http(s) URL [config]\n",
		"content_dir: ../x\n":     "site.yaml:1: error: content_dir \"../x\" must be a folder inside the site [config]\n",
		"kinds:\n  - name: x\n    fields:\n      - {name: title, type: string}\n":                                                            "site.yaml:1: error: kinds: x: field \"title\" is empty, repeated or a common front-matter key [config]\n",
		"kinds:\n  - name: x\n    fields:\n      - {name: a, type: lsit}\n":                                                                  "site.yaml:1: error: kinds: x: field a has unknown type \"lsit\" (did you mean list?) [config]\n",
		"kinds:\n  - name: x\n    fields:\n      - {name: a, type: enum}\n":                                                                  "site.yaml:1: error: kinds: x: enum field a needs values [config]\n",
		"kinds:\n  - name: x\n    fields:\n      - {name: a, type: list, search: heading}\n      - {name: b, type: list, search: haeding}\n": "site.yaml:1: error: kinds: x: field b: search must be heading, body or off, not \"haeding\" (did you mean heading?) [config]\n",
	} {
		if _, got := parse(t, src); got != want {
			t.Errorf("%q:\ngot  %q\nwant %q", src, got, want)
		}
	}
}

// Aliases that stand for billions of values are an error, soon.
func TestParse_AliasBomb(t *testing.T) {
	n := 200 // 200 kinds of 200 fields of 200 values
	src := "kinds:\n  - &k {name: x, fields: [&f {name: a, type: enum, values: [&v v" + strings.Repeat(", *v", n-1) + "]}" +
		strings.Repeat(", *f", n-1) + "]}\n" + strings.Repeat("  - *k\n", n-1)
	c, ds := Parse("site.yaml", []byte(src), Rules{})
	if c != nil || len(ds) != 1 || !strings.Contains(ds[0].Message, "repeat more values than kb reads") {
		t.Errorf("config %v, diagnostics %v", c != nil, ds)
	}
}

// Without rule names, any rule may be named, with a valid severity.
func TestParse_AnyRule(t *testing.T) {
	c, ds := Parse("site.yaml", []byte("rules:\n  whatever: warning\n  other: loud\n"), Rules{})
	if c != nil || len(ds) != 1 || ds[0].Line != 3 || ds[0].Severity != diag.SeverityError || ds[0].Rule != Rule {
		t.Errorf("config %v, diagnostics %v", c, ds)
	}
}

func TestParse_Defaults(t *testing.T) {
	want := Default()
	for _, src := range []string{"", "# nothing yet\n", "---\n", "title: Knowledge base\nkinds:\nfeed_size: 0\nmarkdown:\n  max_file_size: -1\n"} {
		c, ds := parse(t, src)
		if c == nil {
			t.Fatalf("%q: %s", src, ds)
		}
		c.root = nil
		if !reflect.DeepEqual(c, want) {
			t.Errorf("%q: %+v, want the defaults %+v", src, c, want)
		}
	}
	c, _ := parse(t, "title: X\ncontent_dir: docs\nbase_url: https://x.example/kb\nlanguages:\n  - code: nl\ndefault_language: nl\nkinds: []\n")
	if c.Title != "X" || c.ContentDir != "docs" || c.ThemeDir != layout.ThemeDir || c.BasePath() != "/kb/" || c.BaseURL != "https://x.example/kb/" ||
		len(c.Languages) != 1 || len(c.Kinds) != 0 || c.FeedSize != 20 || c.Markdown.MaxFileSize != 512<<10 {
		t.Errorf("keys not given keep their defaults, keys given replace them: %+v", c)
	}
	// An empty value empties the setting.
	if _, ds := parse(t, "languages:\n"); !strings.Contains(ds, "site.yaml:1: error: languages: at least one language is needed [config]") {
		t.Errorf("languages left empty: %q", ds)
	}
	if d := Default(); d.ContentDir != layout.ContentDir || d.ThemeDir != layout.ThemeDir || len(d.Kinds) != 4 || d.BasePath() != "/" {
		t.Errorf("defaults %+v", d)
	}
}

// TestParse_ExternalMedia: hosts and origins become origins a
// Content-Security-Policy names; anything else is an error at its line.
func TestParse_ExternalMedia(t *testing.T) {
	c, errs := parse(t, "title: T\nexternal_media:\n  images: [img.shields.io, \"https://Cdn.Example.com/\", \"http://intranet.example:8080\"]\n  frames: [www.youtube-nocookie.com]\n")
	if errs != "" {
		t.Fatal(errs)
	}
	want := ExternalMedia{Images: []string{"https://img.shields.io", "https://cdn.example.com", "http://intranet.example:8080"}, Frames: []string{"https://www.youtube-nocookie.com"}}
	if !reflect.DeepEqual(c.ExternalMedia, want) {
		t.Errorf("got %+v, want %+v", c.ExternalMedia, want)
	}
	for _, bad := range []string{"*", "'unsafe-inline'", "https://a.example/path", "javascript:alert(1)", "a.example; script-src *", "ftp://a.example", "https://"} {
		_, errs := parse(t, "title: T\nexternal_media:\n  images:\n    - "+strconv.Quote(bad)+"\n")
		if !strings.Contains(errs, "site.yaml:3: error: external_media.images: ") {
			t.Errorf("%q: got %q", bad, errs)
		}
	}
}
