package watch

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"

	"kb/internal/layout"
	"kb/internal/testkit"
)

// build is what one call of Options.Build saw.
type build struct {
	batch Batch
	files map[string]string // slash path relative to the root → contents
}

// recorder is a Build function that records each batch and the files on
// disk at the time of the build, as a builder walking the tree would see them.
type recorder struct {
	root    string
	exclude string
	mu      sync.Mutex
	builds  []build
	hook    func(n int) // called inside the build, with its 1-based number
}

func (r *recorder) Build(ctx context.Context, b Batch) {
	files := map[string]string{}
	_ = filepath.WalkDir(r.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == r.root {
			return nil
		}
		if layout.Ignored(d.Name()) || p == r.exclude {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.IsDir() {
			data, _ := os.ReadFile(p)
			rel, _ := filepath.Rel(r.root, p)
			files[filepath.ToSlash(rel)] = string(data)
		}
		return nil
	})
	r.mu.Lock()
	r.builds = append(r.builds, build{b, files})
	n := len(r.builds)
	hook := r.hook
	r.mu.Unlock()
	if hook != nil {
		hook(n)
	}
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.builds)
}

func (r *recorder) last() build {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.builds) == 0 {
		return build{}
	}
	return r.builds[len(r.builds)-1]
}

func (r *recorder) all() []build {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.builds)
}

// waitFor polls cond until it holds, failing the test after a deadline.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitBuild waits until a build after the first `after` satisfies cond
// and returns its number.
func (r *recorder) waitBuild(t *testing.T, after int, what string, cond func(b build) bool) int {
	t.Helper()
	n := 0
	waitFor(t, what, func() bool {
		for i, b := range r.all() {
			if i >= after && cond(b) {
				n = i + 1
				return true
			}
		}
		return false
	})
	return n
}

// settle writes a sentinel file and waits for the build that reports it,
// then checks that this build was the want-th and that its batch held the
// sentinel only, so no other build happened, or is pending, before it.
func settle(t *testing.T, r *recorder, want int) {
	t.Helper()
	name := fmt.Sprintf("sentinel-%d.md", want)
	p := filepath.Join(r.root, name)
	write(t, p, "sentinel")
	n := r.waitBuild(t, 0, "the sentinel build", func(b build) bool { return slices.Contains(b.batch.Paths, p) })
	b := r.all()[n-1]
	if n != want || len(b.batch.Paths) != 1 {
		for i, b := range r.all() {
			t.Logf("build %d: %v (+%d, rescan %v)", i+1, b.batch.Paths, b.batch.More, b.batch.Rescan)
		}
		t.Fatalf("sentinel seen by build %d with batch %v, want build %d with the sentinel alone", n, b.batch.Paths, want)
	}
}

func write(t *testing.T, p, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

type harness struct {
	root string
	w    *Watcher
	rec  *recorder
	log  *testkit.Buffer
}

// start watches root (the whole folder, or opts.Scope when set) and runs
// the watcher until the test ends.
func start(t *testing.T, root string, opts Options) *harness {
	t.Helper()
	h := &harness{root: root, rec: &recorder{root: root}, log: &testkit.Buffer{}}
	if opts.Scope == nil {
		opts.Scope = func() Scope { return Scope{Root: root, Trees: []string{"."}} }
	}
	if len(opts.Scope().Exclude) > 0 {
		h.rec.exclude = opts.Scope().Exclude[0]
	}
	opts.Build = h.rec.Build
	if opts.Debounce == 0 {
		opts.Debounce = 200 * time.Millisecond
	}
	opts.Log = h.log
	w, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	h.w = w
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = w.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return h
}

func TestDebouncer(t *testing.T) {
	t0 := time.Unix(1000, 0)
	ms := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }
	d := debouncer{quiet: 200 * time.Millisecond, max: 2 * time.Second}
	// A steady trickle every 150 ms: the quiet period never comes, max-wait fires.
	var at time.Time
	for n := 0; n <= 1950; n += 150 {
		at = d.add(ms(n))
	}
	if !at.Equal(ms(2000)) {
		t.Errorf("trickle fires at %v, want 2000ms (max-wait)", at.Sub(t0))
	}
	d.fire()
	// Two events 100 ms apart: trailing debounce, 200 ms after the last.
	d.add(ms(5000))
	if at = d.add(ms(5100)); !at.Equal(ms(5300)) {
		t.Errorf("pair fires at %v, want 5300ms", at.Sub(t0))
	}
}

