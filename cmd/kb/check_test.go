package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"kb"
	"kb/builder"
)

// ckRun runs kb in-process and returns its exit status and output.
func ckRun(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// ckSite writes files (slash paths → contents) into a new temporary folder.
func ckSite(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		ckWrite(t, filepath.Join(dir, filepath.FromSlash(name)), data)
	}
	return dir
}

func ckWrite(t *testing.T, name, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// ckProblemSite has one error (a broken link whose text needs escaping in
// GitHub annotations, in a file whose name needs escaping too) and one
// warning (an image without alt text).
var ckProblemSite = map[string]string{
	"site.yaml":         "title: Problems\n",
	"content/README.md": "# Home\n\n[Odd](guides/a,b:c.md) and [guide](guides/guide.md).\n",
	"content/guides/a,b:c.md": "---\ntitle: Odd name\n---\n\nText.\n\n" +
		"A link [done](50%25,done.md) to nowhere.\n",
	"content/guides/guide.md": "# Guide\n\n![](../images/x.svg)\n",
	"content/images/x.svg":    "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
}

func TestCheck_HumanFormat(t *testing.T) {
	dir := ckSite(t, ckProblemSite)
	code, out, errOut := ckRun(t, "check", "--source", dir)
	want := `content/guides/a,b:c.md:7:8: error: broken link "50%25,done.md": no such file [broken-link]
content/guides/guide.md:3:1: warning: image "../images/x.svg" has no alt text [image-alt]
`
	if out != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", out, want)
	}
	if code != exitContent {
		t.Errorf("exit %d, want %d", code, exitContent)
	}
	if lines := strings.Split(strings.TrimSpace(errOut), "\n"); lines[len(lines)-1] != "checked 3 files: 1 error, 1 warning" {
		t.Errorf("summary: %q", errOut)
	}
}

// ghCommandRE is the workflow command syntax GitHub documents for
// annotations: ::error|warning|notice [prop=value{,prop=value}]::message,
// with the properties file, line, endLine, col, endColumn and title.
var ghCommandRE = regexp.MustCompile(`^::(error|warning|notice)(?: ((?:file|line|endLine|col|endColumn|title)=[^,:\r\n]*(?:,(?:file|line|endLine|col|endColumn|title)=[^,:\r\n]*)*))?::([^\r\n]*)$`)

// ghUnescape reverses the runner's escaping of a property or message.
func ghUnescape(s string) string {
	return strings.NewReplacer("%0D", "\r", "%0A", "\n", "%3A", ":", "%2C", ",", "%25", "%").Replace(s)
}

func TestCheck_GitHubFormat(t *testing.T) {
	dir := ckSite(t, ckProblemSite)
	code, out, _ := ckRun(t, "check", "--source", dir, "--format", "github")
	want := `::error file=content/guides/a%2Cb%3Ac.md,line=7,col=8,title=broken-link::broken link "50%2525,done.md": no such file
::warning file=content/guides/guide.md,line=3,col=1,title=image-alt::image "../images/x.svg" has no alt text
`
	if out != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", out, want)
	}
	if code != exitContent {
		t.Errorf("exit %d, want %d", code, exitContent)
	}
	// Each line parses back, per the documented syntax, to the diagnostic.
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		m := ghCommandRE.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("not a workflow command: %q", line)
		}
		props := map[string]string{}
		for _, kv := range strings.Split(m[2], ",") {
			k, v, _ := strings.Cut(kv, "=")
			props[k] = ghUnescape(v)
		}
		if m[1] == "error" && (props["file"] != "content/guides/a,b:c.md" || ghUnescape(m[3]) != `broken link "50%25,done.md": no such file`) {
			t.Errorf("round trip: %q %q", props, ghUnescape(m[3]))
		}
	}
}

