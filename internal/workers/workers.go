// Package workers runs a function over the numbers 0…n-1 on several
// goroutines: the one worker pool of kb, for parsing, rendering, indexing
// and writing.
package workers

import (
	"context"
	"runtime"
	"sync"
)

// Run calls fn(w, i) for every i in 0…n-1, on up to limit goroutines at
// once (GOMAXPROCS when limit is 0 or less); w, from 0 to limit-1, names the
// goroutine, so that fn can keep state per goroutine in a slice. Calls of
// one goroutine are sequential. Once ctx is done or a call has returned an
// error, no further i is handed out; Run waits for the calls under way and
// returns the first error, or ctx's.
func Run(ctx context.Context, n, limit int, fn func(w, i int) error) error {
	if limit <= 0 {
		limit = runtime.GOMAXPROCS(0)
	}
	limit = max(1, min(limit, n))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
	)
	next := make(chan int)
	for w := range limit {
		wg.Go(func() {
			for i := range next {
				if err := fn(w, i); err != nil {
					once.Do(func() { first = err })
					cancel()
				}
			}
		})
	}
feed:
	for i := range n {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if first != nil {
		return first
	}
	return context.Cause(ctx)
}