func TestPoll_SymmetricDiff(t *testing.T) {
	st := func(size int64) fileState { return fileState{size: size, mtime: time.Unix(1, 0)} }
	cases := []struct {
		name     string
		old, cur snapshot
		want     []Change
	}{
		{"rename within one interval", snapshot{"a": st(1)}, snapshot{"b": st(1)}, []Change{{"a", Remove}, {"b", Create}}},
		{"more new than old", snapshot{"a": st(1), "b": st(1)}, snapshot{"c": st(1), "d": st(1), "e": st(1)},
			[]Change{{"a", Remove}, {"b", Remove}, {"c", Create}, {"d", Create}, {"e", Create}}},
		{"more old than new", snapshot{"a": st(1), "b": st(1), "c": st(1)}, snapshot{"c": st(2)},
			[]Change{{"a", Remove}, {"b", Remove}, {"c", Write}}},
		{"same", snapshot{"a": st(1)}, snapshot{"a": st(1)}, nil},
		{"same size and time, other contents", snapshot{"a": {size: 1, sum: 5, racy: true}}, snapshot{"a": {size: 1, sum: 6}}, []Change{{"a", Write}}},
	}
	for _, c := range cases {
		if got := diff(c.old, c.cur); !slices.Equal(got, c.want) {
			t.Errorf("%s: diff = %v, want %v", c.name, got, c.want)
		}
	}
}

// A write that keeps the size and lands in the same mtime tick as the
// previous scan is still seen, because recent files are hashed.
func TestPoll_SameSizeSameMtime(t *testing.T) {
	root := t.TempDir()
	p := filepath.Join(root, "p.md")
	write(t, p, "aaaa")
	sc := Scope{Root: root, Trees: []string{"."}}
	s1 := scan(sc, nil)
	mt := s1[p].mtime
	write(t, p, "bbbb")
	if err := os.Chtimes(p, mt, mt); err != nil {
		t.Fatal(err)
	}
	s2 := scan(sc, s1)
	if got := diff(s1, s2); !slices.Equal(got, []Change{{p, Write}}) {
		t.Fatalf("diff = %v, want a write of p.md", got)
	}
	// Old files are not hashed again and again.
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(p, old, old); err != nil {
		t.Fatal(err)
	}
	s3 := scan(sc, s2)
	s4 := scan(sc, s3)
	if s4[p].sum != 0 {
		t.Errorf("a file last changed an hour ago is still hashed")
	}
}

// A site reached through a symlink (or macOS's /var → /private/var) is
// watched at its real path.
func TestWatch_SymlinkedRoot(t *testing.T) {
	real := t.TempDir()
	write(t, filepath.Join(real, "content", "a", "p.md"), "p")
	link := filepath.Join(t.TempDir(), "site")
	must(t, os.Symlink(real, link))
	scopeOf, err := SiteScope(link, filepath.Join(link, "public"))
	must(t, err)
	h := start(t, real, Options{Scope: scopeOf})
	if !slices.Contains(h.w.Watched(), filepath.Join(real, "content", "a")) {
		t.Fatalf("watched %v", h.w.Watched())
	}
	write(t, filepath.Join(link, "content", "a", "p.md"), "edited")
	h.rec.waitBuild(t, 0, "a build after an edit through the link", func(b build) bool { return b.files["content/a/p.md"] == "edited" })
}

func TestSiteScope(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "site.yaml"), "title: x\ncontent_dir: docs\n")
	scopeOf, err := SiteScope(root, filepath.Join(root, "public"))
	if err != nil {
		t.Fatal(err)
	}
	sc := scopeOf()
	for p, want := range map[string]bool{
		"site.yaml": true, "docs": true, "docs/a.md": true, "docs/x/y.png": true, "theme/layouts/page.html": true,
		"content/a.md": false, "cmd/main.go": false, "public/index.html": false, "docs/.git/config": false,
		"docs/a.md~": false, "docs/.a.md.swp": false, "docs/4913": false, "docs/node_modules/x.md": false, "README.md": false,
	} {
		if got := sc.Contains(filepath.Join(root, p)); got != want {
			t.Errorf("Contains(%s) = %v, want %v", p, got, want)
		}
	}
	// A folder of Markdown without site.yaml or content/ is all content.
	write(t, filepath.Join(root, "plain", "a.md"), "x")
	plain, _ := SiteScope(filepath.Join(root, "plain"), filepath.Join(root, "plain", "public"))
	if sc := plain(); !slices.Equal(sc.Trees, []string{"."}) {
		t.Errorf("plain folder trees = %v, want [.]", sc.Trees)
	}
	// The scope follows site.yaml.
	write(t, filepath.Join(root, "site.yaml"), "title: x\ncontent_dir: pages\n")
	if sc := scopeOf(); !sc.Contains(filepath.Join(root, "pages", "a.md")) || sc.Contains(filepath.Join(root, "docs", "a.md")) {
		t.Errorf("scope did not follow content_dir: %+v", sc)
	}
	// A broken site.yaml keeps the default folders.
	write(t, filepath.Join(root, "site.yaml"), "title: [broken\n")
	if sc := scopeOf(); !slices.Equal(sc.Trees, []string{"content", "theme"}) {
		t.Errorf("broken site.yaml trees = %v", sc.Trees)
	}
}

