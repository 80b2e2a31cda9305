package builder

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"testing"
	"time"

	"kb/internal/benchcorpus"
)

func TestTmpDebug(t *testing.T) {
	corpus := benchcorpus.Dir(t, 10000)
	src := filepath.Join(t.TempDir(), "src")
	exec.Command("cp", "-r", corpus, src).Run()
	s := NewSession(Options{Source: src, Dest: filepath.Join(t.TempDir(), "public"), NoStaticSearch: true})
	defer s.Close()
	ctx := context.Background()
	if r, err := s.Build(ctx); err != nil {
		t.Fatal(err, r.Diagnostics)
	}
	var page string
	for _, p := range s.site.Pages {
		if p.IsPlaybook() {
			page = filepath.Join(src, filepath.FromSlash(p.Path))
			break
		}
	}
	orig, _ := os.ReadFile(page)
	f, _ := os.Create("/tmp/rebuild.prof")
	pprof.StartCPUProfile(f)
	for i := range 3 {
		os.WriteFile(page, titled.ReplaceAll(orig, fmt.Appendf(nil, "${1}Edited title %d", i)), 0o644)
		t0 := time.Now()
		res, _ := s.Build(ctx)
		fmt.Println(time.Since(t0), res.Phases, res.Rendered)
	}
	pprof.StopCPUProfile()
}

func TestTmpMem(t *testing.T) {
	corpus := benchcorpus.Dir(t, 10000)
	dest := filepath.Join(t.TempDir(), "public")
	done := make(chan bool)
	var peak uint64
	go func() {
		var ms runtime.MemStats
		for {
			select {
			case <-done:
				return
			case <-time.After(200 * time.Millisecond):
			}
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak+100<<20 {
				peak = ms.HeapInuse
				runtime.GC()
				f, _ := os.Create(fmt.Sprintf("/tmp/peak-%d.heap", peak>>20))
				pprof.WriteHeapProfile(f)
				f.Close()
				fmt.Println("peak", peak>>20, "MB")
			}
		}
	}()
	res, err := Build(context.Background(), Options{Source: corpus, Dest: dest})
	close(done)
	fmt.Println(err, res.Duration, res.Phases)
}
