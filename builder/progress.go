package builder

import (
	"sync"
	"sync/atomic"
)

// Progress counts a build's work as it goes, for a display such as the
// one-line progress `kb build` shows on a terminal. A build updates it from
// its own goroutines while another goroutine reads it with Read; a nil
// *Progress counts nothing.
type Progress struct {
	mu    sync.Mutex
	phase string
	total int64
	done  atomic.Int64
}

// Read returns the current phase ("reading", "rendering", "indexing"),
// how many of its items are done, and how many there are (0 when the
// phase is not counted).
func (p *Progress) Read() (phase string, done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.phase, int(p.done.Load()), int(p.total)
}

// start begins a phase of total items.
func (p *Progress) start(phase string, total int) {
	if p == nil {
		return
	}
	p.mu.Lock()
	p.phase, p.total = phase, int64(total)
	p.done.Store(0)
	p.mu.Unlock()
}

// add counts one item of the phase done.
func (p *Progress) add() {
	if p != nil {
		p.done.Add(1)
	}
}
