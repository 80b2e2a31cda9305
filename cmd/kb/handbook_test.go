package main

import (
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The folders in testdata/handbooks are shaped like handbooks kept on
// GitHub: no site.yaml and no front matter, README.md folder indexes,
// images in a folder named _img, relative links with anchors written as
// GitHub resolves them (in another case, with punctuation GitHub keeps,
// after repeated headings), a page beside a folder of the same name, and
// the slips such repositories have (a stale anchor, a missing file, a
// Google Docs bookmark, a link to an unpublished draft).

// hbBuild runs kb build on a handbook with no site.yaml and returns the
// output folder, the exit status and stderr.
func hbBuild(t *testing.T, name string) (string, int, string) {
	t.Helper()
	dest := filepath.Join(t.TempDir(), "public")
	code, _, stderr := ckRun(t, "build", "--source", filepath.Join("testdata", "handbooks", name), "--dest", dest)
	return dest, code, stderr
}

// hbMarkdown lists a handbook's Markdown files, except those under a
// folder named with a leading underscore (drafts, not published).
func hbMarkdown(t *testing.T, name string) []string {
	t.Helper()
	var out []string
	root := filepath.Join("testdata", "handbooks", name)
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), "_") {
			return fs.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".md") {
			rel, _ := filepath.Rel(root, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// hbOutput is where kb publishes a Markdown file: README.md as its
// folder's index, a page beside a folder of its name as that folder's.
func hbOutput(md string) string {
	dir, file := path.Split(md)
	base := strings.TrimSuffix(file, ".md")
	if strings.EqualFold(base, "readme") || base == "index" {
		return dir + "index.html"
	}
	return dir + strings.ToLower(base) + "/index.html"
}

var hbRefRE = regexp.MustCompile(`(?:href|src)="(/[^"]*)"`)

// hbUnresolved lists every site-local href and src in the built pages
// that does not lead to a file of the output, or whose #fragment is no
// id in the page it leads to, as "page: reference".
func hbUnresolved(t *testing.T, dest string) []string {
	t.Helper()
	var bad []string
	err := filepath.WalkDir(dest, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		rel, _ := filepath.Rel(dest, p)
		if strings.HasPrefix(filepath.ToSlash(rel), "_kb/") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range hbRefRE.FindAllStringSubmatch(string(data), -1) {
			ref := strings.ReplaceAll(m[1], "&amp;", "&")
			u, err := url.Parse(ref)
			if err != nil {
				bad = append(bad, filepath.ToSlash(rel)+": "+ref)
				continue
			}
			target := strings.TrimPrefix(u.Path, "/")
			if target == "" || strings.HasSuffix(target, "/") {
				target += "index.html"
			}
			body, err := os.ReadFile(filepath.Join(dest, filepath.FromSlash(target)))
			if err != nil || u.Fragment != "" && !strings.Contains(string(body), `id="`+u.Fragment+`"`) {
				bad = append(bad, filepath.ToSlash(rel)+": "+ref)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(bad)
	return slices.Compact(bad)
}

func TestBuild_GitHubHandbookAsItIs(t *testing.T) {
	dest, code, stderr := hbBuild(t, "people")
	if code != 0 {
		t.Fatalf("kb build exited with %d:\n%s", code, stderr)
	}
	if stderr != "" {
		t.Errorf("a handbook whose every link resolves on GitHub got diagnostics:\n%s", stderr)
	}
	for _, md := range hbMarkdown(t, "people") {
		if _, err := os.Stat(filepath.Join(dest, filepath.FromSlash(hbOutput(md)))); err != nil {
			t.Errorf("%s is not published: %v", md, err)
		}
	}
	if bad := hbUnresolved(t, dest); len(bad) > 0 {
		t.Errorf("references that do not resolve in the output:\n%s", strings.Join(bad, "\n"))
	}
	home := readOut(t, dest, "index.html")
	for _, want := range []string{
		// Anchors written in another case are rewritten to the real ID.
		`href="/onboarding/first-week/#day-1----monday"`,
		`href="/benefits/perks/#birthday-gift-budget"`,
		`href="/benefits/perks/#learning-budget-1000year"`,
		// Images in a folder named _img are copied.
		`src="/_img/offsite.png"`,
		// A link to a page beside a folder of its name leads to the folder.
		`href="/policies/"`,
		`href="/LICENSE"`,
	} {
		if !strings.Contains(home, want) {
			t.Errorf("the home page lacks %s", want)
		}
	}
	// policies.md is the index of the folder policies/, which has none of
	// its own: its text above the folder's list.
	policies := readOut(t, dest, "policies/index.html")
	text, list := strings.Index(policies, "Our policies, one folder each."), strings.Index(policies, `href="/policies/travel/"`)
	if text < 0 || list < 0 {
		t.Errorf("policies/index.html lacks the page's text (%d) or the folder's list (%d)", text, list)
	}
	if _, err := os.Stat(filepath.Join(dest, "_img", "perks overview.png")); err != nil {
		t.Errorf("an image with a space in its name, under _img/, is not copied: %v", err)
	}
}

func TestBuild_GitHubHandbookSlipsAreWarnings(t *testing.T) {
	dest, code, stderr := hbBuild(t, "engineering")
	if code != 0 {
		t.Fatalf("kb build exited with %d:\n%s", code, stderr)
	}
	want := []string{
		`README.md:7:3: warning: broken link "docs/process/on-call.md#escalation-policy": docs/process/on-call.md has no heading #escalation-policy [broken-anchor]`,
		`README.md:8:3: warning: link "docs/process/on-call.md#bookmark=id.4k2x9z": #bookmark=id.4k2x9z is not a heading: it looks like a bookmark of the document the link was copied from [broken-anchor]`,
		`README.md:10:3: warning: link "_drafts/ideas.md": _drafts/ideas.md is not published (kb skips names that start with '_' or '.') [source]`,
		`docs/process/on-call.md:9:37: warning: broken link "runbook.md": no such file [broken-link]`,
		`docs/process/on-call.md:9:71: warning: broken link "code-review.md#checklist": docs/process/code-review.md has no heading #checklist [broken-anchor]`,
	}
	if got := strings.Split(strings.TrimSpace(stderr), "\n"); !slices.Equal(got, want) {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", stderr, strings.Join(want, "\n"))
	}
	for _, md := range hbMarkdown(t, "engineering") {
		if _, err := os.Stat(filepath.Join(dest, filepath.FromSlash(hbOutput(md)))); err != nil {
			t.Errorf("%s is not published: %v", md, err)
		}
	}
	// Only the references the warnings name fail to resolve.
	wantBad := []string{
		"docs/process/on-call/index.html: /docs/process/code-review/#checklist",
		"index.html: /docs/process/on-call/#bookmark=id.4k2x9z",
		"index.html: /docs/process/on-call/#escalation-policy",
	}
	if bad := hbUnresolved(t, dest); !slices.Equal(bad, wantBad) {
		t.Errorf("unresolved references:\n%s\nwant:\n%s", strings.Join(bad, "\n"), strings.Join(wantBad, "\n"))
	}
	home := readOut(t, dest, "index.html")
	if !strings.Contains(home, `href="/docs/process/code-review/#review-checklist"`) {
		t.Error("the anchor #Review-Checklist is not rewritten to the heading's ID")
	}
	if !strings.Contains(home, `href="https://docs.google.com/document/d/1xyz/edit#bookmark=id.abc"`) {
		t.Error("an external link with a bookmark is not kept as it is")
	}
}

// TestCheck_GitHubHandbookStrict: the warnings of a site without
// site.yaml become errors with kb check --strict, or once the site has a
// site.yaml.
func TestCheck_GitHubHandbookStrict(t *testing.T) {
	src := filepath.Join("testdata", "handbooks", "engineering")
	if code, out, stderr := ckRun(t, "check", "--source", src); code != 0 || strings.Count(out, ": warning: ") != 5 {
		t.Errorf("kb check: exit %d, want 0 with 5 warnings:\n%s%s", code, out, stderr)
	}
	code, out, _ := ckRun(t, "check", "--strict", "--source", src)
	if code != 1 || strings.Count(out, ": error: ") != 5 {
		t.Errorf("kb check --strict: exit %d, want 1 with 5 errors:\n%s", code, out)
	}
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	ckWrite(t, filepath.Join(dir, "site.yaml"), "title: Engineering\n")
	code, out, _ = ckRun(t, "check", "--source", dir)
	for _, rule := range []string{"broken-link", "broken-anchor"} {
		if !strings.Contains(out, ": error: ") || !regexp.MustCompile(`: error: .*\[`+rule+`\]`).MatchString(out) {
			t.Errorf("with a site.yaml, %s is not an error:\n%s", rule, out)
		}
	}
	if code != 1 {
		t.Errorf("kb check with a site.yaml: exit %d, want 1", code)
	}
}

func readOut(t *testing.T, dest, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dest, filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
