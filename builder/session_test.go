package builder

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"kb/internal/layout"
	"kb/internal/testkit"
	"kb/search"
	"time"
)

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestSession_IncrementalMatchesFull edits, adds and removes pages through a
// Session and checks after each step that the output equals a fresh build.
func TestSession_IncrementalMatchesFull(t *testing.T) {
	src := t.TempDir()
	dest := filepath.Join(t.TempDir(), "public")
	// With a site.yaml, so that a broken anchor is an error.
	writeFile(t, filepath.Join(src, "site.yaml"), "title: Incremental\n")
	writeFile(t, filepath.Join(src, "a.md"), "# Alpha\n\nSee [beta](b.md#details).\n")
	writeFile(t, filepath.Join(src, "b.md"), "---\ntitle: Beta\nsummary: B.\ntags: [x]\n---\n\n## Details\n\nOne.\n")
	steps := []sessionStep{
		{"body edit", func() {
			writeFile(t, filepath.Join(src, "b.md"), "---\ntitle: Beta\nsummary: B.\ntags: [x]\n---\n\n## Details\n\nTwo words.\n")
		}, true, false},
		{"title edit", func() {
			writeFile(t, filepath.Join(src, "b.md"), "---\ntitle: Beta two\nsummary: B.\ntags: [x]\n---\n\n## Details\n\nTwo words.\n")
		}, false, false},
		{"heading renamed under a link", func() {
			writeFile(t, filepath.Join(src, "b.md"), "---\ntitle: Beta two\nsummary: B.\ntags: [x]\n---\n\n## Particulars\n\nTwo words.\n")
		}, false, true},
		{"link fixed", func() { writeFile(t, filepath.Join(src, "a.md"), "# Alpha\n\nSee [beta](b.md#particulars).\n") }, false, false},
		{"first diagram", func() {
			writeFile(t, filepath.Join(src, "a.md"), "# Alpha\n\nSee [beta](b.md#particulars).\n\n```mermaid\ngraph TD\n  A --> B\n```\n")
		}, false, false},
		{"diagram edited", func() {
			writeFile(t, filepath.Join(src, "a.md"), "# Alpha\n\nSee [beta](b.md#particulars).\n\n```mermaid\ngraph TD\n  A --> C\n```\n")
		}, true, false},
		{"last diagram removed", func() { writeFile(t, filepath.Join(src, "a.md"), "# Alpha\n\nSee [beta](b.md#particulars).\n") }, false, false},
		{"add", func() { writeFile(t, filepath.Join(src, "sub", "c.md"), "# Gamma\n\n[a](../a.md)\n") }, false, false},
		{"remove", func() { os.Remove(filepath.Join(src, "sub", "c.md")) }, false, false},
	}
	runSession(t, src, dest, steps)
	if !strings.Contains(readFile(t, filepath.Join(dest, "b", "index.html")), "Two words") {
		t.Error("edit not written")
	}
}

// sessionStep is one change to a site's source, and how a session's next
// build should take it.
type sessionStep struct {
	name      string
	do        func()
	wantQuick bool
	wantErr   bool
}

// runSession builds src into dest through a Session, then applies each
// step and checks after it that the session's output equals a fresh build.
func runSession(t *testing.T, src, dest string, steps []sessionStep) {
	t.Helper()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := NewSession(Options{Source: src, Dest: dest, Now: now})
	defer s.Close()
	ctx := context.Background()
	if res, err := s.Build(ctx); err != nil {
		t.Fatal(err, res.Diagnostics)
	}
	for _, st := range steps {
		st.do()
		res, err := s.Build(ctx)
		fresh := filepath.Join(t.TempDir(), "public")
		want, wantErr := Build(ctx, Options{Source: src, Dest: fresh, Now: now})
		if got, want := diagStrings(res.Diagnostics), diagStrings(want.Diagnostics); got != want {
			t.Errorf("%s: diagnostics\n%s\nwant, as a full build gives,\n%s", st.name, got, want)
		}
		if (err != nil) != st.wantErr || (wantErr != nil) != st.wantErr {
			t.Fatalf("%s: session %v, full build %v, want failure %v: %v", st.name, err, wantErr, st.wantErr, res.Diagnostics)
		}
		if len(res.Changed) == 0 {
			t.Fatalf("%s: no change seen", st.name)
		}
		if st.wantErr {
			continue
		}
		if quick := res.Rendered == 1; quick != st.wantQuick {
			t.Errorf("%s: rendered %d pages, want quick=%v", st.name, res.Rendered, st.wantQuick)
		}
		compareTrees(t, st.name, fresh, dest)
		compareDocs(t, st.name, s, src, now)
	}
}