func TestCheck_GitHubEscaping(t *testing.T) {
	if got, want := escapeData("100% done\r\nnext: a,b"), "100%25 done%0D%0Anext: a,b"; got != want {
		t.Errorf("escapeData = %q, want %q", got, want)
	}
	if got, want := escapeProperty("a%b\r\nc:d,e"), "a%25b%0D%0Ac%3Ad%2Ce"; got != want {
		t.Errorf("escapeProperty = %q, want %q", got, want)
	}
	var buf bytes.Buffer
	ds := []struct{ file, msg string }{{"x.md", "line one\nline two: 5%"}}
	for _, d := range ds {
		if err := printGitHub(&buf, ckDiags(d.file, d.msg)); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := buf.String(), "::error file=x.md,line=2,col=3,title=front-matter::line one%0Aline two: 5%25\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if !ghCommandRE.MatchString(strings.TrimSuffix(buf.String(), "\n")) {
		t.Errorf("does not match the documented syntax: %q", buf.String())
	}
}

func TestCheck_JSONFormat(t *testing.T) {
	dir := ckSite(t, ckProblemSite)
	code, out, _ := ckRun(t, "check", "--source", dir, "--format", "json")
	if code != exitContent {
		t.Errorf("exit %d, want %d", code, exitContent)
	}
	// The documented schema, key for key.
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if keys := ckKeys(raw); !slices.Equal(keys, []string{"diagnostics", "errors", "version", "warnings"}) {
		t.Errorf("top-level keys %v", keys)
	}
	var ds []map[string]json.RawMessage
	if err := json.Unmarshal(raw["diagnostics"], &ds); err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if keys := ckKeys(d); !slices.Equal(keys, []string{"col", "file", "line", "message", "rule", "severity"}) {
			t.Errorf("diagnostic keys %v", keys)
		}
	}
	var r struct {
		Version     int
		Errors      int
		Warnings    int
		Diagnostics []struct {
			File, Severity, Rule, Message string
			Line, Col                     int
		}
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.Version != 1 || r.Errors != 1 || r.Warnings != 1 || len(r.Diagnostics) != 2 {
		t.Fatalf("report %+v", r)
	}
	d := r.Diagnostics[0]
	if d.File != "content/guides/a,b:c.md" || d.Line != 7 || d.Col != 8 || d.Severity != "error" || d.Rule != "broken-link" ||
		d.Message != `broken link "50%25,done.md": no such file` {
		t.Errorf("first diagnostic %+v", d)
	}

	// A clean site gives an empty list, not null.
	clean := ckSite(t, map[string]string{"content/README.md": "# Home\n"})
	code, out, _ = ckRun(t, "check", "--source", clean, "--format", "json")
	if code != exitOK || !strings.Contains(out, `"diagnostics": []`) {
		t.Errorf("clean site: exit %d\n%s", code, out)
	}
}

func TestCheck_ExitCodes(t *testing.T) {
	problems := ckSite(t, ckProblemSite)
	warnOnly := ckSite(t, map[string]string{
		"content/README.md": "# Home\n\n![](x.svg)\n",
		"content/x.svg":     "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
	})
	clean := ckSite(t, map[string]string{"content/README.md": "# Home\n"})
	for _, tc := range []struct {
		name string
		args []string
		code int
	}{
		{"clean", []string{"check", "--source", clean}, exitOK},
		{"warnings only", []string{"check", "--source", warnOnly}, exitOK},
		{"strict turns warnings into errors", []string{"check", "--strict", "--source", warnOnly}, exitContent},
		{"errors", []string{"check", "--source", problems}, exitContent},
		{"unknown flag", []string{"check", "--no-such-flag"}, exitUsage},
		{"unknown format", []string{"check", "--source", clean, "--format", "xml"}, exitUsage},
		{"stray argument", []string{"check", "--source", clean, "extra"}, exitUsage},
		{"missing source", []string{"check", "--source", filepath.Join(clean, "nope")}, exitUsage},
		{"changed-since outside Git", []string{"check", "--source", clean, "--changed-since", "main"}, exitUsage},
		{"help", []string{"check", "-h"}, exitOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := ckRun(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out, errOut)
			}
		})
	}
	// --strict reports the warning as an error.
	_, out, errOut := ckRun(t, "check", "--strict", "--source", warnOnly)
	if !strings.Contains(out, ": error: image") || !strings.Contains(errOut, "1 error, 0 warnings") {
		t.Errorf("strict: %s%s", out, errOut)
	}
}

