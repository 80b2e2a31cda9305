package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"kb/internal/layout"
	"kb/internal/testkit"
	"kb/search"
	"kb/server"
)

// svWait polls cond until it holds, failing the test after a deadline
// generous enough for a burst of rebuilds under the race detector on a
// busy 2-core machine.
func svWait(t testing.TB, what string, cond func() bool) {
	t.Helper()
	svWaitFor(t, 90*time.Second, what, cond)
}

func svWaitFor(t testing.TB, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

const svSiteYAML = `title: Test KB
base_url: https://kb.test/
default_language: en
languages:
  - code: en
    name: English
tags: [alpha, beta, gamma]
`

// svSite writes a small site and returns its folder.
func svSite(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	svWrite(t, filepath.Join(dir, "site.yaml"), svSiteYAML)
	svWrite(t, filepath.Join(dir, "content", "README.md"), "---\ntitle: Start here\ntags: [alpha]\n---\n\nWelcome to the test site.\n")
	svWrite(t, filepath.Join(dir, "content", "guides", "one.md"), svPage("Guide one", "beta", "The first guide."))
	svWrite(t, filepath.Join(dir, "content", "guides", "two.md"), svPage("Guide two", "gamma", "The second guide."))
	return dir
}

func svPage(title, tag, body string) string {
	return fmt.Sprintf("---\ntitle: %s\nsummary: About %s.\ntags: [%s]\n---\n\n## Steps\n\n%s\n", title, strings.ToLower(title), tag, body)
}

func svWrite(t testing.TB, p, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func svMust(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// svServer is one kb serve running in the test process.
type svServer struct {
	url, dir, dest string
	out, errs      *testkit.Buffer
}

var svServingRE = regexp.MustCompile(`kb: serving (?:\S+ at )?(http://\S+)`)

// svStart runs kb serve on dir until the test ends; the output goes to a
// folder of the test's, on a free port.
func svStart(t testing.TB, dir string, args ...string) *svServer {
	t.Helper()
	s := &svServer{dir: dir, dest: filepath.Join(t.TempDir(), "public"), out: &testkit.Buffer{}, errs: &testkit.Buffer{}}
	if i := slices.Index(args, "--dest"); i >= 0 {
		s.dest = args[i+1]
	}
	ctx, cancel := context.WithCancel(context.Background())
	code := make(chan int, 1)
	argv := append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)
	if dir != "" {
		argv = append(argv, "--source", dir)
	}
	if !slices.Contains(args, "--dest") {
		argv = append(argv, "--dest", s.dest)
	}
	go func() { code <- Run(ctx, argv, s.out, s.errs) }()
	t.Cleanup(func() {
		cancel()
		select {
		case c := <-code:
			if c != 0 {
				t.Errorf("kb serve exited with %d: %s", c, s.errs)
			}
		case <-time.After(20 * time.Second):
			t.Errorf("kb serve did not stop")
		}
	})
	svWaitFor(t, 3*time.Minute, "kb serve to start", func() bool {
		select {
		case c := <-code:
			t.Fatalf("kb serve exited with %d:\n%s\n%s", c, s.out, s.errs)
		default:
		}
		m := svServingRE.FindStringSubmatch(s.out.String())
		if m != nil {
			s.url = m[1]
		}
		return m != nil
	})
	return s
}

// svClient gives every request of the tests a deadline.
var svClient = &http.Client{Timeout: 30 * time.Second}

func svGet(t testing.TB, url string) (int, string) {
	t.Helper()
	res, err := svClient.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

// waitPage waits until the page at path (relative to the site) answers 200
// and contains text.
func (s *svServer) waitPage(t testing.TB, path, text string) string {
	t.Helper()
	var body string
	svWait(t, fmt.Sprintf("%s to show %q", path, text), func() bool {
		var code int
		code, body = svGet(t, s.url+path)
		return code == 200 && strings.Contains(body, text)
	})
	return body
}

// lines counts the output lines containing s.
func (s *svServer) lines(sub string) int {
	return strings.Count(s.out.String(), sub)
}

// svEvents reads the live-reload stream.
type svEvents struct{ ch chan [2]string }

func (s *svServer) events(t testing.TB) *svEvents {
	t.Helper()
	res, err := http.Get(s.url + "_kb/events")
	svMust(t, err)
	e := &svEvents{ch: make(chan [2]string, 64)}
	go func() {
		defer close(e.ch)
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(nil, 1<<20)
		var name, data string
		for sc.Scan() {
			switch line := sc.Text(); {
			case strings.HasPrefix(line, "event: "):
				name = line[7:]
			case strings.HasPrefix(line, "data: "):
				data = line[6:]
			case line == "" && name != "":
				e.ch <- [2]string{name, data}
				name, data = "", ""
			}
		}
	}()
	t.Cleanup(func() { res.Body.Close() })
	return e
}

// next returns the next event named one of names, skipping others.
func (e *svEvents) next(t testing.TB, names ...string) (string, string) {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case ev, ok := <-e.ch:
			if !ok {
				t.Fatal("event stream ended")
			}
			if slices.Contains(names, ev[0]) {
				return ev[0], ev[1]
			}
		case <-timeout:
			t.Fatalf("no %v event within 30s", names)
		}
	}
}

// svBuildFresh runs kb build on dir with the server's base URL.
func svBuildFresh(t testing.TB, dir, baseURL string) string {
	t.Helper()
	dest := filepath.Join(t.TempDir(), "fresh")
	var out, errs bytes.Buffer
	if code := Run(context.Background(), []string{"build", "--source", dir, "--dest", dest, "--base-url", baseURL}, &out, &errs); code != 0 {
		t.Fatalf("kb build: %d\n%s%s", code, out.String(), errs.String())
	}
	return dest
}

// svTree reads every file of an output folder except the search index.
func svTree(t testing.TB, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel == "_kb" {
				return filepath.SkipDir
			}
			return nil
		}
		data, err := os.ReadFile(p)
		files[rel] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// svDiff lists the differences between two output folders.
func svDiff(a, b map[string]string) []string {
	var out []string
	for p, x := range a {
		y, ok := b[p]
		switch {
		case !ok:
			out = append(out, "only served: "+p)
		case x != y:
			out = append(out, "differs: "+p)
		}
	}
	for p := range b {
		if _, ok := a[p]; !ok {
			out = append(out, "only in a fresh build: "+p)
		}
	}
	slices.Sort(out)
	return out
}

// converge waits until the served output folder equals a fresh build of
// the same source, and checks that the server serves exactly those files
// (the HTML with the live-reload script added).
func (s *svServer) converge(t testing.TB) {
	t.Helper()
	freshDir := svBuildFresh(t, s.dir, s.url)
	fresh := svTree(t, freshDir)
	var diffs []string
	var served map[string]string
	deadline := time.Now().Add(30 * time.Second)
	for {
		served = svTree(t, s.dest)
		diffs = svDiff(served, fresh)
		if len(diffs) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if len(diffs) > 0 {
		// The differences come last: a CI log shows the end of a failure.
		var lines []string
		for _, d := range diffs[:min(len(diffs), 30)] {
			if p, ok := strings.CutPrefix(d, "differs: "); ok {
				d += "\n" + testkit.FirstDiff(served[p], fresh[p])
			}
			lines = append(lines, d)
		}
		t.Fatalf("output:\n%s%s\nserved site differs from a fresh build in %d files:\n%s", s.out, s.errs, len(diffs), strings.Join(lines, "\n"))
	}
	s.sameSearch(t, filepath.Join(freshDir, filepath.FromSlash(layout.IndexDir)))
	tag := regexp.MustCompile(`<script src="/_kb/live\.js" data-build="\d+" defer></script>\n`)
	for p, want := range fresh {
		if !strings.HasSuffix(p, ".html") || strings.HasPrefix(p, "404") {
			continue
		}
		_, body := svGet(t, s.url+strings.TrimSuffix(p, "index.html"))
		if got := tag.ReplaceAllString(body, ""); got != want {
			t.Errorf("GET %s differs from the fresh build's %s", strings.TrimSuffix(p, "index.html"), p)
		}
	}
}

// svSearch asks the server's search endpoint.
func (s *svServer) search(t testing.TB, q string) search.Result {
	t.Helper()
	code, body := svGet(t, s.url+"_search?limit="+fmt.Sprint(search.MaxLimit)+"&q="+url.QueryEscape(q))
	var res search.Result
	if code != 200 || json.Unmarshal([]byte(body), &res) != nil {
		t.Fatalf("/_search?q=%s: %d %s", q, code, body)
	}
	return res
}

func svURLs(hits []search.Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.URL)
	}
	slices.Sort(out)
	return out
}

