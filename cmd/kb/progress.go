package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"kb/builder"
)

// progressDelay is how long a build runs before it shows its progress, and
// progressEvery how often the line is redrawn.
var (
	progressDelay = time.Second
	progressEvery = 100 * time.Millisecond
)

// showProgress makes a build that takes longer than progressDelay show its
// progress on one updating line of w ("kb: rendering 520/1062"), when w is
// a terminal; elsewhere (a CI log, a pipe) it shows nothing. The returned
// function stops it and clears the line.
func showProgress(opts *builder.Options, w io.Writer) (stop func()) {
	if !isTerminal(w) {
		return func() {}
	}
	p := &builder.Progress{}
	opts.Progress = p
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		wait := time.NewTimer(progressDelay)
		defer wait.Stop()
		select {
		case <-done:
			return
		case <-wait.C:
		}
		tick := time.NewTicker(progressEvery)
		defer tick.Stop()
		for {
			phase, n, total := p.Read()
			line := "kb: " + phase
			if total > 0 {
				line += fmt.Sprintf(" %d/%d", n, total)
			}
			fmt.Fprintf(w, "\r\033[K%s", line)
			select {
			case <-done:
				fmt.Fprint(w, "\r\033[K")
				return
			case <-tick.C:
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