// TestCheck_ChangedSince makes a Git repository whose site lives in a
// subfolder, with a base commit on main and a branch that changes one page,
// deletes another and leaves an uncommitted edit: file-level problems are
// reported only for the changed files, broken links everywhere.
func TestCheck_ChangedSince(t *testing.T) {
	repo := ckSite(t, map[string]string{
		"README.md":              "The repository, not the site.\n",
		"kb/site.yaml":           "title: Changed\nrules:\n  orphan: warning\n",
		"kb/content/README.md":   "# Home\n\n[A](a.md), [B](b.md), [C](c.md), [D](d.md), [E](e.md).\n",
		"kb/content/a.md":        "# A\n\nFine.\n",
		"kb/content/b.md":        "# B\n\nAn old problem nobody touches: ![](x.svg)\n",
		"kb/content/c.md":        "# C\n\nTo be deleted.\n",
		"kb/content/d.md":        "# D\n\nSee [C](c.md#c).\n",
		"kb/content/e.md":        "# E\n\nFine.\n",
		"kb/content/x.svg":       "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
		"kb/content/lonely.md":   "# Lonely\n\nAn orphan from before.\n",
		"kb/content/guides/g.md": "# G\n\nAnother orphan from before.\n",
	})
	site := filepath.Join(repo, "kb")
	ckGit(t, repo, "init", "-q", "-b", "main")
	ckGit(t, repo, "add", ".")
	ckGit(t, repo, "commit", "-q", "-m", "base")
	ckGit(t, repo, "checkout", "-q", "-b", "pr")
	ckWrite(t, filepath.Join(site, "content/a.md"), "# A\n\nNow with a problem: ![](x.svg)\n")
	ckGit(t, repo, "rm", "-q", "kb/content/c.md")
	ckGit(t, repo, "commit", "-q", "-am", "change a, delete c")
	ckWrite(t, filepath.Join(site, "content/e.md"), "---\ntitle: E\nsummary: \"TODO(kb): say more\"\n---\n\nUncommitted.\n")
	ckWrite(t, filepath.Join(site, "content/new.md"), "# New\n\nUntracked, linked from nowhere.\n")

	code, out, errOut := ckRun(t, "check", "--source", site, "--changed-since", "main")
	want := `content/README.md:3:23: error: broken link "c.md": no such file [broken-link]
content/a.md:3:1: warning: image "x.svg" has no alt text [image-alt]
content/d.md:3:5: error: broken link "c.md#c": no such file [broken-link]
content/e.md:3:11: error: placeholder "TODO(kb): say more" still to be filled in [placeholder]
content/new.md:1:1: warning: nothing links to this page: link to it from a related page or its folder's index [orphan]
`
	if out != want {
		t.Errorf("stdout:\n%s\nwant:\n%s\nstderr: %s", out, want, errOut)
	}
	if code != exitContent {
		t.Errorf("exit %d, want %d", code, exitContent)
	}
	if !strings.Contains(errOut, "limited to 4 changed since main") {
		t.Errorf("summary: %s", errOut)
	}

	// Without --changed-since, the old problems show up too.
	_, out, _ = ckRun(t, "check", "--source", site)
	for _, old := range []string{"content/b.md:3:", "content/lonely.md:1:1", "content/guides/g.md:1:1"} {
		if !strings.Contains(out, old) {
			t.Errorf("full check lacks %s:\n%s", old, out)
		}
	}
	// A change to site.yaml can affect every page: everything is checked.
	ckWrite(t, filepath.Join(site, "site.yaml"), "title: Changed again\nrules:\n  orphan: warning\n")
	_, out2, _ := ckRun(t, "check", "--source", site, "--changed-since", "main")
	if out2 != out {
		t.Errorf("with site.yaml changed:\n%s\nwant the full check:\n%s", out2, out)
	}
	// GitHub annotations name files from the repository's root.
	_, out, _ = ckRun(t, "check", "--source", site, "--changed-since", "main", "--format", "github")
	if !strings.HasPrefix(out, "::error file=kb/content/README.md,line=3,col=23,title=broken-link::") {
		t.Errorf("github format in a subfolder:\n%s", out)
	}
	// An unknown ref is a usage error that says what to do.
	code, _, errOut = ckRun(t, "check", "--source", site, "--changed-since", "origin/main")
	if code != exitUsage || !strings.Contains(errOut, "fetch-depth") {
		t.Errorf("unknown ref: exit %d, %s", code, errOut)
	}
}