// sameSearch checks that the served search finds what a fresh build's
// index finds.
func (s *svServer) sameSearch(t testing.TB, freshIndex string) {
	t.Helper()
	idx, err := search.Open(freshIndex)
	svMust(t, err)
	defer idx.Close()
	for _, q := range []string{"page", "body", "guide", "steps", "welcome", "about"} {
		want, err := search.Search(context.Background(), idx, search.Request{Query: q, Limit: search.MaxLimit})
		svMust(t, err)
		got := s.search(t, q)
		if got.Total != want.Total || (want.Total <= uint64(search.MaxLimit) && !slices.Equal(svURLs(got.Hits), svURLs(want.Hits))) {
			t.Errorf("search %q: served %d %v, fresh build %d %v", q, got.Total, svURLs(got.Hits), want.Total, svURLs(want.Hits))
		}
	}
}

// Search follows each change: a new word is found, a renamed page under
// its new URL, a deleted one no more.
func TestServe_SearchFollowsEdits(t *testing.T) {
	dir := svSite(t)
	s := svStart(t, dir)
	hits := func(q string) []string { return svURLs(s.search(t, q).Hits) }
	if got := hits("zebrafish"); len(got) != 0 {
		t.Fatalf("zebrafish found before it was written: %v", got)
	}
	two := filepath.Join(dir, "content", "guides", "two.md")
	svWrite(t, two, svPage("Guide two", "gamma", "A zebrafish swims here."))
	svWait(t, "zebrafish in /guides/two/", func() bool { return slices.Equal(hits("zebrafish"), []string{"/guides/two/"}) })
	svMust(t, os.Rename(two, filepath.Join(dir, "content", "guides", "three.md")))
	svWait(t, "zebrafish in /guides/three/", func() bool { return slices.Equal(hits("zebrafish"), []string{"/guides/three/"}) })
	svMust(t, os.MkdirAll(filepath.Join(dir, "content", "more", "deep"), 0o755))
	svWrite(t, filepath.Join(dir, "content", "more", "deep", "fish.md"), svPage("Fish", "beta", "Another zebrafish."))
	svWait(t, "zebrafish in a new folder", func() bool { return len(hits("zebrafish")) == 2 })
	// A broken build keeps the last good index.
	svWrite(t, filepath.Join(dir, "content", "guides", "three.md"), "---\ntitle: [broken\n---\n")
	svWait(t, "the failed build", func() bool { return strings.Contains(s.out.String(), "build failed") })
	if got := hits("zebrafish"); len(got) != 2 {
		t.Errorf("during a failed build search finds %v", got)
	}
	svMust(t, os.RemoveAll(filepath.Join(dir, "content", "guides")))
	svWait(t, "zebrafish gone with its folder", func() bool { return slices.Equal(hits("zebrafish"), []string{"/more/deep/fish/"}) })
	s.converge(t)
}

