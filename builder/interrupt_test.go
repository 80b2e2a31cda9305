package builder

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestBuild_InterruptedWhileReading cancels a build while it reads the
// pages: Build returns the context's error and no diagnostics (the links
// to the pages not read yet are not broken), and writes nothing.
func TestBuild_InterruptedWhileReading(t *testing.T) {
	src := t.TempDir()
	const n = 3000
	for i := range n {
		body := fmt.Sprintf("---\ntitle: Page %d\n---\n\nWords about meetings.\n\n[next](p%d.md)\n", i, (i+1)%n)
		if err := os.WriteFile(filepath.Join(src, fmt.Sprintf("p%d.md", i)), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	progress := &Progress{}
	go func() {
		for ctx.Err() == nil {
			if phase, done, _ := progress.Read(); phase == "reading" && done > 0 {
				cancel()
				return
			}
			time.Sleep(50 * time.Microsecond)
		}
	}()
	dest := filepath.Join(t.TempDir(), "public")
	res, err := Build(ctx, Options{Source: src, Dest: dest, Progress: progress})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	if phase, done, total := progress.Read(); phase != "reading" || done >= total {
		t.Fatalf("cancelled in phase %q at %d of %d: the test needs the reading phase", phase, done, total)
	}
	if len(res.Diagnostics) > 0 {
		t.Errorf("%d diagnostics from an interrupted build, the first %v", len(res.Diagnostics), res.Diagnostics[0])
	}
	if _, err := os.Stat(dest); !os.IsNotExist(err) {
		t.Errorf("an interrupted build wrote %s: %v", dest, err)
	}
}
