package workers

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
)

func TestRun_EveryIndexOnce(t *testing.T) {
	const n = 1000
	seen := make([]atomic.Int32, n)
	perWorker := make([]int, 3)
	if err := Run(context.Background(), n, 3, func(w, i int) error {
		seen[i].Add(1)
		perWorker[w]++ // one goroutine per w: no race
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for i := range seen {
		if seen[i].Load() != 1 {
			t.Fatalf("index %d run %d times", i, seen[i].Load())
		}
	}
	if perWorker[0]+perWorker[1]+perWorker[2] != n {
		t.Fatalf("per-goroutine counts %v", perWorker)
	}
}

func TestRun_StopsOnError(t *testing.T) {
	boom := errors.New("boom")
	var ran atomic.Int32
	err := Run(context.Background(), 10000, 2, func(w, i int) error {
		ran.Add(1)
		if i == 10 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	if ran.Load() > 100 {
		t.Errorf("%d calls after the error", ran.Load())
	}
}

func TestRun_StopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var ran atomic.Int32
	err := Run(ctx, 10000, 2, func(w, i int) error {
		if ran.Add(1) == 5 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || ran.Load() > 100 {
		t.Fatalf("err = %v after %d calls", err, ran.Load())
	}
}

func TestRun_Empty(t *testing.T) {
	if err := Run(context.Background(), 0, 0, func(w, i int) error { t.Fatal("called"); return nil }); err != nil {
		t.Fatal(err)
	}
}
