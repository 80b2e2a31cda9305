package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestBuild_ProgressOnTerminalOnly runs kb build with its output on a
// terminal (through script(1), which gives it one), where the build shows
// its phase and count on one updating line and clears it at the end; and
// with its output on a pipe, where it prints nothing of the kind.
func TestBuild_ProgressOnTerminalOnly(t *testing.T) {
	script, err := exec.LookPath("script")
	if err != nil {
		t.Fatal("script(1) is needed for a terminal (.ci/run installs bsdutils)")
	}
	dir := svSite(t)
	for i := range 150 {
		svWrite(t, filepath.Join(dir, "content", "many", fmt.Sprintf("p%03d.md", i)), svPage(fmt.Sprintf("Page %d", i), "beta", "Words."))
	}
	env := append(os.Environ(), "KB_TEST_MAIN=1", "KB_TEST_PROGRESS_AT_ONCE=1")

	cmd := exec.Command(script, "-qec", fmt.Sprintf("%q build --source %q --dest %q", os.Args[0], dir, filepath.Join(t.TempDir(), "public")), "/dev/null")
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("kb build on a terminal: %v\n%q", err, out)
	}
	for _, want := range []string{"\r\x1b[Kkb: reading", "\r\x1b[Kkb: rendering ", "/", "built: "} {
		if !strings.Contains(string(out), want) {
			t.Errorf("on a terminal the output lacks %q:\n%q", want, out)
		}
	}
	if i, j := strings.LastIndex(string(out), "kb: rendering"), strings.LastIndex(string(out), "\r\x1b[K"); j < i {
		t.Errorf("the progress line is not cleared at the end:\n%q", out)
	}

	cmd = exec.Command(os.Args[0], "build", "--source", dir, "--dest", filepath.Join(t.TempDir(), "public"))
	cmd.Env = env
	out, err = cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("kb build on a pipe: %v\n%s", err, out)
	}
	if strings.ContainsAny(string(out), "\r\x1b") || strings.Contains(string(out), "kb: rendering") {
		t.Errorf("on a pipe the output holds a progress line:\n%q", out)
	}
}

// TestMemoryLimit: without GOMEMLIMIT kb sets a soft limit of an eighth of
// the machine's memory; with it, "off" included, the environment's stands;
// and the machine's memory is known here.
func TestMemoryLimit(t *testing.T) {
	const gib = 1 << 30
	for _, c := range []struct {
		env   string
		total uint64
		want  int64
	}{{"", 16 * gib, 2 * gib}, {"", 0, -1}, {"off", 16 * gib, -1}, {"500MiB", 16 * gib, -1}} {
		if got := memoryLimit(c.env, c.total); got != c.want {
			t.Errorf("GOMEMLIMIT=%q, %d bytes: limit %d, want %d", c.env, c.total, got, c.want)
		}
	}
	if runtime.GOOS == "linux" && totalMemory() < 64<<20 {
		t.Errorf("total memory %d bytes", totalMemory())
	}
}