// The invariant: after a random sequence of edits, creations, renames and
// deletions made while kb serve runs, the served site is byte-identical to
// a fresh kb build of the same files. The site is in English and Dutch:
// pages, folder index pages (README.nl.md) and translations come and go in
// both.
func TestServe_IncrementalEqualsFullBuild(t *testing.T) {
	for _, seed := range []uint64{1, 2} {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) {
			dir := svSite(t)
			svWrite(t, filepath.Join(dir, "site.yaml"), strings.Replace(svSiteYAML, "    name: English\n",
				"    name: English\n  - code: nl\n    name: Nederlands\n    sections: {guides: Handleidingen}\n", 1))
			svWrite(t, filepath.Join(dir, "content", "guides", "one.md"), "---\ntitle: Guide one\ntranslation_key: one\ntags: [beta]\n---\n\nThe first guide.\n")
			svWrite(t, filepath.Join(dir, "content", "guides", "een.md"), "---\ntitle: Handleiding een\nlang: nl\ntranslation_key: one\ntags: [beta]\n---\n\nDe eerste.\n")
			svWrite(t, filepath.Join(dir, "content", "guides", "README.nl.md"), "# Handleidingen\n\nAlle handleidingen.\n")
			s := svStart(t, dir)
			rng := rand.New(rand.NewPCG(seed, 7))
			ops := newSvOps(t, filepath.Join(dir, "content"), rng)
			var log []string
			for range 40 {
				log = append(log, ops.step())
				time.Sleep(time.Duration(rng.IntN(120)) * time.Millisecond) // interleave with the rebuilds
			}
			svWrite(t, filepath.Join(dir, "content", "zz-final.md"), svPage("Final", "alpha", "The end marker quokkafinal."))
			s.waitPage(t, "zz-final/", "quokkafinal")
			t.Logf("operations: %s", strings.Join(log, "; "))
			s.converge(t)
		})
	}
}

// svOps applies random changes to a content folder, the way writers,
// editors and Git do.
type svOps struct {
	t       testing.TB
	content string
	rng     *rand.Rand
	n       int
}

func newSvOps(t testing.TB, content string, rng *rand.Rand) *svOps {
	return &svOps{t: t, content: content, rng: rng}
}

// pages lists the Markdown pages that may be changed (not README.md, which
// other pages link to).
func (o *svOps) pages() []string {
	var out []string
	_ = filepath.WalkDir(o.content, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") && p != filepath.Join(o.content, "README.md") {
			out = append(out, p)
		}
		return nil
	})
	return out
}

func (o *svOps) folders() []string {
	var out []string
	_ = filepath.WalkDir(o.content, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() && p != o.content {
			out = append(out, p)
		}
		return nil
	})
	return out
}

func (o *svOps) pick(list []string) string {
	if len(list) == 0 {
		return ""
	}
	return list[o.rng.IntN(len(list))]
}

// page is a new page's source: every third one in Dutch.
func (o *svOps) page() string {
	o.n++
	tags := []string{"alpha", "beta", "gamma"}
	p := svPage(fmt.Sprintf("Page %d", o.n), tags[o.rng.IntN(3)], fmt.Sprintf("Body %d of %d words.", o.n, o.rng.IntN(1000)))
	if o.n%3 == 0 {
		p = strings.Replace(p, "---\n", "---\nlang: nl\n", 1)
	}
	return p
}