// TestBuild_DiagnosticsNameSiteFiles: kb build names files as kb check
// does, relative to the site folder.
func TestBuild_DiagnosticsNameSiteFiles(t *testing.T) {
	dir := ckSite(t, ckProblemSite)
	code, _, errOut := ckRun(t, "build", "--source", dir, "--dest", filepath.Join(t.TempDir(), "out"))
	if code != exitContent || !strings.Contains(errOut, "content/guides/a,b:c.md:7:8: error: broken link") {
		t.Errorf("exit %d\n%s", code, errOut)
	}
}

// TestCheck_ExampleSite: the knowledge base built into kb passes its own
// check.
func TestCheck_ExampleSite(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, kb.ExampleSite()); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := ckRun(t, "check", "--source", dir)
	if code != exitOK {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
}

func ckDiags(file, msg string) builder.Diagnostics {
	return builder.Diagnostics{{File: file, Line: 2, Col: 3, Severity: builder.SeverityError, Rule: builder.RuleFrontMatter, Message: msg}}
}

func ckKeys[V any](m map[string]V) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// ckGit runs git in dir with a throwaway identity and no user configuration.
func ckGit(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=Test Writer", "-c", "user.email=writer@example.com", "-c", "commit.gpgsign=false"}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// ckBuildFails builds src over dest, which holds a good build, and
// expects exit 1 with want among the diagnostics and dest untouched.
func ckBuildFails(t *testing.T, src, dest, want string) {
	t.Helper()
	before := svTree(t, dest)
	code, out, errOut := ckRun(t, "build", "--source", src, "--dest", dest)
	if code != exitContent || !strings.Contains(errOut, want+"\n") || strings.Contains(errOut, "kb: ") {
		t.Errorf("build: exit %d, want %d and the line\n%s\nstdout: %s\nstderr: %s", code, exitContent, want, out, errOut)
	}
	if diff := svDiff(before, svTree(t, dest)); len(diff) > 0 {
		t.Errorf("a failed build changed the output: %v", diff)
	}
}

// TestCheckAndBuild_OutputCollisions gives a good site, built once, each
// way of claiming an output path twice: kb check reports it at the
// claim's file and line, and kb build reports the same and leaves the
// previous output as it was.
func TestCheckAndBuild_OutputCollisions(t *testing.T) {
	base := map[string]string{
		"site.yaml":           "title: Collisions\n",
		"content/README.md":   "# Home\n\n[A](a.md), [B](b.md), [G](guides/g.md).\n",
		"content/a.md":        "# A\n",
		"content/b.md":        "---\ntitle: B\naliases: [/old/b/]\n---\n\nB.\n",
		"content/guides/g.md": "# G\n",
	}
	alias := func(a string) map[string]string {
		return map[string]string{"content/a.md": "---\ntitle: A\naliases: [" + a + "]\n---\n\nA.\n"}
	}
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"alias naming the not-found page", alias("/404.html"),
			"content/a.md:3:1: error: the alias /404.html/ of a.md writes 404.html/index.html and kb's not-found page writes 404.html: a file cannot also be a folder [duplicate-url]"},
		{"alias naming the sitemap", alias("/sitemap.xml"),
			"content/a.md:3:1: error: the alias /sitemap.xml/ of a.md writes sitemap.xml/index.html and kb's sitemap writes sitemap.xml: a file cannot also be a folder [duplicate-url]"},
		{"alias naming the feed", alias("/feed.xml"),
			"content/a.md:3:1: error: the alias /feed.xml/ of a.md writes feed.xml/index.html and kb's feed writes feed.xml: a file cannot also be a folder [duplicate-url]"},
		{"alias naming robots.txt", alias("/robots.txt"),
			"content/a.md:3:1: error: the alias /robots.txt/ of a.md writes robots.txt/index.html and kb's robots.txt writes robots.txt: a file cannot also be a folder [duplicate-url]"},
		{"alias naming the home page's file", alias("/index.html"),
			"content/a.md:3:1: error: the alias /index.html/ of a.md writes index.html/index.html and the page README.md (URL /) writes index.html: a file cannot also be a folder [duplicate-url]"},
		{"alias naming a theme asset", alias("/assets/favicon.svg"),
			"content/a.md:3:1: error: alias /assets/favicon.svg/ is reserved for pages kb generates [duplicate-url]"},
		{"alias inside kb's own folder", alias("/_kb/search"),
			"content/a.md:3:1: error: alias /_kb/search/ is reserved for pages kb generates [duplicate-url]"},
		{"alias naming a folder's list", alias("/guides/"),
			"content/a.md:3:1: error: the alias /guides/ of a.md and the list of the folder guides/ (URL /guides/) both write guides/index.html [duplicate-url]"},
		{"alias naming another page's URL", alias("/b/"),
			"content/a.md:3:1: error: alias /b/ is the URL of b.md [duplicate-url]"},
		{"alias naming another page's alias", alias("/old/b/"),
			"content/b.md:3:1: error: alias /old/b/ is claimed by both a.md and b.md [duplicate-alias]"},
		{"two pages, one URL", map[string]string{"content/A.md": "# A again\n"},
			"content/a.md:1:1: error: A.md and a.md both publish the URL /a/ [duplicate-url]"},
		{"a page beside a folder with its own index", map[string]string{"content/guides.md": "# Guides\n", "content/guides/README.md": "# Guides index\n"},
			"content/guides.md:1:1: error: guides/README.md and guides.md both publish the URL /guides/ [duplicate-url]"},
		{"a page named like a generated file", map[string]string{"content/feed.xml.md": "# Feed\n"},
			"content/feed.xml.md:1:1: error: the page feed.xml.md (URL /feed.xml/) writes feed.xml/index.html and kb's feed writes feed.xml: a file cannot also be a folder [duplicate-url]"},
		{"static file and the not-found page", map[string]string{"content/404.html": "<p>lost</p>\n"},
			"content/404.html: error: the static file 404.html and kb's not-found page both write 404.html [duplicate-url]"},
		{"static file and the sitemap", map[string]string{"content/sitemap.xml": "<urlset/>\n"},
			"content/sitemap.xml: error: the static file sitemap.xml and kb's sitemap both write sitemap.xml [duplicate-url]"},
		{"static file and a page", map[string]string{"content/a/index.html": "<p>old A</p>\n"},
			"content/a/index.html: error: the static file a/index.html and the page a.md (URL /a/) both write a/index.html [duplicate-url]"},
		{"static file where a page needs a folder", map[string]string{"content/b": "no extension\n"},
			"content/b: error: the static file b writes b and the page b.md (URL /b/) writes b/index.html: a file cannot also be a folder [duplicate-url]"},
		{"static file and a theme asset", map[string]string{"content/assets/favicon.svg": "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n"},
			"content/assets/favicon.svg: error: the static file assets/favicon.svg and the theme's asset assets/favicon.svg both write assets/favicon.svg [duplicate-url]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := ckSite(t, base)
			dest := filepath.Join(t.TempDir(), "public")
			if code, out, errOut := ckRun(t, "build", "--source", src, "--dest", dest); code != exitOK {
				t.Fatalf("the good site: exit %d\n%s%s", code, out, errOut)
			}
			for name, data := range tc.files {
				ckWrite(t, filepath.Join(src, filepath.FromSlash(name)), data)
			}
			code, out, errOut := ckRun(t, "check", "--source", src)
			if code != exitContent || !strings.Contains(out, tc.want+"\n") {
				t.Errorf("check: exit %d, want %d and the line\n%s\nstdout: %s\nstderr: %s", code, exitContent, tc.want, out, errOut)
			}
			ckBuildFails(t, src, dest, tc.want)
		})
	}
}

