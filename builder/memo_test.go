package builder

import (
	"context"
	"fmt"
	"kb/search"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// memoSite writes a two-language site with n pages in big/ (more than the
// sidebar's tree lists on every page when n > navBudget), a few in small/,
// Dutch translations, tags, weights, symptoms whose remedies link to other
// pages, and links with anchors between pages.
func memoSite(t *testing.T, src string, n int) func(name, data string) func() {
	t.Helper()
	write := func(name, data string) func() {
		return func() { writeFile(t, filepath.Join(src, filepath.FromSlash(name)), data) }
	}
	write("site.yaml", "title: Memo\nlanguages:\n  - {code: en, name: English}\n  - code: nl\n    name: Nederlands\n    sections: {big: Groot}\n")()
	write("README.md", "# Home\n\n[big](big/) and [small](small/).\n")()
	tags := []string{"sales", "support", "it", "hr"}
	for i := range n {
		kind, extra := "", ""
		if i%7 == 0 {
			kind, extra = "symptom", fmt.Sprintf("remedies: [p%03d.md]\nimpact: Slow.\nsignals: [late]\n", (i+3)%n)
		}
		weight := ""
		if i%5 == 0 {
			weight = fmt.Sprintf("weight: %d\n", i%3)
		}
		key := ""
		if i%20 == 0 {
			key = fmt.Sprintf("translation_key: k%d\n", i)
			write(fmt.Sprintf("big/p%03d.nl.md", i), fmt.Sprintf("---\ntitle: Pagina %d\ntranslation_key: k%d\ntags: [%s]\n---\n\nTekst %d.\n", i, i, tags[i%4], i))()
		}
		fm := fmt.Sprintf("---\ntitle: Page %03d\nsummary: About %d.\n%s%s%stags: [%s, %s]\n", i, i, weight, key, extra, tags[i%4], tags[(i/4)%4])
		if kind != "" {
			fm += "kind: " + kind + "\n"
		}
		body := fmt.Sprintf("%s---\n\n## Part one\n\nSee [the next](p%03d.md#part-two).\n\n## Part two\n\nText %d.\n", fm, (i+1)%n, i)
		write(fmt.Sprintf("big/p%03d.md", i), body)()
	}
	for i := range 4 {
		write(fmt.Sprintf("small/s%d.md", i), fmt.Sprintf("---\ntitle: Small %d\ntags: [hr]\n---\n\nSmall text [back](../big/p%03d.md).\n", i, i))()
	}
	return write
}

// TestSession_MemoMatchesFull makes every kind of edit a writer makes to
// a site larger than the sidebar's tree shows whole, and checks after each
// that the session's output equals a fresh build, and that an edit which
// changes what a few pages show renders only a few pages again.
func TestSession_MemoMatchesFull(t *testing.T) {
	src := t.TempDir()
	dest := filepath.Join(t.TempDir(), "public")
	const n = 230
	write := memoSite(t, src, n)
	page := func(i int, title, extra, body string) func() {
		return write(fmt.Sprintf("big/p%03d.md", i), fmt.Sprintf("---\ntitle: %s\nsummary: About %d.\ntags: [it]\n%s---\n\n## Part one\n\n%s\n\n## Part two\n\nText.\n", title, i, extra, body))
	}
	few := n / 3 // pages rendered again by an edit most pages do not show
	steps := []memoStep{
		{"title", page(11, "Renamed eleven", "", "See [the next](p012.md#part-two)."), few},
		{"title of a page a field names", write("big/p010.md", "---\ntitle: Remedy ten\nsummary: About 10.\ntags: [it]\n---\n\n## Part two\n\nText.\n"), few},
		{"body only", page(11, "Renamed eleven", "", "See [the next](p012.md#part-two), again."), 1},
		{"summary", page(11, "Renamed eleven", "", "Other words."), few},
		{"tags", page(11, "Renamed eleven", "tags: [sales, hr]\n", "Other words."), 0},
		{"weight", page(11, "Renamed eleven", "weight: 1\n", "Other words."), few},
		{"kind", page(11, "Renamed eleven", "kind: channel-agreement\nchannel: Chat\nuse_for: [quick questions]\nnot_for: [decisions]\nresponse_time: 1h\n", "Other words."), 0},
		{"owner", page(11, "Renamed eleven", "owner: Finance\n", "Other words."), 0},
		{"review date passed", page(11, "Renamed eleven", "owner: Finance\nreview_by: 2025-06-01\n", "Other words."), 0},
		{"heading renamed", write("big/p050.md", "---\ntitle: Page 050\ntags: [it]\n---\n\n## Only part\n\n## Part two\n\nText.\n"), 0},
		{"link to a page added", page(12, "Page 012 again", "", "See [eleven](p011.md) and [small](../small/s1.md)."), few},
		{"Dutch title", write("big/p020.nl.md", "---\ntitle: Pagina twintig\ntranslation_key: k20\ntags: [it]\n---\n\nTekst.\n"), few},
		{"page added among many", write("big/p100b.md", "---\ntitle: Page 100b\ntags: [it]\n---\n\nText.\n"), 0},
		{"page removed among many", func() { os.Remove(filepath.Join(src, "big", "p100b.md")) }, 0},
		{"page added", write("small/s9.md", "---\ntitle: Small nine\ntags: [hr]\n---\n\nNew.\n"), 0},
		{"page removed", func() { os.Remove(filepath.Join(src, "small", "s9.md")) }, 0},
		{"page added in a new folder named like another", write("small-extra/e1.md", "---\ntitle: Extra one\n---\n\nSee [small](../small/s1.md).\n"), 0},
		{"page added beside that folder", write("small-extra.md", "---\ntitle: Extra\n---\n\nSee [one](small-extra/e1.md).\n"), 0},
		{"two pages removed at once", func() {
			os.Remove(filepath.Join(src, "small-extra.md"))
			os.Remove(filepath.Join(src, "small", "s3.md"))
		}, 0},
		{"page beside no folder yet", write("later.md", "---\ntitle: Later\ntags: [hr]\n---\n\nSee [small](small/s1.md).\n"), 0},
		{"folder added beside that page", write("later/l1.md", "---\ntitle: Later one\ntags: [hr]\n---\n\nSee [later](../later.md).\n"), 0},
		{"page turned Dutch under a link", page(11, "Elf", "lang: nl\n", "Other words."), 0},
		{"image added", write("small/pic.png", "first bytes"), 0},
		{"page edited beside the image", page(13, "Thirteen", "", "Text."), few},
		{"image changed", write("small/pic.png", "second bytes"), 0},
		{"small title", write("small/s2.md", "---\ntitle: Small two renamed\ntags: [hr]\n---\n\nSmall text [back](../big/p002.md).\n"), few},
	}
	runMemoSession(t, src, dest, steps)
}

// TestSession_MemoSmallSite: on a site whose sidebar lists every page on
// every page, a title edit changes every page's tree; the pages are not
// rendered again for it, and the output equals a fresh build.
func TestSession_MemoSmallSite(t *testing.T) {
	src := t.TempDir()
	dest := filepath.Join(t.TempDir(), "public")
	write := memoSite(t, src, 30)
	runMemoSession(t, src, dest, []memoStep{
		{"title", write("big/p004.md", "---\ntitle: Four renamed\n---\n\n## Part two\n\nText.\n"), 35},
		{"title again", write("big/p004.md", "---\ntitle: Four renamed twice\n---\n\n## Part two\n\nText.\n"), 35},
	})
}

// TestSession_MemoOwnLayouts: a site with layouts of its own has every page
// rendered on every rebuild, since kb cannot know what they show.
func TestSession_MemoOwnLayouts(t *testing.T) {
	src := t.TempDir()
	dest := filepath.Join(t.TempDir(), "public")
	write := memoSite(t, src, 30)
	base, err := os.ReadFile(filepath.Join("..", "themes", "default", "layouts", "page.html"))
	if err != nil {
		t.Fatal(err)
	}
	write("theme/layouts/page.html", strings.Replace(string(base), `{{template "article" .}}`, `{{template "article" .}}<p>{{len .Site.Pages}} pages</p>`, 1))()
	s := NewSession(Options{Source: src, Dest: dest})
	defer s.Close()
	ctx := context.Background()
	first, err := s.Build(ctx)
	if err != nil {
		t.Fatal(err, first.Diagnostics)
	}
	write("big/p004.md", "---\ntitle: Four renamed\n---\n\n## Part two\n\nText.\n")()
	res, err := s.Build(ctx)
	if err != nil {
		t.Fatal(err, res.Diagnostics)
	}
	if res.Rendered != first.Rendered {
		t.Errorf("rendered %d of %d pages", res.Rendered, first.Rendered)
	}
}

// memoStep is an edit and the most pages it may render again (0: any
// number).
type memoStep struct {
	name string
	do   func()
	most int
}

func runMemoSession(t *testing.T, src, dest string, steps []memoStep) {
	t.Helper()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := NewSession(Options{Source: src, Dest: dest, Now: now, NoStaticSearch: true})
	defer s.Close()
	ctx := context.Background()
	first, err := s.Build(ctx)
	if err != nil {
		t.Fatal(err, first.Diagnostics)
	}
	for _, st := range steps {
		st.do()
		res, err := s.Build(ctx)
		if err != nil {
			t.Fatalf("%s: %v %v", st.name, err, res.Diagnostics)
		}
		fresh := filepath.Join(t.TempDir(), "public")
		want, err := Build(ctx, Options{Source: src, Dest: fresh, Now: now, NoStaticSearch: true})
		if err != nil {
			t.Fatalf("%s: full build: %v %v", st.name, err, want.Diagnostics)
		}
		if got, want := diagStrings(res.Diagnostics), diagStrings(want.Diagnostics); got != want {
			t.Errorf("%s: diagnostics\n%s\nwant\n%s", st.name, got, want)
		}
		compareTrees(t, st.name, fresh, dest)
		compareDocs(t, st.name, s, src, now)
		if st.most > 0 && res.Rendered > st.most {
			t.Errorf("%s: rendered %d of %d pages, want at most %d", st.name, res.Rendered, first.Rendered, st.most)
		}
		t.Logf("%s: rendered %d of %d", st.name, res.Rendered, first.Rendered)
	}
}

// compareDocs fails unless the search documents the session indexed are
// those of a fresh load of src.
func compareDocs(t *testing.T, step string, s *Session, src string, now time.Time) {
	t.Helper()
	site, _, _, err := Load(context.Background(), Options{Source: src, Now: now})
	if err != nil {
		t.Fatal(step, err)
	}
	defer site.Close()
	want := docHashes(site.SearchDocs())
	for u, sum := range want {
		if got, ok := s.docs[u]; !ok {
			t.Errorf("%s: the document of %s is not indexed", step, u)
		} else if got != sum {
			t.Errorf("%s: the document of %s is not as a full build makes it", step, u)
		}
	}
	for u := range s.docs {
		if _, ok := want[u]; !ok {
			t.Errorf("%s: the document of %s is left over", step, u)
		}
	}
}

// TestRelated_BestFirst: a playbook's related pages are the five with the
// highest score (2 for a link either way, one per shared tag), ties by
// path, among the playbooks of its language in its folder.
func TestRelated_BestFirst(t *testing.T) {
	src := t.TempDir()
	page := func(name, lang, tags, body string) {
		writeFile(t, filepath.Join(src, "docs", name+".md"), fmt.Sprintf(
			"---\ntitle: %s\nkind: channel-agreement\nlang: %s\ntags: [%s]\nchannel: Chat\nuse_for: [a]\nnot_for: [b]\nresponse_time: 1h\n---\n\n%s\n", name, lang, tags, body))
	}
	writeFile(t, filepath.Join(src, "site.yaml"), "title: Related\nlanguages:\n  - {code: en, name: English}\n  - {code: nl, name: Nederlands}\n")
	page("a", "en", "red, green, blue", "See [e](e.md).")
	page("b", "en", "red", "")
	page("c", "en", "red, green", "")
	page("d", "en", "red, green, blue", "")
	page("e", "en", "grey", "")
	page("f", "en", "green", "")
	page("g", "en", "blue", "")
	page("h", "en", "pink", "")
	page("i", "nl", "red, green, blue", "")
	site, _, diags, err := Load(context.Background(), Options{Source: src})
	if err != nil || diags.Errors() > 0 {
		t.Fatal(err, diags)
	}
	defer site.Close()
	var got []string
	for _, p := range site.PageByPath("docs/a.md").Related {
		got = append(got, strings.TrimSuffix(filepath.Base(p.Path), ".md"))
	}
	if want := "d c e b f"; strings.Join(got, " ") != want {
		t.Errorf("related %v, want %s", got, want)
	}
}

// TestDocHashes_EveryField: a change to any field of a search document
// changes its hash, so that a rebuild indexes it again.
func TestDocHashes_EveryField(t *testing.T) {
	base := search.Doc{URL: "/a/", Tags: []string{"x"}}
	sum := docHashes([]search.Doc{base})["/a/"]
	rt := reflect.TypeOf(base)
	for i := range rt.NumField() {
		d := base
		d.Tags = slices.Clone(base.Tags)
		f := reflect.ValueOf(&d).Elem().Field(i)
		switch f.Kind() {
		case reflect.String:
			if rt.Field(i).Name == "URL" {
				continue // the key
			}
			f.SetString("changed")
		case reflect.Slice:
			f.Set(reflect.Append(f, reflect.ValueOf("changed")))
		default:
			t.Fatalf("field %s: kind %s not covered", rt.Field(i).Name, f.Kind())
		}
		if docHashes([]search.Doc{d})["/a/"] == sum {
			t.Errorf("changing %s leaves the hash as it was", rt.Field(i).Name)
		}
	}
}