// step applies one random change and names it.
func (o *svOps) step() string {
	t := o.t
	rel := func(p string) string { r, _ := filepath.Rel(o.content, p); return r }
	newName := func(dir string) string { o.n++; return filepath.Join(dir, fmt.Sprintf("p%d.md", o.n)) }
	p := o.pick(o.pages())
	f := o.pick(o.folders())
	switch k := o.rng.IntN(13); {
	case k == 0 && p != "":
		svWrite(t, p, o.page())
		return "write " + rel(p)
	case k == 1 && p != "": // vim
		probe := filepath.Join(filepath.Dir(p), "4913")
		svWrite(t, probe, "")
		svMust(t, os.Remove(probe))
		svMust(t, os.Rename(p, p+"~"))
		svWrite(t, p, o.page())
		svMust(t, os.Remove(p+"~"))
		return "vim-save " + rel(p)
	case k == 2 && p != "": // JetBrains safe write
		svWrite(t, p+"___jb_tmp___", o.page())
		svMust(t, os.Rename(p, p+"___jb_old___"))
		svMust(t, os.Rename(p+"___jb_tmp___", p))
		svMust(t, os.Remove(p+"___jb_old___"))
		return "jetbrains-save " + rel(p)
	case k == 3 || p == "":
		dir := o.content
		if f != "" && o.rng.IntN(2) == 0 {
			dir = f
		}
		q := newName(dir)
		if o.n%5 == 0 { // the folder's Dutch index page
			q = filepath.Join(dir, "README.nl.md")
		}
		svWrite(t, q, o.page())
		return "create " + rel(q)
	case k == 4:
		svMust(t, os.Remove(p))
		return "delete " + rel(p)
	case k == 5:
		dir := filepath.Dir(p)
		if f != "" && o.rng.IntN(2) == 0 {
			dir = f
		}
		q := newName(dir)
		svMust(t, os.Rename(p, q))
		return "rename " + rel(p) + " " + rel(q)
	case k == 6 && f != "":
		o.n++
		g := filepath.Join(filepath.Dir(f), fmt.Sprintf("f%d", o.n))
		svMust(t, os.Rename(f, g))
		return "rename folder " + rel(f) + " " + rel(g)
	case k == 7: // mkdir -p with files, as git checkout does
		o.n++
		d := filepath.Join(o.content, fmt.Sprintf("f%d", o.n), "deeper")
		svMust(t, os.MkdirAll(d, 0o755))
		svWrite(t, newName(d), o.page())
		svWrite(t, newName(filepath.Dir(d)), o.page())
		return "mkdir-p " + rel(d)
	case k == 8: // a whole tree moved in at once, as cp -r does
		o.n++
		tmp := filepath.Join(o.content, fmt.Sprintf(".incoming%d", o.n))
		svWrite(t, newName(filepath.Join(tmp, "x")), o.page())
		svWrite(t, newName(tmp), o.page())
		g := filepath.Join(o.content, fmt.Sprintf("f%d", o.n))
		svMust(t, os.Rename(tmp, g))
		return "move-in " + rel(g)
	case k == 9 && f != "":
		svMust(t, os.RemoveAll(f))
		return "rm -r " + rel(f)
	case k == 10:
		q := filepath.Join(o.content, "files", fmt.Sprintf("note%d.txt", o.rng.IntN(3)))
		svWrite(t, q, fmt.Sprint("attachment ", o.rng.IntN(100)))
		return "static " + rel(q)
	case k == 11:
		old := time.Now().Add(-time.Hour)
		svMust(t, os.Chtimes(p, old, old))
		return "touch " + rel(p)
	default:
		svMust(t, os.Chmod(p, 0o600))
		svMust(t, os.Chmod(p, 0o644))
		return "chmod " + rel(p)
	}
}

// Each editor's way of saving shows up in the served page, and its
// temporary files never do.
func TestServe_EditorSaves(t *testing.T) {
	dir := svSite(t)
	s := svStart(t, dir)
	p := filepath.Join(dir, "content", "guides", "two.md")
	saves := []struct {
		name string
		save func(text string)
	}{
		{"truncate-write", func(text string) { svWrite(t, p, text) }},
		{"vim", func(text string) {
			probe := filepath.Join(filepath.Dir(p), "4913")
			svWrite(t, probe, "")
			svMust(t, os.Remove(probe))
			svMust(t, os.Rename(p, p+"~"))
			svWrite(t, p, text)
			svMust(t, os.Chmod(p, 0o644))
			svMust(t, os.Remove(p+"~"))
		}},
		{"jetbrains", func(text string) {
			svWrite(t, p+"___jb_tmp___", text)
			svMust(t, os.Rename(p, p+"___jb_old___"))
			svMust(t, os.Rename(p+"___jb_tmp___", p))
			svMust(t, os.Remove(p+"___jb_old___"))
		}},
		{"rename-over", func(text string) {
			tmp := filepath.Join(filepath.Dir(p), ".two.md.tmp.1234")
			svWrite(t, tmp, text)
			svMust(t, os.Rename(tmp, p))
		}},
		{"backup-left-behind", func(text string) {
			svWrite(t, p+"~", "stale backup")
			svWrite(t, filepath.Join(filepath.Dir(p), ".two.md.swp"), "swap")
			svWrite(t, p, text)
		}},
	}
	for i, sv := range saves {
		word := fmt.Sprintf("savedword%d", i)
		sv.save(svPage("Guide two", "gamma", "Saved by "+sv.name+": "+word+"."))
		s.waitPage(t, "guides/two/", word)
		svWait(t, "the rebuild line", func() bool { return s.lines("rebuilt") >= i+1 })
	}
	// One rebuild per save; a chmod alone changes nothing.
	before := len(saves)
	svMust(t, os.Chmod(p, 0o600))
	svWrite(t, filepath.Join(dir, "content", "guides", "three.md"), svPage("Guide three", "beta", "Sentinel."))
	s.waitPage(t, "guides/three/", "Sentinel")
	svWait(t, "the sentinel's rebuild line", func() bool { return strings.Contains(s.out.String(), "content/guides/three.md") })
	if got := s.lines("rebuilt"); got != before+1 {
		t.Errorf("%d rebuilds for %d saves, a chmod and a new page, want %d:\n%s", got, len(saves), before+1, s.out)
	}
	for f := range svTree(t, s.dest) {
		if strings.Contains(f, "4913") || strings.Contains(f, "~") || strings.Contains(f, "jb_") || strings.Contains(f, "swp") || strings.Contains(f, "tmp") {
			t.Errorf("temporary file published: %s", f)
		}
	}
	s.converge(t)
}