// Each editor's way of saving gives exactly one build with the final
// contents, and no build for its temporary files.
func TestWatch_EditorSaves(t *testing.T) {
	saves := map[string]func(t *testing.T, dir, p, text string){
		// vim with backupcopy=no: probe file 4913, original renamed to a backup, new file written.
		"vim": func(t *testing.T, dir, p, text string) {
			probe := filepath.Join(dir, "4913")
			write(t, probe, "")
			must(t, os.Remove(probe))
			must(t, os.Rename(p, p+"~"))
			write(t, p, text)
			must(t, os.Chmod(p, 0o644))
			must(t, os.Remove(p+"~"))
		},
		// JetBrains "safe write": temp file renamed over the original.
		"jetbrains": func(t *testing.T, dir, p, text string) {
			tmp := p + "___jb_tmp___"
			write(t, tmp, text)
			must(t, os.Rename(p, p+"___jb_old___"))
			must(t, os.Rename(tmp, p))
			must(t, os.Remove(p+"___jb_old___"))
		},
		// VS Code, helix and most tools' atomic save: a hidden temp file renamed over it.
		"rename-over": func(t *testing.T, dir, p, text string) {
			tmp := filepath.Join(dir, ".p.md.tmp1234")
			write(t, tmp, text)
			must(t, os.Rename(tmp, p))
		},
		// os.WriteFile: truncate, then write.
		"truncate-write": func(t *testing.T, dir, p, text string) {
			write(t, p, text)
		},
		// emacs: lock file .#p.md, backup p.md~ by copy, write in place.
		"emacs": func(t *testing.T, dir, p, text string) {
			lock := filepath.Join(dir, ".#p.md")
			must(t, os.Symlink("user@host.123", lock))
			old, _ := os.ReadFile(p)
			write(t, p+"~", string(old))
			write(t, p, text)
			must(t, os.Remove(lock))
		},
	}
	for name, save := range saves {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			p := filepath.Join(root, "p.md")
			write(t, p, "v0")
			h := start(t, root, Options{})
			for i, text := range []string{"v1 first save", "v2 second save"} {
				save(t, root, p, text)
				n := h.rec.waitBuild(t, i, "a build with "+text, func(b build) bool { return b.files["p.md"] == text })
				if n != i+1 {
					t.Fatalf("save %d seen by build %d, want %d", i+1, n, i+1)
				}
				for f := range h.rec.all()[n-1].files {
					if f != "p.md" && !strings.HasPrefix(f, "sentinel") && !strings.HasSuffix(f, "~") {
						t.Errorf("unexpected file %s in the build", f)
					}
				}
				for _, q := range h.rec.all()[n-1].batch.Paths {
					if layout.Ignored(filepath.Base(q)) {
						t.Errorf("batch lists the temporary file %s", q)
					}
				}
			}
			settle(t, h.rec, 3)
		})
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestWatch_IgnoresPureChmodAndTempFiles(t *testing.T) {
	root := t.TempDir()
	p := filepath.Join(root, "p.md")
	write(t, p, "x")
	h := start(t, root, Options{})
	for i := range 100 {
		must(t, os.Chmod(p, 0o640|fs.FileMode(i%2)<<2))
	}
	for _, name := range []string{"x.swp", ".x.swx", ".#p.md", "4913", "p.md~", "x.tmp", ".DS_Store", "p.md___jb_tmp___", "x.bck", ".hidden/y.md", "node_modules/z.md"} {
		write(t, filepath.Join(root, name), "temp")
	}
	settle(t, h.rec, 1)
	must(t, os.Remove(p))
	h.rec.waitBuild(t, 1, "a build without p.md", func(b build) bool { _, ok := b.files["p.md"]; return !ok && slices.Contains(b.batch.Paths, p) })
}

// A1: mkdir -p gives one event for the top folder; the new folders are
// watched anyway, and a file already inside is built.
func TestWatch_NestedMkdir(t *testing.T) {
	root := t.TempDir()
	h := start(t, root, Options{})
	c := filepath.Join(root, "a", "b", "c")
	must(t, os.MkdirAll(c, 0o755))
	write(t, filepath.Join(c, "x.md"), "x")
	h.rec.waitBuild(t, 0, "a build with a/b/c/x.md", func(b build) bool { return b.files["a/b/c/x.md"] == "x" })
	for _, d := range []string{"a", "a/b", "a/b/c"} {
		if !slices.Contains(h.w.Watched(), filepath.Join(root, d)) {
			t.Errorf("%s is not watched: %v", d, h.w.Watched())
		}
	}
	// A write deep inside is reported by the new watch itself.
	y := filepath.Join(c, "y.md")
	write(t, y, "y")
	h.rec.waitBuild(t, 1, "a build reporting a/b/c/y.md", func(b build) bool { return slices.Contains(b.batch.Paths, y) && b.files["a/b/c/y.md"] == "y" })
}

