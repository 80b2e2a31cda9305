package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"kb/internal/layout"
	"kb/internal/testkit"
)

// treeSum hashes every file under dir with its path and mode.
func treeSum(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %v\n", p, fi.Mode())
		if fi.Mode().IsRegular() {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			h.Write(data)
		}
		return nil
	})
	svMust(t, err)
	return fmt.Sprintf("%x", h.Sum(nil))
}

// gitSite is svSite with a theme folder and a folder of other files that
// Git tracks.
func gitSite(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("git is needed (.ci/run installs it)")
	}
	dir := svSite(t)
	svWrite(t, filepath.Join(dir, "theme", "assets", "extra.css"), "body{}\n")
	svWrite(t, filepath.Join(dir, "docs", "notes.txt"), "kept in Git\n")
	for _, args := range [][]string{{"init", "-q"}, {"add", "."}, {"-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-qm", "site"}} {
		if out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	return dir
}

// TestDest_RefusesSources points --dest of every writing command at the
// site's own sources: each is refused with exit status 2 and a message
// saying why, and not one byte of the site changes.
func TestDest_RefusesSources(t *testing.T) {
	dir := gitSite(t)
	file := filepath.Join(t.TempDir(), "file.txt")
	svWrite(t, file, "a file, not a folder\n")
	before := treeSum(t, dir)
	cases := []struct{ dest, why string }{
		{dir, "would replace the site folder"},
		{filepath.Dir(dir), "would replace the site folder"},
		{filepath.Join(dir, "content"), "would replace the content folder"},
		{filepath.Join(dir, "content", "guides"), "lies inside the content folder"},
		{filepath.Join(dir, "content", "new"), "lies inside the content folder"},
		{filepath.Join(dir, "content", "..", "content"), "would replace the content folder"},
		{filepath.Join(dir, "site.yaml"), "would replace the site's site.yaml"},
		{filepath.Join(dir, "theme"), "would replace the theme folder"},
		{filepath.Join(dir, "theme", "out"), "lies inside the theme folder"},
		{filepath.Join(dir, ".git"), "would replace the Git folder"},
		{filepath.Join(dir, "docs"), "holds files Git tracks"},
		{file, "is a file, not a folder"},
	}
	for _, c := range cases {
		for _, cmd := range [][]string{{"build"}, {"build", "--force"}, {"build", "--watch"}, {"serve", "--addr", "127.0.0.1:0"}, {"serve", "--addr", "127.0.0.1:0", "--no-watch"}} {
			args := append(append([]string{}, cmd...), "--source", dir, "--dest", c.dest)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			var out, errs testkit.Buffer
			code := Run(ctx, args, &out, &errs)
			cancel()
			if code != 2 || !strings.Contains(errs.String(), c.why) {
				t.Errorf("kb %s: exit %d, want 2 and %q:\n%s%s", strings.Join(args, " "), code, c.why, out.String(), errs.String())
			}
		}
	}
	if after := treeSum(t, dir); after != before {
		t.Fatal("the site's sources changed")
	}
	if data, err := os.ReadFile(file); err != nil || string(data) != "a file, not a folder\n" {
		t.Fatalf("the file given as --dest changed: %q %v", data, err)
	}
}