// A12: a broken file keeps the last good site served and shows the error
// to every open page; the fix reloads them. Bad YAML, a broken link, a
// broken template and a broken site.yaml all do.
func TestServe_ErrorThenFix(t *testing.T) {
	dir := svSite(t)
	s := svStart(t, dir)
	ev := s.events(t)
	if name, data := ev.next(t, "hello", "error"); name != "hello" || !strings.Contains(data, `"id":1`) {
		t.Fatalf("first event %s %s", name, data)
	}
	one := filepath.Join(dir, "content", "guides", "one.md")
	layout := filepath.Join(dir, "theme", "layouts", "page.html")
	moved := filepath.Join(t.TempDir(), "content")
	cases := []struct {
		name      string
		brk, fix  func()
		wantError string
		page      string
		fixed     string
	}{
		{"front matter", func() { svWrite(t, one, "---\ntitle: [unclosed\n---\nBroken.\n") },
			func() { svWrite(t, one, svPage("Guide one", "beta", "Fixed front matter.")) },
			`"file":"content/guides/one.md","line":`, "guides/one/", "Fixed front matter"},
		{"broken link", func() { svWrite(t, one, svPage("Guide one", "beta", "See [gone](missing.md).")) },
			func() { svWrite(t, one, svPage("Guide one", "beta", "Link fixed.")) },
			`"rule":"broken-link"`, "guides/one/", "Link fixed"},
		{"template", func() { svWrite(t, layout, `{{.NoSuchField}}`) },
			func() { svMust(t, os.RemoveAll(filepath.Join(dir, "theme"))) },
			`"rule":"template"`, "guides/one/", "Link fixed"},
		{"content folder removed", func() { svMust(t, os.Rename(filepath.Join(dir, "content"), moved)) },
			func() { svMust(t, os.Rename(moved, filepath.Join(dir, "content"))) },
			`no Markdown files under`, "guides/one/", "Link fixed"},
		{"site.yaml", func() { svWrite(t, filepath.Join(dir, "site.yaml"), svSiteYAML+"languages: [\n") },
			func() {
				svWrite(t, filepath.Join(dir, "site.yaml"), strings.Replace(svSiteYAML, "Test KB", "Renamed KB", 1))
			},
			`"file":"site.yaml"`, "", "Renamed KB"},
	}
	for _, c := range cases {
		_, before := svGet(t, s.url+"guides/one/")
		c.brk()
		name, data := ev.next(t, "error", "reload")
		if name != "error" || !strings.Contains(data, c.wantError) {
			t.Fatalf("%s: got %s %s, want an error event with %s", c.name, name, data, c.wantError)
		}
		// The last good page is still served, with the live-reload script
		// that shows the overlay.
		code, body := svGet(t, s.url+"guides/one/")
		if code != 200 || body != before {
			t.Errorf("%s: the last good page is not served during the error: %d", c.name, code)
		}
		if !strings.Contains(s.out.String(), "build failed") || !strings.Contains(s.errs.String(), "error:") {
			t.Errorf("%s: the terminal does not show the failure:\n%s%s", c.name, s.out, s.errs)
		}
		c.fix()
		if name, data := ev.next(t, "error", "reload"); name != "reload" {
			t.Fatalf("%s: after the fix: %s %s", c.name, name, data)
		}
		s.waitPage(t, c.page, c.fixed)
	}
	s.converge(t)
}

// C1: pages requested while kb serve rebuilds are always whole: the old
// version or the new one, never missing or cut short.
func TestServe_NoPartialPagesDuringRebuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("load test: skipped with -short")
	}
	dir := svSite(t)
	s := svStart(t, dir)
	one := filepath.Join(dir, "content", "guides", "one.md")
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var bad sync.Map
	for i, page := range []string{"", "guides/", "guides/one/", "guides/two/", "tags/"} {
		wg.Go(func() {
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				res, err := http.Get(s.url + page)
				if err != nil {
					bad.Store(page, err.Error())
					return
				}
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != 200 || !strings.HasSuffix(strings.TrimSpace(string(body)), "</html>") {
					bad.Store(fmt.Sprint(page, i, n), fmt.Sprintf("%d, %d bytes", res.StatusCode, len(body)))
				}
			}
		})
	}
	for i := range 20 {
		title := "Guide one"
		if i%2 == 1 {
			title = fmt.Sprintf("Guide one, take %d", i) // changes the lists too
		}
		svWrite(t, one, svPage(title, "beta", strings.Repeat(fmt.Sprintf("Revision %d. ", i), 500)))
		s.waitPage(t, "guides/one/", fmt.Sprintf("Revision %d.", i))
	}
	close(stop)
	wg.Wait()
	bad.Range(func(k, v any) bool {
		t.Errorf("GET %v: %v", k, v)
		return true
	})
}