// cp -r / git checkout: a whole tree appears at once, files included.
func TestWatch_TreeCopiedIn(t *testing.T) {
	root := t.TempDir()
	h := start(t, root, Options{})
	staging := t.TempDir()
	for i := range 20 {
		write(t, filepath.Join(staging, "tree", fmt.Sprintf("d%d", i%4), "e", fmt.Sprintf("p%d.md", i)), "page")
	}
	must(t, os.Rename(filepath.Join(staging, "tree"), filepath.Join(root, "tree")))
	h.rec.waitBuild(t, 0, "a build with all 20 pages", func(b build) bool { return len(b.files) == 20 })
	write(t, filepath.Join(root, "tree", "d3", "e", "new.md"), "new")
	h.rec.waitBuild(t, 0, "a build with the page added inside the moved-in tree", func(b build) bool { return b.files["tree/d3/e/new.md"] == "new" })
}

func TestWatch_CreateDeleteRenameFiles(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "s", "a.md"), "a")
	h := start(t, root, Options{})
	steps := []struct {
		name string
		do   func()
		want func(map[string]string) bool
	}{
		{"create", func() { write(t, filepath.Join(root, "s", "b.md"), "b") }, func(f map[string]string) bool { return f["s/b.md"] == "b" }},
		{"rename", func() { must(t, os.Rename(filepath.Join(root, "s", "b.md"), filepath.Join(root, "s", "c.md"))) },
			func(f map[string]string) bool { _, b := f["s/b.md"]; return !b && f["s/c.md"] == "b" }},
		{"delete", func() { must(t, os.Remove(filepath.Join(root, "s", "a.md"))) }, func(f map[string]string) bool { _, a := f["s/a.md"]; return !a }},
		{"create folder", func() { write(t, filepath.Join(root, "t", "d.md"), "d") }, func(f map[string]string) bool { return f["t/d.md"] == "d" }},
		{"write in new folder", func() { write(t, filepath.Join(root, "t", "e.md"), "e") }, func(f map[string]string) bool { return f["t/e.md"] == "e" }},
		{"delete folder", func() { must(t, os.RemoveAll(filepath.Join(root, "t"))) }, func(f map[string]string) bool { _, d := f["t/d.md"]; return !d }},
	}
	for i, s := range steps {
		s.do()
		n := h.rec.waitBuild(t, i, s.name, func(b build) bool { return s.want(b.files) })
		if n != i+1 {
			t.Errorf("%s: seen by build %d, want %d", s.name, n, i+1)
		}
	}
	if slices.Contains(h.w.Watched(), filepath.Join(root, "t")) {
		t.Errorf("deleted folder still watched: %v", h.w.Watched())
	}
	settle(t, h.rec, len(steps)+1)
}

// A8: a renamed folder keeps reporting its old path in fsnotify; the watch
// list is reconciled so that writes under the new name are seen.
func TestWatch_RenameWatchedDir(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "a", "sub", "p.md"), "p")
	h := start(t, root, Options{})
	must(t, os.Rename(filepath.Join(root, "a"), filepath.Join(root, "b")))
	h.rec.waitBuild(t, 0, "a build after the rename", func(b build) bool { return b.files["b/sub/p.md"] == "p" })
	q := filepath.Join(root, "b", "sub", "q.md")
	write(t, q, "q")
	h.rec.waitBuild(t, 0, "a build reporting b/sub/q.md", func(b build) bool { return slices.Contains(b.batch.Paths, q) })
	want := []string{root, filepath.Join(root, "b"), filepath.Join(root, "b", "sub")}
	if got := h.w.Watched(); !slices.Equal(got, want) {
		t.Errorf("watched = %v, want %v", got, want)
	}
	for f := range h.rec.last().files {
		if strings.HasPrefix(f, "a/") {
			t.Errorf("stale path %s", f)
		}
	}
}

// A4: a burst of 500 writes (a branch switch) gives a bounded number of
// builds, and the last one sees every file.
func TestWatch_BurstCoalesces(t *testing.T) {
	root := t.TempDir()
	h := start(t, root, Options{})
	h.rec.hook = func(int) { time.Sleep(100 * time.Millisecond) } // a build takes a while
	for i := range 500 {
		write(t, filepath.Join(root, fmt.Sprintf("d%d", i%10), fmt.Sprintf("p%03d.md", i)), fmt.Sprint(i))
	}
	n := h.rec.waitBuild(t, 0, "a build with all 500 files", func(b build) bool { return len(b.files) == 500 })
	if n > 3 {
		t.Errorf("500 writes took %d builds, want at most 3", n)
	}
	settle(t, h.rec, n+1)
}