// TestDest_ForeignFolder builds into a non-empty folder kb did not make:
// refused, untouched; with --force it is moved aside whole, never deleted,
// and later builds replace kb's own output without --force.
func TestDest_ForeignFolder(t *testing.T) {
	dir := svSite(t)
	dest := filepath.Join(t.TempDir(), "www")
	svWrite(t, filepath.Join(dest, "index.html"), "someone else's page\n")
	svWrite(t, filepath.Join(dest, "CNAME"), "intranet.example\n")
	before := treeSum(t, dest)
	var out, errs testkit.Buffer
	if code := Run(context.Background(), []string{"build", "--source", dir, "--dest", dest}, &out, &errs); code != 2 || !strings.Contains(errs.String(), "kb did not make") {
		t.Fatalf("exit %d, want 2 and a refusal:\n%s", code, errs.String())
	}
	if treeSum(t, dest) != before {
		t.Fatal("the refused folder changed")
	}
	if code := Run(context.Background(), []string{"build", "--force", "--source", dir, "--dest", dest}, &out, &errs); code != 0 {
		t.Fatalf("--force: exit %d:\n%s", code, errs.String())
	}
	for name, want := range map[string]string{"index.html": "someone else's page\n", "CNAME": "intranet.example\n"} {
		if data, err := os.ReadFile(filepath.Join(dest+".orig", name)); err != nil || string(data) != want {
			t.Errorf("the moved-aside folder lost %s: %q %v", name, data, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dest, layout.OutputMarker)); err != nil {
		t.Fatalf("the output has no marker: %v", err)
	}
	if code := Run(context.Background(), []string{"build", "--source", dir, "--dest", dest}, &out, &errs); code != 0 {
		t.Fatalf("rebuilding kb's own output: exit %d:\n%s", code, errs.String())
	}
}

// TestDest_OutputNotReadBack builds a folder of Markdown without site.yaml
// into a folder inside it, twice: the first output is not content of the
// second build.
func TestDest_OutputNotReadBack(t *testing.T) {
	src := t.TempDir()
	svWrite(t, filepath.Join(src, "a.md"), "# A\n\nHello.\n")
	svWrite(t, filepath.Join(src, "logo.png"), "png")
	dest := filepath.Join(src, "public")
	for range 2 {
		var out, errs testkit.Buffer
		if code := Run(context.Background(), []string{"build", "--source", src, "--dest", dest}, &out, &errs); code != 0 {
			t.Fatalf("exit %d:\n%s", code, errs.String())
		}
	}
	for _, p := range []string{"public", "public/index.html"} {
		if _, err := os.Stat(filepath.Join(dest, filepath.FromSlash(p))); err == nil {
			t.Errorf("the first build's output was published again as %s", p)
		}
	}
	if _, err := os.Stat(filepath.Join(dest, "logo.png")); err != nil {
		t.Error(err)
	}
}

// TestOutput_ReadableByOtherUsers builds a site and checks that every
// folder and file of the output, the search index's included, is readable
// by all; as root it also serves the output with a plain file server
// running as another user and fetches the static search manifest.
func TestOutput_ReadableByOtherUsers(t *testing.T) {
	dest := filepath.Join(sharedTemp(t), "public")
	var out, errs testkit.Buffer
	old := syscall.Umask(0o022)
	code := Run(context.Background(), []string{"build", "--source", svSite(t), "--dest", dest}, &out, &errs)
	syscall.Umask(old)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, errs.String())
	}
	svMust(t, filepath.WalkDir(dest, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		want := fs.FileMode(0o644)
		if d.IsDir() {
			want = 0o755
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", p, fi.Mode().Perm(), want)
		}
		return nil
	}))
	if os.Geteuid() != 0 {
		return
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	svMust(t, err)
	addr := ln.Addr().(*net.TCPAddr)
	ln.Close()
	web := exec.Command(os.Args[0], dest)
	web.Env = append(os.Environ(), "KB_TEST_FILESERVER="+addr.String())
	unprivileged(t, web)
	logs := &testkit.Buffer{}
	web.Stdout, web.Stderr = logs, logs
	svMust(t, web.Start())
	t.Cleanup(func() { _ = web.Process.Kill(); _ = web.Wait() })
	client := &http.Client{Timeout: 5 * time.Second}
	for _, p := range []string{"_kb/static-search/manifest.json", "index.html", layout.IndexDir + "/index_meta.json"} {
		var code int
		svWait(t, "the web server to answer", func() bool {
			resp, err := client.Get(fmt.Sprintf("http://%s/%s", addr, p))
			if err != nil {
				return false
			}
			resp.Body.Close()
			code = resp.StatusCode
			return true
		})
		if code != 200 {
			t.Errorf("a file server running as nobody answers %d for %s:\n%s", code, p, logs)
		}
	}
}

// TestServe_NoBuildRecoversInterruptedSwap leaves the output as a build
// killed between the two renames of its swap leaves it (moved aside, no new
// folder in place): kb serve --no-build puts it back and serves it, and so
// does a build that then fails on content.
func TestServe_NoBuildRecoversInterruptedSwap(t *testing.T) {
	dir := svSite(t)
	parent := t.TempDir()
	dest := filepath.Join(parent, "public")
	var out, errs testkit.Buffer
	if code := Run(context.Background(), []string{"build", "--source", dir, "--dest", dest}, &out, &errs); code != 0 {
		t.Fatalf("exit %d:\n%s", code, errs.String())
	}
	interrupt := func() {
		aside := filepath.Join(parent, ".public.old-123")
		svMust(t, os.Mkdir(aside, 0o755))
		svMust(t, os.Rename(dest, filepath.Join(aside, "site")))
	}
	interrupt()
	s := svStart(t, "", "--no-build", "--dest", dest)
	if code, body := svGet(t, s.url+"guides/one/"); code != 200 || !strings.Contains(body, "The first guide.") {
		t.Fatalf("kb serve --no-build after an interrupted swap answers %d", code)
	}

	interrupt()
	svWrite(t, filepath.Join(dir, "content", "guides", "two.md"), "---\ntitle: [broken\n---\n")
	if code := Run(context.Background(), []string{"build", "--source", dir, "--dest", dest}, &out, &errs); code != 1 {
		t.Fatalf("the failing build: exit %d", code)
	}
	if _, err := os.Stat(filepath.Join(dest, "guides", "one", "index.html")); err != nil {
		t.Fatalf("after an interrupted swap and a failed build the site is gone: %v", err)
	}
}
