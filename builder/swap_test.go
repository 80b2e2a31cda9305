package builder

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"kb/internal/layout"
)

// TestMain lets the test binary run one build in a separate process that
// kills itself at a step of the output swap (KB_TEST_SWAP_KILL=step), for
// TestBuild_KilledAtEachSwapStep.
func TestMain(m *testing.M) {
	if step := os.Getenv("KB_TEST_SWAP_KILL"); step != "" {
		swapHook = func(s string) {
			if s == step {
				_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
				select {} // wait for the signal
			}
		}
		_, err := Build(context.Background(), Options{Source: os.Getenv("KB_TEST_SRC"), Dest: os.Getenv("KB_TEST_DEST"), Now: testNow})
		if err != nil {
			os.Stderr.WriteString(err.Error() + "\n")
			os.Exit(1)
		}
		os.Exit(0) // the step was never reached
	}
	os.Exit(m.Run())
}

// TestBuild_KilledAtEachSwapStep kills a build at each step of the swap
// that publishes its output, then runs a build that fails on content: the
// output folder must hold a complete site (the previous one, or the new one
// when the kill came after it was in place), with nothing left beside it.
func TestBuild_KilledAtEachSwapStep(t *testing.T) {
	for _, step := range []string{"staged", "aside", "moved", "renamed"} {
		t.Run(step, func(t *testing.T) {
			src := site(t, map[string]string{"a.md": "# A\n\nversion one\n", "b.md": "# B\n\n[a](a.md)\n", "site.yaml": "title: Swap\n"})
			parent := t.TempDir()
			dest := filepath.Join(parent, "public")
			opts := Options{Source: src, Dest: dest, Now: testNow}
			if _, err := Build(context.Background(), opts); err != nil {
				t.Fatal(err)
			}
			writeFile(t, filepath.Join(src, "a.md"), "# A\n\nversion two\n")
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), "KB_TEST_SWAP_KILL="+step, "KB_TEST_SRC="+src, "KB_TEST_DEST="+dest)
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("the build was not killed at %q: %v\n%s", step, err, out)
			}

			// A build that fails on content, after the kill.
			writeFile(t, filepath.Join(src, "b.md"), "# B\n\n[gone](missing.md)\n")
			if _, err := Build(context.Background(), opts); !errors.Is(err, ErrBuildFailed) {
				t.Fatalf("the failing build: %v", err)
			}
			want := "version one"
			if step == "renamed" {
				want = "version two"
			}
			data, err := os.ReadFile(filepath.Join(dest, "a", "index.html"))
			if err != nil || !strings.Contains(string(data), want) {
				t.Fatalf("after a kill at %q and a failed build, a/index.html does not say %q (%v)", step, want, err)
			}
			for _, f := range []string{"b/index.html", "index.html", "sitemap.xml", layout.OutputMarker, layout.IndexDir + "/index_meta.json"} {
				if _, err := os.Stat(filepath.Join(dest, filepath.FromSlash(f))); err != nil {
					t.Errorf("the site in place is not complete: %v", err)
				}
			}
			entries, _ := os.ReadDir(parent)
			if len(entries) != 1 {
				var names []string
				for _, e := range entries {
					names = append(names, e.Name())
				}
				t.Errorf("left beside the output: %v", names)
			}
		})
	}
}