// A change during a build leads to exactly one more build.
func TestWatch_EditDuringBuild(t *testing.T) {
	root := t.TempDir()
	p := filepath.Join(root, "p.md")
	write(t, p, "v0")
	h := start(t, root, Options{})
	inBuild, release := make(chan struct{}), make(chan struct{})
	h.rec.hook = func(n int) {
		if n == 1 {
			close(inBuild)
			<-release
		}
	}
	write(t, p, "v1")
	<-inBuild
	write(t, p, "v2")
	write(t, filepath.Join(root, "q.md"), "q")
	close(release)
	n := h.rec.waitBuild(t, 0, "a build with v2", func(b build) bool { return b.files["p.md"] == "v2" && b.files["q.md"] == "q" })
	if n != 2 {
		t.Errorf("edit during build 1 seen by build %d, want 2", n)
	}
	settle(t, h.rec, 3)
}

// A11: the output folder inside the watched tree causes no rebuild loop.
func TestWatch_OutputFolderExcluded(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "public")
	h := start(t, root, Options{Scope: func() Scope { return Scope{Root: root, Trees: []string{"."}, Exclude: []string{out}} }})
	h.rec.hook = func(n int) { // a build writing its output, as kb serve does
		for _, f := range []string{"p/index.html", fmt.Sprintf("new%d/index.html", n)} {
			_ = os.MkdirAll(filepath.Dir(filepath.Join(out, f)), 0o755)
			_ = os.WriteFile(filepath.Join(out, f), []byte(fmt.Sprint(n)), 0o644)
		}
	}
	write(t, filepath.Join(root, "p.md"), "p")
	h.rec.waitBuild(t, 0, "the first build", func(b build) bool { return true })
	settle(t, h.rec, 2)
	if slices.ContainsFunc(h.w.Watched(), func(d string) bool { return strings.HasPrefix(d, out) }) {
		t.Errorf("output folder watched: %v", h.w.Watched())
	}
}

// Only the site's files count: site.yaml, content and theme, not the code or
// notes that live beside them.
func TestWatch_SiteScope(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "site.yaml"), "title: x\n")
	write(t, filepath.Join(root, "content", "a.md"), "a")
	write(t, filepath.Join(root, "cmd", "main.go"), "package main")
	scopeOf, err := SiteScope(root, filepath.Join(root, "public"))
	must(t, err)
	h := start(t, root, Options{Scope: scopeOf})
	write(t, filepath.Join(root, "cmd", "main.go"), "package main // edited")
	write(t, filepath.Join(root, "NOTES.md"), "notes")
	write(t, filepath.Join(root, "theme", "layouts", "page.html"), "theme")
	h.rec.waitBuild(t, 0, "a build for the new theme folder", func(b build) bool { return b.files["theme/layouts/page.html"] == "theme" })
	if got := h.rec.all()[0].batch.Paths; slices.ContainsFunc(got, func(p string) bool { return strings.Contains(p, "cmd") || strings.Contains(p, "NOTES") }) {
		t.Errorf("batch lists files outside the site: %v", got)
	}
	write(t, filepath.Join(root, "theme", "layouts", "list.html"), "list")
	h.rec.waitBuild(t, 0, "a build for a file in the new theme folder", func(b build) bool { return b.files["theme/layouts/list.html"] == "list" })
	write(t, filepath.Join(root, "site.yaml"), "title: y\n")
	h.rec.waitBuild(t, 0, "a build for site.yaml", func(b build) bool { return b.files["site.yaml"] == "title: y\n" })
}

// The content folder deleted and made again (a branch without it, a
// re-clone): the watcher keeps going and watches the new folder.
func TestWatch_ContentFolderRecreated(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "site.yaml"), "title: x\n")
	write(t, filepath.Join(root, "content", "a", "p.md"), "p")
	scopeOf, err := SiteScope(root, filepath.Join(root, "public"))
	must(t, err)
	h := start(t, root, Options{Scope: scopeOf})
	must(t, os.RemoveAll(filepath.Join(root, "content")))
	h.rec.waitBuild(t, 0, "a build without content", func(b build) bool { _, ok := b.files["content/a/p.md"]; return !ok })
	if got := h.w.Watched(); !slices.Equal(got, []string{root}) {
		t.Errorf("watched after the delete: %v", got)
	}
	write(t, filepath.Join(root, "content", "b", "q.md"), "q")
	n := h.rec.waitBuild(t, 0, "a build with the new content", func(b build) bool { return b.files["content/b/q.md"] == "q" })
	write(t, filepath.Join(root, "content", "b", "r.md"), "r")
	h.rec.waitBuild(t, n, "a build reporting a file in the new folder", func(b build) bool {
		return slices.Contains(b.batch.Paths, filepath.Join(root, "content", "b", "r.md"))
	})
}

// faultBackend is the real fsnotify watcher with injected faults: errors on
// the Errors channel and failing Adds.
type faultBackend struct {
	backend
	errs   chan error
	inject chan error
	mu     sync.Mutex
	adds   int
	addErr func(n int) error
	// pathErr, when set, fails the Add of some folders.
	pathErr func(path string) error
}

func (f *faultBackend) setAddErr(fn func(path string) error) {
	f.mu.Lock()
	f.pathErr = fn
	f.mu.Unlock()
}