// TestCheckAndBuild_NoMarkdown: a site folder without Markdown, and a site
// whose content folder is gone, are an error naming the folder searched,
// for kb check and kb build alike; the build leaves the previous output.
func TestCheckAndBuild_NoMarkdown(t *testing.T) {
	good := ckSite(t, map[string]string{"site.yaml": "title: Empty\n", "content/README.md": "# Home\n"})
	dest := filepath.Join(t.TempDir(), "public")
	if code, out, errOut := ckRun(t, "build", "--source", good, "--dest", dest); code != exitOK {
		t.Fatalf("the good site: exit %d\n%s%s", code, out, errOut)
	}
	empty := t.TempDir()
	ckWrite(t, filepath.Join(empty, "notes.txt"), "not Markdown\n")
	noContent := ckSite(t, map[string]string{"site.yaml": "title: Empty\n", "content/README.md": "# Home\n"})
	if err := os.RemoveAll(filepath.Join(noContent, "content")); err != nil {
		t.Fatal(err)
	}
	emptyContent := ckSite(t, map[string]string{"site.yaml": "title: Empty\n", "content/images/x.svg": "<svg/>\n"})
	drafts := ckSite(t, map[string]string{"content/README.md": "---\ntitle: Home\ndraft: true\n---\n"})
	sep := string(filepath.Separator)
	for _, tc := range []struct{ name, src, want string }{
		{"a folder without Markdown", empty, "content: error: no Markdown files under " + empty + sep + " (there is no content/ folder) [config]"},
		{"content folder deleted", noContent, "content: error: no Markdown files under " + noContent + sep + " (there is no content/ folder) [config]"},
		{"content folder without Markdown", emptyContent, "content: error: no Markdown files under " + filepath.Join(emptyContent, "content") + sep + " [config]"},
		{"only drafts", drafts, "content: error: no pages to publish: every Markdown file under " + filepath.Join(drafts, "content") + sep + " is a draft (--drafts includes them) [config]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := ckRun(t, "check", "--source", tc.src)
			if code != exitContent || out != tc.want+"\n" || strings.Contains(errOut, "kb: ") {
				t.Errorf("check: exit %d, want %d and\n%s\nstdout: %s\nstderr: %s", code, exitContent, tc.want, out, errOut)
			}
			ckBuildFails(t, tc.src, dest, tc.want)
		})
	}
}

