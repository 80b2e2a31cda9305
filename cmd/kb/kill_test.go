package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"kb/builder"
	"kb/search"
)

// TestMain lets the test binary act as the kb command for tests that run it
// as a separate process (KB_TEST_MAIN=1).
func TestMain(m *testing.M) {
	if os.Getenv("KB_TEST_MAIN") == "1" {
		os.Exit(Run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
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
	idx, err := search.Open(filepath.Join(dest, builder.IndexDir))
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