// TestSession_LanguagesIncrementalMatchesFull: edits to pages in two
// languages, their index pages and their translations, through a Session,
// give the output of a fresh build after each step.
func TestSession_LanguagesIncrementalMatchesFull(t *testing.T) {
	src := t.TempDir()
	dest := filepath.Join(t.TempDir(), "public")
	write := func(name, data string) func() {
		return func() { writeFile(t, filepath.Join(src, filepath.FromSlash(name)), data) }
	}
	write("site.yaml", "title: Languages\nlanguages:\n  - {code: en, name: English}\n  - code: nl\n    name: Nederlands\n    sections: {docs: Documenten}\n")()
	write("README.md", "# Home\n\n[docs](docs/)\n")()
	write("docs/a.md", "---\ntitle: Alpha\ntranslation_key: a\ntags: [x]\n---\n\nOne.\n")()
	write("docs/a.nl.md", "---\ntitle: Alfa\nsummary: A.\ntranslation_key: a\ntags: [x]\n---\n\nEen.\n")()
	write("docs/b.md", "---\ntitle: Beta\ntags: [x]\n---\n\nTwo.\n")()
	runSession(t, src, dest, []sessionStep{
		{"Dutch body edit", write("docs/a.nl.md", "---\ntitle: Alfa\nsummary: A.\ntranslation_key: a\ntags: [x]\n---\n\nEen woord.\n"), true, false},
		{"Dutch index added", write("docs/README.nl.md", "---\nsummary: Alles.\n---\n\n# Documenten\n\nAlles op een rij.\n"), false, false},
		{"Dutch index edited", write("docs/README.nl.md", "---\nsummary: Alles.\n---\n\n# Documenten\n\nAlles op een rij, bijgewerkt.\n"), true, false},
		{"Dutch home added", write("README.nl.md", "# Thuis\n\n[documenten](docs/)\n"), false, false},
		{"untranslated Dutch page", write("docs/c.md", "---\ntitle: Gamma\nlang: nl\ntags: [x]\n---\n\nDrie.\n"), false, false},
		{"Dutch title edit", write("docs/c.md", "---\ntitle: Gamma twee\nlang: nl\ntags: [x]\n---\n\nDrie.\n"), false, false},
		{"translation removed", func() { os.Remove(filepath.Join(src, "docs", "a.nl.md")) }, false, false},
		{"page turned Dutch", write("docs/b.md", "---\ntitle: Beta\nlang: nl\ntags: [x]\n---\n\nTwee.\n"), false, false},
		{"Dutch index removed", func() { os.Remove(filepath.Join(src, "docs", "README.nl.md")) }, false, false},
	})
	if !strings.Contains(readFile(t, filepath.Join(dest, "nl", "docs", "index.html")), "Gamma twee") {
		t.Error("the Dutch folder page does not list the renamed Dutch page")
	}
}

// compareTrees fails unless both folders hold the same files with the same
// bytes, the search index aside.
func compareTrees(t *testing.T, step, want, got string) {
	t.Helper()
	compareDirs(t, step, want, got, "_kb")
}

// compareDirs compares every file under want and got, byte for byte,
// except those in the folders skip (relative paths).
func compareDirs(t *testing.T, step, want, got string, skip ...string) {
	t.Helper()
	files := func(root string) map[string]string {
		m := map[string]string{}
		filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			if d.IsDir() {
				if slices.Contains(skip, filepath.ToSlash(rel)) {
					return filepath.SkipDir
				}
				return nil
			}
			m[rel] = readFile(t, p)
			return nil
		})
		return m
	}
	w, g := files(want), files(got)
	for name, data := range w {
		if other, ok := g[name]; !ok {
			t.Errorf("%s: %s is missing", step, name)
		} else if other != data {
			t.Errorf("%s: %s differs\n%s", step, name, testkit.FirstDiff(other, data))
		}
	}
	for name := range g {
		if _, ok := w[name]; !ok {
			t.Errorf("%s: %s is left over", step, name)
		}
	}
}