// One mistyped kind is one error: the page is left out of the site, but
// the pages that link to it, in their body or in front matter, are fine.
func TestCheck_MistypedKindIsOneError(t *testing.T) {
	dir := ckSite(t, map[string]string{
		"site.yaml":         "title: One mistake\n",
		"content/README.md": "# Home\n\n[Silos](symptoms/silos.md#how-to-recognise-it), [sync](meetings/sync.md).\n",
		"content/symptoms/silos.md": "---\ntitle: Silos\nkind: symtpom\nsignals: [Nobody knows]\nimpact: Time\n" +
			"remedies: [../meetings/sync.md]\n---\n\n## How to recognise it\n\nText.\n",
		"content/meetings/sync.md": "---\ntitle: Sync\nkind: meeting-format\ncadence: weekly\nduration: 30m\n" +
			"participants: [Lead]\nagenda: [Blockers]\n---\n\nSee [silos](../symptoms/silos.md).\n",
		"content/symptoms/more.md": "---\ntitle: More\nkind: symptom\nsignals: [Waiting]\nimpact: Time\n" +
			"remedies: [silos.md]\n---\n\nLike [silos](silos.md).\n",
	})
	code, out, errOut := ckRun(t, "check", "--source", dir)
	want := "content/symptoms/silos.md:3:1: error: unknown kind \"symtpom\" (site.yaml declares: symptom, meeting-format, channel-agreement, tool-rollout) [front-matter]\n"
	if code != exitContent || out != want {
		t.Errorf("exit %d, diagnostics:\n%s\nwant exactly:\n%s", code, out, want)
	}
	if !strings.Contains(errOut, ": 1 error, 0 warnings") {
		t.Errorf("summary: %s", errOut)
	}
	code, out, errOut = ckRun(t, "build", "--source", dir, "--dest", filepath.Join(t.TempDir(), "public"))
	if code != exitContent || strings.Count(errOut, "error:") != 1 || !strings.Contains(out, "failed: 0 pages written, 0 sections, 0 warnings, 1 error in ") {
		t.Errorf("kb build: exit %d\n%s%s", code, out, errOut)
	}
}

