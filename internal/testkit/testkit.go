// Package testkit holds small helpers shared by kb's tests.
package testkit

import (
	"bytes"
	"sync"
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
