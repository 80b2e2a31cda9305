package builder

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"kb/themes"
)

// defaultThemeCopy returns the default theme's files as a MapFS, with edit
// applied to each file's text.
func defaultThemeCopy(t *testing.T, edit func(name, text string) string) fstest.MapFS {
	t.Helper()
	out := fstest.MapFS{}
	err := fs.WalkDir(themes.Default(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(themes.Default(), p)
		if err != nil {
			return err
		}
		out[p] = &fstest.MapFile{Data: []byte(edit(p, string(data)))}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// dropLine removes the line starting with prefix from the named file.
func dropLine(file, prefix string) func(name, text string) string {
	return func(name, text string) string {
		if name != file {
			return text
		}
		var keep []string
		for _, l := range strings.Split(text, "\n") {
			if !strings.HasPrefix(l, prefix) {
				keep = append(keep, l)
			}
		}
		return strings.Join(keep, "\n")
	}
}

// TestLoadTheme_StringsStrict: a theme whose strings files disagree, or whose
// templates ask for a key no strings file has, does not load, and the error
// names the file and the key.
func TestLoadTheme_StringsStrict(t *testing.T) {
	site := func(files map[string]string) fs.FS {
		top := fstest.MapFS{}
		for name, text := range files {
			top[name] = &fstest.MapFile{Data: []byte(text)}
		}
		return themes.Layered(top, themes.Default())
	}
	for _, c := range []struct {
		name  string
		theme fs.FS
		want  []string
	}{
		{"key missing in nl", defaultThemeCopy(t, dropLine("i18n/nl.yaml", "search_placeholder:")),
			[]string{"i18n/nl.yaml", `missing key "search_placeholder"`}},
		{"key kb needs missing in en", defaultThemeCopy(t, func(name, text string) string {
			return dropLine("i18n/nl.yaml", "callout_tip:")(name, dropLine("i18n/en.yaml", "callout_tip:")(name, text))
		}), []string{"i18n/en.yaml", `missing key "callout_tip"`}},
		{"unknown key in a site's file", site(map[string]string{"i18n/nl.yaml": "serach_placeholder: Zoek\n"}),
			[]string{"i18n/nl.yaml", `unknown key "serach_placeholder"`}},
		{"language file short of keys", site(map[string]string{"i18n/de.yaml": "search: Suche\n"}),
			[]string{"i18n/de.yaml", "missing key"}},
		{"empty string", site(map[string]string{"i18n/nl.yaml": "search:\n"}),
			[]string{"i18n/nl.yaml", `key "search" has no text`}},
		{"template asks for a missing key", site(map[string]string{
			"layouts/page.html": "{{define \"main\"}}\n{{if .Page}}<p>{{$.T \"no_such_key\"}}</p>{{end}}{{end}}{{template \"baseof.html\" .}}"}),
			[]string{"page.html:2:", `no strings file has key "no_such_key"`}},
		{"partial asks for a missing key", site(map[string]string{
			"layouts/partials/extra.html": `{{define "extra"}}{{with .V}}{{.T "nope"}}{{end}}{{end}}`}),
			[]string{"extra.html:1:", `"nope"`}},
		{"template asks another language for a missing key", site(map[string]string{
			"layouts/404.html": "{{define \"main\"}}\n{{range .Switch}}<a>{{$.TIn .Code \"go_hom\"}}</a>{{end}}{{end}}{{template \"baseof.html\" .}}"}),
			[]string{"404.html:2:", `no strings file has key "go_hom"`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := LoadTheme(c.theme)
			if err == nil {
				t.Fatal("theme loaded")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
	if _, err := LoadTheme(site(map[string]string{"layouts/partials/extra.html": `{{define "extra"}}{{.V.T "search"}}{{end}}`})); err != nil {
		t.Errorf("a template asking for a known key: %v", err)
	}
}

// TestBuild_StringsOverride: a site's theme/i18n/nl.yaml replaces single
// Dutch strings; the other Dutch strings and the English ones stay.
func TestBuild_StringsOverride(t *testing.T) {
	files := map[string]string{"theme/i18n/nl.yaml": "search_placeholder: Zoek hier…\ncallout_tip: Handig\n"}
	for k, v := range fixture {
		files[k] = v
	}
	res, dest := mustBuild(t, site(t, files))
	if res.Diagnostics.Errors()+res.Diagnostics.Warnings() != 0 {
		t.Fatalf("diagnostics: %s", diagStrings(res.Diagnostics))
	}
	nl := readFile(t, filepath.Join(dest, "nl/symptoms/dubbel-werk/index.html"))
	for _, want := range []string{`placeholder="Zoek hier…"`, `<p class="callout-title">Handig</p>`, "Naar de inhoud"} {
		if !strings.Contains(nl, want) {
			t.Errorf("Dutch page lacks %s", want)
		}
	}
	en := readFile(t, filepath.Join(dest, "symptoms/duplicate-work/index.html"))
	if !strings.Contains(en, `placeholder="Search playbooks…"`) || strings.Contains(en, "Zoek hier") {
		t.Error("English page does not keep its placeholder")
	}
}

// translatedStrings is the default theme's en.yaml with the lines given
// in old, new pairs replaced: a strings file for another language.
func translatedStrings(t *testing.T, oldnew ...string) string {
	t.Helper()
	en, err := fs.ReadFile(themes.Default(), "i18n/en.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return strings.NewReplacer(oldnew...).Replace(string(en))
}

// languageSite is a site in English and lang with one page in lang holding a
// callout, a task list and a review date.
func languageSite(t *testing.T, lang string, extra map[string]string) string {
	files := map[string]string{
		"site.yaml":         "title: T\ndefault_language: en\nlanguages:\n  - {code: en, name: English}\n  - {code: " + lang + ", name: " + lang + "}\n",
		"content/README.md": "---\ntitle: Home\n---\n\nWelcome, see [the page](page.md).\n",
		"content/page.md": "---\ntitle: Seite\nlang: " + lang + "\nreview_by: 2026-06-30\n---\n\n" +
			"> [!NOTE]\n> Lies das.\n\n- [x] eins\n- [ ] zwei\n",
	}
	for k, v := range extra {
		files[k] = v
	}
	return site(t, files)
}

// TestBuild_ThirdLanguage: a language is a site.yaml entry and a strings
// file; its pages show its strings in the layouts, callouts, task lists and
// dates.
func TestBuild_ThirdLanguage(t *testing.T) {
	de := translatedStrings(t, "search_placeholder_plain: Search…", "search_placeholder_plain: Suchen…",
		"callout_note: Note", "callout_note: Hinweis", "task_done: Done", "task_done: Erledigt",
		"task_not_done: Not done", "task_not_done: Offen", "month_6: June", "month_6: Juni",
		"date_format: \"{day} {month} {year}\"", "date_format: \"{day}. {month} {year}\"")
	res, dest := mustBuild(t, languageSite(t, "de", map[string]string{"theme/i18n/de.yaml": de}))
	if res.Diagnostics.Errors()+res.Diagnostics.Warnings() != 0 {
		t.Fatalf("diagnostics: %s", diagStrings(res.Diagnostics))
	}
	page := readFile(t, filepath.Join(dest, "de/page/index.html"))
	for _, want := range []string{`<html lang="de">`, `placeholder="Suchen…"`, `<p class="callout-title">Hinweis</p>`,
		`aria-label="Erledigt"`, `aria-label="Offen"`, ">30. Juni 2026</time>"} {
		if !strings.Contains(page, want) {
			t.Errorf("German page lacks %s", want)
		}
	}
	home := readFile(t, filepath.Join(dest, "index.html"))
	if !strings.Contains(home, `placeholder="Search…"`) {
		t.Error("English home page lost its strings")
	}
}

// TestBuild_LanguageWithoutStrings: a language with no strings file builds
// with English strings and one warning naming it and the file to add.
func TestBuild_LanguageWithoutStrings(t *testing.T) {
	res, dest := mustBuild(t, languageSite(t, "fr", nil))
	got := diagStrings(res.Diagnostics)
	if res.Diagnostics.Errors() != 0 || res.Diagnostics.Warnings() != 1 || !strings.Contains(got, "language fr has no strings file (theme/i18n/fr.yaml)") {
		t.Fatalf("diagnostics:\n%s", got)
	}
	page := readFile(t, filepath.Join(dest, "fr/page/index.html"))
	for _, want := range []string{`<html lang="fr">`, `placeholder="Search…"`, `<p class="callout-title">Note</p>`, `aria-label="Done"`, ">30 June 2026</time>"} {
		if !strings.Contains(page, want) {
			t.Errorf("French page lacks %s", want)
		}
	}
}

// TestBuild_SourcesShown: a page's sources are named at its foot, in the
// page's language, so readers can check them.
func TestBuild_SourcesShown(t *testing.T) {
	_, dest, err := build(t, site(t, map[string]string{
		"site.yaml":         "title: T\nlanguages:\n  - {code: en, name: English}\n  - {code: nl, name: Nederlands}\n",
		"content/a.md":      "---\ntitle: A\nsources: [\"Five signs of silos\", \"Meetings <that> work\"]\n---\n\nText.\n",
		"content/b.md":      "---\ntitle: B\nlang: nl\nsources: [\"Samenwerken tussen afdelingen\"]\n---\n\nTekst.\n",
		"content/c.md":      "# C\n\nNo sources.\n",
		"content/README.md": "# Home\n\n[a](a.md) [b](b.md) [c](c.md)\n",
	}))
	if err != nil {
		t.Fatal(err)
	}
	for page, want := range map[string]string{
		"a":    `<p class="sources">Based on: <cite>Five signs of silos</cite>; <cite>Meetings &lt;that&gt; work</cite>.</p>`,
		"nl/b": `<p class="sources">Gebaseerd op: <cite>Samenwerken tussen afdelingen</cite>.</p>`,
		"c":    "",
	} {
		data, err := os.ReadFile(filepath.Join(dest, page, "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		if want == "" {
			if strings.Contains(string(data), `class="sources"`) {
				t.Errorf("%s: a sources line on a page without sources", page)
			}
		} else if !strings.Contains(string(data), want) {
			t.Errorf("%s: the page lacks %s", page, want)
		}
	}
}

// TestFill checks fill against strings.Replacer, which it stands in for,
// on placeholders that repeat, are unknown, nest or are left open.
func TestFill(t *testing.T) {
	args := []string{"day", "2", "month", "{day} March", "year", "2026", "n", ""}
	for _, s := range []string{
		"", "plain", "{day} {month} {year}", "{year}-{year}", "{unknown} {day}", "{{day}}",
		"{day", "day}", "}{day}{", "{n} pages", "{} {day}", "{ day}", "é{month}ü",
	} {
		var pairs []string
		for i := 0; i+1 < len(args); i += 2 {
			pairs = append(pairs, "{"+args[i]+"}", args[i+1])
		}
		want := strings.NewReplacer(pairs...).Replace(s)
		if got := fill(s, args); got != want {
			t.Errorf("fill(%q) = %q, want %q", s, got, want)
		}
	}
	if got := fill("{a} and {a}", []string{"a", "x", "a", "y"}); got != "x and x" {
		t.Errorf("the first value of a name wins: got %q", got)
	}
}