// Outside a site (an empty folder, or one with files but no Markdown), kb
// check says what it looked for instead of checking the example built into
// kb.
func TestCheck_OutsideASite(t *testing.T) {
	for name, files := range map[string]map[string]string{
		"empty":       nil,
		"no Markdown": {"notes.txt": "Notes.\n", "images/logo.svg": "<svg/>", "docs/readme.txt": "Read me.\n"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			for p, text := range files {
				svWrite(t, filepath.Join(dir, p), text)
			}
			t.Chdir(dir)
			code, out, errOut := ckRun(t, "check")
			if code != exitUsage || out != "" || !strings.Contains(errOut, "kb: no site.yaml, content/ or Markdown files in "+dir+": run kb check in your site's folder, or pass --source DIR") {
				t.Errorf("exit %d\n%s%s", code, out, errOut)
			}
		})
	}
}

var flagDefRE = regexp.MustCompile(`(?m)^  -(\S+)`)

// kb help and each command's -h name every flag the command takes.
func TestHelp_ListsEveryFlag(t *testing.T) {
	_, help, _ := ckRun(t, "help")
	for _, cmd := range []string{"build", "serve", "check", "new"} {
		code, _, usage := ckRun(t, cmd, "-h")
		if code != exitOK {
			t.Fatalf("kb %s -h: exit %d", cmd, code)
		}
		synopsis, defaults, _ := strings.Cut(usage, "Flags:")
		flags := flagDefRE.FindAllStringSubmatch(defaults, -1)
		if len(flags) == 0 {
			t.Fatalf("kb %s -h lists no flags:\n%s", cmd, usage)
		}
		start := strings.Index(help, "  kb "+cmd+" ")
		end := strings.Index(help[start+3:], "\n  kb ") + start + 3
		for _, f := range flags {
			if !strings.Contains(synopsis, "[--"+f[1]+" ") && !strings.Contains(synopsis, "[--"+f[1]+"]") {
				t.Errorf("kb %s -h: the usage line lacks --%s: %s", cmd, f[1], synopsis)
			}
			if !strings.Contains(help[start:end], "--"+f[1]) {
				t.Errorf("kb help: kb %s lacks --%s", cmd, f[1])
			}
		}
	}
}

// A folder of Markdown read on GitHub (a README.md, no site.yaml or
// content/) is a site: kb build and kb check run in it build and check
// its pages, not the example built into kb.
func TestBuild_MarkdownFolderIsASite(t *testing.T) {
	dir := ckSite(t, map[string]string{
		"README.md":          "# Team handbook\n\nSee [on-call](process/on-call.md).\n",
		"process/on-call.md": "# On-call rota\n\nWho answers the pager.\n",
	})
	t.Chdir(dir)
	dest := filepath.Join(t.TempDir(), "public")
	code, out, errOut := ckRun(t, "build", "--dest", dest)
	if code != exitOK || strings.Contains(errOut, "example knowledge base") {
		t.Fatalf("kb build: exit %d\n%s%s", code, out, errOut)
	}
	home, err := os.ReadFile(filepath.Join(dest, "index.html"))
	if err != nil || !strings.Contains(string(home), "Team handbook") {
		t.Fatalf("home page is not the folder's README: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dest, "process", "on-call", "index.html")); err != nil {
		t.Errorf("the folder's page is missing: %v", err)
	}
	if code, out, errOut := ckRun(t, "check"); code != exitOK || !strings.Contains(out+errOut, "checked 2 files") {
		t.Errorf("kb check: exit %d\n%s%s", code, out, errOut)
	}
}