func newFaultBackend(addErr func(n int) error) (*faultBackend, error) {
	be, err := newNotifyBackend()
	if err != nil {
		return nil, err
	}
	f := &faultBackend{backend: be, errs: make(chan error), inject: make(chan error), addErr: addErr}
	go func() {
		defer close(f.errs)
		real := be.Errors()
		for {
			select {
			case e, ok := <-real:
				if !ok {
					return
				}
				f.errs <- e
			case e := <-f.inject:
				f.errs <- e
			}
		}
	}()
	return f, nil
}

func (f *faultBackend) Errors() <-chan error { return f.errs }

func (f *faultBackend) Add(p string) error {
	f.mu.Lock()
	f.adds++
	n := f.adds
	pathErr := f.pathErr
	f.mu.Unlock()
	if pathErr != nil {
		if err := pathErr(p); err != nil {
			return err
		}
	}
	if f.addErr != nil {
		if err := f.addErr(n); err != nil {
			return err
		}
	}
	return f.backend.Add(p)
}

// A6: when the kernel's queue overflows, events were lost: the next build is
// a rescan.
func TestWatch_OverflowTriggersRescan(t *testing.T) {
	root := t.TempDir()
	fb, err := newFaultBackend(nil)
	must(t, err)
	h := start(t, root, Options{newBackend: func() (backend, error) { return fb, nil }})
	fb.inject <- fsnotify.ErrEventOverflow
	h.rec.waitBuild(t, 0, "a rescan build", func(b build) bool { return b.batch.Rescan })
	if strings.Contains(h.log.String(), "overflow") {
		t.Errorf("an overflow is handled, not reported: %q", h.log.String())
	}
	settle(t, h.rec, 2)
}

// A7: hitting the watch limit says how to raise it and falls back to
// polling; changes are still seen.
func TestWatch_AddErrorFallsBackToPolling(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"a", "b", "c", "d"} {
		write(t, filepath.Join(root, d, "p.md"), d)
	}
	fb, err := newFaultBackend(func(n int) error {
		if n == 3 {
			return fmt.Errorf("inotify_add_watch: %w", syscall.ENOSPC)
		}
		return nil
	})
	must(t, err)
	h := start(t, root, Options{FallbackPoll: 50 * time.Millisecond, newBackend: func() (backend, error) { return fb, nil }})
	if !strings.Contains(h.log.String(), "fs.inotify.max_user_watches") || !strings.Contains(h.log.String(), "--poll") {
		t.Errorf("warning does not say how to fix it: %q", h.log.String())
	}
	if h.w.Mode() != ModePoll {
		t.Fatalf("mode = %s, want poll", h.w.Mode())
	}
	if len(h.w.Watched()) != 0 {
		t.Errorf("still watching %v after falling back", h.w.Watched())
	}
	write(t, filepath.Join(root, "c", "p.md"), "changed")
	h.rec.waitBuild(t, 0, "a build of the change found by polling", func(b build) bool { return b.files["c/p.md"] == "changed" })
}

// The same limit reached later, on a new folder, switches to polling too.
func TestWatch_AddErrorLaterFallsBackToPolling(t *testing.T) {
	root := t.TempDir()
	var limit sync.Mutex
	full := false
	fb, err := newFaultBackend(func(int) error {
		limit.Lock()
		defer limit.Unlock()
		if full {
			return syscall.EMFILE
		}
		return nil
	})
	must(t, err)
	h := start(t, root, Options{FallbackPoll: 50 * time.Millisecond, newBackend: func() (backend, error) { return fb, nil }})
	limit.Lock()
	full = true
	limit.Unlock()
	write(t, filepath.Join(root, "new", "p.md"), "p")
	h.rec.waitBuild(t, 0, "a rescan build after the fallback", func(b build) bool { return b.batch.Rescan && b.files["new/p.md"] == "p" })
	if h.w.Mode() != ModePoll || !strings.Contains(h.log.String(), "max_user_watches") {
		t.Fatalf("mode %s, log %q", h.w.Mode(), h.log.String())
	}
	write(t, filepath.Join(root, "new", "q.md"), "q")
	h.rec.waitBuild(t, 0, "a polled build", func(b build) bool { return b.files["new/q.md"] == "q" })
}