// TestSession_ContentFolderRemoved: a session that built a site, whose
// content folder then goes away, fails its next build with a diagnostic
// naming the folder and leaves the output as it was.
func TestSession_ContentFolderRemoved(t *testing.T) {
	src := t.TempDir()
	dest := filepath.Join(t.TempDir(), "public")
	writeFile(t, filepath.Join(src, "site.yaml"), "title: Gone\n")
	writeFile(t, filepath.Join(src, "content", "README.md"), "# Home\n\n[A](a.md)\n")
	writeFile(t, filepath.Join(src, "content", "a.md"), "# A\n\nText.\n")
	s := NewSession(Options{Source: src, Dest: dest, Now: testNow})
	defer s.Close()
	ctx := context.Background()
	if res, err := s.Build(ctx); err != nil {
		t.Fatal(err, res.Diagnostics)
	}
	before := filepath.Join(t.TempDir(), "before")
	if err := os.CopyFS(before, os.DirFS(dest)); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(src, "content")); err != nil {
		t.Fatal(err)
	}
	res, err := s.Build(ctx)
	if !errors.Is(err, ErrBuildFailed) {
		t.Fatalf("err = %v, diagnostics:\n%s", err, diagStrings(res.Diagnostics))
	}
	want := "content: error: no Markdown files under " + src + string(filepath.Separator) + " (there is no content/ folder) [config]\n"
	if got := diagStrings(res.Diagnostics); got != want {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", got, want)
	}
	compareTrees(t, "content folder removed", before, dest)
}

// A commit that changes no file, a commit packed away and a detached
// checkout are each seen by the next session build, which reads the dates
// again.
func TestSession_GitHistory(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("git is needed")
	}
	src := t.TempDir()
	writeFile(t, filepath.Join(src, "a.md"), "# Alpha\n")
	git := func(date string, args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=Ann", "-c", "user.email=a@example.com"}, args...)...)
		cmd.Dir = src
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("2021-01-01T10:00:00Z", "init", "-q")
	git("2021-01-01T10:00:00Z", "add", ".")
	git("2021-01-01T10:00:00Z", "commit", "-qm", "first")
	s := NewSession(Options{Source: src, Dest: filepath.Join(t.TempDir(), "public")})
	defer s.Close()
	ctx := context.Background()
	updated := func(step, want string) {
		t.Helper()
		res, err := s.Build(ctx)
		if err != nil {
			t.Fatal(err, res.Diagnostics)
		}
		if got := res.Site.PageByPath("a.md").Updated.Format(time.DateOnly); got != want {
			t.Errorf("%s: a.md updated %s, want %s", step, got, want)
		}
	}
	updated("first build", "2021-01-01")
	writeFile(t, filepath.Join(src, "a.md"), "# Alpha\n\nMore.\n")
	updated("an edit", "2021-01-01")
	git("2022-02-02T10:00:00Z", "commit", "-qam", "second")
	updated("a commit", "2022-02-02")
	git("2022-02-02T10:00:00Z", "pack-refs", "--all")
	git("2023-03-03T10:00:00Z", "commit", "-q", "--allow-empty", "-m", "third")
	updated("a commit after pack-refs", "2022-02-02")
	git("2023-03-03T10:00:00Z", "checkout", "-q", "--detach", "HEAD~2")
	updated("a detached checkout", "2021-01-01")
}

