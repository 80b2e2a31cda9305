package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"kb/internal/testkit"
)

// The site folder moved away and back while kb serve runs: the terminal and
// the open pages say it is gone, and once it is back edits are seen again.
func TestServe_SiteFolderMovedAwayAndBack(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "site")
	svMust(t, os.Rename(svSite(t), dir))
	s := svStart(t, dir)
	ev := s.events(t)
	ev.next(t, "hello")
	away := dir + "-away"
	svMust(t, os.Rename(dir, away))
	if name, data := ev.next(t, "error", "reload"); name != "error" || !strings.Contains(data, "is gone") {
		t.Fatalf("got %s %s, want an error event saying the folder is gone", name, data)
	}
	svWait(t, "the terminal to say the folder is gone", func() bool { return strings.Contains(s.errs.String(), "is gone") })
	svMust(t, os.Rename(away, dir))
	if name, data := ev.next(t, "error", "reload"); name != "reload" {
		t.Fatalf("got %s %s once the folder is back, want a reload", name, data)
	}
	svWrite(t, filepath.Join(dir, "content", "guides", "two.md"), svPage("Guide two", "gamma", "Edited after the move."))
	s.waitPage(t, "guides/two/", "Edited after the move")
	s.converge(t)
}

// A page moved out of the site folder is no longer served.
func TestServe_PageMovedOut(t *testing.T) {
	dir := svSite(t)
	s := svStart(t, dir)
	svMust(t, os.Rename(filepath.Join(dir, "content", "guides", "two.md"), filepath.Join(t.TempDir(), "two.md")))
	svWait(t, "the moved page to go", func() bool { code, _ := svGet(t, s.url+"guides/two/"); return code == 404 })
	s.converge(t)
}

// svGit runs git in dir with a fixed identity and commit date.
func svGit(t testing.TB, dir, date string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=Ann Author", "-c", "user.email=ann@example.com",
		"-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date, "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// Git history seen by a running kb serve: a commit that changes no file
// dates the committed page anew, and a checkout of another branch brings
// that branch's bodies and dates. The repository is the site folder's
// parent.
func TestServe_GitHistory(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("git is needed (.ci/run installs it)")
	}
	repo := t.TempDir()
	dir := filepath.Join(repo, "site")
	svMust(t, os.Rename(svSite(t), dir))
	const d1, d2, d3 = "2021-03-04T10:00:00Z", "2022-05-06T10:00:00Z", "2023-07-08T10:00:00Z"
	svGit(t, repo, d1, "init", "-q")
	svGit(t, repo, d1, "add", ".")
	svGit(t, repo, d1, "commit", "-q", "-m", "first")
	svGit(t, repo, d3, "checkout", "-q", "-b", "other")
	svWrite(t, filepath.Join(dir, "content", "guides", "two.md"), svPage("Guide two", "gamma", "Only on the other branch."))
	svGit(t, repo, d3, "commit", "-q", "-am", "other")
	svGit(t, repo, d3, "checkout", "-q", "main")

	s := svStart(t, dir)
	s.waitPage(t, "guides/one/", `datetime="2021-03-04"`)
	svWrite(t, filepath.Join(dir, "content", "guides", "one.md"), svPage("Guide one", "beta", "Edited, not yet committed."))
	s.waitPage(t, "guides/one/", "not yet committed")
	svGit(t, repo, d2, "commit", "-q", "-am", "second")
	body := s.waitPage(t, "guides/one/", `datetime="2022-05-06"`)
	if !strings.Contains(body, "Ann Author") {
		t.Errorf("the page does not name its author")
	}
	s.converge(t)

	svGit(t, repo, d3, "checkout", "-q", "other")
	s.waitPage(t, "guides/two/", "Only on the other branch.")
	s.waitPage(t, "guides/two/", `datetime="2023-07-08"`)
	s.waitPage(t, "guides/one/", `datetime="2021-03-04"`)
	s.converge(t)
}

// A page made unreadable while kb serve runs is treated as kb build treats
// it: left out with a warning, and a link to it is a broken link that
// fails the build, shown in the terminal and the open pages. Readable
// again, it is back.
func TestServe_UnreadablePage(t *testing.T) {
	if testkit.RunUnprivileged(t) {
		return
	}
	dir := svSite(t)
	svWrite(t, filepath.Join(dir, "content", "README.md"), "---\ntitle: Start here\ntags: [alpha]\n---\n\nWelcome. Begin with [the first guide](guides/one.md).\n")
	s := svStart(t, dir)
	ev := s.events(t)
	ev.next(t, "hello")
	one, two := filepath.Join(dir, "content", "guides", "one.md"), filepath.Join(dir, "content", "guides", "two.md")

	svMust(t, os.Chmod(two, 0))
	if f, err := os.Open(two); err == nil {
		f.Close()
		t.Fatal("this user reads a file of mode 000: run the tests as root (they run this one as uid 65534) or as an ordinary user")
	}
	if name, data := ev.next(t, "error", "reload"); name != "reload" {
		t.Fatalf("got %s %s, want a reload without the unreadable page", name, data)
	}
	svWait(t, "the unreadable page to go", func() bool { code, _ := svGet(t, s.url+"guides/two/"); return code == 404 })
	svWait(t, "the warning's count", func() bool { return strings.Contains(s.out.String(), "warning") })
	s.converge(t)

	svMust(t, os.Chmod(one, 0))
	name, data := ev.next(t, "error", "reload")
	if name != "error" || !strings.Contains(data, `"rule":"broken-link"`) {
		t.Fatalf("got %s %s, want an error event for the broken link", name, data)
	}
	var out, errs bytes.Buffer
	if code := Run(context.Background(), []string{"build", "--source", dir, "--dest", filepath.Join(t.TempDir(), "public")}, &out, &errs); code == 0 {
		t.Fatalf("kb build succeeded on the same files: %s", out.String())
	}
	for _, line := range strings.Split(strings.TrimSpace(errs.String()), "\n") {
		if strings.Contains(line, "error:") && !strings.Contains(s.errs.String(), line) {
			t.Errorf("kb build says %q, kb serve does not:\n%s", line, s.errs)
		}
	}
	if !strings.Contains(s.out.String(), "build failed") {
		t.Errorf("no failed build in the terminal:\n%s", s.out)
	}

	svMust(t, os.Chmod(one, 0o644))
	svMust(t, os.Chmod(two, 0o644))
	if name, data := ev.next(t, "error", "reload"); name != "reload" {
		t.Fatalf("got %s %s once readable again, want a reload", name, data)
	}
	s.waitPage(t, "guides/two/", "The second guide")
	s.converge(t)
}
