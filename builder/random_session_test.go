package builder

import (
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"kb/internal/layout"
)

// TestSession_RandomEditsMatchFull applies random batches of the changes
// writers, editors and Git make (writes, saves through renames, new and
// removed pages and folders, a folder's Dutch index, attachments) and
// checks after each batch that the session's output equals a fresh build.
// KB_RANDOM_SEEDS=N runs N seeds instead of 3 (and N-1 instead of 2 with
// the static search bundle, as kb build --watch makes it).
func TestSession_RandomEditsMatchFull(t *testing.T) {
	seeds := 3
	if n, err := strconv.Atoi(os.Getenv("KB_RANDOM_SEEDS")); err == nil {
		seeds = n
	}
	type run struct {
		seed   int
		static bool // kb build --watch: with the static search bundle
	}
	var runs []run
	for seed := range seeds {
		runs = append(runs, run{seed, false})
	}
	for seed := range max(seeds-1, 1) {
		runs = append(runs, run{seed, true})
	}
	for _, r := range runs {
		seed := r.seed
		t.Run(fmt.Sprintf("seed=%d/static=%v", seed, r.static), func(t *testing.T) {
			src := t.TempDir()
			dest := filepath.Join(t.TempDir(), "public")
			content := filepath.Join(src, "content")
			writeFile(t, filepath.Join(src, "site.yaml"), "title: Random\nbase_url: https://kb.test/\ndefault_language: en\nlanguages:\n  - code: en\n    name: English\n  - code: nl\n    name: Nederlands\n    sections: {guides: Handleidingen}\ntags: [alpha, beta, gamma]\n")
			writeFile(t, filepath.Join(content, "README.md"), "---\ntitle: Start here\ntags: [alpha]\n---\n\nWelcome.\n")
			writeFile(t, filepath.Join(content, "guides", "one.md"), "---\ntitle: Guide one\ntranslation_key: one\ntags: [beta]\n---\n\nThe first guide.\n")
			writeFile(t, filepath.Join(content, "guides", "een.md"), "---\ntitle: Handleiding een\nlang: nl\ntranslation_key: one\ntags: [beta]\n---\n\nDe eerste.\n")
			writeFile(t, filepath.Join(content, "guides", "README.nl.md"), "# Handleidingen\n\nAlle handleidingen.\n")
			writeFile(t, filepath.Join(content, "guides", "two.md"), randomPage(2, "gamma", "The second guide."))
			now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			opts := Options{Source: src, Dest: dest, Now: now, Preview: !r.static, NoStaticSearch: !r.static}
			s := NewSession(opts)
			defer s.Close()
			ctx := context.Background()
			if res, err := s.Build(ctx); err != nil {
				t.Fatal(err, res.Diagnostics)
			}
			rng := rand.New(rand.NewPCG(uint64(seed), 7))
			ops := &randomOps{t: t, content: content, rng: rng}
			var log []string
			for step := range 25 {
				var batch []string
				for range 1 + rng.IntN(4) {
					batch = append(batch, ops.step())
				}
				// Now and then a file changes during the build, between its
				// scan and the rest; the watcher then runs another build.
				var during string
				var finish func()
				if rng.IntN(3) == 0 {
					s.afterScan = func() {
						s.afterScan = nil
						during, finish = ops.during()
					}
				}
				_, err := s.Build(ctx)
				s.afterScan = nil
				if during != "" {
					finish()
					batch = append(batch, "during the build: "+during)
					_, err = s.Build(ctx)
				}
				log = append(log, strings.Join(batch, ", "))
				fresh := filepath.Join(t.TempDir(), "public")
				fo := opts
				fo.Dest = fresh
				_, wantErr := Build(ctx, fo)
				if (err != nil) != (wantErr != nil) {
					t.Fatalf("step %d: session %v, full build %v\n%s", step, err, wantErr, strings.Join(log, "\n"))
				}
				if err != nil {
					continue
				}
				before := t.Failed()
				compareTrees(t, fmt.Sprint("step ", step), fresh, dest)
				if r.static {
					bundle := filepath.FromSlash(layout.StaticSearchDir)
					compareDirs(t, fmt.Sprint("step ", step), filepath.Join(fresh, bundle), filepath.Join(dest, bundle))
				}
				if !before && t.Failed() {
					t.Fatalf("after:\n%s", strings.Join(log, "\n"))
				}
			}
		})
	}
}

func randomPage(n int, tag, body string) string {
	return fmt.Sprintf("---\ntitle: Page %d\nsummary: About page %d.\ntags: [%s]\n---\n\n## Steps\n\n%s\n", n, n, tag, body)
}

type randomOps struct {
	t       *testing.T
	content string
	rng     *rand.Rand
	n       int
}