// TestSession_BodyCapAfterEdit: a word past the indexed body's cap is not
// found after the full build, nor after an edit of the page: incremental
// updates index a page exactly as the full build does.
func TestSession_BodyCapAfterEdit(t *testing.T) {
	src := t.TempDir()
	filler := strings.Repeat("Plain words about meetings and channels. ", search.MaxBodyBytes/40+200)
	page := func(title string) string {
		return "# " + title + "\n\n" + filler + "\n\nzanzibarword\n"
	}
	writeFile(t, filepath.Join(src, "big.md"), page("Big"))
	s := NewSession(Options{Source: src, Dest: filepath.Join(t.TempDir(), "public"), Now: testNow, NoStaticSearch: true})
	defer s.Close()
	ctx := context.Background()
	hits := func(when string) int {
		t.Helper()
		res, err := search.Search(ctx, s.Index(), search.Request{Query: "zanzibarword "})
		if err != nil {
			t.Fatal(when, err)
		}
		return len(res.Hits)
	}
	if _, err := s.Build(ctx); err != nil {
		t.Fatal(err)
	}
	if n := hits("full build"); n != 0 {
		t.Fatalf("full build: a word past the cap found on %d pages", n)
	}
	writeFile(t, filepath.Join(src, "big.md"), page("Big, edited"))
	if _, err := s.Build(ctx); err != nil {
		t.Fatal(err)
	}
	if n := hits("after an edit"); n != 0 {
		t.Errorf("after an edit: a word past the cap found on %d pages", n)
	}
}

