package builder

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestBuild_HostileContent feeds playbooks that try to break the build and
// checks each outcome: a clear error with file and line, or safe output.
func TestBuild_HostileContent(t *testing.T) {
	nest := func(unit string, n int) string { return strings.Repeat(unit, n) + "deep\n" }
	cases := []struct {
		name  string
		files map[string]string
		// want is a diagnostic the build must report; empty means the build
		// must succeed.
		want string
		// check inspects the output of a successful build.
		check func(t *testing.T, dest string)
	}{
		// With a site.yaml; without one such pages are published, their
		// front matter shown as text (see TestBuild_NoConfigShowsUnreadablePages).
		{name: "invalid YAML", files: map[string]string{"p.md": "---\ntitle: [unclosed\n---\n", "site.yaml": strictLinks},
			want: "p.md:2:1: error: front matter is not valid YAML"},
		{name: "YAML alias bomb", files: map[string]string{"p.md": "---\n" + yamlBomb + "---\n", "site.yaml": strictLinks},
			want: "p.md:"},
		{name: "YAML alias bomb without site.yaml", files: map[string]string{"p.md": "---\n" + yamlBomb + "---\n"},
			check: exists("p/index.html")},
		{name: "50 MB file", files: map[string]string{"p.md": strings.Repeat("word ", 10<<20)},
			want: "p.md: error: file is 52428800 bytes, larger than the limit of 524288 (markdown.max_file_size) [source]"},
		{name: "binary named .md", files: map[string]string{"p.md": "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"},
			want: "p.md:3: error: binary file: contains a NUL byte [source]"},
		{name: "invalid UTF-8", files: map[string]string{"p.md": "# Title\n\nbad \xff\xfe here\n", "site.yaml": strictLinks},
			want: "p.md:3: error: not valid UTF-8 text [source]"},
		{name: "NUL byte", files: map[string]string{"p.md": "# A\n\ntext\x00more\n"},
			want: "p.md:3: error: binary file: contains a NUL byte [source]"},
		{name: "deep lists", files: map[string]string{"p.md": "# Deep\n\n" + nest("- ", 10000)},
			want: "p.md:3: error: lists or quotes nested 10000 levels deep (at most 100) [source]"},
		{name: "deep quotes", files: map[string]string{"p.md": nest(">", 10000)},
			want: "p.md:1: error: lists or quotes nested 10000 levels deep (at most 100) [source]"},
		{name: "deep indented lists", files: map[string]string{"p.md": nestedIndent(300)},
			want: "error: lists or quotes nested"},
		{name: "ordinary nesting", files: map[string]string{"p.md": nest("> ", 20) + nestedIndent(10)}, check: exists("p/index.html")},
		{name: "script in front matter", files: map[string]string{"p.md": "---\ntitle: \"<script>alert(1)</script>\"\nsummary: \"<img src=x onerror=alert(1)>\"\nowner: \"<b>x</b>\"\n---\n[x](javascript:alert(1)) [y](JaVaScRiPt:alert(1)) <svg onload=alert(1)>\n"},
			check: noneOf("p/index.html", "<script>alert", "<img src=x", "javascript:", "JaVaScRiPt:", "<svg onload", "<b>x</b>")},
		{name: "script in tags", files: map[string]string{"p.md": "---\ntitle: T\ntags: [\"<script>\"]\n---\n"},
			want: `p.md:3:1: error: tag "<script>" must be lowercase letters, digits and hyphens [front-matter]`},
		{name: "alias traversal", files: map[string]string{"p.md": "---\ntitle: T\naliases: [\"../../etc/x\"]\n---\n"},
			want: `p.md:3:1: error: alias "../../etc/x" must be a site path`},
		{name: "alias encoded traversal", files: map[string]string{"p.md": "---\ntitle: T\naliases: [\"/a/%2e%2e%2f%2e%2e%2fx\"]\n---\n"},
			want: `p.md:3:1: error: alias "/a/%2e%2e%2f%2e%2e%2fx" must be a site path`},
		{name: "alias windows separators", files: map[string]string{"p.md": "---\ntitle: T\naliases: ['a\\..\\..\\x']\n---\n"},
			want: `must be a site path`},
		{name: "link traversal", files: map[string]string{"p.md": "[x](../../../../etc/passwd)\n", "site.yaml": strictLinks},
			want: `p.md:1:1: error: broken link "../../../../etc/passwd": points outside the content folder [broken-link]`},
		{name: "encoded link traversal", files: map[string]string{"p.md": "[x](%2e%2e/%2e%2e/secret.md)\n", "site.yaml": strictLinks},
			want: `points outside the content folder [broken-link]`},
		// Backslashes written \\ in Markdown (\. alone is an escaped dot).
		{name: "windows link traversal", files: map[string]string{"p.md": "[x](..\\\\..\\\\secret.md)\n", "site.yaml": strictLinks},
			want: `points outside the content folder [broken-link]`},
		{name: "image outside content", files: map[string]string{"p.md": "![secret](../secret.png)\n", "../secret.png": "x", "site.yaml": strictLinks},
			want: `p.md:1:1: error: broken link "../secret.png": points outside the content folder [broken-link]`},
		{name: "hostile raw HTML", files: map[string]string{"p.md": "<details open ontoggle=alert(1)><summary>s</summary>\n\n<img src=\"a.png\" alt=\"a\" onerror=alert(1)> <a href=\"java&#x09;script:alert(1)\">j</a>\n\n</details></div></main><script>alert(1)</script><style>*{}</style>\n", "a.png": "x"},
			check: noneOf("p/index.html", "ontoggle", "onerror", "script:alert", "<script>alert", "<style>*")},
		{name: "raw image outside content", files: map[string]string{"p.md": "text\n\n<img src=\"../secret.png\" alt=\"s\">\n", "../secret.png": "x", "site.yaml": strictLinks},
			want: `p.md:3:1: error: broken link "../secret.png": points outside the content folder [broken-link]`},
		// With a site.yaml; without one the second page moves (see
		// TestBuild_NoConfigMovesDuplicateURLs).
		{name: "two files one URL", files: map[string]string{"a.md": "# A\n", "a/index.md": "# A again\n", "site.yaml": strictLinks},
			want: "publish the URL /a/"},
		{name: "case-folded collision", files: map[string]string{"Restart-DB.md": "# A\n", "restart-db.md": "# B\n", "site.yaml": strictLinks},
			want: "publish the URL /restart-db/"},
		{name: "names with spaces, accents and emoji", files: map[string]string{
			"field notes.md": "# Notes\n\n[c](co%C3%B6rdinatie.md) [e](<party 🎉.md>)\n", "coördinatie.md": "# Coördinatie\n", "party 🎉.md": "# Party\n"},
			check: exists("field-notes/index.html", "coördinatie/index.html", "party/index.html")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			parent := t.TempDir()
			src := filepath.Join(parent, "site")
			for name, data := range c.files {
				writeFile(t, filepath.Join(src, filepath.FromSlash(name)), data)
			}
			dest := filepath.Join(parent, "out", "public")
			var before string
			if c.want != "" {
				before = lastGoodOutput(t, dest)
			}
			res, err := Build(context.Background(), Options{Source: src, Dest: dest, Now: testNow, ParseTimeout: 5 * time.Second})
			got := diagStrings(res.Diagnostics)
			if c.want == "" {
				if err != nil {
					t.Fatalf("build failed: %v\n%s", err, got)
				}
				c.check(t, dest)
				return
			}
			if !errors.Is(err, ErrBuildFailed) {
				t.Fatalf("err = %v, want ErrBuildFailed; diagnostics:\n%s", err, got)
			}
			if !strings.Contains(got, c.want) {
				t.Errorf("diagnostics:\n%s\nwant: %s", got, c.want)
			}
			// The last good output is left as it was, and nothing beside it.
			compareDirs(t, "after the failed build", before, dest)
			if entries, _ := os.ReadDir(filepath.Dir(dest)); len(entries) != 1 {
				t.Errorf("left beside the output: %v", entries)
			}
			assertNothingOutside(t, parent, src)
		})
	}
}

