package main

import (
	"errors"
	"fmt"
	"math/rand/v2"
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
	"kb/search"
)

// TestMain lets the test binary act as the kb command for tests that run it
// as a separate process (KB_TEST_MAIN=1: as main runs it, signals
// included), or as a plain static file server
// of a folder (KB_TEST_FILESERVER=ADDR, the folder as the argument).
func TestMain(m *testing.M) {
	if os.Getenv("KB_TEST_MAIN") == "1" {
		if os.Getenv("KB_TEST_PROGRESS_AT_ONCE") == "1" {
			progressDelay, progressEvery = 0, time.Millisecond
		}
		os.Exit(command(os.Args[1:]))
	}
	if addr := os.Getenv("KB_TEST_FILESERVER"); addr != "" {
		srv := &http.Server{Addr: addr, Handler: http.FileServer(http.Dir(os.Args[1])), ReadHeaderTimeout: 5 * time.Second}
		fmt.Fprintln(os.Stderr, srv.ListenAndServe())
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// kbCommand returns a command that runs kb with args in a separate process.
func kbCommand(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "KB_TEST_MAIN=1")
	return cmd
}

// TestBuild_KilledMidBuild kills `kb build` at random moments and checks
// that the output is always the old site or the new one, complete, with an
// index that opens: never something in between.
func TestBuild_KilledMidBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("kill test: skipped with -short")
	}
	src := t.TempDir()
	dest := filepath.Join(t.TempDir(), "public")
	writeCorpus := func(version string) {
		for i := range 300 {
			body := fmt.Sprintf("---\ntitle: Page %d\nsummary: Version %s.\n---\n\n## Part\n\n%s\n\n[next](p%d.md)\n",
				i, version, strings.Repeat("Some words about working together. ", 60), (i+1)%300)
			if err := os.WriteFile(filepath.Join(src, fmt.Sprintf("p%d.md", i)), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	writeCorpus("old")
	if out, err := kbCommand("build", "--source", src, "--dest", dest).CombinedOutput(); err != nil {
		t.Fatalf("first build: %v\n%s", err, out)
	}
	writeCorpus("new")
	start := time.Now()
	if out, err := kbCommand("build", "--source", src, "--dest", filepath.Join(t.TempDir(), "probe")).CombinedOutput(); err != nil {
		t.Fatalf("probe build: %v\n%s", err, out)
	}
	full := time.Since(start)

	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 12 {
		cmd := kbCommand("build", "--source", src, "--dest", dest)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rng.Int64N(int64(full))))
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		checkWhole(t, i, dest)
	}
	// A killed build leaves its staging folder; the next build removes it.
	leftovers := func() []string {
		entries, err := os.ReadDir(filepath.Dir(dest))
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range entries {
			if e.Name() != "public" {
				names = append(names, e.Name())
			}
		}
		return names
	}
	t.Logf("left by the killed builds: %q", leftovers())
	if out, err := kbCommand("build", "--source", src, "--dest", dest).CombinedOutput(); err != nil {
		t.Fatalf("last build: %v\n%s", err, out)
	}
	checkWhole(t, 12, dest)
	if l := leftovers(); len(l) > 0 {
		t.Errorf("still next to the output after a full build: %q", l)
	}
}

// checkWhole asserts that dest holds one complete version of the site.
func checkWhole(t *testing.T, round int, dest string) {
	t.Helper()
	version := ""
	for i := range 300 {
		data, err := os.ReadFile(filepath.Join(dest, fmt.Sprintf("p%d", i), "index.html"))
		if err != nil {
			t.Fatalf("round %d: page %d missing: %v", round, i, err)
		}
		v := "old"
		if strings.Contains(string(data), "Version new.") {
			v = "new"
		}
		if version != "" && v != version {
			t.Fatalf("round %d: output mixes old and new pages", round)
		}
		version = v
		if !strings.Contains(string(data), "</html>") {
			t.Fatalf("round %d: page %d is cut short", round, i)
		}
	}
	idx, err := search.Open(filepath.Join(dest, layout.IndexDir))
	if err != nil {
		t.Fatalf("round %d: index does not open: %v", round, err)
	}
	n, err := idx.DocCount()
	idx.Close()
	if err != nil || n < 300 {
		t.Fatalf("round %d: index holds %d documents (%v)", round, n, err)
	}
}