// A10: --poll finds creations, edits, renames and deletions without events.
func TestWatch_PollMode(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "a.md"), "a")
	h := start(t, root, Options{Poll: 30 * time.Millisecond})
	if h.w.Mode() != ModePoll || len(h.w.Watched()) != 0 {
		t.Fatalf("mode %s, watched %v", h.w.Mode(), h.w.Watched())
	}
	steps := []struct {
		name string
		do   func()
		want func(map[string]string) bool
	}{
		{"write", func() { write(t, filepath.Join(root, "a.md"), "A") }, func(f map[string]string) bool { return f["a.md"] == "A" }},
		{"same-size write", func() { write(t, filepath.Join(root, "a.md"), "B") }, func(f map[string]string) bool { return f["a.md"] == "B" }},
		{"nested create", func() { write(t, filepath.Join(root, "x", "y", "z.md"), "z") }, func(f map[string]string) bool { return f["x/y/z.md"] == "z" }},
		{"rename", func() { must(t, os.Rename(filepath.Join(root, "a.md"), filepath.Join(root, "b.md"))) },
			func(f map[string]string) bool { _, a := f["a.md"]; return !a && f["b.md"] == "B" }},
		{"delete folder", func() { must(t, os.RemoveAll(filepath.Join(root, "x"))) }, func(f map[string]string) bool { _, z := f["x/y/z.md"]; return !z }},
	}
	for _, s := range steps {
		before := h.rec.count()
		s.do()
		h.rec.waitBuild(t, before, s.name, func(b build) bool { return s.want(b.files) })
	}
	before := h.rec.count()
	write(t, filepath.Join(root, "b.md~"), "backup")
	write(t, filepath.Join(root, "c.md"), "c")
	n := h.rec.waitBuild(t, before, "c.md", func(b build) bool { return b.files["c.md"] == "c" })
	if n != before+1 || slices.ContainsFunc(h.rec.all()[n-1].batch.Paths, func(p string) bool { return strings.HasSuffix(p, "~") }) {
		t.Errorf("backup file triggered a build or was listed: build %d after %d, batch %v", n, before, h.rec.all()[n-1].batch.Paths)
	}
}

// siteHarness watches a site in its own folder (site.yaml and content/),
// with a sibling folder free for moving it away.
func siteHarness(t *testing.T) (base, root string, h *harness) {
	t.Helper()
	base = t.TempDir()
	root = filepath.Join(base, "site")
	write(t, filepath.Join(root, "site.yaml"), "title: x\n")
	write(t, filepath.Join(root, "content", "a", "p.md"), "p")
	scopeOf, err := SiteScope(root, filepath.Join(root, "public"))
	must(t, err)
	return base, root, start(t, root, Options{Scope: scopeOf})
}

// rearmed checks that, once the site folder is back, edits are seen: one
// in a folder that was there before and one in a new folder, each reported
// by a watch.
func rearmed(t *testing.T, h *harness, after int) {
	t.Helper()
	p := filepath.Join(h.root, "content", "a", "p.md")
	write(t, p, "edited")
	n := h.rec.waitBuild(t, after, "a build reporting the edit", func(b build) bool {
		return slices.Contains(b.batch.Paths, p) && b.files["content/a/p.md"] == "edited"
	})
	q := filepath.Join(h.root, "content", "b", "q.md")
	write(t, q, "q")
	n = h.rec.waitBuild(t, n, "a build with a page in a new folder", func(b build) bool { return b.files["content/b/q.md"] == "q" })
	r := filepath.Join(h.root, "content", "b", "r.md")
	write(t, r, "r")
	h.rec.waitBuild(t, n, "a build reporting a page written in the new folder", func(b build) bool { return slices.Contains(b.batch.Paths, r) })
}

// The site folder moved away (to a sibling) and back once the watcher saw it gone: the
// watcher watches it again, and says meanwhile that it is gone.
func TestWatch_RootMovedAwayAndBack(t *testing.T) {
	base, root, h := siteHarness(t)
	away := filepath.Join(base, "away")
	must(t, os.Rename(root, away))
	h.rec.waitBuild(t, 0, "a build saying the folder is gone", func(b build) bool {
		return slices.ContainsFunc(b.batch.Errors, func(err error) bool { return strings.Contains(err.Error(), root) })
	})
	must(t, os.Rename(away, root))
	n := h.rec.waitBuild(t, 0, "a build once the folder is back", func(b build) bool { return b.files["content/a/p.md"] == "p" && b.batch.Rescan })
	rearmed(t, h, n)
}

// The same folder moved away and back before the watcher had a look.
func TestWatch_RootMovedAwayAndBackAtOnce(t *testing.T) {
	base, root, h := siteHarness(t)
	away := filepath.Join(base, "away")
	must(t, os.Rename(root, away))
	must(t, os.Rename(away, root))
	n := h.rec.waitBuild(t, 0, "a build after the moves", func(b build) bool { return b.files["content/a/p.md"] == "p" })
	rearmed(t, h, n)
}

// The site folder deleted and made again (a re-clone).
func TestWatch_RootDeletedAndRecreated(t *testing.T) {
	_, root, h := siteHarness(t)
	must(t, os.RemoveAll(root))
	h.rec.waitBuild(t, 0, "a build without the site", func(b build) bool { return len(b.files) == 0 })
	write(t, filepath.Join(root, "site.yaml"), "title: x\n")
	write(t, filepath.Join(root, "content", "a", "p.md"), "p")
	n := h.rec.waitBuild(t, 0, "a build once the folder is back", func(b build) bool { return b.files["content/a/p.md"] == "p" })
	rearmed(t, h, n)
}