// A11: an output folder inside the site folder causes no rebuild loop.
func TestServe_NoRebuildLoop(t *testing.T) {
	dir := svSite(t)
	s := svStart(t, dir, "--dest", filepath.Join(dir, "public"))
	svWrite(t, filepath.Join(dir, "content", "guides", "two.md"), svPage("Guide two", "gamma", "Edited once."))
	s.waitPage(t, "guides/two/", "Edited once")
	svWrite(t, filepath.Join(dir, "content", "sentinel.md"), svPage("Sentinel", "alpha", "Sentinel."))
	svWait(t, "the sentinel's rebuild", func() bool { return strings.Contains(s.out.String(), "content/sentinel.md") })
	if n := s.lines("rebuilt"); n != 2 {
		t.Errorf("%d rebuilds for two changes, want 2:\n%s", n, s.out)
	}
}

// A4: 500 new pages at once (a branch switch) take a few rebuilds, not
// hundreds, and the result is right.
func TestServe_Burst(t *testing.T) {
	if testing.Short() {
		t.Skip("load test: skipped with -short")
	}
	dir := svSite(t)
	s := svStart(t, dir)
	for i := range 500 {
		svWrite(t, filepath.Join(dir, "content", fmt.Sprintf("batch%d", i%10), fmt.Sprintf("p%03d.md", i)), svPage(fmt.Sprintf("Batch page %d", i), "beta", fmt.Sprintf("Number %d.", i)))
	}
	s.waitPage(t, "batch9/p499/", "Number 499.")
	s.converge(t)
	if n := s.lines("rebuilt"); n > 4 {
		t.Errorf("500 writes took %d rebuilds:\n%s", n, s.out)
	}
}

// A10: --poll finds changes without file system events.
func TestServe_PollMode(t *testing.T) {
	dir := svSite(t)
	s := svStart(t, dir, "--poll", "50ms")
	if !strings.Contains(s.out.String(), "polling") {
		t.Errorf("start-up line does not say polling: %s", s.out)
	}
	svWrite(t, filepath.Join(dir, "content", "guides", "two.md"), svPage("Guide two", "gamma", "Polled edit."))
	s.waitPage(t, "guides/two/", "Polled edit")
	svMust(t, os.Rename(filepath.Join(dir, "content", "guides"), filepath.Join(dir, "content", "howto")))
	s.waitPage(t, "howto/two/", "Polled edit")
	s.converge(t)
}

// Serving a finished build: no watching, no live reload, the site under its
// base path, and a new build picked up without a restart.
func TestServe_Production(t *testing.T) {
	dir := svSite(t)
	svWrite(t, filepath.Join(dir, "site.yaml"), strings.Replace(svSiteYAML, "https://kb.test/", "https://kb.test/kb/", 1))
	dest := filepath.Join(t.TempDir(), "public")
	if code, _, errOut := ckRun(t, "build", "--source", dir, "--dest", dest); code != 0 {
		t.Fatalf("kb build: %s", errOut)
	}
	s := svStart(t, dir, "--no-build", "--dest", dest)
	if !strings.HasSuffix(s.url, "/kb/") {
		t.Fatalf("served at %s, want the base path /kb/", s.url)
	}
	body := s.waitPage(t, "guides/one/", "Guide one")
	if strings.Contains(body, "live.js") {
		t.Error("production page has the live-reload script")
	}
	if code, _ := svGet(t, s.url+"_kb/events"); code != 404 {
		t.Errorf("production /_kb/events = %d", code)
	}
	if got := svURLs(s.search(t, "guide").Hits); !slices.Equal(got, []string{"/kb/guides/one/", "/kb/guides/two/"}) {
		t.Errorf("production search: %v", got)
	}
	// Edits are not watched…
	svWrite(t, filepath.Join(dir, "content", "guides", "one.md"), svPage("Guide one", "beta", "Second release."))
	// …but a new kb build into the same folder is served at once.
	var out, errs bytes.Buffer
	if code := Run(context.Background(), []string{"build", "--source", dir, "--dest", dest}, &out, &errs); code != 0 {
		t.Fatalf("kb build: %s", errs.String())
	}
	s.waitPage(t, "guides/one/", "Second release")
	svWait(t, "the new index", func() bool { return len(s.search(t, "release").Hits) == 1 })
	// SIGHUP re-opens explicitly.
	svMust(t, syscall.Kill(os.Getpid(), syscall.SIGHUP))
	svWait(t, "the re-open line", func() bool { return strings.Contains(s.out.String(), "re-opened") })
}

