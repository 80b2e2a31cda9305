package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestBuild_InterruptedSaysSo: a build whose context ends (Ctrl-C, a
// SIGTERM) before or while it reads the pages says it was interrupted
// and exits 130, leaving the output as it was: it does not report the
// links to the pages it had not read yet as broken, nor fail as if the
// content were wrong.
func TestBuild_InterruptedSaysSo(t *testing.T) {
	src := t.TempDir()
	for i := range 50 {
		body := fmt.Sprintf("---\ntitle: Page %d\n---\n\nWords.\n\n[next](p%d.md)\n", i, (i+1)%50)
		if err := os.WriteFile(filepath.Join(src, fmt.Sprintf("p%d.md", i)), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dest := filepath.Join(t.TempDir(), "public")
	for _, args := range [][]string{{"build", "--source", src, "--dest", dest}, {"check", "--source", src}} {
		cmd := args[0]
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		var out, errs bytes.Buffer
		code := Run(ctx, args, &out, &errs)
		if code != exitInterrupted {
			t.Errorf("kb %s, interrupted: exit status %d, want %d\n%s%s", cmd, code, exitInterrupted, out.String(), errs.String())
		}
		if !strings.Contains(errs.String(), "interrupted") || strings.Contains(errs.String()+out.String(), "broken link") {
			t.Errorf("kb %s, interrupted: stdout %q, stderr %q", cmd, out.String(), errs.String())
		}
	}
	if _, err := os.Stat(dest); !os.IsNotExist(err) {
		t.Errorf("an interrupted build left %s: %v", dest, err)
	}
}

// TestBuild_InterruptedBySignal sends SIGINT to `kb build` at random
// moments of its first half (reading and linking come first): each run
// either finished, or says it was interrupted, exits 130, reports no
// content problem, leaves the last site in place and nothing beside it.
func TestBuild_InterruptedBySignal(t *testing.T) {
	src := t.TempDir()
	for i := range 400 {
		body := fmt.Sprintf("---\ntitle: Page %d\n---\n\n%s\n\n[next](p%d.md) and [back](p%d.md#page-%d)\n",
			i, strings.Repeat("Words about meetings. ", 80), (i+1)%400, (i+399)%400, (i+399)%400)
		if err := os.WriteFile(filepath.Join(src, fmt.Sprintf("p%d.md", i)), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dest := filepath.Join(t.TempDir(), "public")
	start := time.Now()
	if out, err := kbCommand("build", "--source", src, "--dest", dest).CombinedOutput(); err != nil {
		t.Fatalf("first build: %v\n%s", err, out)
	}
	full := time.Since(start)
	rng := rand.New(rand.NewPCG(3, 4))
	interrupted := 0
	for round := range 10 {
		cmd := kbCommand("build", "--source", src, "--dest", dest)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rng.Int64N(int64(full / 2))))
		_ = cmd.Process.Signal(os.Interrupt)
		err := cmd.Wait()
		code := cmd.ProcessState.ExitCode()
		ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
		switch {
		case err == nil:
			// Finished before the signal.
		case ws.Signaled():
			// Signalled before kb set its handler up.
		case code == exitInterrupted && strings.Contains(out.String(), "interrupted") && !strings.Contains(out.String(), "error:"):
			interrupted++
		default:
			t.Fatalf("round %d: exit status %d (%v):\n%.3000s", round, code, err, out.String())
		}
		if _, err := os.Stat(filepath.Join(dest, "p7", "index.html")); err != nil {
			t.Fatalf("round %d: the last site is gone: %v", round, err)
		}
		if code == exitInterrupted {
			// An interrupted build takes its staging folder away.
			entries, err := os.ReadDir(filepath.Dir(dest))
			if err != nil || len(entries) != 1 {
				t.Fatalf("round %d: next to the output after an interrupted build: %v (%v)", round, entries, err)
			}
		}
	}
	t.Logf("%d of 10 builds interrupted", interrupted)
}