// A file moved out of the site (to a folder outside it) is gone from the
// next build: the rename alone, with no other event, is enough.
func TestWatch_FileMovedOut(t *testing.T) {
	base, root, h := siteHarness(t)
	p := filepath.Join(root, "content", "a", "p.md")
	must(t, os.Rename(p, filepath.Join(base, "p.md")))
	h.rec.waitBuild(t, 0, "a build without the moved file", func(b build) bool {
		_, ok := b.files["content/a/p.md"]
		return !ok && slices.Contains(b.batch.Paths, p)
	})
}

// Errors from the system's notification queue and failed watches reach the
// next build, once each.
func TestWatch_ErrorsReachTheBuild(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "a", "p.md"), "p")
	denied := filepath.Join(root, "locked")
	fb, err := newFaultBackend(nil)
	must(t, err)
	h := start(t, root, Options{newBackend: func() (backend, error) { return fb, nil }})
	fb.inject <- fmt.Errorf("inotify read: %w", syscall.EIO)
	n := h.rec.waitBuild(t, 0, "a build with the queue's error", func(b build) bool {
		return b.batch.Rescan && slices.ContainsFunc(b.batch.Errors, func(err error) bool { return errors.Is(err, syscall.EIO) })
	})
	fb.setAddErr(func(p string) error {
		if p == denied {
			return fmt.Errorf("inotify_add_watch %s: %w", p, syscall.EACCES)
		}
		return nil
	})
	write(t, filepath.Join(denied, "x.md"), "x")
	n = h.rec.waitBuild(t, n, "a build with the failed watch", func(b build) bool {
		return slices.ContainsFunc(b.batch.Errors, func(err error) bool { return errors.Is(err, syscall.EACCES) && strings.Contains(err.Error(), denied) })
	})
	write(t, filepath.Join(root, "a", "p.md"), "edited")
	n = h.rec.waitBuild(t, n, "the next build", func(b build) bool { return b.files["a/p.md"] == "edited" })
	if errs := h.rec.all()[n-1].batch.Errors; len(errs) != 0 {
		t.Errorf("the failed watch is reported again: %v", errs)
	}
	if h.log.String() != "" {
		t.Errorf("errors also written to the log: %q", h.log.String())
	}
}

// A change of mode that makes a file unreadable, and readable again, gives
// a build each (the build then skips the file, or reads it again).
func TestWatch_ModeChangesReadability(t *testing.T) {
	if testkit.RunUnprivileged(t) {
		return
	}
	root := t.TempDir()
	p := filepath.Join(root, "p.md")
	write(t, p, "p")
	h := start(t, root, Options{})
	must(t, os.Chmod(p, 0))
	h.rec.waitBuild(t, 0, "a build after the file became unreadable", func(b build) bool { return slices.Contains(b.batch.Paths, p) })
	must(t, os.Chmod(p, 0o644))
	h.rec.waitBuild(t, 1, "a build after the file became readable", func(b build) bool { return slices.Contains(b.batch.Paths, p) })
	settle(t, h.rec, 3)
}

// A Jekyll site's collection folder, which its _config.yml publishes
// though its name starts with '_', is watched like any content folder, and
// so is _config.yml; other '_' folders are not: an edit there gives a
// build, an edit in _drafts/ none.
func TestWatch_JekyllCollection(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "_config.yml"), "collections:\n  pages:\n    output: true\n    permalink: /:path/\n")
	write(t, filepath.Join(root, "_pages", "a.md"), "a")
	write(t, filepath.Join(root, "_drafts", "b.md"), "b")
	scopeOf, err := SiteScope(root, filepath.Join(root, "public"))
	if err != nil {
		t.Fatal(err)
	}
	sc := scopeOf()
	for p, want := range map[string]bool{"_pages": true, "_pages/a.md": true, "_pages/x/y.png": true, "_drafts/b.md": false, "_config.yml": true, "x/_pages/a.md": false} {
		if got := sc.Contains(filepath.Join(sc.Root, p)); got != want {
			t.Errorf("Contains(%s) = %v, want %v", p, got, want)
		}
	}
	h := start(t, root, Options{Scope: scopeOf})
	write(t, filepath.Join(root, "_drafts", "b.md"), "draft edited")
	write(t, filepath.Join(root, "_pages", "a.md"), "edited")
	page, draft := filepath.Join(sc.Root, "_pages", "a.md"), filepath.Join(sc.Root, "_drafts", "b.md")
	h.rec.waitBuild(t, 0, "a build after an edit in _pages/", func(b build) bool { return slices.Contains(b.batch.Paths, page) })
	for _, b := range h.rec.all() {
		if slices.Contains(b.batch.Paths, draft) {
			t.Error("an edit in _drafts/ is part of a build's batch")
		}
	}
}