// lastGoodOutput builds a small good site into dest and returns a copy of
// what it wrote, made elsewhere.
func lastGoodOutput(t *testing.T, dest string) string {
	t.Helper()
	src := site(t, map[string]string{"p.md": "---\ntitle: Good\ntags: [ops]\nowner: pmo\n---\n\nA good page.\n"})
	if _, err := Build(context.Background(), Options{Source: src, Dest: dest, Now: testNow}); err != nil {
		t.Fatalf("good build: %v", err)
	}
	copied := filepath.Join(t.TempDir(), "public")
	if err := os.CopyFS(copied, os.DirFS(dest)); err != nil {
		t.Fatal(err)
	}
	exists("p/index.html", "_kb/search/store/root.bolt")(t, copied)
	return copied
}

// nestedIndent writes a list nested n levels by indentation.
func nestedIndent(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(strings.Repeat("  ", i) + "- item\n")
	}
	return b.String()
}

const yamlBomb = `a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
`

func exists(files ...string) func(*testing.T, string) {
	return func(t *testing.T, dest string) {
		for _, f := range files {
			if _, err := os.Stat(filepath.Join(dest, filepath.FromSlash(f))); err != nil {
				t.Errorf("missing %s", f)
			}
		}
	}
}

func noneOf(file string, bad ...string) func(*testing.T, string) {
	return func(t *testing.T, dest string) {
		html := readFile(t, filepath.Join(dest, filepath.FromSlash(file)))
		for _, b := range bad {
			if strings.Contains(html, b) {
				t.Errorf("%s contains %q", file, b)
			}
		}
	}
}