// kb serve --no-watch is the preview without watching: built once into a
// folder of its own and served at the root on loopback, with no live
// reload and no rebuild on edits.
func TestServe_NoWatch(t *testing.T) {
	dir := svSite(t)
	svWrite(t, filepath.Join(dir, "site.yaml"), strings.Replace(svSiteYAML, "https://kb.test/", "https://kb.test/kb/", 1))
	t.Chdir(dir)
	out, errs := &testkit.Buffer{}, &testkit.Buffer{}
	ctx, cancel := context.WithCancel(context.Background())
	code := make(chan int, 1)
	go func() { code <- Run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--no-watch"}, out, errs) }()
	defer func() {
		cancel()
		if c := <-code; c != 0 {
			t.Errorf("kb serve exited with %d: %s", c, errs)
		}
	}()
	var url string
	svWait(t, "kb serve to start", func() bool {
		m := svServingRE.FindStringSubmatch(out.String())
		if m != nil {
			url = m[1]
		}
		return m != nil
	})
	if !regexp.MustCompile(`^http://127\.0\.0\.1:\d+/$`).MatchString(url) {
		t.Errorf("served at %s, want the root of a loopback address", url)
	}
	if !strings.Contains(out.String(), "not watching") {
		t.Errorf("no word about not watching: %s", out)
	}
	status, body := svGet(t, url+"guides/one/")
	if status != 200 || !strings.Contains(body, "The first guide.") {
		t.Fatalf("guides/one/: %d\n%s", status, body)
	}
	if strings.Contains(body, "live.js") {
		t.Error("the page has the live-reload script")
	}
	if _, err := os.Stat(filepath.Join(dir, "public")); !os.IsNotExist(err) {
		t.Errorf("kb serve --no-watch wrote ./public: %v", err)
	}
	// A watching preview of the same folder is the control: once it shows
	// the edit, a watcher would have seen it.
	watching := svStart(t, dir)
	svWrite(t, filepath.Join(dir, "content", "guides", "one.md"), svPage("Guide one", "beta", "Edited."))
	watching.waitPage(t, "guides/one/", "Edited.")
	if _, body := svGet(t, url+"guides/one/"); !strings.Contains(body, "The first guide.") {
		t.Error("kb serve --no-watch rebuilt after an edit")
	}
}

// With no site in the current folder, kb serve shows the built-in example
// and says there is nothing to watch.
func TestServe_ExampleSite(t *testing.T) {
	t.Chdir(t.TempDir())
	s := svStart(t, "")
	if !strings.Contains(s.out.String(), "no files to watch") {
		t.Errorf("no word about watching: %s", s.out)
	}
	s.waitPage(t, "", "Working Together")
}

func TestServe_Usage(t *testing.T) {
	for _, args := range [][]string{{"serve", "extra"}, {"serve", "--poll", "-1s"}, {"serve", "--nope"}} {
		var out, errs bytes.Buffer
		if code := Run(context.Background(), args, &out, &errs); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
	var out, errs bytes.Buffer
	if code := Run(context.Background(), []string{"build", "--watch"}, &out, &errs); code != exitUsage || !strings.Contains(errs.String(), "--watch") {
		t.Errorf("build --watch on the example site: %d %s", code, errs.String())
	}
}

// kb build --watch writes to disk on every change, without a server.
func TestBuild_Watch(t *testing.T) {
	dir := svSite(t)
	dest := filepath.Join(t.TempDir(), "public")
	ctx, cancel := context.WithCancel(context.Background())
	out, errs := &testkit.Buffer{}, &testkit.Buffer{}
	code := make(chan int, 1)
	go func() { code <- Run(ctx, []string{"build", "--watch", "--source", dir, "--dest", dest}, out, errs) }()
	defer func() {
		cancel()
		if c := <-code; c != 0 {
			t.Errorf("kb build --watch exited with %d: %s", c, errs)
		}
	}()
	svWait(t, "the first build", func() bool { return strings.Contains(out.String(), "watching") })
	svWrite(t, filepath.Join(dir, "content", "guides", "two.md"), svPage("Guide two", "gamma", "Watched edit."))
	svWait(t, "the rebuilt page", func() bool {
		b, _ := os.ReadFile(filepath.Join(dest, "guides", "two", "index.html"))
		return strings.Contains(string(b), "Watched edit")
	})
	b, _ := os.ReadFile(filepath.Join(dest, "guides", "two", "index.html"))
	if strings.Contains(string(b), "live.js") {
		t.Error("kb build --watch output has the live-reload script")
	}
	svWait(t, "the rebuild line", func() bool { return strings.Contains(out.String(), "rebuilt content/guides/two.md") })
}

// TestServe_FirstBuildFails: when the first build fails there is no site
// to serve, and every page says why: the errors, as the terminal shows
// them, with the live-reload script that shows them in the overlay and
// reloads the page once a build succeeds.
func TestServe_FirstBuildFails(t *testing.T) {
	dir := svSite(t)
	readme := filepath.Join(dir, "content", "README.md")
	svWrite(t, readme, "# Start here\n\nSee [the <b>guide</b>](missing.md).\n")
	s := svStart(t, dir)
	want := `content/README.md:3:5: error: broken link &#34;missing.md&#34;: no such file [broken-link]`
	for _, page := range []string{"", "guides/one/", "no/such/page/"} {
		code, body := svGet(t, s.url+page)
		if code != http.StatusServiceUnavailable || !strings.Contains(body, want) || !strings.Contains(body, `_kb/live.js" data-build="0"`) {
			t.Errorf("GET /%s before any build succeeded: %d\n%s\nwant 503 with %s and the live-reload script", page, code, body, want)
		}
	}
	ev := s.events(t)
	if name, data := ev.next(t, "hello", "error"); name != "error" || !strings.Contains(data, `"file":"content/README.md","line":3,"col":5`) {
		t.Errorf("first event %s %s, want the error", name, data)
	}
	svWrite(t, readme, "# Start here\n\nSee [the guide](guides/one.md).\n")
	if name, data := ev.next(t, "error", "reload"); name != "reload" {
		t.Fatalf("after the fix: %s %s", name, data)
	}
	s.waitPage(t, "", "Start here")
}

// TestServe_ExternalMediaInCSP: the hosts site.yaml's external_media
// names are added to the Content-Security-Policy kb serve sends, in the
// preview and when serving a finished build; without them the policy is
// the site's own sources only.
func TestServe_ExternalMediaInCSP(t *testing.T) {
	csp := func(url string) string {
		t.Helper()
		res, err := http.Get(url)
		svMust(t, err)
		res.Body.Close()
		return res.Header.Get("Content-Security-Policy")
	}
	plain := svStart(t, svSite(t))
	if got := csp(plain.url); got != server.CSP {
		t.Errorf("without external_media: %q", got)
	}
	dir := svSite(t)
	svWrite(t, filepath.Join(dir, "site.yaml"), svSiteYAML+"external_media:\n  images: [img.shields.io]\n  frames: [\"https://www.youtube-nocookie.com\"]\n")
	for _, s := range []*svServer{svStart(t, dir), svStart(t, dir, "--no-watch")} {
		got := csp(s.url + "guides/one/")
		if !strings.Contains(got, "img-src 'self' data: https://img.shields.io;") || !strings.Contains(got, "frame-src 'self' https://www.youtube-nocookie.com") || !strings.Contains(got, "script-src 'self';") {
			t.Errorf("with external_media: %q", got)
		}
	}
}

// kb serve answers a missing page under /nl/ with the Dutch not-found
// page, and one elsewhere with the English page, which leads to the Dutch
// home too; both with status 404.
func TestServe_NotFoundInLanguage(t *testing.T) {
	dir := svSite(t)
	svWrite(t, filepath.Join(dir, "site.yaml"), strings.Replace(svSiteYAML, "    name: English\n", "    name: English\n  - code: nl\n    name: Nederlands\n", 1))
	svWrite(t, filepath.Join(dir, "content", "README.nl.md"), "---\ntitle: Begin hier\n---\n\nWelkom.\n")
	s := svStart(t, dir)
	s.waitPage(t, "nl/", "Welkom.")
	for _, c := range []struct{ path, want string }{
		{"nl/geen-pagina/", `<html lang="nl">`},
		{"nl/geen-pagina/", "<h1>Pagina niet gevonden</h1>"},
		{"no-page/", `<html lang="en">`},
		{"no-page/", "<h1>Page not found</h1>"},
		{"no-page/", `lang="nl">Naar de startpagina (Nederlands)</a>`},
	} {
		if code, body := svGet(t, s.url+c.path); code != http.StatusNotFound || !strings.Contains(body, c.want) {
			t.Errorf("GET %s = %d, want 404 with %s:\n%s", c.path, code, c.want, body)
		}
	}
}

// kb serve counts the warnings of every build and lists the first 10 (all
// of them with --verbose), saying how many more there are.
func TestServe_Warnings(t *testing.T) {
	dir := svSite(t)
	for i := range 12 {
		svWrite(t, filepath.Join(dir, "content", "stubs", fmt.Sprintf("p%02d.md", i)), fmt.Sprintf("# Stub %d\n", i))
	}
	for _, c := range []struct {
		args   []string
		listed int
		more   string
	}{
		{nil, 10, "warning: and 2 more warnings (--verbose lists them all)\n"},
		{[]string{"--verbose"}, 12, ""},
	} {
		s := svStart(t, dir, c.args...)
		if n := strings.Count(s.errs.String(), "[empty-page]"); n != c.listed {
			t.Errorf("kb serve %v lists %d warnings, want %d:\n%s", c.args, n, c.listed, s.errs)
		}
		if got := strings.Count(s.errs.String(), "more warning"); (c.more == "") != (got == 0) || !strings.Contains(s.errs.String(), c.more) {
			t.Errorf("kb serve %v: want %q for the rest:\n%s", c.args, c.more, s.errs)
		}
		if !strings.Contains(s.out.String(), "built: 24 pages written, 3 sections, 12 warnings, 0 errors in ") {
			t.Errorf("kb serve %v: the count of warnings is missing:\n%s", c.args, s.out)
		}
	}
}