// TestBuild_DiskFull runs `kb build` with a file-size limit, so writes fail
// as on a full disk: the build must fail with a clear message, leave the
// old site as it was and remove its staging folder.
func TestBuild_DiskFull(t *testing.T) {
	src := t.TempDir()
	parent := t.TempDir()
	dest := filepath.Join(parent, "public")
	for i := range 200 {
		body := fmt.Sprintf("# Page %d\n\n%s\n", i, strings.Repeat("Words about meetings and channels. ", 80))
		if err := os.WriteFile(filepath.Join(src, fmt.Sprintf("p%d.md", i)), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := kbCommand("build", "--source", src, "--dest", dest).CombinedOutput(); err != nil {
		t.Fatalf("first build: %v\n%s", err, out)
	}
	before, err := os.ReadFile(filepath.Join(dest, "p7", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "p7.md"), []byte("# Page 7\n\nchanged\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// ulimit -f counts 512-byte blocks: 40 blocks let small files through
	// and fail the larger ones part way.
	cmd := exec.Command("bash", "-c", `ulimit -f 40 && exec "$0" "$@"`, os.Args[0], "build", "--source", src, "--dest", dest)
	cmd.Env = append(os.Environ(), "KB_TEST_MAIN=1")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("want exit status 1, got %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "file too large") && !strings.Contains(string(out), "is the disk full?") {
		t.Errorf("message does not say what failed:\n%s", out)
	}
	after, err := os.ReadFile(filepath.Join(dest, "p7", "index.html"))
	if err != nil || string(after) != string(before) {
		t.Error("the old site was changed")
	}
	entries, _ := os.ReadDir(parent)
	if len(entries) != 1 {
		t.Errorf("left behind next to the output: %v", entries)
	}
	checkWholeDir(t, dest, 200)
}

// checkWholeDir asserts that every page of a 200-page site is complete.
func checkWholeDir(t *testing.T, dest string, n int) {
	t.Helper()
	for i := range n {
		data, err := os.ReadFile(filepath.Join(dest, fmt.Sprintf("p%d", i), "index.html"))
		if err != nil || !strings.Contains(string(data), "</html>") {
			t.Fatalf("page %d missing or cut short (%v)", i, err)
		}
	}
}

// unprivileged prepares cmd to run as an ordinary user, so file
// permissions apply to it: when the tests run as root it runs as nobody,
// from a copy of the test binary that user may execute. It returns the
// function that hands a folder over to that user.
func unprivileged(t *testing.T, cmd *exec.Cmd) (own func(dir string)) {
	t.Helper()
	if os.Geteuid() != 0 {
		return func(string) {}
	}
	const nobody = 65534
	bin := filepath.Join(sharedTemp(t), "kb.test")
	data, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd.Path, cmd.Args[0] = bin, bin
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	return func(dir string) {
		if err := os.Chown(dir, nobody, nobody); err != nil {
			t.Fatal(err)
		}
	}
}

// sharedTemp is a temporary folder every user may enter (t.TempDir's are
// private to the test's user).
func sharedTemp(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "kb-perm-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// permSite writes a site whose secret.md, secret.png and private/ folder
// cannot be read, and returns the content folder and a parent for the
// output that the build's user owns.
func permSite(t *testing.T) (src, out string) {
	t.Helper()
	base := sharedTemp(t)
	src, out = filepath.Join(base, "src"), filepath.Join(base, "out")
	svWrite(t, filepath.Join(src, "ok.md"), "# Ok\n\nReadable. ![logo](logo.png)\n")
	svWrite(t, filepath.Join(src, "later.md"), "# Later\n\nReadable for now.\n")
	svWrite(t, filepath.Join(src, "logo.png"), "png")
	svWrite(t, filepath.Join(src, "secret.md"), "# Secret\n")
	svWrite(t, filepath.Join(src, "secret.png"), "png")
	svWrite(t, filepath.Join(src, "private", "hidden.md"), "# Hidden\n")
	for _, p := range []string{"secret.md", "secret.png", "private"} {
		svMust(t, os.Chmod(filepath.Join(src, p), 0))
	}
	t.Cleanup(func() { os.Chmod(filepath.Join(src, "private"), 0o755) })
	svMust(t, os.MkdirAll(out, 0o755))
	return src, out
}

// TestBuild_PermissionDenied builds a site holding files and a folder the
// build may not read: each is a warning naming it, and the rest of the
// site is published.
func TestBuild_PermissionDenied(t *testing.T) {
	src, out := permSite(t)
	dest := filepath.Join(out, "public")
	cmd := kbCommand("build", "--source", src, "--dest", dest)
	unprivileged(t, cmd)(out)
	output, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("kb build: %v\n%s", err, output)
	}
	for _, want := range []string{"secret.md: warning: skipped: cannot read: permission denied", "secret.png: warning: skipped: cannot read: permission denied", "private: warning: skipped: permission denied", "3 warnings, 0 errors"} {
		if !strings.Contains(string(output), want) {
			t.Errorf("output lacks %q:\n%s", want, output)
		}
	}
	for _, p := range []string{"ok/index.html", "later/index.html", "logo.png"} {
		if _, err := os.Stat(filepath.Join(dest, p)); err != nil {
			t.Errorf("%s not published: %v", p, err)
		}
	}
	for _, p := range []string{"secret", "secret.png", "private"} {
		if _, err := os.Stat(filepath.Join(dest, p)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s published (%v)", p, err)
		}
	}
}

// TestServe_PermissionDenied runs kb serve (build and watch) on such a
// site and takes a page's read permission away and back while it runs, and
// adds a named pipe: the server keeps going, drops the page with a warning
// and brings it back.
func TestServe_PermissionDenied(t *testing.T) {
	src, out := permSite(t)
	cmd := kbCommand("serve", "--addr", "127.0.0.1:0", "--source", src, "--dest", filepath.Join(out, "public"))
	unprivileged(t, cmd)(out)
	logs := &testkit.Buffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	svMust(t, cmd.Start())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			t.Error("kb serve did not stop")
		}
	})
	alive := func() {
		t.Helper()
		select {
		case err := <-exited:
			t.Fatalf("kb serve exited: %v\n%s", err, logs)
		default:
		}
	}
	var base string
	svWait(t, "kb serve to start", func() bool {
		alive()
		m := svServingRE.FindStringSubmatch(logs.String())
		if m != nil {
			base = m[1]
		}
		return m != nil
	})
	status := func(p string) int {
		code, _ := svGet(t, base+p)
		return code
	}
	if status("ok/") != 200 || status("later/") != 200 || status("secret/") != 404 || status("private/hidden/") != 404 {
		t.Fatalf("first build: ok %d, later %d, secret %d, hidden %d\n%s", status("ok/"), status("later/"), status("secret/"), status("private/hidden/"), logs)
	}

	// A page becomes unreadable and a named pipe appears (reading it would
	// block the watcher for good).
	svMust(t, os.Chmod(filepath.Join(src, "later.md"), 0))
	svMust(t, syscall.Mkfifo(filepath.Join(src, "pipe.md"), 0o644))
	svWrite(t, filepath.Join(src, "ok.md"), "# Ok\n\nEdited once.\n")
	svWait(t, "a rebuild with the new warnings", func() bool {
		alive()
		return strings.Contains(logs.String(), "5 warnings")
	})
	if _, body := svGet(t, base+"ok/"); !strings.Contains(body, "Edited once.") {
		t.Errorf("the edit is not served:\n%s", logs)
	}
	if code := status("later/"); code != 404 {
		t.Errorf("unreadable page answers %d", code)
	}

	svMust(t, os.Chmod(filepath.Join(src, "later.md"), 0o644))
	svWrite(t, filepath.Join(src, "ok.md"), "# Ok\n\nEdited twice.\n")
	svWait(t, "the page to come back", func() bool {
		alive()
		return status("later/") == 200
	})
	alive()
}

// TestServe_DiskFullKeepsLastGoodBuild runs kb serve with a file-size
// limit, so writes fail as on a full disk, and renames a page (which changes
// every page's navigation) while making its output too large to write: the
// rebuild fails, every page keeps the last good build's navigation, and the
// terminal and the browsers' overlay say what failed.
func TestServe_DiskFullKeepsLastGoodBuild(t *testing.T) {
	dir := svSite(t)
	for i := range 40 {
		svWrite(t, filepath.Join(dir, "content", "guides", fmt.Sprintf("g%02d.md", i)), svPage(fmt.Sprintf("Guide g%02d", i), "beta", "A guide."))
	}
	// ulimit -f 200 (blocks of 1 KiB in bash) lets the site through and fails
	// a page of 400 kB.
	cmd := exec.Command("bash", "-c", `ulimit -f 200 && exec "$0" "$@"`, os.Args[0], "serve", "--addr", "127.0.0.1:0", "--source", dir, "--dest", filepath.Join(t.TempDir(), "public"))
	cmd.Env = append(os.Environ(), "KB_TEST_MAIN=1")
	logs := &testkit.Buffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	svMust(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	})
	s := &svServer{}
	svWait(t, "kb serve to start", func() bool {
		m := svServingRE.FindStringSubmatch(logs.String())
		if m != nil {
			s.url = m[1]
		}
		return m != nil
	})
	ev := s.events(t)
	ev.next(t, "hello")

	big := strings.Repeat("Words about working together that fill the page. ", 8000)
	svWrite(t, filepath.Join(dir, "content", "guides", "g00.md"), svPage("Renamed guide", "beta", big))
	// A build may catch the file half written first; the last one fails.
	if _, data := ev.next(t, "error"); !strings.Contains(data, "file too large") {
		t.Fatalf("the error event does not say the file is too large: %s", data)
	}
	svWait(t, "the terminal line", func() bool { return strings.Contains(logs.String(), "build failed") })
	if !strings.Contains(logs.String(), "file too large") {
		t.Errorf("the terminal does not say what failed:\n%s", logs)
	}
	for i := range 40 {
		code, body := svGet(t, fmt.Sprintf("%sguides/g%02d/", s.url, i))
		if code != 200 || strings.Contains(body, "Renamed guide") || (i < 10 && !strings.Contains(body, "Guide g00")) {
			t.Fatalf("guides/g%02d/ (%d) is not the last good build's", i, code)
		}
	}
}