// assertNothingOutside fails if anything but the source and the output
// folder exists in parent.
func assertNothingOutside(t *testing.T, parent, src string) {
	t.Helper()
	entries, _ := os.ReadDir(parent)
	for _, e := range entries {
		if e.Name() != "site" && e.Name() != "out" && e.Name() != "secret.png" {
			t.Errorf("unexpected %s next to the site", e.Name())
		}
	}
}

func TestBuild_YAMLBombIsCheap(t *testing.T) {
	src := site(t, map[string]string{"p.md": "---\n" + yamlBomb + "---\n", "site.yaml": "title: Checked\n"})
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, _, err := build(t, src)
	if !errors.Is(err, ErrBuildFailed) {
		t.Fatalf("err = %v", err)
	}
	runtime.ReadMemStats(&after)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s", d)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 200<<20 {
		t.Errorf("allocated %d MB", alloc>>20)
	}
}

func TestBuild_PathologicalMarkdownIsBounded(t *testing.T) {
	src := site(t, map[string]string{
		"slow.md": strings.Repeat("[a](<b", 40000), // superlinear in goldmark
		"ok.md":   "# Fine\n",
	})
	res, _, err := build(t, src, func(o *Options) { o.ParseTimeout = 200 * time.Millisecond })
	if !errors.Is(err, ErrBuildFailed) || !strings.Contains(diagStrings(res.Diagnostics), "slow.md: error: Markdown took longer than 200ms to parse") {
		t.Fatalf("err %v, diagnostics %s", err, diagStrings(res.Diagnostics))
	}
}

func TestScan_SymlinkPolicy(t *testing.T) {
	parent := t.TempDir()
	src := filepath.Join(parent, "site")
	writeFile(t, filepath.Join(parent, "secret.txt"), "SECRET")
	writeFile(t, filepath.Join(parent, "outside", "x.md"), "# X\n")
	writeFile(t, filepath.Join(src, "other.md"), "# Other\n\nshared text\n")
	for link, target := range map[string]string{
		"ok.md":   "other.md",
		"leak.md": filepath.Join(parent, "secret.txt"),
		"linkdir": filepath.Join(parent, "outside"),
		"loop.md": "loop.md",
	} {
		if err := os.Symlink(target, filepath.Join(src, link)); err != nil {
			t.Fatal(err)
		}
	}
	res, dest, err := build(t, src)
	got := diagStrings(res.Diagnostics)
	if !errors.Is(err, ErrBuildFailed) {
		t.Fatalf("err = %v\n%s", err, got)
	}
	for _, want := range []string{
		"leak.md: error: symbolic link points outside the content folder or nowhere",
		"loop.md: error: symbolic link points outside the content folder or nowhere",
		"linkdir: warning: symbolic link points outside the content folder or nowhere",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("diagnostics:\n%s\nwant %s", got, want)
		}
	}
	_ = dest
	// Without the escaping links the symlink inside the folder is published.
	os.Remove(filepath.Join(src, "leak.md"))
	os.Remove(filepath.Join(src, "loop.md"))
	res, dest = mustBuild(t, src)
	if !strings.Contains(readFile(t, filepath.Join(dest, "ok/index.html")), "shared text") {
		t.Error("symlink inside the content folder not published")
	}
	filepath.WalkDir(dest, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && bytes.Contains([]byte(readFile(t, p)), []byte("SECRET")) {
			t.Errorf("%s contains the secret", p)
		}
		return nil
	})
}

// TestScan_SpecialFiles: a named pipe, as a page, as a static file or
// behind a symbolic link, would block the build forever if read; it is
// skipped with a warning and the rest builds.
func TestScan_SpecialFiles(t *testing.T) {
	src := t.TempDir()
	writeFile(t, filepath.Join(src, "ok.md"), "# Ok\n")
	for _, p := range []string{"pipe.md", "pipe.txt"} {
		if err := syscall.Mkfifo(filepath.Join(src, p), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("pipe.txt", filepath.Join(src, "link.txt")); err != nil {
		t.Fatal(err)
	}
	res, dest := mustBuild(t, src)
	got := diagStrings(res.Diagnostics)
	for _, f := range []string{"pipe.md", "pipe.txt", "link.txt"} {
		if !strings.Contains(got, f+": warning: skipped: not a regular file") {
			t.Errorf("no warning for %s:\n%s", f, got)
		}
	}
	if _, err := os.Stat(filepath.Join(dest, "ok", "index.html")); err != nil {
		t.Error(err)
	}
}

// strictLinks is the site.yaml of a hostile site whose broken links must
// fail the build: without one, they are warnings.
const strictLinks = "title: Hostile\n"
