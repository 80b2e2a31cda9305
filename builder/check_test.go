package builder

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

var updateCheck = flag.Bool("update-check", false, "rewrite testdata/check/*/want.txt from the current output")

// checkNow is the fixed "today" of the rule fixtures.
var checkNow = time.Date(2026, 11, 25, 15, 4, 5, 0, time.UTC)

// TestCheckRules loads each fixture site in testdata/check/RULE, which breaks
// RULE, and compares every diagnostic (file, line, column, severity, message
// and rule) with RULE/want.txt.
func TestCheckRules(t *testing.T) {
	dirs, err := os.ReadDir("testdata/check")
	if err != nil {
		t.Fatal(err)
	}
	tested := map[string]bool{}
	for _, d := range dirs {
		rule := d.Name()
		dir := filepath.Join("testdata/check", rule)
		t.Run(rule, func(t *testing.T) {
			site, _, ds, err := Load(context.Background(), Options{Source: dir, Now: checkNow})
			if site != nil {
				defer site.Close()
			}
			if err != nil {
				t.Fatal(err)
			}
			ds.Sort()
			var got strings.Builder
			for _, d := range ds {
				got.WriteString(d.String() + "\n")
				if d.Rule == rule {
					tested[rule] = true
				}
			}
			wantFile := filepath.Join(dir, "want.txt")
			if *updateCheck {
				if err := os.WriteFile(wantFile, []byte(got.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(wantFile)
			if err != nil {
				t.Fatal(err)
			}
			if got.String() != string(want) {
				t.Errorf("diagnostics differ\n--- got:\n%s--- want:\n%s", got.String(), want)
			}
			if !tested[rule] {
				t.Errorf("fixture %s reports nothing under rule %s", dir, rule)
			}
		})
	}
	// Every rule has a fixture, except stale-translation, which needs Git
	// history (TestCheckStaleTranslation), and template, which needs a
	// theme render.
	for _, rule := range Rules() {
		if !tested[rule] && rule != RuleStaleTranslate && rule != RuleTemplate {
			t.Errorf("no fixture in testdata/check breaks rule %s", rule)
		}
	}
}

// TestCheckSeverityFromConfig turns a rule off and another down in
// site.yaml and sees both take effect.
func TestCheckSeverityFromConfig(t *testing.T) {
	dir := ckCopy(t, "testdata/check/orphan")
	ckAppend(t, filepath.Join(dir, "site.yaml"), "  broken-anchor: off\n")
	ckWrite(t, filepath.Join(dir, "content/linked.md"), "# Linked\n\n[top](#nowhere).\n")
	_, _, ds, err := Load(context.Background(), Options{Source: dir, Now: checkNow})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if d.Rule == RuleBrokenAnchor {
			t.Errorf("broken-anchor is off but reported: %s", d)
		}
		if d.Rule == RuleOrphan && d.Severity != SeverityWarning {
			t.Errorf("orphan is a warning in site.yaml: %s", d)
		}
	}
	if n := ckCountRule(ds, RuleOrphan); n != 3 {
		t.Errorf("got %d orphans, want 3: %v", n, ds)
	}
}

// TestCheckStaleTranslation commits a Dutch page, then its English original
// a day later, and expects the English page to warn that its translation
// may be stale; updating the translation clears the warning.
func TestCheckStaleTranslation(t *testing.T) {
	dir := t.TempDir()
	ckWrite(t, filepath.Join(dir, "site.yaml"), "title: Stale fixture\nrules:\n  stale-translation: warning\n")
	ckWrite(t, filepath.Join(dir, "content/README.md"), "# Home\n\n[EN](sync.md), [NL](overleg.md), [other](solo.md).\n")
	ckWrite(t, filepath.Join(dir, "content/overleg.md"), "---\ntitle: Overleg\nlang: nl\ntranslation_key: sync\n---\n\nTekst.\n")
	ckWrite(t, filepath.Join(dir, "content/solo.md"), "---\ntitle: Solo\n---\n\nNo translation.\n")
	ckGit(t, dir, "2026-01-01T10:00:00Z", "init", "-q", "-b", "main")
	ckGit(t, dir, "2026-01-01T10:00:00Z", "add", ".")
	ckGit(t, dir, "2026-01-01T10:00:00Z", "commit", "-q", "-m", "Dutch first")
	ckWrite(t, filepath.Join(dir, "content/sync.md"), "---\ntitle: Sync\nsummary: The original.\ntranslation_key: sync\n---\n\nText.\n")
	ckGit(t, dir, "2026-02-01T10:00:00Z", "add", ".")
	ckGit(t, dir, "2026-02-01T10:00:00Z", "commit", "-q", "-m", "English later")

	want := "sync.md:4:1: warning: the nl translation overleg.md was last changed 2026-01-01, before this page (2026-02-01): it may need updating [stale-translation]"
	_, _, ds, err := Load(context.Background(), Options{Source: dir, Now: checkNow})
	if err != nil {
		t.Fatal(err)
	}
	if got := ckLines(ds); len(got) != 1 || got[0] != want {
		t.Errorf("got %q\nwant [%q]", got, want)
	}

	ckAppend(t, filepath.Join(dir, "content/overleg.md"), "Bijgewerkt.\n")
	ckGit(t, dir, "2026-03-01T10:00:00Z", "commit", "-q", "-am", "Dutch updated")
	_, _, ds, err = Load(context.Background(), Options{Source: dir, Now: checkNow})
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 0 {
		t.Errorf("after updating the translation: %v", ckLines(ds))
	}
}

// TestChangedFiles makes a repository with a base commit and a branch, and
// expects ChangedFiles to list the branch's commits, the uncommitted and
// untracked files, relative to the site folder, and nothing else.
func TestChangedFiles(t *testing.T) {
	repo := t.TempDir()
	site := filepath.Join(repo, "kb")
	ckWrite(t, filepath.Join(repo, "README.md"), "outside the site\n")
	ckWrite(t, filepath.Join(site, "content/a.md"), "# A\n")
	ckWrite(t, filepath.Join(site, "content/b.md"), "# B\n")
	ckWrite(t, filepath.Join(site, "content/c.md"), "# C\n")
	ckWrite(t, filepath.Join(repo, ".gitignore"), "*.log\n")
	ckGit(t, repo, "", "init", "-q", "-b", "main")
	ckGit(t, repo, "", "add", ".")
	ckGit(t, repo, "", "commit", "-q", "-m", "base")
	ckGit(t, repo, "", "checkout", "-q", "-b", "change")
	ckWrite(t, filepath.Join(site, "content/a.md"), "# A changed\n")
	ckWrite(t, filepath.Join(repo, "README.md"), "changed, outside the site\n")
	if err := os.Remove(filepath.Join(site, "content/c.md")); err != nil {
		t.Fatal(err)
	}
	ckGit(t, repo, "", "commit", "-q", "-am", "change")
	ckWrite(t, filepath.Join(site, "content/b.md"), "# B, not committed\n")
	ckWrite(t, filepath.Join(site, "content/new dir/new.md"), "# untracked\n")
	ckWrite(t, filepath.Join(site, "content/debug.log"), "ignored\n")

	got, err := ChangedFiles(context.Background(), site, "main")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for f := range got {
		names = append(names, f)
	}
	slices.Sort(names)
	want := []string{"content/a.md", "content/b.md", "content/c.md", "content/new dir/new.md"}
	if !slices.Equal(names, want) {
		t.Errorf("got %q, want %q", names, want)
	}

	if _, err := ChangedFiles(context.Background(), site, "no-such-branch"); err == nil || !strings.Contains(err.Error(), "unknown Git ref") {
		t.Errorf("unknown ref: err = %v", err)
	}
	if _, err := ChangedFiles(context.Background(), site, "--output=/tmp/x"); err == nil {
		t.Error("a ref that looks like an option was accepted")
	}
	if _, err := ChangedFiles(context.Background(), t.TempDir(), "main"); err == nil {
		t.Error("outside a Git checkout: no error")
	}
}

func TestFilterChanged(t *testing.T) {
	ds := Diagnostics{
		{File: "a.md", Rule: RuleFrontMatter},
		{File: "b.md", Rule: RuleFrontMatter},
		{File: "b.md", Rule: RuleBrokenLink},
		{File: "b.md", Rule: RuleDuplicateTitle},
		{File: "b.md", Rule: RuleOrphan},
	}
	got := FilterChanged(ds, func(f string) bool { return f == "a.md" })
	want := Diagnostics{ds[0], ds[2], ds[3]}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func ckCountRule(ds Diagnostics, rule string) int {
	n := 0
	for _, d := range ds {
		if d.Rule == rule {
			n++
		}
	}
	return n
}

func ckLines(ds Diagnostics) []string {
	ds.Sort()
	var out []string
	for _, d := range ds {
		out = append(out, d.String())
	}
	return out
}

func ckWrite(t testing.TB, name, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func ckAppend(t testing.TB, name, data string) {
	t.Helper()
	f, err := os.OpenFile(name, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(data); err != nil {
		t.Fatal(err)
	}
}

// ckCopy copies a fixture folder into a temporary folder.
func ckCopy(t testing.TB, src string) string {
	t.Helper()
	dst := t.TempDir()
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	return dst
}

// ckGit runs git in dir with a fixed identity and, when date is set, a fixed
// author and commit date.
func ckGit(t testing.TB, dir, date string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=Test Writer", "-c", "user.email=writer@example.com", "-c", "commit.gpgsign=false"}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	if date != "" {
		cmd.Env = append(cmd.Env, "GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date)
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// A page that would be published with its title only is a warning naming
// the file; a folder's empty README (it lists the folder) and a page with
// text are not.
func TestCheck_EmptyPage(t *testing.T) {
	res, _ := mustBuild(t, site(t, map[string]string{
		"README.md":        "# Handbook\n\n[a](a.md) [b](b.md) [c](c.md) [d](team/README.md)\n",
		"a.md":             "---\ntitle: Only a title\n---\n",
		"b.md":             "# B\n\n{% comment %}\nnot yet written\n{% endcomment %}\n",
		"c.md":             "# C\n\nSome text.\n",
		"team/README.md":   "",
		"team/the-team.md": "# The team\n\nWho we are.\n",
	}))
	var got []string
	for _, d := range res.Diagnostics {
		if d.Rule == RuleEmptyPage {
			got = append(got, fmt.Sprintf("%s:%d %s", d.File, d.Line, d.Severity))
		}
	}
	want := []string{"a.md:4 warning", "b.md:1 warning"}
	if !slices.Equal(got, want) {
		t.Errorf("empty-page diagnostics %q, want %q", got, want)
	}
}