func (o *randomOps) list(dirs bool) []string {
	var out []string
	_ = filepath.WalkDir(o.content, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == o.content {
			return nil
		}
		if dirs && d.IsDir() || !dirs && !d.IsDir() && strings.HasSuffix(p, ".md") && p != filepath.Join(o.content, "README.md") {
			out = append(out, p)
		}
		return nil
	})
	return out
}

func (o *randomOps) pick(l []string) string {
	if len(l) == 0 {
		return ""
	}
	return l[o.rng.IntN(len(l))]
}

func (o *randomOps) page() string {
	o.n++
	p := randomPage(o.n, []string{"alpha", "beta", "gamma"}[o.rng.IntN(3)], fmt.Sprintf("Body %d of %d words.", o.n, o.rng.IntN(1000)))
	if o.n%3 == 0 {
		p = strings.Replace(p, "---\n", "---\nlang: nl\n", 1)
	}
	if o.rng.IntN(2) == 0 { // listed on the owners and review pages
		p = strings.Replace(p, "---\n", fmt.Sprintf("---\nowner: Team %d\nreview_by: 2025-%02d-01\n", o.rng.IntN(3), 1+o.rng.IntN(12)), 1)
	}
	return p
}

// during makes a change while a build runs, and returns what to do
// before the next build: any step; a new page renamed before the next
// build; or a save that leaves a page as it was but is not there for a
// moment (an editor renaming the old file away first).
func (o *randomOps) during() (string, func()) {
	rel := func(p string) string { r, _ := filepath.Rel(o.content, p); return r }
	p := o.pick(o.list(false))
	switch k := o.rng.IntN(3); {
	case k == 0:
		o.n++
		q := filepath.Join(o.content, fmt.Sprintf("f%d", o.n), fmt.Sprintf("p%d.md", o.n))
		writeFile(o.t, q, o.page())
		return "create " + rel(q) + ", renamed before the next build", func() {
			if err := os.Rename(filepath.Dir(q), filepath.Dir(q)+"x"); err != nil {
				o.t.Fatal(err)
			}
		}
	case k == 1 && p != "":
		data, err := os.ReadFile(p)
		if err != nil {
			o.t.Fatal(err)
		}
		if err := os.Rename(p, p+"~"); err != nil {
			o.t.Fatal(err)
		}
		return "unchanged save " + rel(p), func() {
			writeFile(o.t, p, string(data))
			if err := os.Remove(p + "~"); err != nil {
				o.t.Fatal(err)
			}
		}
	}
	return o.step(), func() {}
}

func (o *randomOps) step() string {
	t := o.t
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	rel := func(p string) string { r, _ := filepath.Rel(o.content, p); return r }
	newName := func(dir string) string { o.n++; return filepath.Join(dir, fmt.Sprintf("p%d.md", o.n)) }
	p := o.pick(o.list(false))
	f := o.pick(o.list(true))
	switch k := o.rng.IntN(11); {
	case k <= 1 && p != "":
		writeFile(t, p, o.page())
		return "write " + rel(p)
	case k == 2 || p == "":
		dir := o.content
		if f != "" && o.rng.IntN(2) == 0 {
			dir = f
		}
		q := newName(dir)
		if o.n%5 == 0 {
			q = filepath.Join(dir, "README.nl.md")
		}
		writeFile(t, q, o.page())
		return "create " + rel(q)
	case k == 3:
		must(os.Remove(p))
		return "delete " + rel(p)
	case k == 4:
		dir := filepath.Dir(p)
		if f != "" && o.rng.IntN(2) == 0 {
			dir = f
		}
		q := newName(dir)
		must(os.Rename(p, q))
		return "rename " + rel(p) + " " + rel(q)
	case k == 5 && f != "":
		o.n++
		g := filepath.Join(filepath.Dir(f), fmt.Sprintf("f%d", o.n))
		must(os.Rename(f, g))
		return "rename folder " + rel(f) + " " + rel(g)
	case k == 6:
		o.n++
		d := filepath.Join(o.content, fmt.Sprintf("f%d", o.n), "deeper")
		writeFile(t, newName(d), o.page())
		writeFile(t, newName(filepath.Dir(d)), o.page())
		return "mkdir-p " + rel(d)
	case k == 7 && f != "":
		must(os.RemoveAll(f))
		return "rm -r " + rel(f)
	case k == 8:
		q := filepath.Join(o.content, "files", fmt.Sprintf("note%d.txt", o.rng.IntN(3)))
		writeFile(t, q, fmt.Sprint("attachment ", o.rng.IntN(100)))
		return "static " + rel(q)
	default:
		return "nothing"
	}
}