// TestSession_StaticSearchIncremental: kb build --watch updates the static
// search bundle in place, and after each edit (of a body, a title, tags),
// addition and removal it holds exactly the files a fresh build writes,
// byte for byte; an edit, addition or removal of one page rewrites a few
// of its files, not all of them.
func TestSession_StaticSearchIncremental(t *testing.T) {
	src := t.TempDir()
	dest := filepath.Join(t.TempDir(), "public")
	words := strings.Fields("alpha bravo charlie delta echo foxtrot golf hotel india juliett kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu")
	page := func(i int, title, extra string) string {
		var b strings.Builder
		fmt.Fprintf(&b, "---\ntitle: %s\nsummary: About %s and %s.\ntags: [%s]\n---\n\n## %s notes\n\n", title, words[i%26], words[(i+3)%26], words[i%5], words[(i+7)%26])
		for j := range 40 {
			fmt.Fprintf(&b, "The %s%d %s check-in with %s%d. ", words[(i+j)%26], j, words[(i*j)%26], words[(j*7)%26], i)
		}
		b.WriteString(extra + "\n")
		return b.String()
	}
	writeFile(t, filepath.Join(src, "site.yaml"), "title: Static\n")
	// 42 pages: one more or one less keeps the static bundle's table of
	// page numbers the same size (see search/static_slots.go).
	for i := range 42 {
		writeFile(t, filepath.Join(src, fmt.Sprintf("p%02d.md", i)), page(i, fmt.Sprintf("Page %s %d", words[i%26], i), ""))
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := builtSession(t, Options{Source: src, Dest: dest, Now: now})
	ctx := context.Background()
	bundle := filepath.Join(dest, filepath.FromSlash(layout.StaticSearchDir))
	steps := []struct {
		name string
		do   func()
		most int // files written at most, or 0
	}{
		{"body edit", func() {
			writeFile(t, filepath.Join(src, "p07.md"), page(7, "Page hotel 7", "A zeppelinword appears."))
		}, 12},
		{"title edit", func() {
			writeFile(t, filepath.Join(src, "p07.md"), page(7, "Retitled hotel page", "A zeppelinword appears."))
		}, 0},
		{"tags edit", func() {
			p := page(7, "Retitled hotel page", "A zeppelinword appears.")
			writeFile(t, filepath.Join(src, "p07.md"), strings.Replace(p, "tags: ["+words[7%5]+"]", "tags: [zulu, "+words[7%5]+"]", 1))
		}, 0},
		// A page added or removed renumbers no other page (or a few), so
		// the postings of the terms it lacks stay as they were.
		{"add", func() { writeFile(t, filepath.Join(src, "p07b.md"), page(41, "Added page", "Quasarword.")) }, 26},
		{"remove", func() { os.Remove(filepath.Join(src, "p03.md")) }, 18},
		{"body edit after removal", func() {
			writeFile(t, filepath.Join(src, "p20.md"), page(20, "Page uniform 20", "Another nebulaword."))
		}, 12},
	}
	for _, st := range steps {
		before := fileInodes(t, bundle)
		st.do()
		if res, err := s.Build(ctx); err != nil {
			t.Fatal(st.name, err, res.Diagnostics)
		}
		fresh := filepath.Join(t.TempDir(), "public")
		if res, err := Build(ctx, Options{Source: src, Dest: fresh, Now: now}); err != nil {
			t.Fatal(st.name, err, res.Diagnostics)
		}
		compareDirs(t, st.name, filepath.Join(fresh, filepath.FromSlash(layout.StaticSearchDir)), bundle)
		after := fileInodes(t, bundle)
		written := 0
		for name, ino := range after {
			if before[name] != ino {
				written++
			}
		}
		if st.most > 0 && written > st.most {
			t.Errorf("%s: %d of the bundle's %d files written, want at most %d", st.name, written, len(after), st.most)
		}
		t.Logf("%s: %d of %d files written", st.name, written, len(after))
	}
}

// fileInodes returns the inode of every file under dir, by relative path:
// a file written again, even with the same bytes, has a new one (files are
// replaced through a rename).
func fileInodes(t *testing.T, dir string) map[string]uint64 {
	t.Helper()
	out := map[string]uint64{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		st, ok := info.Sys().(*syscall.Stat_t)
		if !ok {
			return fmt.Errorf("%s: no inode", p)
		}
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = st.Ino
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestWalkOrder: walkOrder sorts paths the way fs.WalkDir visits them,
// which is not plain string order ("a-b.md" sorts before "a/c.md" as a
// string, after it in a walk).
func TestWalkOrder(t *testing.T) {
	dir := t.TempDir()
	names := []string{"a/c.md", "a-b.md", "a.md", "a/b/z.md", "a/b.md", "ab/x.md", "A.md", "a b/y.md", "é.md", "z.md"}
	for _, n := range names {
		p := filepath.Join(dir, filepath.FromSlash(n))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var walked []string
	err := fs.WalkDir(os.DirFS(dir), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			walked = append(walked, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sorted := slices.Clone(names)
	slices.SortFunc(sorted, walkOrder)
	if !slices.Equal(sorted, walked) {
		t.Errorf("walkOrder:\n%q\nfs.WalkDir:\n%q", sorted, walked)
	}
}

// TestSite_ReplaceInKindGroups: a page replaced in place (a body edit) is
// the one the kind lists computed before hold, not its old version.
func TestSite_ReplaceInKindGroups(t *testing.T) {
	s, diags := loadFS(t, map[string]string{
		"content/a.md": "---\ntitle: A\nkind: symptom\nsignals: [x]\nimpact: Hours lost\nremedies: [b.md]\n---\n\nText.\n",
		"content/b.md": "---\ntitle: B\n---\n\nText.\n",
	})
	if s == nil {
		t.Fatalf("load: %s", diagStrings(diags))
	}
	old := s.byPath["a.md"]
	if old == nil {
		t.Fatalf("no page a.md among %d: %s", len(s.Pages), diagStrings(diags))
	}
	before := s.kindGroups("", "en")
	np := *old
	s.replace(&np)
	for _, gs := range [][]Group{before, s.kindGroups("", "en")} {
		for _, g := range gs {
			for _, p := range g.Pages {
				if p == old {
					t.Errorf("kind %s still lists the replaced page", g.ID)
				}
			}
		}
	}
}

// TestSession_SameSizeEditWithinClockTick: a file rewritten with as many
// bytes within one tick of the file system's clock keeps its size and
// time; the next build still sees the new text.
func TestSession_SameSizeEditWithinClockTick(t *testing.T) {
	src := t.TempDir()
	dest := filepath.Join(t.TempDir(), "public")
	a := filepath.Join(src, "a.md")
	writeFile(t, a, "# Alpha\n\nOne.\n")
	s := NewSession(Options{Source: src, Dest: dest})
	defer s.Close()
	if res, err := s.Build(context.Background()); err != nil {
		t.Fatal(err, res.Diagnostics)
	}
	info, err := os.Stat(a)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, a, "# Alpha\n\nTwo.\n")
	if err := os.Chtimes(a, info.ModTime(), info.ModTime()); err != nil { // the same tick
		t.Fatal(err)
	}
	if res, err := s.Build(context.Background()); err != nil || len(res.Changed) != 1 {
		t.Fatalf("changed %v, err %v", res.Changed, err)
	}
	if got := readFile(t, filepath.Join(dest, "a", "index.html")); !strings.Contains(got, "Two.") {
		t.Error("the page shows the old text")
	}
}

// TestSession_StaticBundleAfterFailedUpdate: an update of the static
// search bundle that cannot write (its folder replaced by a file) fails
// the build; once the folder is back, the next build leaves the bundle
// equal to a fresh build's, though the index already took the failed
// build's change.
func TestSession_StaticBundleAfterFailedUpdate(t *testing.T) {
	src := t.TempDir()
	dest := filepath.Join(t.TempDir(), "public")
	writeFile(t, filepath.Join(src, "site.yaml"), "title: Static\n")
	for i := range 12 {
		writeFile(t, filepath.Join(src, fmt.Sprintf("p%02d.md", i)), fmt.Sprintf("# Page %d\n\nWords of page %d: alpha%d bravo.\n", i, i, i))
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := builtSession(t, Options{Source: src, Dest: dest, Now: now})
	ctx := context.Background()
	bundle := filepath.Join(dest, filepath.FromSlash(layout.StaticSearchDir))
	if err := os.Rename(bundle, bundle+".away"); err != nil {
		t.Fatal(err)
	}
	writeFile(t, bundle, "not a folder")
	writeFile(t, filepath.Join(src, "p03.md"), "# Page 3\n\nNew words: zeppelinword.\n")
	if _, err := s.Build(ctx); err == nil {
		t.Fatal("the build succeeded though the bundle's folder is a file")
	}
	if err := os.Remove(bundle); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(bundle+".away", bundle); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(src, "p07.md"), "# Page 7\n\nOther words: quasarword.\n")
	if res, err := s.Build(ctx); err != nil {
		t.Fatal(err, res.Diagnostics)
	}
	fresh := filepath.Join(t.TempDir(), "public")
	if res, err := Build(ctx, Options{Source: src, Dest: fresh, Now: now}); err != nil {
		t.Fatal(err, res.Diagnostics)
	}
	freshBundle := filepath.Join(fresh, filepath.FromSlash(layout.StaticSearchDir))
	// Every file of the fresh bundle is there with the same bytes (files
	// of the old bundle may stay, named by nothing).
	filepath.WalkDir(freshBundle, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(freshBundle, p)
		got, err := os.ReadFile(filepath.Join(bundle, rel))
		if err != nil {
			t.Errorf("%s: %v", rel, err)
		} else if string(got) != readFile(t, p) {
			t.Errorf("%s differs from a fresh build's", rel)
		}
		return nil
	})
}

// builtSession returns a session of opts that has made its first build,
// closed when the test ends.
func builtSession(t *testing.T, opts Options) *Session {
	t.Helper()
	s := NewSession(opts)
	t.Cleanup(func() { s.Close() })
	if res, err := s.Build(context.Background()); err != nil {
		t.Fatal(err, res.Diagnostics)
	}
	return s
}

// TestSession_OwnFolderTakesReservedName: a review/ folder added to a site
// moves kb's review page to /_kb-site/review/ and every link to it, and
// taking it away moves the page back, as a fresh build does.
func TestSession_OwnFolderTakesReservedName(t *testing.T) {
	src := t.TempDir()
	dest := filepath.Join(t.TempDir(), "public")
	write := func(name, data string) func() {
		return func() { writeFile(t, filepath.Join(src, filepath.FromSlash(name)), data) }
	}
	write("README.md", "# Home\n\n[docs](docs/)\n")()
	write("docs/a.md", "---\ntitle: Alpha\nreview_by: 2025-06-01\ntags: [x]\n---\n\nOne.\n")()
	runSession(t, src, dest, []sessionStep{
		{"review folder added", write("review/README.md", "# Code review\n\nHow we review.\n"), false, false},
		{"review folder page edited", write("review/README.md", "# Code review\n\nHow we review code.\n"), false, false},
		{"review folder removed", func() { os.RemoveAll(filepath.Join(src, "review")) }, false, false},
	})
	if home := readFile(t, filepath.Join(dest, "index.html")); !strings.Contains(home, `href="/review/"`) {
		t.Error("kb's review page did not come back to /review/")
	}
}

// TestSession_UnreadableFrontMatter: in a folder without site.yaml, a
// page whose front matter is not valid YAML is published with it shown,
// through a session's edits as in a fresh build, and again once fixed.
func TestSession_UnreadableFrontMatter(t *testing.T) {
	src := t.TempDir()
	dest := filepath.Join(t.TempDir(), "public")
	write := func(name, data string) func() {
		return func() { writeFile(t, filepath.Join(src, filepath.FromSlash(name)), data) }
	}
	write("README.md", "# Home\n\n[trace](trace.md) [other](other.md)\n")()
	write("other.md", "# Other\n\nText.\n")()
	runSession(t, src, dest, []sessionStep{
		{"bad front matter added", write("trace.md", "---\nname: t\ndescription: Use it. Trigger phrases: x\n---\n\n## Spans\n\nOne.\n"), false, false},
		{"its body edited", write("trace.md", "---\nname: t\ndescription: Use it. Trigger phrases: x\n---\n\n## Spans\n\nTwo.\n"), false, false},
		{"another page edited", write("other.md", "# Other\n\nMore text.\n"), false, false},
		{"front matter fixed", write("trace.md", "---\nname: t\ndescription: \"Use it. Trigger phrases: x\"\n---\n\n## Spans\n\nTwo.\n"), false, false},
	})
	if page := readFile(t, filepath.Join(dest, "trace", "index.html")); strings.Contains(page, "<pre") || !strings.Contains(page, "Two.") {
		t.Error("the fixed page still shows its front matter, or lost its text")
	}
}

// TestSession_JekyllCollection: edits of a Jekyll collection's pages, a
// page added to it and one removed are seen by a session, whose output
// equals a fresh build's after each.
func TestSession_JekyllCollection(t *testing.T) {
	src := t.TempDir()
	dest := filepath.Join(t.TempDir(), "public")
	write := func(name, data string) func() {
		return func() { writeFile(t, filepath.Join(src, filepath.FromSlash(name)), data) }
	}
	for name, data := range jekyllCollectionSite {
		write(name, data)()
	}
	runSession(t, src, dest, []sessionStep{
		{"collection page edited", write("_pages/docker.md", "---\ntitle: Docker\n---\n\nContainers, edited. [Back](../)\n"), false, false},
		{"collection page added", write("_pages/python.md", "---\ntitle: Python\n---\n\nSee [Docker](../docker/).\n"), false, false},
		{"collection page removed", func() { os.Remove(filepath.Join(src, "_pages", "python.md")) }, false, false},
	})
	if page := readFile(t, filepath.Join(dest, "docker", "index.html")); !strings.Contains(page, "Containers, edited.") {
		t.Error("the edit of the collection's page is not in the output")
	}
}

// TestSession_JekyllConfigEdited: a change of a Jekyll site's _config.yml
// (a collection published, then an exclusion) is seen by a session, whose
// output equals a fresh build's.
func TestSession_JekyllConfigEdited(t *testing.T) {
	src := t.TempDir()
	dest := filepath.Join(t.TempDir(), "public")
	write := func(name, data string) func() {
		return func() { writeFile(t, filepath.Join(src, filepath.FromSlash(name)), data) }
	}
	write("_config.yml", "collections:\n  pages:\n    output: false\n")()
	write("README.md", "# Guide\n\nThe start.\n")()
	write("_pages/docker.md", "---\ntitle: Docker\n---\n\nContainers.\n")()
	runSession(t, src, dest, []sessionStep{
		{"collection published", write("_config.yml", "collections:\n  pages:\n    output: true\n    permalink: /:path/\n"), false, false},
		{"README excluded", write("_config.yml", "exclude: [README.md]\ncollections:\n  pages:\n    output: true\n    permalink: /:path/\n"), false, false},
	})
	if page := readFile(t, filepath.Join(dest, "docker", "index.html")); !strings.Contains(page, "Containers.") {
		t.Error("the collection's page is not published after _config.yml changed")
	}
}
