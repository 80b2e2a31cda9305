// Package testkit holds small helpers shared by kb's tests.
package testkit

import (
	"bytes"
	"fmt"
	"os"
	"runtime/pprof"
	"strings"
	"sync"
	"testing"
)

// Buffer is an io.Writer a test can read while another goroutine writes to
// it (a command's output, a watcher's log).
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (s *Buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns everything written so far.
func (s *Buffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// FirstDiff shows the first line where got and want differ, for a test's
// failure message.
func FirstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		var a, b string
		if i < len(g) {
			a = g[i]
		}
		if i < len(w) {
			b = w[i]
		}
		if a != b {
			return fmt.Sprintf("  line %d: %.400q\n  want:    %.400q", i+1, a, b)
		}
	}
	return "  (same lines)"
}

// ProfileCPU writes a CPU profile of the rest of a benchmark to the file
// KB_BENCH_CPUPROFILE names, when it is set: call it once the benchmark's
// setup (a first build) is done, so that only what it measures is in the
// profile (go test's -cpuprofile covers both).
func ProfileCPU(tb testing.TB) {
	name := os.Getenv("KB_BENCH_CPUPROFILE")
	if name == "" {
		return
	}
	out, err := os.Create(name)
	if err != nil {
		tb.Fatal(err)
	}
	if err := pprof.StartCPUProfile(out); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		pprof.StopCPUProfile()
		out.Close()
	})
}
